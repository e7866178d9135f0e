//! Service providers and the categories their listings belong to, with their input rules.

use crate::text::{MAX_DESCRIPTION_CHARS, parse_long_text, parse_name};
use crate::{CategoryId, EmailAddress, ProviderId};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// A service organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    pub description: String,
    /// Where booking confirmations go; may be empty.
    pub booking_email: String,
    pub contact_email: String,
    pub phone: String,
    pub address: String,
    pub is_fallback: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The editable fields of a provider, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderProfile {
    pub name: String,
    pub description: String,
    pub booking_email: String,
    pub contact_email: String,
    pub phone: String,
    pub address: String,
}

pub const MAX_PHONE_CHARS: usize = 40;
pub const MAX_ADDRESS_CHARS: usize = 300;

/// Field name → message, for every field that needs attention.
pub type FieldMessages = BTreeMap<&'static str, String>;

fn optional_email(input: &str, errors: &mut FieldMessages, field: &'static str) -> String {
    if input.trim().is_empty() {
        return String::new();
    }
    match EmailAddress::parse(input) {
        Ok(email) => email.to_string(),
        Err(error) => {
            errors.insert(field, error.to_string());
            String::new()
        }
    }
}

fn limited(
    input: &str,
    max: usize,
    what: &str,
    field: &'static str,
    errors: &mut FieldMessages,
) -> String {
    parse_long_text(input, max, what).unwrap_or_else(|message| {
        errors.insert(field, message);
        String::new()
    })
}

impl ProviderProfile {
    /// Checks every field; all problems are reported at once.
    pub fn parse(
        name: &str,
        description: &str,
        booking_email: &str,
        contact_email: &str,
        phone: &str,
        address: &str,
    ) -> Result<Self, FieldMessages> {
        let mut errors = FieldMessages::new();
        let name = parse_name(name, "name").unwrap_or_else(|e| {
            errors.insert("name", e);
            String::new()
        });
        let description = limited(
            description,
            MAX_DESCRIPTION_CHARS,
            "description",
            "description",
            &mut errors,
        );
        let booking_email = optional_email(booking_email, &mut errors, "booking_email");
        let contact_email = optional_email(contact_email, &mut errors, "contact_email");
        let phone = limited(phone, MAX_PHONE_CHARS, "phone number", "phone", &mut errors);
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-.".contains(c))
        {
            errors.insert("phone", "Use digits, spaces and + ( ) - . only.".into());
        }
        let address = limited(
            address,
            MAX_ADDRESS_CHARS,
            "address",
            "address",
            &mut errors,
        );
        if errors.is_empty() {
            Ok(Self {
                name,
                description,
                booking_email,
                contact_email,
                phone,
                address,
            })
        } else {
            Err(errors)
        }
    }
}

/// A kind of need that listings meet (housing, health…), shown in its colour at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    /// `#rrggbb`, lower case.
    pub colour: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// Checks a colour in the form `#rrggbb`; returns it lower-cased.
pub fn parse_colour(input: &str) -> Result<String, String> {
    let colour = input.trim().to_lowercase();
    let hex = colour.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(colour)
    } else {
        Err("Enter a colour like #1f5fa8.".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_reports_every_bad_field() {
        let errors = ProviderProfile::parse("", &"x".repeat(2001), "nope", "a@b", "call me", "")
            .unwrap_err();
        let fields: Vec<_> = errors.keys().copied().collect();
        assert_eq!(
            fields,
            [
                "booking_email",
                "contact_email",
                "description",
                "name",
                "phone"
            ]
        );
    }

    #[test]
    fn a_profile_refuses_nul_and_control_characters_but_keeps_line_breaks() {
        let errors =
            ProviderProfile::parse("Hope\u{202E}", "a\0b", "", "", "1\n2", "x\u{1b}y").unwrap_err();
        let fields: Vec<_> = errors.keys().copied().collect();
        assert_eq!(fields, ["address", "description", "name", "phone"]);
        let profile = ProviderProfile::parse(
            "Hope",
            "Line one\r\nLine two\tend",
            "",
            "",
            "",
            "1 Main St\nTown",
        )
        .unwrap();
        assert_eq!(profile.description, "Line one\nLine two\tend");
        assert_eq!(profile.address, "1 Main St\nTown");
    }

    #[test]
    fn a_profile_is_trimmed_and_emails_canonical() {
        let profile = ProviderProfile::parse(
            " Hope House ",
            "",
            "Bookings@Hope.org",
            "",
            "+61 (2) 555-0100",
            "",
        )
        .unwrap();
        assert_eq!(profile.name, "Hope House");
        assert_eq!(profile.booking_email, "bookings@hope.org");
    }

    #[test]
    fn colours_are_hash_and_six_hex_digits() {
        assert_eq!(parse_colour("#1F5FA8").unwrap(), "#1f5fa8");
        for bad in ["1f5fa8", "#1f5fa", "#1f5fa8a", "#gggggg", "red", ""] {
            assert!(parse_colour(bad).is_err(), "{bad}");
        }
    }
}
