//! Step 2, Client Demographics: three questions, each with "prefer not to say". Answers given
//! before are shown again, so Back keeps them.

use super::principal;
use super::session::{KioskPage, TopBar};
use super::steps::{refused, step_page};
use crate::AppState;
use crate::error::AppError;
use crate::http::pages::{PageError, PageForm, field_error, render, render_status};
use crate::http::routes::{Access, Routes};
use crate::service::kiosk::flow;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::kiosk::{AgeAnswer, Demographics, Step};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/kiosk/demographics", Access::Station, demographics_page)
        .post("/kiosk/demographics", Access::Station, save)
}

/// One answer of a question: its value, its words, and whether it is the one given.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

const GENDERS: [(&str, &str); 4] = [
    ("female", "Female"),
    ("male", "Male"),
    ("other", "Another gender"),
    ("prefer_not_to_say", "I prefer not to say"),
];

const INDIGENOUS: [(&str, &str); 3] = [
    (
        "aboriginal_or_torres_strait_islander",
        "Yes, Aboriginal or Torres Strait Islander",
    ),
    ("non_indigenous", "No"),
    ("prefer_not_to_say", "I prefer not to say"),
];

fn choices(all: &[(&'static str, &'static str)], given: &str) -> Vec<Choice> {
    all.iter()
        .map(|&(value, label)| Choice {
            value,
            label,
            checked: value == given,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "kiosk/demographics.html")]
struct DemographicsPage {
    top: TopBar,
    genders: Vec<Choice>,
    age: String,
    age_unsaid: bool,
    indigenous: Vec<Choice>,
    error: Option<AppError>,
}

impl DemographicsPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }
}

/// The form as typed (or as kept): what the page shows again.
#[derive(Deserialize, Default)]
struct DemographicsForm {
    #[serde(default)]
    gender: String,
    #[serde(default)]
    age: String,
    #[serde(default)]
    age_unsaid: Option<String>,
    #[serde(default)]
    indigenous_status: String,
}

fn page(top: TopBar, form: &DemographicsForm, error: Option<AppError>) -> DemographicsPage {
    DemographicsPage {
        top,
        genders: choices(&GENDERS, &form.gender),
        age: form.age.clone(),
        age_unsaid: form.age_unsaid.is_some(),
        indigenous: choices(&INDIGENOUS, &form.indigenous_status),
        error,
    }
}

async fn demographics_page(
    State(state): State<AppState>,
    kiosk: KioskPage,
) -> Result<Response, PageError> {
    step_page(&state, kiosk, Step::Demographics, |current| {
        let s = &current.session;
        let kept = DemographicsForm {
            gender: s.gender.map(|g| g.as_str().to_owned()).unwrap_or_default(),
            age: s.age.map(|a| a.to_string()).unwrap_or_default(),
            age_unsaid: (s.gender.is_some() && s.age.is_none()).then(String::new),
            indigenous_status: s
                .indigenous_status
                .map(|i| i.as_str().to_owned())
                .unwrap_or_default(),
        };
        render(&page(current.top, &kept, None))
    })
    .await
}

async fn save(
    State(state): State<AppState>,
    kiosk: KioskPage,
    PageForm(form): PageForm<DemographicsForm>,
) -> Result<Response, PageError> {
    let Some(current) = kiosk.current else {
        return Ok(super::welcome_page(&state, &kiosk.kiosk, kiosk.ended));
    };
    let age = if form.age_unsaid.is_some() {
        AgeAnswer::PreferNotToSay
    } else {
        AgeAnswer::Years(&form.age)
    };
    let answers = Demographics::parse(&form.gender, age, &form.indigenous_status)
        .map_err(AppError::Validation);
    let saved = match answers {
        Ok(answers) => {
            flow::demographics(&state, &principal(&kiosk.kiosk), current.id, &answers).await
        }
        Err(error) => Err(error),
    };
    match saved {
        Ok(()) => Ok(Redirect::to("/kiosk/categories").into_response()),
        Err(error @ AppError::Validation(_)) => {
            let status = error.status();
            Ok(render_status(
                status,
                &page(current.top, &form, Some(error)),
            ))
        }
        Err(AppError::State { code, .. }) => Ok(refused(&state, &kiosk.kiosk, code)),
        Err(error) => Err(PageError(error)),
    }
}
