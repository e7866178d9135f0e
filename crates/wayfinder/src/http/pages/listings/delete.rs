//! Delete a listing behind a confirmation; a booking listing with upcoming booked appointments
//! is refused (409), and the page says how many and where to cancel them.

use super::{listing_and_provider, tab_of};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::AppError;
use crate::http::pages::{Nav, Notice, PageError, announce, render, render_status};
use crate::service::listings;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::Provider;
use domain::listing::Listing;

#[derive(Template)]
#[template(path = "pages/listings/delete.html")]
struct DeletePage {
    nav: Nav,
    provider: Provider,
    listing: Listing,
    tab: &'static str,
    /// Upcoming booked appointments, which must be cancelled first.
    booked: i64,
    problem: Option<String>,
}

pub(super) async fn confirm(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (listing, provider) = listing_and_provider(&state, &access.viewer, &id).await?;
    let booked = listings::upcoming_booked(&state, &listing).await?;
    Ok(render(&DeletePage {
        nav: Nav::new(&access.current, "/providers"),
        tab: tab_of(listing.kind).0,
        problem: (booked > 0).then(|| listings::booked_conflict(booked).to_string()),
        provider,
        listing,
        booked,
    }))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (listing, provider) = listing_and_provider(&state, &access.viewer, &id).await?;
    let tab = tab_of(listing.kind).0;
    match listings::delete(&state, &access.viewer, listing.id).await {
        Ok(l) => Ok(announce(
            &format!("/providers/{}/listings/{tab}", provider.id),
            Notice::new(format!("{} was deleted.", l.name)),
        )),
        Err(error @ AppError::Conflict { .. }) => {
            let booked = listings::upcoming_booked(&state, &listing).await?;
            let page = DeletePage {
                nav: Nav::new(&access.current, "/providers"),
                tab,
                problem: Some(error.to_string()),
                provider,
                listing,
                booked,
            };
            Ok(render_status(error.status(), &page))
        }
        Err(other) => Err(other.into()),
    }
}
