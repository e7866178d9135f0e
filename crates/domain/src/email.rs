//! The email address: the account's identity, kept in one canonical form.

use std::fmt;

/// The longest address we accept (RFC 5321 path limit less the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;
const MAX_LABEL_LEN: usize = 63;

/// A syntactically valid email address in canonical form: trimmed and lower-cased.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

/// Why a string is not an acceptable email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an email address.")]
    Empty,
    #[error("The email address must be at most 254 characters.")]
    TooLong,
    #[error("Enter a valid email address, like name@example.org.")]
    Invalid,
}

impl EmailAddress {
    /// Parses user input into the canonical form: `Ann@Example.org ` and `ann@example.org` are equal.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let typed = input.trim().to_lowercase();
        if typed.is_empty() {
            return Err(EmailError::Empty);
        }
        let (local, domain) = typed.split_once('@').ok_or(EmailError::Invalid)?;
        // An internationalised domain (`bücher.de`) is kept in its ASCII form
        // (`xn--bcher-kva.de`), so that both spellings are one account and every mail server
        // can deliver to it. The part before the `@` stays ASCII: few servers accept SMTPUTF8.
        let domain = if domain.is_ascii() {
            domain.to_owned()
        } else {
            idna::domain_to_ascii(domain).map_err(|_| EmailError::Invalid)?
        };
        let canonical = format!("{local}@{domain}");
        if canonical.len() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        if valid_local(local) && valid_domain(&domain) {
            Ok(Self(canonical))
        } else {
            Err(EmailError::Invalid)
        }
    }

    /// The canonical text of the address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn valid_local(local: &str) -> bool {
    const SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= MAX_LABEL_LEN
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| {
            tld.len() >= 2
                && (tld.chars().all(|c| c.is_ascii_alphabetic()) || tld.starts_with("xn--"))
        })
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_is_trimmed_and_lower_cased() {
        let a = EmailAddress::parse(" Ann@Example.org ").unwrap();
        assert_eq!(a.as_str(), "ann@example.org");
        assert_eq!(a, EmailAddress::parse("ann@example.org").unwrap());
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "   ",
            "ann",
            "ann@",
            "@example.org",
            "ann@@example.org",
            "a b@example.org",
            "ann@example",
            "ann@-example.org",
            "ann@example..org",
            ".ann@example.org",
            "ann@exa_mple.org",
            "ann@example.o",
            "ann@example.org\n@x.org",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn an_internationalised_domain_is_the_same_account_as_its_punycode_form() {
        let unicode = EmailAddress::parse("Ann@Bücher.DE").unwrap();
        assert_eq!(unicode.as_str(), "ann@xn--bcher-kva.de");
        assert_eq!(
            unicode,
            EmailAddress::parse("ann@xn--bcher-kva.de").unwrap()
        );
        assert!(EmailAddress::parse("ann@例え.テスト").is_ok());
        assert_eq!(
            EmailAddress::parse("bücher@example.org"),
            Err(EmailError::Invalid),
            "the local part stays ASCII"
        );
        assert!(EmailAddress::parse("ann@bü\u{0}cher.de").is_err());
    }

    #[test]
    fn rejects_overlong_addresses() {
        let long = format!("{}@{}.org", "a".repeat(64), "b".repeat(200));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
        assert_eq!(
            EmailAddress::parse(&format!("{}@example.org", "a".repeat(65))),
            Err(EmailError::Invalid)
        );
    }
}
