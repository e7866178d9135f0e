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

/// `Monday 2 March 2026`: the day in words, for the client's printed plan.
pub fn day(zone: &TimeZone, t: OffsetDateTime) -> String {
    format(zone, t, "%A %-d %B %Y")
}

/// `9:00 am UTC`: the time of day, for the client's printed plan.
pub fn time_of_day(zone: &TimeZone, t: OffsetDateTime) -> String {
    format(zone, t, "%-I:%M %P %Z")
}

fn format(zone: &TimeZone, t: OffsetDateTime, pattern: &str) -> String {
    let Ok(at) = jiff::Timestamp::from_second(t.unix_timestamp()) else {
        return String::new();
    };
    at.to_zoned_datetime(zone.clone())
        .strftime(pattern)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::{day, time_of_day, when};
    use jiff::tz::TimeZone;
    use time::macros::datetime;

    #[test]
    fn a_time_in_utc_reads_with_its_zone() {
        let at = datetime!(2026-03-02 09:00 UTC);
        assert_eq!(when(&TimeZone::UTC, at), "2 March 2026, 09:00 UTC");
    }

    #[test]
    fn the_printed_plan_says_the_day_in_words_and_the_time_of_day() {
        let sydney = TimeZone::get("Australia/Sydney").expect("zone");
        let at = datetime!(2026-03-02 09:00 UTC);
        assert_eq!(day(&sydney, at), "Monday 2 March 2026");
        assert_eq!(time_of_day(&sydney, at), "8:00 pm AEDT");
    }

    #[test]
    fn a_time_is_shown_in_the_configured_zone() {
        let sydney = TimeZone::get("Australia/Sydney").expect("zone");
        let at = datetime!(2026-03-02 09:00 UTC);
        assert_eq!(when(&sydney, at), "2 March 2026, 20:00 AEDT");
    }
}
