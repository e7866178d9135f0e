//! Appointment slots as a provider enters them (SPEC §8.1): a first start in local time, a
//! duration, how many in a row, and optionally the weekdays to repeat on until a date. The
//! series is worked out in civil (wall-clock) time and only then placed in the time zone, so a
//! weekly 09:00 stays 09:00 across a daylight-saving change.

use crate::provider::FieldMessages;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use time::OffsetDateTime;

/// One request creates at most this many slots.
pub const MAX_SLOTS_PER_REQUEST: usize = 500;
/// The shortest and longest appointment, in minutes.
pub const DURATION_MINUTES: std::ops::RangeInclusive<i64> = 5..=480;
/// How many consecutive slots one day of a series may hold at most.
const MAX_COUNT: i64 = MAX_SLOTS_PER_REQUEST as i64;

/// A series of slots, checked: every start is in UTC, in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotSeries {
    pub starts: Vec<OffsetDateTime>,
    pub duration_minutes: i64,
}

/// What a provider asks for, in the configured zone's wall-clock time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotRequest {
    pub first: DateTime,
    pub duration_minutes: i64,
    /// Consecutive slots on each day (1 when not given).
    pub count: i64,
    /// ISO weekdays, Monday = 1 … Sunday = 7; empty means the first day only.
    pub weekdays: Vec<i8>,
    /// The last day of the repetition, inclusive; needed with weekdays.
    pub repeat_until: Option<Date>,
}

