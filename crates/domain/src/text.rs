//! Limits and checks for the free text that people type.

/// Names (people, providers, categories) are at most this many characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Descriptions are at most this many characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

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
    Ok(trimmed.to_owned())
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
        assert_eq!(
            parse_name(&"é".repeat(100), "name")
                .unwrap()
                .chars()
                .count(),
            100
        );
    }
}
