//! The stylesheet and scripts, compiled into the binary and sent gzipped to browsers that say
//! they accept it: an old kiosk computer on a slow prison network fetches a quarter of the bytes.
//! Only these files are compressed. Pages carry form tokens next to what people typed, and
//! compressing the two together could let an attacker guess the token from sizes (BREACH).

use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use flate2::{Compression, write::GzEncoder};
use std::io::Write;
use std::sync::OnceLock;

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// One static file, with its gzip form made on first use.
pub struct Asset {
    content_type: &'static str,
    body: &'static str,
    gzipped: OnceLock<Vec<u8>>,
}

impl Asset {
    const fn new(content_type: &'static str, body: &'static str) -> Self {
        Self {
            content_type,
            body,
            gzipped: OnceLock::new(),
        }
    }

    fn gzipped(&'static self) -> &'static [u8] {
        self.gzipped.get_or_init(|| {
            let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
            // Writing to a Vec cannot fail.
            encoder
                .write_all(self.body.as_bytes())
                .and_then(|()| encoder.finish())
                .unwrap_or_default()
        })
    }
}

pub static STYLESHEET: Asset = Asset::new(CSS, include_str!("../../static/app.css"));
/// The copy button of the station link page.
pub static COPY_LINK: Asset = Asset::new(JS, include_str!("../../static/copy-link.js"));
/// Search as you type, the error summary's focus, the role-aware provider checklist.
pub static DASHBOARD: Asset = Asset::new(JS, include_str!("../../static/dashboard.js"));
/// The kiosk's timer, idle warning and Print button.
pub static KIOSK: Asset = Asset::new(JS, include_str!("../../static/kiosk.js"));

/// Whether the request's `Accept-Encoding` takes gzip (and does not refuse it with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| matches!(p, "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// The file, gzipped when the browser takes it; browsers may keep it for an hour.
pub async fn serve(headers: HeaderMap, asset: &'static Asset) -> Response {
    let common = [
        (header::CONTENT_TYPE, asset.content_type),
        (header::CACHE_CONTROL, "public, max-age=3600"),
        (header::VARY, "accept-encoding"),
    ];
    if accepts_gzip(&headers) {
        (
            common,
            [(header::CONTENT_ENCODING, "gzip")],
            asset.gzipped(),
        )
            .into_response()
    } else {
        (common, asset.body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn asking(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn gzip_is_sent_only_to_those_who_take_it() {
        for (value, takes) in [
            ("gzip, deflate, br", true),
            ("br;q=1.0, GZIP;q=0.5", true),
            ("*", true),
            ("gzip;q=0", false),
            ("identity", false),
            ("br, deflate", false),
        ] {
            assert_eq!(accepts_gzip(&asking(value)), takes, "{value}");
        }
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn the_gzip_form_unpacks_to_the_file() {
        let mut plain = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(STYLESHEET.gzipped()),
            &mut plain,
        )
        .expect("gunzip");
        assert_eq!(plain, STYLESHEET.body);
        assert!(STYLESHEET.gzipped().len() * 3 < STYLESHEET.body.len());
    }
}
