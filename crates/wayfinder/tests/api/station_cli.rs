//! The real binary's station commands: `station create` prints a link whose token names the new
//! live station, and `demo` prints a link of its world's first station; neither token is kept
//! in clear in the data directory.

use crate::cli::Home;
use crate::external::{Secret, files_under, leaks, sqlite3_ok};

/// The token of `link` if it is `{base}/kiosk?station=TOKEN` with 256 bits of base64url.
fn token_in(link: &str, base: &str) -> String {
    let token = link
        .strip_prefix(&format!("{base}/kiosk?station="))
        .unwrap_or_else(|| panic!("{link:?} is no station link of {base}"));
    assert_eq!(token.len(), 43, "{token}");
    token.to_owned()
}

/// The station (name, revoked?) whose stored hash is the one of `token` under this home's key.
fn station_of(home: &Home, token: &str) -> String {
    let master = wayfinder::secrets::load_master(None, &home.data()).expect("the server secret");
    let keys = wayfinder::secrets::Keys::derive(&master);
    let hash: String = keys
        .hash(wayfinder::service::stations::TOKEN_PURPOSE, &[token])
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    sqlite3_ok(
        &home.db(),
        &format!(
            "SELECT name || '|' || (revoked_at IS NULL) FROM stations \
             WHERE hex(token_hash) = '{hash}'"
        ),
    )
}

#[tokio::test]
async fn station_create_prints_a_link_whose_token_opens_the_new_station() {
    let home = Home::new();
    let base = "https://kiosk.example.org";
    let output = home
        .run(&[
            "station",
            "create",
            "--name",
            "Unit 9 library",
            "--base-url",
            base,
        ])
        .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let link = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let token = token_in(&link, base);
    assert_eq!(station_of(&home, &token), "Unit 9 library|1");
    let files = files_under(&home.data(), &[]);
    assert_eq!(leaks(&files, &[Secret::Token(token)]), []);

    let refused = home.run(&["station", "create", "--name", " "]).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("name"));
}

#[tokio::test]
async fn demo_prints_a_link_of_one_of_its_stations() {
    let home = Home::new();
    let base = "http://kiosk.example.org:8080";
    let output = home
        .run(&["demo", "--sessions", "20", "--base-url", base])
        .await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}");
    let link = stdout
        .split_whitespace()
        .find(|word| word.contains("/kiosk?station="))
        .unwrap_or_else(|| panic!("no station link in {stdout}"));
    let token = token_in(link, base);
    assert!(
        station_of(&home, &token).ends_with("|1"),
        "a live demo station"
    );
}

#[tokio::test]
async fn demo_ends_with_the_serve_command_the_address_to_sign_in_with_the_outbox_and_the_kiosk() {
    let home = Home::new();
    let base = "http://kiosk.example.org:8080";
    let output = home
        .run(&["demo", "--sessions", "20", "--base-url", base])
        .await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}");

    let data = home.data().display().to_string();
    let outbox = home.data().join("outbox").display().to_string();
    let next = stdout
        .split("Next:")
        .nth(1)
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        next.contains(&format!("serve --data-dir {data} --base-url {base}")),
        "{next}"
    );
    assert!(
        next.contains(&format!(
            "Sign in at {base}/sign-in as alex.morgan@example.org"
        )),
        "{next}"
    );
    assert!(
        next.contains(&format!("arrives as an .eml file in {outbox}")),
        "{next}"
    );
    assert!(next.contains("valid 10 minutes"), "{next}");
    assert!(next.contains(&format!("{base}/kiosk?station=")), "{next}");
}

#[tokio::test]
async fn a_demo_for_an_address_of_this_machine_says_to_serve_on_that_address() {
    let home = Home::new();
    let base = "http://127.0.0.1:18999";
    let output = home
        .run(&["demo", "--sessions", "0", "--base-url", base])
        .await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}");

    let data = home.data().display().to_string();
    assert!(
        stdout.contains(&format!(
            "serve --data-dir {data} --listen 127.0.0.1:18999 --base-url {base}"
        )),
        "{stdout}"
    );
}