impl SlotRequest {
    /// Checks the request and works out every start; all problems are reported at once, and
    /// nothing is produced unless the whole series is valid.
    pub fn expand(&self, zone: &TimeZone) -> Result<SlotSeries, FieldMessages> {
        let mut errors = FieldMessages::new();
        if !DURATION_MINUTES.contains(&self.duration_minutes) {
            errors.insert(
                "duration_minutes",
                "Enter a duration from 5 to 480 minutes.".into(),
            );
        }
        if !(1..=MAX_COUNT).contains(&self.count) {
            errors.insert(
                "count",
                format!("Enter how many slots in a row, from 1 to {MAX_COUNT}."),
            );
        }
        if self.weekdays.iter().any(|d| !(1..=7).contains(d)) {
            errors.insert("weekdays", "Weekdays are 1 (Monday) to 7 (Sunday).".into());
        }
        match (self.weekdays.is_empty(), self.repeat_until) {
            (false, None) => {
                errors.insert("repeat_until", "Enter the date to repeat until.".into());
            }
            (true, Some(_)) => {
                errors.insert("weekdays", "Choose the weekdays to repeat on.".into());
            }
            (_, Some(until)) if until < self.first.date() => {
                errors.insert(
                    "repeat_until",
                    "The repeat date must not be before the first date.".into(),
                );
            }
            _ => {}
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let days = self.days();
        let total = days.len() as i64 * self.count;
        if total == 0 {
            errors.insert(
                "weekdays",
                "No chosen weekday falls between the first date and the repeat date.".into(),
            );
            return Err(errors);
        }
        if total > MAX_SLOTS_PER_REQUEST as i64 {
            let field = if days.len() > 1 {
                "repeat_until"
            } else {
                "count"
            };
            errors.insert(
                field,
                format!(
                    "That would create {total} slots; at most {MAX_SLOTS_PER_REQUEST} can be \
                     created at once."
                ),
            );
            return Err(errors);
        }
        let mut starts = Vec::with_capacity(total as usize);
        for day in days {
            for k in 0..self.count {
                let civil = day.to_datetime(self.first.time())
                    + jiff::Span::new().minutes(k * self.duration_minutes);
                starts.push(to_utc(civil, zone).ok_or_else(|| {
                    let mut e = FieldMessages::new();
                    e.insert("starts_at", "That time cannot be used.".into());
                    e
                })?);
            }
        }
        starts.sort();
        starts.dedup();
        Ok(SlotSeries {
            starts,
            duration_minutes: self.duration_minutes,
        })
    }

    /// The days of the series: the first day alone, or every chosen weekday from the first day
    /// to the repeat date inclusive. Stops early once past the per-request cap.
    fn days(&self) -> Vec<Date> {
        let first = self.first.date();
        let Some(until) = self.repeat_until else {
            return vec![first];
        };
        let mut days = Vec::new();
        let mut day = first;
        while day <= until && (days.len() as i64) * self.count <= MAX_SLOTS_PER_REQUEST as i64 {
            if self
                .weekdays
                .contains(&day.weekday().to_monday_one_offset())
            {
                days.push(day);
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        days
    }
}

/// A wall-clock time in the zone as a UTC instant. A time that the clocks skip (spring forward)
/// moves forward by the gap, and one they pass twice (fall back) takes the earlier, as
/// calendars do.
fn to_utc(civil: DateTime, zone: &TimeZone) -> Option<OffsetDateTime> {
    let zoned = civil.to_zoned_datetime(zone.clone()).ok()?;
    let nanos = zoned.timestamp().as_nanosecond();
    OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
}

/// A time of day typed as `HH:MM`.
pub fn parse_time(text: &str) -> Option<Time> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    Time::new(h, m, 0, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn sydney() -> TimeZone {
        TimeZone::get("Australia/Sydney").expect("bundled zone")
    }

    fn request(first: DateTime) -> SlotRequest {
        SlotRequest {
            first,
            duration_minutes: 30,
            count: 1,
            weekdays: Vec::new(),
            repeat_until: None,
        }
    }

    fn local(at: OffsetDateTime, zone: &TimeZone) -> String {
        let ts = jiff::Timestamp::from_nanosecond(at.unix_timestamp_nanos()).unwrap();
        ts.to_zoned_datetime(zone.clone())
            .strftime("%a %Y-%m-%d %H:%M %z")
            .to_string()
    }

    #[test]
    fn consecutive_slots_follow_each_other_by_the_duration() {
        let series = SlotRequest {
            count: 3,
            ..request(date(2027, 3, 1).at(9, 0, 0, 0))
        }
        .expand(&TimeZone::UTC)
        .unwrap();
        let times: Vec<_> = series
            .starts
            .iter()
            .map(|s| local(*s, &TimeZone::UTC))
            .collect();
        assert_eq!(
            times,
            [
                "Mon 2027-03-01 09:00 +0000",
                "Mon 2027-03-01 09:30 +0000",
                "Mon 2027-03-01 10:00 +0000"
            ]
        );
    }

    #[test]
    fn a_weekly_series_across_the_april_change_keeps_its_local_start() {
        let zone = sydney();
        // Thursday 2027-04-01; daylight saving ends on Sunday 2027-04-04.
        let series = SlotRequest {
            weekdays: vec![1, 4],
            repeat_until: Some(date(2027, 4, 12)),
            ..request(date(2027, 4, 1).at(9, 0, 0, 0))
        }
        .expand(&zone)
        .unwrap();
        let times: Vec<_> = series.starts.iter().map(|s| local(*s, &zone)).collect();
        assert_eq!(
            times,
            [
                "Thu 2027-04-01 09:00 +1100",
                "Mon 2027-04-05 09:00 +1000",
                "Thu 2027-04-08 09:00 +1000",
                "Mon 2027-04-12 09:00 +1000"
            ]
        );
    }

    #[test]
    fn the_first_date_counts_only_when_it_is_a_chosen_weekday() {
        // Wednesday 2027-03-03, repeating on Mondays only.
        let series = SlotRequest {
            weekdays: vec![1],
            repeat_until: Some(date(2027, 3, 15)),
            ..request(date(2027, 3, 3).at(10, 0, 0, 0))
        }
        .expand(&TimeZone::UTC)
        .unwrap();
        assert_eq!(series.starts.len(), 2, "8 and 15 March");
    }

    #[test]
    fn more_than_500_slots_are_refused_whole() {
        let errors = SlotRequest {
            count: 20,
            weekdays: vec![1, 2, 3, 4, 5],
            repeat_until: Some(date(2027, 12, 31)),
            ..request(date(2027, 3, 1).at(8, 0, 0, 0))
        }
        .expand(&TimeZone::UTC)
        .unwrap_err();
        assert!(errors["repeat_until"].contains("at most 500"));
        let exactly = SlotRequest {
            count: 500,
            ..request(date(2027, 3, 1).at(0, 0, 0, 0))
        };
        let exactly = SlotRequest {
            duration_minutes: 5,
            ..exactly
        };
        assert_eq!(exactly.expand(&TimeZone::UTC).unwrap().starts.len(), 500);
    }

    #[test]
    fn bad_requests_name_their_fields() {
        let errors = SlotRequest {
            duration_minutes: 4,
            count: 0,
            weekdays: vec![8],
            repeat_until: None,
            ..request(date(2027, 3, 1).at(9, 0, 0, 0))
        }
        .expand(&TimeZone::UTC)
        .unwrap_err();
        let fields: Vec<_> = errors.keys().copied().collect();
        assert_eq!(
            fields,
            ["count", "duration_minutes", "repeat_until", "weekdays"]
        );
        let before = SlotRequest {
            weekdays: vec![1],
            repeat_until: Some(date(2027, 2, 1)),
            ..request(date(2027, 3, 1).at(9, 0, 0, 0))
        }
        .expand(&TimeZone::UTC)
        .unwrap_err();
        assert!(before.contains_key("repeat_until"));
    }

    #[test]
    fn times_are_typed_as_hours_and_minutes() {
        assert_eq!(parse_time("09:30"), Some(Time::constant(9, 30, 0, 0)));
        for bad in ["9", "24:00", "09:60", "ab:cd", ""] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
