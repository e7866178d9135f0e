//! Step 3, Category Selection: one card per category, in its colour, to tick as many as fit.
//! The categories chosen before are ticked again, so Back keeps them.

use super::principal;
use super::session::{KioskPage, TopBar};
use super::steps::{refused, step_page};
use crate::AppState;
use crate::error::AppError;
use crate::http::pages::{PageError, PageForm, field_error, render, render_status};
use crate::http::routes::{Access, Routes};
use crate::service::kiosk::{self, flow};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::CategoryId;
use domain::kiosk::Step;
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/kiosk/categories", Access::Station, categories_page)
        .post("/kiosk/categories", Access::Station, save)
}

/// One card.
pub struct Card {
    pub id: String,
    pub name: String,
    pub colour: String,
    /// The class of the name's colour on the card (see `card_text_class`).
    pub text_class: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "kiosk/categories.html")]
struct CategoriesPage {
    top: TopBar,
    cards: Vec<Card>,
    error: Option<String>,
}

/// The cards, with those in `chosen` ticked.
async fn cards(state: &AppState, chosen: &[String]) -> Result<Vec<Card>, PageError> {
    Ok(kiosk::categories(state)
        .await?
        .into_iter()
        .map(|c| {
            let id = c.category.id.to_string();
            Card {
                checked: chosen.contains(&id),
                id,
                name: c.category.name,
                text_class: crate::http::shared::card_text_class(&c.category.colour),
                colour: c.category.colour,
            }
        })
        .collect())
}

async fn categories_page(
    State(state): State<AppState>,
    kiosk: KioskPage,
) -> Result<Response, PageError> {
    let chosen: Vec<String> = kiosk
        .current
        .iter()
        .flat_map(|c| c.session.categories.iter().filter_map(|(id, _)| *id))
        .map(|id| id.to_string())
        .collect();
    let cards = cards(&state, &chosen).await?;
    step_page(&state, kiosk, Step::Categories, |current| {
        render(&CategoriesPage {
            top: current.top,
            cards,
            error: None,
        })
    })
    .await
}

#[derive(Deserialize, Default)]
struct CategoriesForm {
    #[serde(default)]
    category_ids: Vec<String>,
}

async fn save(
    State(state): State<AppState>,
    kiosk: KioskPage,
    PageForm(form): PageForm<CategoriesForm>,
) -> Result<Response, PageError> {
    let Some(current) = kiosk.current else {
        return Ok(super::welcome_page(&state, &kiosk.kiosk, kiosk.ended));
    };
    // An id that cannot be read names no category: the service then says one no longer exists.
    let chosen: Vec<CategoryId> = form
        .category_ids
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    let saved = if chosen.len() == form.category_ids.len() {
        flow::categories(&state, &principal(&kiosk.kiosk), current.id, &chosen).await
    } else {
        Err(AppError::field(
            "category_ids",
            "One of the chosen categories no longer exists.",
        ))
    };
    match saved {
        Ok(()) => Ok(Redirect::to("/kiosk/listings").into_response()),
        Err(error @ AppError::Validation(_)) => {
            let page = CategoriesPage {
                top: current.top,
                cards: cards(&state, &form.category_ids).await?,
                error: field_error(Some(&error), "category_ids"),
            };
            Ok(render_status(error.status(), &page))
        }
        Err(AppError::State { code, .. }) => Ok(refused(&state, &kiosk.kiosk, code)),
        Err(error) => Err(PageError(error)),
    }
}
