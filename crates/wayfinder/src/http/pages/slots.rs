//! A booking listing's Slots page (SPEC §8.1): upcoming slots by day with "Show past", Add slots
//! with a preview of the times before **Create slots**, remove a free slot, and cancel a booked
//! one behind a confirmation.

use super::{
    Nav, PageError, PageForm, Pager, done, encode_query, field_error, notice_text, render,
    render_status,
};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::http::api::{ApiQuery, path_id};
use crate::service::slot_input::{AddSlotsForm, form_errors};
use crate::service::slots::{self, Range, SlotLine};
use crate::service::{providers, zone};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::{PageNumber, Provider};
use serde::Deserialize;
use store::slots::{ListingRef, SlotStatus};
use time::OffsetDateTime;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/listings/{id}/slots", get(index).post(create))
        .route("/listings/{id}/slots/new", get(new_form))
        .route("/listings/{id}/slots/preview", post(preview))
        .route("/slots/{id}/remove", post(remove))
        .route("/slots/{id}/cancel", get(confirm_cancel).post(cancel))
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
    current: &CurrentUser,
    id: &str,
) -> Result<(ListingRef, Provider), PageError> {
    let listing = slots::booking_listing(state, &current.user, path_id(id)?).await?;
    let provider = providers::visible(state, &current.user, listing.provider_id).await?;
    Ok((listing, provider))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IndexQuery {
    /// `past` to include past slots.
    show: Option<String>,
    page: Option<i64>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/slots/index.html")]
struct IndexPage {
    nav: Nav,
    notice: Option<&'static str>,
    listing: ListingRef,
    provider: Provider,
    show_past: bool,
    days: Vec<Day>,
    pager: Pager,
}

async fn index(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<IndexQuery>,
) -> Result<Response, PageError> {
    let (listing, provider) = context(&state, &current, &id).await?;
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
    let (lines, total) = slots::list(&state, &current.user, listing.id, range, page).await?;
    let path = format!("/listings/{id}/slots");
    let keep = encode_query(&[("show", query.show.as_deref())]);
    Ok(render(&IndexPage {
        nav: Nav::new(&current, "/providers"),
        notice: notice_text(query.notice.as_deref()),
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
    listing: ListingRef,
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
}

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
    (listing, provider): (ListingRef, Provider),
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
    current: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let context = context(&state, &current, &id).await?;
    let form = AddSlotsForm {
        date: zone::today(state.now(), &state.config.timezone).to_string(),
        ..AddSlotsForm::default()
    };
    Ok(form_page(&state, &current, context, form, None))
}

#[derive(Template)]
#[template(path = "pages/slots/preview.html")]
struct PreviewPage {
    nav: Nav,
    listing: ListingRef,
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
}

async fn preview(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<AddSlotsForm>,
) -> Result<Response, PageError> {
    let context = context(&state, &current, &id).await?;
    let series = match form.request().and_then(|r| slots::plan(&state, &r)) {
        Ok(series) => series,
        Err(error) => {
            return Ok(form_page(
                &state,
                &current,
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
                id: uuid::Uuid::nil(),
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
        nav: Nav::new(&current, "/providers"),
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
    current: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<AddSlotsForm>,
) -> Result<Response, PageError> {
    let context = context(&state, &current, &id).await?;
    let request = match form.request() {
        Ok(request) => request,
        Err(error) => {
            return Ok(form_page(
                &state,
                &current,
                context,
                form,
                Some(form_errors(error)),
            ));
        }
    };
    let actor = current.actor();
    match slots::create(&state, &current.user, &actor, context.0.id, &request).await {
        Ok(_) => Ok(done(&format!("/listings/{id}/slots"), "slots-added")),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => Ok(form_page(
            &state,
            &current,
            context,
            form,
            Some(form_errors(error)),
        )),
        Err(other) => Err(other.into()),
    }
}

async fn remove(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let slot = slots::remove(
        &state,
        &current.user,
        &current.actor(),
        path_id(&id)?,
        false,
    )
    .await?;
    Ok(done(
        &format!("/listings/{}/slots", slot.listing_id),
        "slot-removed",
    ))
}

#[derive(Template)]
#[template(path = "pages/slots/cancel.html")]
struct CancelPage {
    nav: Nav,
    listing: ListingRef,
    slot_id: String,
    when: String,
    client_name: Option<String>,
}

async fn confirm_cancel(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (line, listing) = slots::slot(&state, &current.user, path_id(&id)?).await?;
    let e = &line.entry;
    let tz = &state.config.timezone;
    let when = format!(
        "{}, {}",
        zone::long_day(zone::local(e.starts_at, tz).date()),
        time_span(&state, e.starts_at, e.duration_minutes)
    );
    Ok(render(&CancelPage {
        nav: Nav::new(&current, "/providers"),
        listing,
        slot_id: id,
        when,
        client_name: line.client_name,
    }))
}

async fn cancel(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let slot = slots::remove(&state, &current.user, &current.actor(), path_id(&id)?, true).await?;
    Ok(done(
        &format!("/listings/{}/slots", slot.listing_id),
        "booking-cancelled",
    ))
}
