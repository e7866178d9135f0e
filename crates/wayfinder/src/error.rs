//! One error type for the application, rendered as JSON for the API and as a page for people.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use store::{Constraint, StoreError};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Messages for individual fields, keyed by field name.
pub type FieldErrors = BTreeMap<&'static str, String>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Sign in to continue.")]
    Unauthenticated,
    #[error("You do not have access to this.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// Input that cannot be acted on, with a machine-readable code.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("Some fields need attention.")]
    Validation(FieldErrors),
    #[error("{message}")]
    Conflict {
        message: String,
        fields: FieldErrors,
    },
    /// A conflict with the state of things that clients tell apart by its code (`slot_taken`,
    /// `step_not_reached`, `session_ended`).
    #[error("{message}")]
    State { code: &'static str, message: String },
    #[error("Too many requests. Try again in {} seconds.", retry_after.whole_seconds().max(1))]
    RateLimited { retry_after: time::Duration },
    #[error("The request is too large.")]
    PayloadTooLarge,
    /// The database kept refusing the transaction because of concurrent ones, even after the
    /// retries of [`crate::service::retrying`].
    #[error("Too many changes are being made at once. Try again in a moment.")]
    Busy,
    #[error("Something went wrong on our side.")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn field(name: &'static str, message: impl Into<String>) -> Self {
        AppError::Validation(FieldErrors::from([(name, message.into())]))
    }

    /// A conflict with the state of things (last administrator, duplicate), optionally on a field.
    pub fn conflict(field: Option<&'static str>, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Conflict {
            fields: field
                .map(|f| FieldErrors::from([(f, message.clone())]))
                .unwrap_or_default(),
            message,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } | AppError::State { .. } => StatusCode::CONFLICT,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::BadRequest { code, .. } | AppError::State { code, .. } => code,
            AppError::Validation(_) => "validation",
            AppError::Conflict { .. } => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Busy => "busy",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation(fields) | AppError::Conflict { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// Headers that go with the status, such as `Retry-After`.
    pub fn decorate(&self, response: &mut Response) {
        match self {
            AppError::RateLimited { retry_after } => {
                let seconds = retry_after.as_seconds_f64().ceil().max(1.0) as u64;
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            AppError::Busy => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(1));
            }
            AppError::Internal(error) => {
                response
                    .extensions_mut()
                    .insert(InternalDetail(format!("{error:#}")));
            }
            _ => {}
        }
    }
}

/// The cause of a 500, carried to the logging middleware (responses never show it).
#[derive(Clone, Debug)]
pub struct InternalDetail(pub String);

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(constraint) => conflict(constraint),
            StoreError::Contention(_) => AppError::Busy,
            other => AppError::Internal(other.into()),
        }
    }
}

/// The answer to a change that a constraint refused. Every constraint has one on purpose (no
/// catch-all), so a new constraint is a compile error here until it has an answer.
fn conflict(constraint: Constraint) -> AppError {
    use Constraint as C;
    match constraint {
        C::UsersEmailKey => AppError::Conflict {
            message: "An account with this email address already exists.".into(),
            fields: FieldErrors::from([(
                "email",
                "An account with this email address already exists.".into(),
            )]),
        },
        C::CategoriesNameKey => {
            AppError::conflict(Some("name"), "A category with this name already exists.")
        }
        // A start that another request took between the check and the insert.
        C::SlotsListingStartKey => AppError::conflict(
            Some("starts_at"),
            "This listing already has a slot at one of these times. No slots were created.",
        ),
        // A kiosk booked or held the slot meanwhile.
        C::SlotsBookingNotReplaced | C::SlotsHeldOrBooked => {
            AppError::conflict(None, CHANGED_MEANWHILE)
        }
        C::UsersEmailImmutable => AppError::field("email", "The email address cannot be changed."),
        // A row that was checked is gone after all: the answer the person would have got had
        // they asked a moment later.
        C::MembershipsUserIdFkey => AppError::field("user_id", NO_SUCH_USER),
        C::MembershipsProviderIdFkey => AppError::field("provider_ids", PROVIDER_GONE),
        // The services check these first: a refusal here is a change that raced another one
        // (a second fallback, a membership added twice, a token drawn twice), and trying again
        // sees the new state.
        C::MembershipsPkey
        | C::ProvidersOneFallback
        | C::SignInSecretsTokenKey
        | C::StationsTokenKey
        | C::ListingCategoriesPkey
        | C::KioskSessionCategoriesPkey
        | C::KioskSelectionsPkey => AppError::conflict(None, CHANGED_MEANWHILE),
        // Values the domain types already validate, and the append-only audit log: the store
        // refused what the application should never have sent, which is a defect to log.
        C::UsersEmailCanonical
        | C::UsersFirstNameLength
        | C::UsersLastNameLength
        | C::UsersRoleKnown
        | C::UsersCanDownloadReportsBool
        | C::ProvidersIsFallbackBool
        | C::SignInSecretsKindKnown
        | C::AuditEventsAppendOnly
        | C::CategoriesNameLength
        | C::CategoriesColourFormat
        | C::ListingsAgesOrdered
        | C::ListingsGenderKnown
        | C::ListingsIndigenousKnown
        | C::ListingsKindKnown
        | C::SlotsDurationRange
        | C::SlotsHoldComplete
        | C::StationsNameLength
        | C::KioskSessionsAgeRange
        | C::KioskSessionsOutcomeKnown
        | C::KioskSelectionsKindKnown => {
            AppError::Internal(anyhow::anyhow!("constraint {constraint} refused a change"))
        }
    }
}

/// The message of a change that lost a race with another one.
const CHANGED_MEANWHILE: &str = "This changed meanwhile; reload and try again.";

/// The field message for a user id that names nobody.
pub const NO_SUCH_USER: &str = "There is no such user.";
/// The field message for chosen providers of which one is gone.
pub const PROVIDER_GONE: &str = "One of the chosen providers no longer exists.";

impl IntoResponse for AppError {
    /// The JSON rendering of SPEC §12.
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": {
                "code": self.code(),
                "message": self.to_string(),
                "fields": self.fields().cloned().unwrap_or_default(),
            }
        });
        let mut response = (self.status(), Json(body)).into_response();
        self.decorate(&mut response);
        response
    }
}
