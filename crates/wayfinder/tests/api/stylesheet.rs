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
