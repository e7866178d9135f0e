//! The pages' route table: each route is declared with who may reach it, and the router is
//! built from the table, so a page cannot be served without an entry. The permission test
//! walks this table (and the API's OpenAPI document, which is built from the API's router).

use crate::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, get, post};
use domain::Permission;

/// Who may reach a route (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: signing in, the first start.
    Public,
    /// Anyone signed in (signing out).
    SignedIn,
    /// A signed-in principal with this permission; the service checks the object's scope.
    Needs(Permission),
    /// A kiosk station, by its station cookie (SPEC §8.2); anyone else gets the not-set-up page.
    Station,
}

/// One line of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteEntry {
    pub method: &'static str,
    /// As axum writes it: `/providers/{id}`.
    pub path: &'static str,
    pub access: Access,
}

/// A router and the table it was built from.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteEntry>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        route: MethodRouter<AppState>,
    ) -> Self {
        self.table.push(RouteEntry {
            method,
            path,
            access,
        });
        // Two methods on one path merge into one method router.
        self.router = self.router.route(path, route);
        self
    }

    /// A `GET` route (which answers `HEAD` too).
    pub fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("GET", path, access, get(handler))
    }

    /// A `POST` route (a form).
    pub fn post<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("POST", path, access, post(handler))
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub fn table(&self) -> &[RouteEntry] {
        &self.table
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
