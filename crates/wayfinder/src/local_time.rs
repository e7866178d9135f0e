//! Times for people, in the configured time zone (`WAYFINDER_TIMEZONE`): the one formatter that
//! pages and emails share. Storage and the API keep UTC; this is the edge where it converts.

use jiff::tz::TimeZone;
use time::OffsetDateTime;

/// `2 March 2026, 09:00 UTC`, or `2 March 2026, 20:00 AEDT` in Sydney.
pub fn when(zone: &TimeZone, t: OffsetDateTime) -> String {
    let Ok(at) = jiff::Timestamp::from_second(t.unix_timestamp()) else {
        return String::new();
    };
    at.to_zoned_datetime(zone.clone())
        .strftime("%-d %B %Y, %H:%M %Z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::when;
    use jiff::tz::TimeZone;
    use time::macros::datetime;

    #[test]
    fn a_time_in_utc_reads_with_its_zone() {
        let at = datetime!(2026-03-02 09:00 UTC);
        assert_eq!(when(&TimeZone::UTC, at), "2 March 2026, 09:00 UTC");
    }

    #[test]
    fn a_time_is_shown_in_the_configured_zone() {
        let sydney = TimeZone::get("Australia/Sydney").expect("zone");
        let at = datetime!(2026-03-02 09:00 UTC);
        assert_eq!(when(&sydney, at), "2 March 2026, 20:00 AEDT");
    }
}
