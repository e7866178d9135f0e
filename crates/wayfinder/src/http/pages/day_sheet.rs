//! A provider's day sheet (SPEC §8.1, for the reception desk): every booked appointment of the
//! provider's listings on a chosen day, in time order with the client's name, printable.

use super::{Nav, PageError, render};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::{QueryParams, path_id};
use crate::service::{slots, zone};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::{Permission, Provider};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new().get(
        "/providers/{id}/day-sheet",
        Access::Needs(Permission::ManageListings),
        day_sheet,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DayQuery {
    /// `YYYY-MM-DD`; today in the configured zone when absent.
    day: Option<String>,
}

/// One appointment of the sheet.
struct Line {
    time: String,
    duration_minutes: i64,
    listing_name: String,
    client_name: String,
}

#[derive(Template)]
#[template(path = "pages/slots/day_sheet.html")]
struct DaySheetPage {
    nav: Nav,
    provider: Provider,
    day: String,
    day_label: String,
    lines: Vec<Line>,
}

async fn day_sheet(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<DayQuery>,
) -> Result<Response, PageError> {
    let tz = &state.config.timezone;
    let day = match query
        .day
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => zone::today(state.now(), tz),
        Some(text) => zone::parse_day(text).ok_or_else(|| {
            AppError::field("day", "Enter the day as YYYY-MM-DD, like 2026-04-06.")
        })?,
    };
    let (provider, sheet) = slots::day_sheet(&state, &access.viewer, path_id(&id)?, day).await?;
    let lines = sheet
        .into_iter()
        .map(|l| Line {
            time: zone::clock(l.starts_at, tz),
            duration_minutes: l.duration_minutes,
            listing_name: l.listing_name,
            client_name: l
                .client_name
                .unwrap_or_else(|| "(name no longer kept)".into()),
        })
        .collect();
    Ok(render(&DaySheetPage {
        nav: Nav::new(&access.current, "/providers"),
        provider,
        day: day.to_string(),
        day_label: zone::long_day(day),
        lines,
    }))
}
