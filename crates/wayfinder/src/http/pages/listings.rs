//! A provider's Information Listings and Booking Listings tabs, the New Listing and edit form,
//! and delete behind a confirmation (SPEC §8.1). Administrators and the provider's members only.

use super::{
    Flash, Nav, Notice, PageError, Pager, RetryForm, about_input, announce, field_error, render,
    render_status,
};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::{QueryParams, path_id};
use crate::service::listings::{self, ListingPatch};
use crate::service::zone;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::listing::{Listing, RawListing};
use domain::report::ListingKind;
use domain::{Category, PageNumber, Permission, Provider};
use domain::{GenderFilter, IndigenousFilter, ListingId};
use serde::Deserialize;
use std::collections::HashMap;

mod delete;

pub fn routes() -> Routes {
    let manage = Access::Needs(Permission::ManageListings);
    Routes::new()
        .get("/providers/{id}/listings", manage, first_tab)
        .get("/providers/{id}/listings/{kind}", manage, tab)
        .post("/providers/{id}/listings/{kind}", manage, create)
        .get("/providers/{id}/listings/{kind}/new", manage, new_form)
        .get("/listings/{id}", manage, edit_form)
        .post("/listings/{id}", manage, update)
        .get("/listings/{id}/delete", manage, delete::confirm)
        .post("/listings/{id}/delete", manage, delete::delete)
}

/// `information` or `booking` from the path; anything else names no page.
fn kind_of(text: &str) -> Result<ListingKind, PageError> {
    ListingKind::parse(text).ok_or(PageError(AppError::NotFound))
}

/// The tab of a kind: its path segment and title.
fn tab_of(kind: ListingKind) -> (&'static str, &'static str) {
    match kind {
        ListingKind::Information => ("information", "Information Listings"),
        ListingKind::Booking => ("booking", "Booking Listings"),
    }
}

async fn first_tab(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let provider = listings::provider_in_scope(&state, &access.viewer, path_id(&id)?).await?;
    let first = format!("/providers/{}/listings/information", provider.id);
    Ok(Redirect::to(&first).into_response())
}

/// A category as a chip: its name next to a swatch of its colour.
pub struct Chip {
    pub name: String,
    pub colour: String,
}

/// One listing on a tab.
pub struct Row {
    pub listing: Listing,
    pub chips: Vec<Chip>,
    pub filters: Vec<String>,
    /// Booking listings: the next free slot and how many are free this week, in words.
    pub free_slots: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/listings/index.html")]
struct TabPage {
    nav: Nav,
    notice: Option<Notice>,
    provider: Provider,
    tab: &'static str,
    title: &'static str,
    rows: Vec<Row>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TabQuery {
    page: Option<i64>,
}

/// The Booking Listings tab's line per listing: the next free slot and how many are free this
/// week (in the configured zone), from the slots area.
async fn free_slots(
    state: &AppState,
    listings: &[ListingId],
) -> Result<HashMap<ListingId, String>, AppError> {
    let summary = crate::service::slots::free_summary(state, listings).await?;
    let tz = &state.config.timezone;
    Ok(listings
        .iter()
        .map(|id| {
            let text = match summary.get(id) {
                Some(s) => {
                    let next = s.next_free.map(|t| {
                        let local = zone::local(t, tz);
                        format!("{}, {}", local.strftime("%a %-d %b"), zone::clock(t, tz))
                    });
                    format!(
                        "Next free slot: {} · {} free this week",
                        next.unwrap_or_default(),
                        s.free_this_week
                    )
                }
                None => "No free slots".to_owned(),
            };
            (*id, text)
        })
        .collect())
}

fn chips(listing: &Listing, categories: &HashMap<domain::CategoryId, &Category>) -> Vec<Chip> {
    let mut chips: Vec<Chip> = listing
        .category_ids
        .iter()
        .filter_map(|id| categories.get(id))
        .map(|c| Chip {
            name: c.name.clone(),
            colour: c.colour.clone(),
        })
        .collect();
    chips.sort_by_key(|c| c.name.to_lowercase());
    chips
}

async fn tab(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path((id, kind)): Path<(String, String)>,
    Flash(notice): Flash,
    QueryParams(query): QueryParams<TabQuery>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    let provider = listings::provider_in_scope(&state, &access.viewer, path_id(&id)?).await?;
    let page = PageNumber::new(query.page);
    let (found, total) =
        listings::list(&state, &access.viewer, provider.id, Some(kind), page).await?;
    let all = listings::categories(&state).await?;
    let by_id: HashMap<_, _> = all.iter().map(|c| (c.id, c)).collect();
    let ids: Vec<ListingId> = found.iter().map(|l| l.id).collect();
    let mut free = match kind {
        ListingKind::Booking => free_slots(&state, &ids).await?,
        ListingKind::Information => HashMap::new(),
    };
    let rows = found
        .into_iter()
        .map(|listing| Row {
            chips: chips(&listing, &by_id),
            filters: listing.filter_words(),
            free_slots: free.remove(&listing.id),
            listing,
        })
        .collect();
    let (tab, title) = tab_of(kind);
    let path = format!("/providers/{}/listings/{tab}", provider.id);
    Ok(render(&TabPage {
        nav: Nav::new(&access.current, "/providers"),
        notice,
        tab,
        title,
        rows,
        pager: Pager::new(&path, "", page.get(), total),
        provider,
    }))
}

/// The form as typed: everything text, so that it comes back exactly as it was sent.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ListingForm {
    name: String,
    description: String,
    eligibility_notes: String,
    category_ids: Vec<String>,
    gender: String,
    min_age: String,
    max_age: String,
    indigenous: String,
}

impl ListingForm {
    fn of(raw: RawListing) -> Self {
        Self {
            name: raw.name,
            description: raw.description,
            eligibility_notes: raw.eligibility_notes,
            category_ids: raw.category_ids,
            gender: raw.gender,
            min_age: raw.min_age,
            max_age: raw.max_age,
            indigenous: raw.indigenous,
        }
    }

