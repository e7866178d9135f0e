//! The one integration test binary: `mod` lines only.

mod helpers;
mod sign_in;
