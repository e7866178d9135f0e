//! Error pages inside the signed-in layout (issue 12): a page error carries its title and
//! message on the response, and [`in_layout`], which runs after the session is resolved, draws
//! it again with the sidebar and Sign out when someone is signed in. A 500 keeps its request id.

use super::{Nav, render};
use crate::auth::CurrentUser;
use crate::error::InternalDetail;
use askama::Template;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What a problem page said, kept on its response so the layout can say it again.
#[derive(Clone, Debug)]
pub struct Problem {
    pub title: String,
    pub message: String,
    /// Where the page's one button leads, and what it says.
    pub next: (String, String),
}

/// The request's id from the request log, for the 500 page.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// On a 500 already drawn in the layout with its request id: the request log keeps it.
#[derive(Clone, Copy, Debug)]
pub struct DrawnInLayout;

#[derive(Template)]
#[template(path = "pages/problem_signed_in.html")]
struct SignedInProblem<'a> {
    nav: Nav,
    problem: &'a Problem,
    request_id: Option<&'a str>,
}

/// The middleware: a signed-in person's error page gets the dashboard layout.
pub async fn in_layout(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let current = CurrentUser::of(request.extensions());
    let request_id = request.extensions().get::<RequestId>().cloned();
    let response = next.run(request).await;
    let Some(current) = current else {
        return response;
    };
    if path.starts_with("/api/") || path.starts_with("/kiosk") {
        return response;
    }
    let status = response.status();
    let problem = response.extensions().get::<Problem>().cloned();
    let problem = match (problem, status) {
        (Some(problem), _) => problem,
        (None, StatusCode::INTERNAL_SERVER_ERROR) => internal_problem(),
        (None, _) => return response,
    };
    let request_id = (status == StatusCode::INTERNAL_SERVER_ERROR)
        .then(|| request_id.map(|id| id.0))
        .flatten();
    let page = SignedInProblem {
        nav: Nav::new(&current, &section_of(&path)),
        problem: &problem,
        request_id: request_id.as_deref(),
    };
    let mut drawn = (status, render(&page)).into_response();
    // Headers such as Retry-After, and the cause of a 500 for the log, go with it.
    for (name, value) in response.headers() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            drawn.headers_mut().append(name, value.clone());
        }
    }
    if let Some(detail) = response.extensions().get::<InternalDetail>() {
        drawn.extensions_mut().insert(detail.clone());
    }
    if status == StatusCode::INTERNAL_SERVER_ERROR && request_id.is_some() {
        drawn.extensions_mut().insert(DrawnInLayout);
    }
    drawn
}

fn internal_problem() -> Problem {
    Problem {
        title: "Something went wrong".into(),
        message: "Something went wrong on our side. Please try again in a moment.".into(),
        next: ("/".into(), "Go to the start page".into()),
    }
}

/// The sidebar entry a path belongs to: `/users/1/edit` is under `/users`.
fn section_of(path: &str) -> String {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    format!("/{first}")
}
