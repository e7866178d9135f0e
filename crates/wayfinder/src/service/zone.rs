//! The configured time zone (SPEC §8.1): times are stored as UTC instants and entered and shown
//! as wall-clock times of `WAYFINDER_TIMEZONE`. jiff knows the zone rules; `time` is what the
//! store speaks, so this is the glue between the two.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use time::OffsetDateTime;

/// The instant as a jiff timestamp.
pub fn timestamp(t: OffsetDateTime) -> Timestamp {
    // Every OffsetDateTime the store holds is within jiff's range (years -9999 to 9999).
    Timestamp::from_nanosecond(t.unix_timestamp_nanos()).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The jiff timestamp as an instant.
pub fn instant(t: Timestamp) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(t.as_nanosecond())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The instant on the zone's clocks.
pub fn local(t: OffsetDateTime, zone: &TimeZone) -> ZonedDateTime {
    timestamp(t).to_zoned_datetime(zone.clone())
}

/// The instant at which `day` starts in the zone (its first moment, even when midnight is
/// skipped by a daylight-saving change).
pub fn start_of(day: Date, zone: &TimeZone) -> OffsetDateTime {
    day.to_zoned_datetime(zone.clone())
        .map(|z| instant(z.timestamp()))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `[start, end)` of the day in the zone.
pub fn day_range(day: Date, zone: &TimeZone) -> (OffsetDateTime, OffsetDateTime) {
    let next = day.tomorrow().unwrap_or(day);
    (start_of(day, zone), start_of(next, zone))
}

/// RFC 3339 with the zone's offset at that instant, such as `2026-04-06T09:00:00+10:00`.
pub fn rfc3339(t: OffsetDateTime, zone: &TimeZone) -> String {
    local(t, zone).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// `2026-04-06 09:00`, on the zone's clocks.
pub fn short(t: OffsetDateTime, zone: &TimeZone) -> String {
    local(t, zone).strftime("%Y-%m-%d %H:%M").to_string()
}

/// `09:00`, on the zone's clocks.
pub fn clock(t: OffsetDateTime, zone: &TimeZone) -> String {
    local(t, zone).strftime("%H:%M").to_string()
}

/// A day for people: `Monday 6 April 2026`.
pub fn long_day(day: Date) -> String {
    day.strftime("%A %-d %B %Y").to_string()
}

/// A day typed as `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Date> {
    let text = text.trim();
    (text.len() == 10).then(|| text.parse().ok()).flatten()
}

/// An RFC 3339 instant (with an offset or `Z`).
pub fn parse_instant(text: &str) -> Option<OffsetDateTime> {
    text.trim().parse::<Timestamp>().ok().map(instant)
}

/// The day that holds `now` in the zone.
pub fn today(now: OffsetDateTime, zone: &TimeZone) -> Date {
    local(now, zone).date()
}

/// The start of next Monday in the zone: the end of the week that holds `now`.
pub fn week_end(now: OffsetDateTime, zone: &TimeZone) -> OffsetDateTime {
    let today = today(now, zone);
    let days_left = 8 - i64::from(today.weekday().to_monday_one_offset());
    let monday = today
        .checked_add(jiff::Span::new().days(days_left))
        .unwrap_or(today);
    start_of(monday, zone)
}

/// A short date for cards: `6 Apr 2026`, on the zone's calendar.
pub fn short_date(t: OffsetDateTime, zone: &TimeZone) -> String {
    local(t, zone).strftime("%-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_sydney_day_across_the_april_change_lasts_twenty_five_hours() {
        let sydney = TimeZone::get("Australia/Sydney").unwrap();
        let (from, until) = day_range(jiff::civil::date(2026, 4, 5), &sydney);
        assert_eq!(from, datetime!(2026-04-04 13:00 UTC));
        assert_eq!(until, datetime!(2026-04-05 14:00 UTC));
        assert_eq!(
            rfc3339(datetime!(2026-04-05 23:00 UTC), &sydney),
            "2026-04-06T09:00:00+10:00"
        );
    }

    #[test]
    fn the_week_ends_at_the_start_of_next_monday_in_the_zone() {
        let sydney = TimeZone::get("Australia/Sydney").unwrap();
        // Wednesday 4 March 2026, 10:00 in Sydney (UTC+11).
        let end = week_end(datetime!(2026-03-03 23:00 UTC), &sydney);
        assert_eq!(end, datetime!(2026-03-08 13:00 UTC));
        assert_eq!(
            long_day(jiff::civil::date(2026, 3, 9)),
            "Monday 9 March 2026"
        );
    }
}
