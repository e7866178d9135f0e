//! Add slots as typed: the JSON body of `POST /listings/{id}/slots` and the page's form, both
//! read into one [`SlotRequest`] in the configured zone's wall-clock time.

use super::zone;
use crate::error::{AppError, FieldErrors, Result};
use domain::slot_series::{DURATION_MINUTES, SlotRequest, parse_time};
use jiff::tz::TimeZone;
use serde::Deserialize;

/// The API body (SPEC §12).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewSlotsInput {
    /// The first slot's start, RFC 3339 with an offset; the series keeps its wall-clock time
    /// in the configured time zone.
    #[schema(format = DateTime)]
    pub starts_at: Option<String>,
    /// 5 to 480.
    pub duration_minutes: Option<i64>,
    /// Consecutive slots on each day (default 1).
    pub count: Option<i64>,
    /// ISO weekdays to repeat on, Monday = 1 … Sunday = 7 (needs `repeat_until`).
    pub weekdays: Option<Vec<i8>>,
    /// The last day of the repetition, `YYYY-MM-DD`, inclusive.
    #[schema(format = Date)]
    pub repeat_until: Option<String>,
}

fn repeat_until(text: &str, errors: &mut FieldErrors) -> Option<jiff::civil::Date> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let day = zone::parse_day(text);
    if day.is_none() {
        errors.insert(
            "repeat_until",
            "Enter a date as YYYY-MM-DD, like 2026-04-30.".into(),
        );
    }
    day
}

impl NewSlotsInput {
    pub fn request(&self, tz: &TimeZone) -> Result<SlotRequest> {
        let mut errors = FieldErrors::new();
        let first = match self.starts_at.as_deref().map(str::trim) {
            None | Some("") => {
                errors.insert("starts_at", "Enter the first slot's start.".into());
                None
            }
            Some(text) => zone::parse_instant(text)
                .map(|t| zone::local(t, tz).datetime())
                .or_else(|| {
                    errors.insert(
                        "starts_at",
                        "Enter the start as RFC 3339, like 2026-04-06T09:00:00+10:00.".into(),
                    );
                    None
                }),
        };
        if self.duration_minutes.is_none() {
            errors.insert("duration_minutes", "Enter the duration in minutes.".into());
        }
        let until = repeat_until(self.repeat_until.as_deref().unwrap_or(""), &mut errors);
        match (first, self.duration_minutes) {
            (Some(first), Some(duration_minutes)) if errors.is_empty() => Ok(SlotRequest {
                first,
                duration_minutes,
                count: self.count.unwrap_or(1),
                weekdays: self.weekdays.clone().unwrap_or_default(),
                repeat_until: until,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// The Add slots form, every field as typed (so that it can be shown again).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AddSlotsForm {
    pub date: String,
    pub start_time: String,
    pub duration_minutes: String,
    pub count: String,
    pub weekdays: Vec<String>,
    pub repeat_until: String,
}

impl Default for AddSlotsForm {
    fn default() -> Self {
        Self {
            date: String::new(),
            start_time: String::new(),
            duration_minutes: "30".into(),
            count: "1".into(),
            weekdays: Vec::new(),
            repeat_until: String::new(),
        }
    }
}

fn whole_number(text: &str, field: &'static str, errors: &mut FieldErrors) -> Option<i64> {
    let number = text.trim().parse().ok();
    if number.is_none() {
        errors.insert(field, "Enter a whole number.".into());
    }
    number
}

impl AddSlotsForm {
    /// Whether the weekday (1 = Monday) is ticked.
    pub fn has_weekday(&self, day: &i8) -> bool {
        self.weekdays.iter().any(|d| d == &day.to_string())
    }

    /// The form as a request; the field names are the form's.
    pub fn request(&self) -> Result<SlotRequest> {
        let mut errors = FieldErrors::new();
        let date = zone::parse_day(&self.date);
        if date.is_none() {
            errors.insert(
                "date",
                "Enter the date as YYYY-MM-DD, like 2026-04-06.".into(),
            );
        }
        let time = parse_time(self.start_time.trim());
        if time.is_none() {
            errors.insert(
                "start_time",
                "Enter the start time as HH:MM, like 09:00.".into(),
            );
        }
        let duration = whole_number(&self.duration_minutes, "duration_minutes", &mut errors);
        // Checked here too, so that it is reported together with the form's own problems.
        if duration.is_some_and(|d| !DURATION_MINUTES.contains(&d)) {
            errors.insert(
                "duration_minutes",
                "Enter a duration from 5 to 480 minutes.".into(),
            );
        }
        let count = if self.count.trim().is_empty() {
            Some(1)
        } else {
            whole_number(&self.count, "count", &mut errors)
        };
        let weekdays: Vec<i8> = self
            .weekdays
            .iter()
            .filter_map(|d| d.trim().parse().ok())
            .collect();
        if weekdays.len() != self.weekdays.len() {
            errors.insert("weekdays", "Choose weekdays from the list.".into());
        }
        let until = repeat_until(&self.repeat_until, &mut errors);
        match (date, time, duration, count) {
            (Some(date), Some(time), Some(duration_minutes), Some(count)) if errors.is_empty() => {
                Ok(SlotRequest {
                    first: date.to_datetime(time),
                    duration_minutes,
                    count,
                    weekdays,
                    repeat_until: until,
                })
            }
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// The series' field errors under the form's names (the series speaks of `starts_at`).
pub fn form_errors(error: AppError) -> AppError {
    match error {
        AppError::Validation(fields) => AppError::Validation(
            fields
                .into_iter()
                .map(|(k, v)| (if k == "starts_at" { "start_time" } else { k }, v))
                .collect(),
        ),
        other => other,
    }
}
