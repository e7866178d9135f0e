//! The one integration test binary: `mod` lines only.

mod cli;
mod external;
mod helpers;
mod sign_in;
mod smtp;
