//! The stylesheet as served parses as a whole: a block left open by a merge silently moves
//! every later rule into it (the phone-width block once swallowed the breadcrumbs, the kiosk
//! print page and the home checklist on every wider screen).

use crate::helpers::TestApp;

/// The stylesheet without its comments and quoted strings, where braces are only text.
fn code_of(css: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("/*") {
            let end = rest.find("*/").expect("every comment is closed");
            rest = &rest[end + 2..];
        } else if c == '"' || c == '\'' {
            let end = rest[1..].find(c).expect("every string is closed");
            rest = &rest[end + 2..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[tokio::test]
async fn every_block_of_the_stylesheet_is_closed_where_it_should_be() {
    let app = TestApp::spawn().await;
    let css = app
        .client()
        .get(app.url("/static/app.css"))
        .send()
        .await
        .unwrap();
    let css = code_of(&css.text().await.unwrap());

    let mut depth = 0_i32;
    let mut deepest = 0;
    for c in css.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        assert!(depth >= 0, "a block closes that never opened");
        deepest = deepest.max(depth);
    }
    assert_eq!(depth, 0, "a block is left open at the end");
    // Rules sit at most inside one at-rule (`@media { rule { … } }`).
    assert!(deepest <= 2, "{deepest}");
}

#[tokio::test]
async fn the_stylesheet_and_scripts_travel_gzipped_to_a_browser_that_takes_it() {
    use std::io::Read;
    let app = TestApp::spawn().await;
    for path in [
        "/static/app.css",
        "/static/kiosk.js",
        "/static/dashboard.js",
    ] {
        let get = |encoding: &'static str| {
            app.client()
                .get(app.url(path))
                .header("accept-encoding", encoding)
                .send()
        };
        let plain = get("identity").await.unwrap();
        assert_eq!(plain.headers().get("content-encoding"), None, "{path}");
        let plain = plain.bytes().await.unwrap();

        let packed = get("gzip, deflate, br").await.unwrap();
        assert_eq!(packed.headers()["content-encoding"], "gzip", "{path}");
        assert_eq!(packed.headers()["vary"], "accept-encoding", "{path}");
        let packed = packed.bytes().await.unwrap();
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(&packed[..])
            .read_to_end(&mut unpacked)
            .expect("gunzip");
        assert_eq!(unpacked, plain, "{path}");
        assert!(packed.len() < plain.len(), "{path}");
    }
    // Pages are never compressed (their tokens sit beside what people typed: BREACH).
    let page = app
        .client()
        .get(app.url("/sign-in"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers().get("content-encoding"), None);
}
