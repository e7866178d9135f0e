//! Background work besides mail delivery: the sweep of expired rows (and, with the kiosk, the
//! abandonment of idle kiosk sessions).

pub mod sweep;
