//! A booking listing's Slots page (SPEC §8.1): upcoming slots by day with "Show past", Add slots
//! with a preview of the times before **Create slots**, remove a free slot, and cancel a booked
//! one behind a confirmation.

use super::{
    Flash, Nav, Notice, PageError, PageForm, Pager, announce, encode_query, field_error, render,
    render_status,
};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::{QueryParams, path_id};
use crate::service::slot_input::{AddSlotsForm, form_errors};
use crate::service::slots::{self, Range, SlotLine};
use crate::service::{listings, zone};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::listing::Listing;
use domain::{PageNumber, Permission, Provider, SlotId, Viewer};
use serde::Deserialize;
use store::slots::SlotStatus;
use time::OffsetDateTime;

pub fn routes() -> Routes {
    let manage = Access::Needs(Permission::ManageListings);
    Routes::new()
        .get("/listings/{id}/slots", manage, index)
        .post("/listings/{id}/slots", manage, create)
        .get("/listings/{id}/slots/new", manage, new_form)
        .post("/listings/{id}/slots/preview", manage, preview)
        .post("/slots/{id}/remove", manage, remove)
        .get("/slots/{id}/cancel", manage, confirm_cancel)
        .post("/slots/{id}/cancel", manage, cancel)
}

/// One slot of the page.
pub struct Row {
    pub id: String,
    pub time: String,
    pub status: &'static str,
    pub client_name: Option<String>,
}

/// The slots of one day in the configured zone.
pub struct Day {
    pub label: String,
    pub rows: Vec<Row>,
}

fn time_span(state: &AppState, starts_at: OffsetDateTime, minutes: i64) -> String {
    let tz = &state.config.timezone;
    let ends = starts_at + time::Duration::minutes(minutes);
    format!("{}–{}", zone::clock(starts_at, tz), zone::clock(ends, tz))
}

/// Groups slots (by start) under their local day.
fn by_day(state: &AppState, lines: &[SlotLine]) -> Vec<Day> {
    let tz = &state.config.timezone;
    let mut days: Vec<Day> = Vec::new();
    for line in lines {
        let e = &line.entry;
        let label = zone::long_day(zone::local(e.starts_at, tz).date());
        let row = Row {
            id: e.id.to_string(),
            time: time_span(state, e.starts_at, e.duration_minutes),
            status: e.status.as_str(),
            client_name: line.client_name.clone(),
        };
        match days.last_mut() {
            Some(day) if day.label == label => day.rows.push(row),
            _ => days.push(Day {
                label,
                rows: vec![row],
            }),
        }
    }
    days
}

