//! The Categories section's pages (admins only): the grid, add, edit, delete.

use super::{Nav, PageError, Pager, RetryForm, done, field_error, notice_text, render, retry_form};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::{QueryParams, path_id};
use crate::service::categories::{self, CategoryInput};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
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
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/categories/index.html")]
struct IndexPage {
    nav: Nav,
    notice: Option<&'static str>,
    categories: Vec<CategoryWithCount>,
    pager: Pager,
}

async fn index(
    State(state): State<AppState>,
    access: Manager,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageNumber::new(query.page);
    let (categories, total) = categories::list(&state, &access.viewer, page).await?;
    Ok(render(&IndexPage {
        nav: Nav::new(&access.current, "/categories"),
        notice: notice_text(query.notice.as_deref()),
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

impl FormPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
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
        Ok(_) => Ok(done("/categories", "category-added")),
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
        Ok(_) => Ok(done("/categories", "category-saved")),
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
    categories::delete(&state, &access.viewer, path_id(&id)?).await?;
    Ok(done("/categories", "category-deleted"))
}