    fn patch(&self, kind: Option<ListingKind>) -> ListingPatch {
        ListingPatch {
            kind: kind.map(|k| k.as_str().to_owned()),
            name: Some(self.name.clone()),
            description: Some(self.description.clone()),
            eligibility_notes: Some(self.eligibility_notes.clone()),
            category_ids: Some(self.category_ids.clone()),
            gender: Some(self.gender.clone()),
            min_age: Some(self.min_age.clone()),
            max_age: Some(self.max_age.clone()),
            indigenous: Some(self.indigenous.clone()),
        }
    }
}

/// New Listing (when `listing_id` is `None`) or edit.
#[derive(Template)]
#[template(path = "pages/listings/form.html")]
struct FormPage {
    nav: Nav,
    provider: Provider,
    kind: ListingKind,
    tab: &'static str,
    listing_id: Option<ListingId>,
    form: ListingForm,
    categories: Vec<Category>,
    genders: Vec<GenderFilter>,
    indigenous_choices: Vec<IndigenousFilter>,
    error: Option<AppError>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }

    /// The problems listed at the top of the form, in the form's order.
    fn summary(&self) -> crate::http::pages::ErrorSummary {
        crate::http::pages::ErrorSummary::of(
            self.error.as_ref(),
            &[
                "name",
                "description",
                "eligibility_notes",
                "category_ids",
                "gender",
                "min_age",
                "max_age",
                "indigenous",
            ],
        )
    }

    fn chosen(&self, category: &Category) -> bool {
        self.form.category_ids.contains(&category.id.to_string())
    }

    /// The filter's radio is checked: the typed value, or "any" when blank.
    fn is(&self, typed: &str, value: &str) -> bool {
        typed == value || (typed.is_empty() && value == "any")
    }
}

async fn form_page(
    state: &AppState,
    current: &CurrentUser,
    provider: Provider,
    kind: ListingKind,
    listing_id: Option<ListingId>,
    form: ListingForm,
    error: Option<AppError>,
) -> Result<Response, PageError> {
    let status = error.as_ref().map(AppError::status);
    let page = FormPage {
        nav: Nav::new(current, "/providers"),
        provider,
        kind,
        tab: tab_of(kind).0,
        listing_id,
        form,
        categories: listings::categories(state).await?,
        genders: GenderFilter::ALL.to_vec(),
        indigenous_choices: IndigenousFilter::ALL.to_vec(),
        error,
    };
    Ok(match status {
        Some(status) => render_status(status, &page),
        None => render(&page),
    })
}

/// A refused form comes back with what was typed and the messages; anything else is a page.
async fn retry(
    state: &AppState,
    current: &CurrentUser,
    (provider, kind, listing_id): (Provider, ListingKind, Option<ListingId>),
    form: ListingForm,
    error: AppError,
) -> Result<Response, PageError> {
    let error = about_input(error)?;
    form_page(
        state,
        current,
        provider,
        kind,
        listing_id,
        form,
        Some(error),
    )
    .await
}

async fn new_form(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    let provider = listings::provider_in_scope(&state, &access.viewer, path_id(&id)?).await?;
    let form = ListingForm::of(RawListing::default());
    form_page(&state, &access.current, provider, kind, None, form, None).await
}

async fn create(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path((id, kind)): Path<(String, String)>,
    RetryForm(form, stale): RetryForm<ListingForm>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    let provider = listings::provider_in_scope(&state, &access.viewer, path_id(&id)?).await?;
    let patch = form.patch(Some(kind));
    let result = match stale {
        Some(stale) => Err(stale),
        None => listings::create(&state, &access.viewer, provider.id, &patch).await,
    };
    match result {
        Ok(l) => Ok(announce(
            &format!("/providers/{}/listings/{}", provider.id, tab_of(kind).0),
            Notice::new(format!("{} was added.", l.name)).on(format!("listing-{}", l.id)),
        )),
        Err(error) => retry(&state, &access.current, (provider, kind, None), form, error).await,
    }
}

/// The listing and its provider, if the viewer may manage them.
async fn listing_and_provider(
    state: &AppState,
    viewer: &domain::Viewer,
    id: &str,
) -> Result<(Listing, Provider), PageError> {
    let listing = listings::get(state, viewer, path_id(id)?).await?;
    let provider = listings::provider_in_scope(state, viewer, listing.provider_id).await?;
    Ok((listing, provider))
}

async fn edit_form(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (listing, provider) = listing_and_provider(&state, &access.viewer, &id).await?;
    let form = ListingForm::of(listings::raw_of(&listing));
    form_page(
        &state,
        &access.current,
        provider,
        listing.kind,
        Some(listing.id),
        form,
        None,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    RetryForm(form, stale): RetryForm<ListingForm>,
) -> Result<Response, PageError> {
    let (listing, provider) = listing_and_provider(&state, &access.viewer, &id).await?;
    let patch = form.patch(None);
    let result = match stale {
        Some(stale) => Err(stale),
        None => listings::update(&state, &access.viewer, listing.id, &patch).await,
    };
    match result {
        Ok(l) => Ok(announce(
            &format!(
                "/providers/{}/listings/{}",
                provider.id,
                tab_of(listing.kind).0
            ),
            Notice::new(format!("The changes to {} were saved.", l.name))
                .on(format!("listing-{}", l.id)),
        )),
        Err(error) => {
            let here = (provider, listing.kind, Some(listing.id));
            retry(&state, &access.current, here, form, error).await
        }
    }
}
