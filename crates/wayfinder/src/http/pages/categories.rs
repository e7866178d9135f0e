//! The Categories section's pages (admins only): the grid, add, edit, delete.

use super::{
    Flash, Nav, Notice, PageError, Pager, RetryForm, announce, field_error, render, retry_form,
};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::{QueryParams, card_text_class, path_id};
use crate::service::categories::{self, CategoryInput};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::colour;
use domain::provider::parse_colour;
use domain::{PageNumber, Permission};
use serde::Deserialize;
use store::CategoryWithCount;

pub fn routes() -> Routes {
    let manage = Access::Needs(Permission::ManageCategories);
    Routes::new()
        .get("/categories", manage, index)
        .post("/categories", manage, create)
        .get("/categories/new", manage, new_form)
        .get("/categories/{id}", manage, edit_form)
        .post("/categories/{id}", manage, update)
        .get("/categories/{id}/delete", manage, confirm_delete)
        .post("/categories/{id}/delete", manage, delete)
}

/// The Categories section's pages all need this.
type Manager = Require<perm::ManageCategories>;

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "pages/categories/index.html")]
struct IndexPage {
    nav: Nav,
    notice: Option<Notice>,
    categories: Vec<CategoryWithCount>,
    pager: Pager,
}

impl IndexPage {
    fn colour_name(&self, hex: &str) -> &'static str {
        colour::palette_name(hex).unwrap_or("")
    }

    fn low_contrast(&self, hex: &str) -> bool {
        !colour::carries_card_text(hex)
    }
}

async fn index(
    State(state): State<AppState>,
    access: Manager,
    Flash(notice): Flash,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageNumber::new(query.page);
    let (categories, total) = categories::list(&state, &access.viewer, page).await?;
    Ok(render(&IndexPage {
        nav: Nav::new(&access.current, "/categories"),
        notice,
        categories,
        pager: Pager::new("/categories", "", page.get(), total),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CategoryForm {
    name: String,
    colour: String,
}

#[derive(Template)]
#[template(path = "pages/categories/form.html")]
struct FormPage {
    nav: Nav,
    /// `None` when adding.
    id: Option<String>,
    form: CategoryForm,
    error: Option<AppError>,
}

/// A colour to pick on the form, drawn as the kiosk's card would show it.
struct ColourOption {
    name: String,
    hex: String,
    text_class: &'static str,
    checked: bool,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }

    /// The problems listed at the top of the form, in the form's order.
    fn summary(&self) -> crate::http::pages::ErrorSummary {
        crate::http::pages::ErrorSummary::of(self.error.as_ref(), &["name", "colour"])
    }

    /// The palette, and the colour as stored or typed when it is not one of it.
    fn colour_options(&self) -> Vec<ColourOption> {
        let chosen = self.form.colour.trim().to_lowercase();
        let mut options: Vec<ColourOption> = colour::PALETTE
            .iter()
            .map(|c| ColourOption {
                name: c.name.into(),
                hex: c.hex.into(),
                text_class: card_text_class(c.hex),
                checked: c.hex == chosen,
            })
            .collect();
        if colour::palette_name(&chosen).is_none() && parse_colour(&chosen).is_ok() {
            options.push(ColourOption {
                name: format!("Current colour ({chosen})"),
                text_class: card_text_class(&chosen),
                hex: chosen,
                checked: true,
            });
        }
        options
    }

    /// A warning for a stored colour that white text cannot be read on.
    fn low_contrast(&self) -> bool {
        parse_colour(&self.form.colour).is_ok() && !colour::carries_card_text(&self.form.colour)
    }

    /// The name on the preview cards: the one typed, or an example.
    fn preview_name(&self) -> &str {
        match self.form.name.trim() {
            "" => "Housing",
            name => name,
        }
    }
}

async fn new_form(access: Manager) -> Response {
    let form = CategoryForm {
        name: String::new(),
        colour: "#1f5fa8".into(),
    };
    render(&FormPage {
        nav: Nav::new(&access.current, "/categories"),
        id: None,
        form,
        error: None,
    })
}

fn input(form: &CategoryForm) -> CategoryInput {
    CategoryInput {
        name: Some(form.name.clone()),
        colour: Some(form.colour.clone()),
    }
}

/// The form again with its errors, through the pages' one retry helper.
fn retry(
    admin: &CurrentUser,
    id: Option<String>,
    form: CategoryForm,
    error: AppError,
) -> Result<Response, PageError> {
    retry_form(error, |error| FormPage {
        nav: Nav::new(admin, "/categories"),
        id,
        form,
        error: Some(error),
    })
}

async fn create(
    State(state): State<AppState>,
    access: Manager,
    RetryForm(form, stale): RetryForm<CategoryForm>,
) -> Result<Response, PageError> {
    let result = match stale {
        Some(stale) => Err(stale),
        None => categories::create(&state, &access.viewer, &input(&form)).await,
    };
    match result {
        Ok(c) => Ok(announce(
            "/categories",
            Notice::new(format!("{} was added.", c.category.name))
                .on(format!("category-{}", c.category.id)),
        )),
        Err(error) => retry(&access.current, None, form, error),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let category = categories::get(&state, &access.viewer, path_id(&id)?)
        .await?
        .category;
    let form = CategoryForm {
        name: category.name,
        colour: category.colour,
    };
    Ok(render(&FormPage {
        nav: Nav::new(&access.current, "/categories"),
        id: Some(id),
        form,
        error: None,
    }))
}

async fn update(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
    RetryForm(form, stale): RetryForm<CategoryForm>,
) -> Result<Response, PageError> {
    let result = match stale {
        Some(stale) => Err(stale),
        None => categories::update(&state, &access.viewer, path_id(&id)?, &input(&form)).await,
    };
    match result {
        Ok(c) => Ok(announce(
            "/categories",
            Notice::new(format!("The changes to {} were saved.", c.category.name))
                .on(format!("category-{}", c.category.id)),
        )),
        Err(error) => retry(&access.current, Some(id), form, error),
    }
}

#[derive(Template)]
#[template(path = "pages/categories/delete.html")]
struct DeletePage {
    nav: Nav,
    category: CategoryWithCount,
}

async fn confirm_delete(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let category = categories::get(&state, &access.viewer, path_id(&id)?).await?;
    Ok(render(&DeletePage {
        nav: Nav::new(&access.current, "/categories"),
        category,
    }))
}

async fn delete(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let category = categories::get(&state, &access.viewer, path_id(&id)?).await?;
    categories::delete(&state, &access.viewer, category.category.id).await?;
    let text = format!("{} was deleted.", category.category.name);
    Ok(announce("/categories", Notice::new(text)))
}
