//! The Categories section's pages (admins only): the grid, add, edit, delete.

use super::{
    Nav, PageError, PageForm, Pager, done, field_error, notice_text, render, render_status,
};
use crate::AppState;
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::http::api::{ApiQuery, path_id};
use crate::service::categories::{self, CategoryInput};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use domain::PageNumber;
use serde::Deserialize;
use store::CategoryWithCount;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/categories", get(index).post(create))
        .route("/categories/new", get(new_form))
        .route("/categories/{id}", get(edit_form).post(update))
        .route("/categories/{id}/delete", get(confirm_delete).post(delete))
}

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
    AdminUser(admin): AdminUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageNumber::new(query.page);
    let (categories, total) = categories::list(&state, page).await?;
    Ok(render(&IndexPage {
        nav: Nav::new(&admin, "/categories"),
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

async fn new_form(AdminUser(admin): AdminUser) -> Response {
    let form = CategoryForm {
        name: String::new(),
        colour: "#1f5fa8".into(),
    };
    render(&FormPage {
        nav: Nav::new(&admin, "/categories"),
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

fn retry(
    admin: &crate::auth::CurrentUser,
    id: Option<String>,
    form: CategoryForm,
    error: AppError,
) -> Result<Response, PageError> {
    match error {
        AppError::Validation(_) | AppError::Conflict { .. } => {
            let status = error.status();
            let page = FormPage {
                nav: Nav::new(admin, "/categories"),
                id,
                form,
                error: Some(error),
            };
            Ok(render_status(status, &page))
        }
        other => Err(other.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    PageForm(form): PageForm<CategoryForm>,
) -> Result<Response, PageError> {
    match categories::create(&state, &admin.actor(), &input(&form)).await {
        Ok(_) => Ok(done("/categories", "category-added")),
        Err(error) => retry(&admin, None, form, error),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let category = categories::get(&state, path_id(&id)?).await?.category;
    let form = CategoryForm {
        name: category.name,
        colour: category.colour,
    };
    Ok(render(&FormPage {
        nav: Nav::new(&admin, "/categories"),
        id: Some(id),
        form,
        error: None,
    }))
}

async fn update(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<CategoryForm>,
) -> Result<Response, PageError> {
    match categories::update(&state, &admin.actor(), path_id(&id)?, &input(&form)).await {
        Ok(_) => Ok(done("/categories", "category-saved")),
        Err(error) => retry(&admin, Some(id), form, error),
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
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let category = categories::get(&state, path_id(&id)?).await?;
    Ok(render(&DeletePage {
        nav: Nav::new(&admin, "/categories"),
        category,
    }))
}

async fn delete(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    categories::delete(&state, &admin.actor(), path_id(&id)?).await?;
    Ok(done("/categories", "category-deleted"))
}