async fn context(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<(Listing, Provider), PageError> {
    let listing = slots::booking_listing(state, viewer, path_id(id)?).await?;
    let provider = listings::provider_in_scope(state, viewer, listing.provider_id).await?;
    Ok((listing, provider))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IndexQuery {
    /// `past` to include past slots.
    show: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "pages/slots/index.html")]
struct IndexPage {
    nav: Nav,
    notice: Option<Notice>,
    listing: Listing,
    provider: Provider,
    show_past: bool,
    days: Vec<Day>,
    pager: Pager,
}

async fn index(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    Flash(notice): Flash,
    QueryParams(query): QueryParams<IndexQuery>,
) -> Result<Response, PageError> {
    let (listing, provider) = context(&state, &access.viewer, &id).await?;
    let show_past = query.show.as_deref() == Some("past");
    let range = Range {
        from: if show_past {
            OffsetDateTime::UNIX_EPOCH
        } else {
            state.now()
        },
        until: None,
    };
    let page = PageNumber::new(query.page);
    let (lines, total) = slots::list(&state, &access.viewer, listing.id, range, page).await?;
    let path = format!("/listings/{id}/slots");
    let keep = encode_query(&[("show", query.show.as_deref())]);
    Ok(render(&IndexPage {
        nav: Nav::new(&access.current, "/providers"),
        notice,
        days: by_day(&state, &lines),
        pager: Pager::new(&path, &keep, page.get(), total),
        listing,
        provider,
        show_past,
    }))
}

#[derive(Template)]
#[template(path = "pages/slots/form.html")]
struct FormPage {
    nav: Nav,
    listing: Listing,
    provider: Provider,
    form: AddSlotsForm,
    error: Option<AppError>,
    weekdays: [(i8, &'static str); 7],
    zone_name: String,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }

    /// The problems listed at the top of the form, in the form's order.
    fn summary(&self) -> crate::http::pages::ErrorSummary {
        crate::http::pages::ErrorSummary::of(self.error.as_ref(), &SLOT_FIELDS)
    }
}

/// The Add slots form's fields in order, for its error summary.
const SLOT_FIELDS: [&str; 7] = [
    "starts_at",
    "date",
    "start_time",
    "duration_minutes",
    "count",
    "weekdays",
    "repeat_until",
];

const WEEKDAYS: [(i8, &str); 7] = [
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
];

fn form_page(
    state: &AppState,
    current: &CurrentUser,
    (listing, provider): (Listing, Provider),
    form: AddSlotsForm,
    error: Option<AppError>,
) -> Response {
    let status = error.as_ref().map(AppError::status);
    let page = FormPage {
        nav: Nav::new(current, "/providers"),
        listing,
        provider,
        form,
        error,
        weekdays: WEEKDAYS,
        zone_name: state
            .config
            .timezone
            .iana_name()
            .unwrap_or("UTC")
            .to_owned(),
    };
    match status {
        Some(status) => render_status(status, &page),
        None => render(&page),
    }
}

async fn new_form(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let context = context(&state, &access.viewer, &id).await?;
    let form = AddSlotsForm {
        date: zone::today(state.now(), &state.config.timezone).to_string(),
        ..AddSlotsForm::default()
    };
    Ok(form_page(&state, &access.current, context, form, None))
}

#[derive(Template)]
#[template(path = "pages/slots/preview.html")]
struct PreviewPage {
    nav: Nav,
    listing: Listing,
    provider: Provider,
    form: AddSlotsForm,
    count: usize,
    days: Vec<Day>,
    error: Option<AppError>,
    weekdays: [(i8, &'static str); 7],
}

impl PreviewPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }

    /// The problems listed at the top of the form, in the form's order.
    fn summary(&self) -> crate::http::pages::ErrorSummary {
        crate::http::pages::ErrorSummary::of(self.error.as_ref(), &SLOT_FIELDS)
    }
}

async fn preview(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    PageForm(form): PageForm<AddSlotsForm>,
) -> Result<Response, PageError> {
    let context = context(&state, &access.viewer, &id).await?;
    let series = match form.request().and_then(|r| slots::plan(&state, &r)) {
        Ok(series) => series,
        Err(error) => {
            return Ok(form_page(
                &state,
                &access.current,
                context,
                form,
                Some(form_errors(error)),
            ));
        }
    };
    let lines: Vec<SlotLine> = series
        .starts
        .iter()
        .map(|&starts_at| SlotLine {
            entry: store::slots::SlotEntry {
                id: SlotId(uuid::Uuid::nil()),
                listing_id: context.0.id,
                starts_at,
                duration_minutes: series.duration_minutes,
                status: SlotStatus::Free,
                client_name_sealed: None,
            },
            client_name: None,
        })
        .collect();
    let (listing, provider) = context;
    Ok(render(&PreviewPage {
        nav: Nav::new(&access.current, "/providers"),
        count: lines.len(),
        days: by_day(&state, &lines),
        listing,
        provider,
        form,
        error: None,
        weekdays: WEEKDAYS,
    }))
}

async fn create(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    PageForm(form): PageForm<AddSlotsForm>,
) -> Result<Response, PageError> {
    let context = context(&state, &access.viewer, &id).await?;
    let request = match form.request() {
        Ok(request) => request,
        Err(error) => {
            return Ok(form_page(
                &state,
                &access.current,
                context,
                form,
                Some(form_errors(error)),
            ));
        }
    };
    match slots::create(&state, &access.viewer, context.0.id, &request).await {
        Ok(lines) => {
            let (n, name) = (lines.len(), &context.0.name);
            let text = if n == 1 {
                format!("1 slot was created for {name}.")
            } else {
                format!("{n} slots were created for {name}.")
            };
            Ok(announce(
                &format!("/listings/{id}/slots"),
                Notice::new(text),
            ))
        }
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => Ok(form_page(
            &state,
            &access.current,
            context,
            form,
            Some(form_errors(error)),
        )),
        Err(other) => Err(other.into()),
    }
}

async fn remove(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let slot = slots::remove(&state, &access.viewer, path_id(&id)?, false).await?;
    let text = format!(
        "The slot at {} was removed.",
        super::when(&state, slot.starts_at)
    );
    Ok(announce(
        &format!("/listings/{}/slots", slot.listing_id),
        Notice::new(text),
    ))
}

#[derive(Template)]
#[template(path = "pages/slots/cancel.html")]
struct CancelPage {
    nav: Nav,
    listing: Listing,
    slot_id: String,
    when: String,
    client_name: Option<String>,
}

async fn confirm_cancel(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (line, listing) = slots::slot(&state, &access.viewer, path_id(&id)?).await?;
    let e = &line.entry;
    let tz = &state.config.timezone;
    let when = format!(
        "{}, {}",
        zone::long_day(zone::local(e.starts_at, tz).date()),
        time_span(&state, e.starts_at, e.duration_minutes)
    );
    Ok(render(&CancelPage {
        nav: Nav::new(&access.current, "/providers"),
        listing,
        slot_id: id,
        when,
        client_name: line.client_name,
    }))
}

async fn cancel(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let slot = slots::remove(&state, &access.viewer, path_id(&id)?, true).await?;
    let at = super::when(&state, slot.starts_at);
    let text = format!("The booking at {at} was cancelled and its slot removed.");
    Ok(announce(
        &format!("/listings/{}/slots", slot.listing_id),
        Notice::new(text),
    ))
}
