//! One extractor per permission of SPEC §2: `Require<perm::ManageUsers>` in a handler's
//! signature lets only a principal with that permission in; anyone else is refused (`403`,
//! recorded) or sent to sign in. The scope it carries bounds what the handler's service may
//! touch; the service checks each object against it.

use super::CurrentUser;
use crate::AppState;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::{Permission, Scope, Viewer};
use std::marker::PhantomData;

/// A permission as a type, for [`Require`].
pub trait Needs: Send + Sync + 'static {
    const PERMISSION: Permission;
}

/// The permissions as types, one per row of [`domain::access::TABLE`].
pub mod perm {
    use super::{Needs, Permission};

    macro_rules! permissions {
        ($($name:ident),* $(,)?) => {$(
            #[doc = concat!("[`Permission::", stringify!($name), "`] as a type.")]
            pub struct $name;
            impl Needs for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )*};
    }

    permissions!(
        SeeProviders,
        ManageProviders,
        SeeMembers,
        ManageMembers,
        ManageListings,
        ManageCategories,
        ManageUsers,
        DownloadReports,
        ViewAudit,
        ManageStations,
    );
}

/// A signed-in principal that holds `P`, with the scope `P` reaches.
pub struct Require<P> {
    pub current: CurrentUser,
    pub viewer: Viewer,
    pub scope: Scope,
    permission: PhantomData<P>,
}

impl<P: Needs> FromRequestParts<AppState> for Require<P> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let current = CurrentUser::from_request_parts(parts, state).await?;
        let viewer = current.viewer();
        if let Some(scope) = viewer.scope(P::PERMISSION) {
            return Ok(Require {
                current,
                viewer,
                scope,
                permission: PhantomData,
            });
        }
        // Nested routers see their path without the prefix; the original tells API from page.
        let section = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |uri| uri.path().to_owned());
        let error = crate::service::denied(state, &viewer, &section).await;
        Err(if section.starts_with("/api/") {
            error.into_response()
        } else {
            crate::http::pages::PageError(error).into_response()
        })
    }
}
