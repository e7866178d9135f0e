//! Listings, their appointment slots, and kiosk stations (SPEC §1), with the rules for what a
//! person types into a listing (SPEC §8.1).

use crate::provider::FieldMessages;
use crate::report::ListingKind;
use crate::text::{MAX_DESCRIPTION_CHARS, parse_long_text, parse_name};
use crate::{
    CategoryId, GenderFilter, IndigenousFilter, KioskSessionId, ListingId, ProviderId, SlotId,
    StationId,
};
use time::OffsetDateTime;

/// The oldest age a listing's filter may name (the kiosk asks for ages 0–130 too).
pub const MAX_AGE: i64 = 130;

impl GenderFilter {
    /// The choice as the form names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Any => "Any",
            Self::Male => "Male",
            Self::Female => "Female",
        }
    }
}

impl IndigenousFilter {
    /// The choice as the form names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Any => "Any",
            Self::AboriginalOrTorresStraitIslander => "Aboriginal or Torres Strait Islander",
            Self::NonIndigenous => "Non-Indigenous",
        }
    }
}

impl ListingKind {
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Information, Self::Booking]
            .into_iter()
            .find(|k| k.as_str() == text)
    }

    /// "Information" or "Booking", as the tabs and headings say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Information => "Information",
            Self::Booking => "Booking",
        }
    }
}

/// A service a provider offers, with the filters that decide who sees it at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub id: ListingId,
    pub provider_id: ProviderId,
    pub kind: ListingKind,
    pub name: String,
    pub description: String,
    pub eligibility_notes: String,
    pub gender: GenderFilter,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub indigenous: IndigenousFilter,
    pub category_ids: Vec<CategoryId>,
    pub created_at: OffsetDateTime,
}

impl Listing {
    /// The listing's filters in plain words ("Women only", "Ages 18–25"); empty when it is for
    /// everyone.
    pub fn filter_words(&self) -> Vec<String> {
        let mut words = Vec::new();
        match self.gender {
            GenderFilter::Any => {}
            GenderFilter::Female => words.push("Women only".to_owned()),
            GenderFilter::Male => words.push("Men only".to_owned()),
        }
        match (self.min_age, self.max_age) {
            (Some(min), Some(max)) if min == max => words.push(format!("Age {min} only")),
            (Some(min), Some(max)) => words.push(format!("Ages {min}–{max}")),
            (Some(min), None) => words.push(format!("Ages {min} and over")),
            (None, Some(max)) => words.push(format!("Ages {max} and under")),
            (None, None) => {}
        }
        match self.indigenous {
            IndigenousFilter::Any => {}
            IndigenousFilter::AboriginalOrTorresStraitIslander => {
                words.push("Aboriginal or Torres Strait Islander clients".to_owned());
            }
            IndigenousFilter::NonIndigenous => words.push("Non-Indigenous clients".to_owned()),
        }
        words
    }
}

/// A listing as typed, before any check: text for every field, so that an unknown filter value
/// or an age that is not a number becomes a message next to its field, not a parse failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawListing {
    pub name: String,
    pub description: String,
    pub eligibility_notes: String,
    pub category_ids: Vec<String>,
    pub gender: String,
    /// Blank means no lower limit.
    pub min_age: String,
    /// Blank means no upper limit.
    pub max_age: String,
    pub indigenous: String,
}

/// The editable fields of a listing, checked (the kind is set once, at creation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingInput {
    pub name: String,
    pub description: String,
    pub eligibility_notes: String,
    /// At least one, without repeats, in the order given.
    pub category_ids: Vec<CategoryId>,
    pub gender: GenderFilter,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub indigenous: IndigenousFilter,
}

fn age(text: &str, which: &str, field: &'static str, errors: &mut FieldMessages) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<i64>() {
        Ok(years) if (0..=MAX_AGE).contains(&years) => Some(years),
        Ok(_) => {
            errors.insert(
                field,
                format!("The {which} age must be between 0 and {MAX_AGE}."),
            );
            None
        }
        Err(_) => {
            errors.insert(
                field,
                format!("Enter the {which} age as a whole number of years, or leave it blank."),
            );
            None
        }
    }
}

fn categories(raw: &[String], errors: &mut FieldMessages) -> Vec<CategoryId> {
    let mut ids = Vec::new();
    for text in raw.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        match text.parse::<CategoryId>() {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => {
                errors.insert("category_ids", "Choose categories from the list.".into());
                return ids;
            }
        }
    }
    if ids.is_empty() {
        // A listing without a category can never be shown at the kiosk.
        errors.insert("category_ids", "Choose at least one category.".into());
    }
    ids
}

impl ListingInput {
    /// Checks every field; all problems are reported at once, by field name.
    pub fn parse(raw: &RawListing) -> Result<Self, FieldMessages> {
        let mut errors = FieldMessages::new();
        let mut long = |text: &str, what: &str, field: &'static str| {
            parse_long_text(text, MAX_DESCRIPTION_CHARS, what).unwrap_or_else(|message| {
                errors.insert(field, message);
                String::new()
            })
        };
        let description = long(&raw.description, "description", "description");
        let eligibility_notes = long(
            &raw.eligibility_notes,
            "eligibility notes",
            "eligibility_notes",
        );
        let name = parse_name(&raw.name, "name").unwrap_or_else(|message| {
            errors.insert("name", message);
            String::new()
        });
        let category_ids = categories(&raw.category_ids, &mut errors);
        let gender = filter(
            &raw.gender,
            GenderFilter::parse,
            GenderFilter::Any,
            "gender",
            &mut errors,
        );
        let indigenous = filter(
            &raw.indigenous,
            IndigenousFilter::parse,
            IndigenousFilter::Any,
            "indigenous",
            &mut errors,
        );
        let min_age = age(&raw.min_age, "minimum", "min_age", &mut errors);
        let max_age = age(&raw.max_age, "maximum", "max_age", &mut errors);
        if let (Some(min), Some(max)) = (min_age, max_age) {
            if min > max {
                errors.insert(
                    "max_age",
                    "The maximum age must be at least the minimum age.".into(),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            name,
            description,
            eligibility_notes,
            category_ids,
            gender,
            min_age,
            max_age,
            indigenous,
        })
    }
}

/// A filter's value; blank means "any", anything unknown is a message for the field.
fn filter<T>(
    text: &str,
    parse: fn(&str) -> Option<T>,
    any: T,
    field: &'static str,
    errors: &mut FieldMessages,
) -> T {
    let text = text.trim();
    if text.is_empty() {
        return any;
    }
    parse(text).unwrap_or_else(|| {
        errors.insert(field, "Choose one of the options offered.".into());
        any
    })
}

/// An appointment time of a booking listing; one client at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub id: SlotId,
    pub listing_id: ListingId,
    pub starts_at: OffsetDateTime,
    pub duration_minutes: i64,
    pub booked_by_session: Option<KioskSessionId>,
    pub created_at: OffsetDateTime,
}

/// A kiosk access link; the token is stored only as a keyed hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub id: StationId,
    pub name: String,
    pub token_hash: Vec<u8>,
    pub revoked_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    /// When the station last opened a kiosk page or called the kiosk API (touched at most
    /// once a minute).
    pub last_used_at: Option<OffsetDateTime>,
}

#[cfg(test)]
#[path = "listing_tests.rs"]
mod tests;
