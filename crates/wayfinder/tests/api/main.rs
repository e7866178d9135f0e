//! The one integration test binary: `mod` lines only.

mod browser;
mod helpers;
mod sign_in;
