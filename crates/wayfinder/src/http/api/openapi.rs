//! `/openapi.json`: the API described from the handlers' own annotations.

use super::views::{AuditEventView, CategoryView, Paged, ProviderView, UserView};
use crate::AppState;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Wayfinder API", description = "The dashboard's JSON API (SPEC §12). \
        State-changing calls need the session cookie, the `X-CSRF-Token` header and a matching \
        `Origin`."),
    paths(
        super::auth::request_sign_in, super::auth::verify, super::auth::sign_out, super::auth::me,
        super::users::list, super::users::create, super::users::show, super::users::update,
        super::users::remove, super::users::resend_invitation,
        super::providers::list, super::providers::create, super::providers::show,
        super::providers::update, super::providers::remove, super::providers::members,
        super::providers::add_member, super::providers::remove_member,
        super::providers::set_fallback,
        super::categories::list, super::categories::create, super::categories::show,
        super::categories::update, super::categories::remove,
        super::audit::list, super::audit::export, super::reports::sessions_csv,
    ),
    components(schemas(
        UserView, ProviderView, CategoryView, AuditEventView, Paged<UserView>,
        Paged<ProviderView>, Paged<CategoryView>, Paged<AuditEventView>,
    ))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}
