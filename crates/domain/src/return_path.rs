//! Where a person lands after signing in: the page they first asked for, if it is a path of
//! this site (issue 12). Anything that a browser could read as another site — an absolute URL,
//! `//host`, `/\host`, their percent-encoded forms, control characters — is refused, so the
//! sign-in pages can never be used as an open redirect.

/// The longest path kept; a longer one is no page of ours.
const MAX_LEN: usize = 2000;

/// `raw` when it is a same-site path (`/users?page=2`), else `None` (the caller goes to `/`).
pub fn same_site_path(raw: &str) -> Option<&str> {
    if raw.len() > MAX_LEN || !raw.starts_with('/') {
        return None;
    }
    // Decoded twice over, so `%252F` is judged as the `/` a second decoder would make of it.
    let once = percent_decode(raw)?;
    let twice = percent_decode(&once)?;
    for text in [raw, once.as_str(), twice.as_str()] {
        if text.starts_with("//")
            || text.contains('\\')
            || text.chars().any(char::is_control)
            || !text.starts_with('/')
        {
            return None;
        }
    }
    // The sign-in pages themselves are no place to come back to.
    let path = raw.split(['?', '#']).next().unwrap_or(raw);
    if path.starts_with("/sign-in") || path == "/sign-out" {
        return None;
    }
    Some(raw)
}

/// `%XX` decoded to bytes; `None` when the result is not UTF-8 or an escape is broken.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn paths_of_this_site_are_kept() {
        for path in [
            "/",
            "/users",
            "/users?page=2&role=admin",
            "/providers/0b9e/members",
            "/audit?from=2026-01-01",
            "/users?q=mia%20tran",
        ] {
            assert_eq!(same_site_path(path), Some(path), "{path}");
        }
    }

    #[test]
    fn anything_a_browser_could_read_as_another_site_is_refused() {
        for path in [
            "",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example/users",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/users\\..\\",
            "/%2F/evil.example",
            "/%2fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%252F/evil.example",
            "/%255Cevil.example",
            "/\tevil",
            "/\n/evil.example",
            "/%0A/evil.example",
            "/%09/evil.example",
            "/%00",
            "/%zz",
            "/%E0%A4%A",
        ] {
            assert_eq!(same_site_path(path), None, "{path:?}");
        }
    }

    #[test]
    fn the_sign_in_pages_and_overlong_paths_are_no_place_to_return_to() {
        assert_eq!(same_site_path("/sign-in"), None);
        assert_eq!(same_site_path("/sign-in/code?email=a"), None);
        assert_eq!(same_site_path("/sign-out"), None);
        assert_eq!(same_site_path(&format!("/{}", "a".repeat(2000))), None);
    }
}
