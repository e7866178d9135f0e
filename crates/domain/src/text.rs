//! Limits and checks for the free text that people type.
//!
//! Control characters are refused everywhere (newline and tab only in long text), because they
//! break CSV, logs and PostgreSQL (which cannot store NUL) and are never what a person meant.
//! Names also refuse the characters that make text lie about itself: bidirectional overrides and
//! isolates, which can reorder what a reader sees, and text made only of invisible characters.

/// Names (people, providers, categories) are at most this many characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Descriptions are at most this many characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// A search term is at most this many characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// Characters that change the direction of the text around them (embeddings, overrides,
/// isolates and the directional marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no space and show nothing.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{180E}' | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}'
    ) || c.is_whitespace()
}

/// Trims a required single-line name and checks its length; the error is a message for the field.
pub fn parse_name(input: &str, what: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(format!("Enter the {what}."));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "The {what} must be at most {MAX_NAME_CHARS} characters."
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(format!("The {what} must be a single line of text."));
    }
    if trimmed.chars().any(is_bidi_control) {
        return Err(format!(
            "The {what} contains characters that change the direction of text. Remove them."
        ));
    }
    if trimmed.chars().all(is_invisible) {
        return Err(format!("Enter the {what}."));
    }
    Ok(trimmed.to_owned())
}

/// Trims optional long text (a description, an address) and checks it: at most `max` characters,
/// newlines and tabs allowed, other control characters refused. Windows line ends become `\n`.
pub fn parse_long_text(input: &str, max: usize, what: &str) -> Result<String, String> {
    let text = input.trim().replace("\r\n", "\n");
    if text.chars().count() > max {
        return Err(format!("The {what} must be at most {max} characters."));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(format!(
            "The {what} contains characters that cannot be shown. Remove them."
        ));
    }
    Ok(text)
}

/// Checks a search term or filter typed into a query: one line, no control characters, at most
/// [`MAX_QUERY_CHARS`]. Blank means no filter (`None`).
pub fn parse_query(input: Option<&str>) -> Result<Option<String>, String> {
    let Some(text) = input.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().any(char::is_control) {
        return Err("Search for plain text without control characters.".into());
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(format!("Search for at most {MAX_QUERY_CHARS} characters."));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_limited() {
        assert_eq!(parse_name("  Ann ", "first name").unwrap(), "Ann");
        assert!(parse_name("   ", "first name").is_err());
        assert!(parse_name(&"x".repeat(101), "first name").is_err());
        assert!(parse_name("a\nb", "first name").is_err());
        assert!(parse_name("a\0b", "first name").is_err());
        assert_eq!(
            parse_name(&"é".repeat(100), "name")
                .unwrap()
                .chars()
                .count(),
            100
        );
    }

    #[test]
    fn names_refuse_direction_overrides_and_invisible_text() {
        for bad in [
            "Ann\u{202E}evil",
            "\u{2066}Ann\u{2069}",
            "Ann\u{200F}",
            "\u{200B}\u{200B}",
            "\u{FEFF}",
            "\u{200D} \u{2060}",
        ] {
            assert!(parse_name(bad, "name").is_err(), "{bad:?}");
        }
        // Joiners inside real text are part of many scripts and of emoji.
        assert!(parse_name("क्‍ष", "name").is_ok());
        assert!(parse_name("Jo\u{200D}e", "name").is_ok());
        assert!(parse_name("محمد", "name").is_ok());
    }

    #[test]
    fn long_text_keeps_newlines_and_tabs_but_refuses_other_controls() {
        assert_eq!(
            parse_long_text(" a\r\nb\tc ", 10, "address").unwrap(),
            "a\nb\tc"
        );
        assert!(parse_long_text("a\0b", 10, "address").is_err());
        assert!(parse_long_text("a\u{7}b", 10, "address").is_err());
        assert!(parse_long_text("abcdef", 5, "address").is_err());
        assert_eq!(parse_long_text("", 5, "address").unwrap(), "");
    }

    #[test]
    fn queries_are_single_lines_and_blank_means_none() {
        assert_eq!(parse_query(Some("  ann ")).unwrap().as_deref(), Some("ann"));
        assert_eq!(parse_query(Some("   ")).unwrap(), None);
        assert_eq!(parse_query(None).unwrap(), None);
        assert!(parse_query(Some("a\0")).is_err());
        assert!(parse_query(Some("a\nb")).is_err());
        assert!(parse_query(Some(&"x".repeat(201))).is_err());
    }
}
