//! Step 4 in pages: at most [`PER_PAGE`] listings a page and [`FEW_TIMES`] free times a
//! booking listing, so the page stays light with a big directory (issue 11); "More times"
//! opens one listing's times up to [`MANY_TIMES`]. The query is read leniently: a page or
//! listing that does not parse or does not exist is ignored, never an error.

use domain::ListingId;
use serde::Deserialize;

/// Listings on one page.
pub const PER_PAGE: usize = 20;
/// Free times a booking listing shows at first.
pub const FEW_TIMES: usize = 6;
/// Free times the listing whose "More times" was chosen shows.
pub const MANY_TIMES: usize = 40;

/// `?page=N&times=<listing id>`, as typed: parsed by [`View::from_query`].
#[derive(Deserialize, Default)]
pub struct ListingsQuery {
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    times: Option<String>,
}

/// What part of step 4 to show.
#[derive(Default, Clone, Copy)]
pub struct View {
    /// The page asked for, from 1; `None` shows the page of `times`, else the first.
    pub page: Option<usize>,
    /// The listing to show more times of.
    pub times: Option<ListingId>,
}

impl View {
    pub fn from_query(query: &ListingsQuery) -> View {
        View {
            page: parse_page(query.page.as_deref()),
            times: query.times.as_deref().and_then(|t| t.trim().parse().ok()),
        }
    }
}

/// A page number from 1, or `None` for anything else.
pub fn parse_page(text: Option<&str>) -> Option<usize> {
    text.and_then(|p| p.trim().parse().ok()).filter(|&p| p >= 1)
}

/// Where a page of `total` listings starts and ends, and the words and links around it.
pub struct Paging {
    /// The page shown, from 1.
    pub page: usize,
    /// Index range of the listings shown.
    pub start: usize,
    pub end: usize,
    pub total: usize,
}

impl Paging {
    /// The page of `view` (its listing's page when no page was asked for; the last page when
    /// one past it was), `position` finding a listing's index in display order.
    pub fn new(total: usize, view: View, position: impl Fn(ListingId) -> Option<usize>) -> Paging {
        let pages = total.div_ceil(PER_PAGE).max(1);
        let page = view
            .page
            .or_else(|| view.times.and_then(&position).map(|i| i / PER_PAGE + 1))
            .unwrap_or(1)
            .min(pages);
        let start = (page - 1) * PER_PAGE;
        Paging {
            page,
            start,
            end: (start + PER_PAGE).min(total),
            total,
        }
    }

    /// "Showing 1–20 of 300 services", or the count alone when one page shows all.
    pub fn summary(&self) -> String {
        match self.total {
            0 => String::new(),
            1 => "Showing 1 service.".to_owned(),
            n if n <= PER_PAGE => format!("Showing all {n} services."),
            n => format!("Showing {}–{} of {n} services.", self.start + 1, self.end),
        }
    }

    /// The link to this page with `extra` query parameters.
    pub fn link(page: usize, extra: &str) -> String {
        match (page, extra) {
            (1, "") => "/kiosk/listings".to_owned(),
            (1, extra) => format!("/kiosk/listings?{extra}"),
            (page, "") => format!("/kiosk/listings?page={page}"),
            (page, extra) => format!("/kiosk/listings?page={page}&{extra}"),
        }
    }

    pub fn previous(&self) -> Option<String> {
        (self.page > 1).then(|| Paging::link(self.page - 1, ""))
    }

    pub fn next(&self) -> Option<String> {
        (self.end < self.total).then(|| Paging::link(self.page + 1, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::{Paging, View, parse_page};

    #[test]
    fn forty_five_listings_make_pages_of_twenty_twenty_and_five() {
        let page = |n| {
            Paging::new(
                45,
                View {
                    page: Some(n),
                    times: None,
                },
                |_| None,
            )
        };
        assert_eq!((page(1).start, page(1).end), (0, 20));
        assert_eq!((page(2).start, page(2).end), (20, 40));
        assert_eq!((page(3).start, page(3).end), (40, 45));
        assert_eq!(page(9).page, 3, "past the last page is the last page");
        assert_eq!(page(2).summary(), "Showing 21–40 of 45 services.");
        assert_eq!(page(3).next(), None);
        assert_eq!(page(2).previous().as_deref(), Some("/kiosk/listings"));
    }

    #[test]
    fn a_page_that_is_not_a_number_from_one_is_no_page() {
        for text in ["", "0", "-1", "abc", "2.5", "99999999999999999999999"] {
            assert_eq!(parse_page(Some(text)), None, "{text}");
        }
        assert_eq!(parse_page(Some("3")), Some(3));
    }
}
