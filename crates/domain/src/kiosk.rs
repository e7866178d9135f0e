//! The kiosk session's rules (SPEC §8.3): the steps in order, what a client says about themself,
//! which listings they see, and in what order.

use crate::provider::FieldMessages;
use crate::{CategoryId, Gender, GenderFilter, IndigenousFilter, IndigenousStatus};

/// The oldest age a client can give, in whole years.
pub const MAX_AGE: i64 = 130;

/// A step of the session. The order of the variants is the order of the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Consent,
    Demographics,
    Categories,
    Listings,
    Review,
    Ended,
}

impl Step {
    /// The name the API sends.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Consent => "consent",
            Step::Demographics => "demographics",
            Step::Categories => "categories",
            Step::Listings => "listings",
            Step::Review => "review",
            Step::Ended => "ended",
        }
    }
}

/// What a session has done so far; the step it is at follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub ended: bool,
    pub consented: bool,
    pub demographics_given: bool,
    pub categories_chosen: bool,
}

/// Why a step cannot be entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRefusal {
    /// An earlier step is not done yet: no step can be skipped.
    NotReached,
    /// The session is over: nothing of it changes any more.
    Ended,
}

impl Progress {
    /// The furthest step the session has reached. Review is reached with the listings: the
    /// plan can be reviewed as soon as there is something to choose from.
    pub fn step(self) -> Step {
        if self.ended {
            Step::Ended
        } else if self.categories_chosen {
            Step::Listings
        } else if self.demographics_given {
            Step::Categories
        } else if self.consented {
            Step::Demographics
        } else {
            Step::Consent
        }
    }

    /// Whether the session may show or change `step`: every step up to the furthest reached
    /// (Back is always possible), none after it, and nothing once the session has ended.
    pub fn enter(self, step: Step) -> Result<(), StepRefusal> {
        let reached = self.step();
        if reached == Step::Ended {
            return Err(StepRefusal::Ended);
        }
        let furthest = if reached == Step::Listings {
            Step::Review
        } else {
            reached
        };
        if step <= furthest {
            Ok(())
        } else {
            Err(StepRefusal::NotReached)
        }
    }
}

/// What a client said about themself in step 2; `age` is `None` when they preferred not to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demographics {
    pub gender: Gender,
    pub age: Option<i64>,
    pub indigenous: IndigenousStatus,
}

/// The age question's answer as a form or the API gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeAnswer<'a> {
    PreferNotToSay,
    Years(&'a str),
}

impl Demographics {
    /// Reads step 2's answers, with a plain message for each one that is missing or wrong.
    pub fn parse(
        gender: &str,
        age: AgeAnswer<'_>,
        indigenous: &str,
    ) -> Result<Demographics, FieldMessages> {
        let mut errors = FieldMessages::new();
        let gender = Gender::parse(gender.trim());
        if gender.is_none() {
            errors.insert("gender", "Choose one of the answers.".to_owned());
        }
        let age = match age {
            AgeAnswer::PreferNotToSay => Ok(None),
            AgeAnswer::Years(text) => parse_age(text).map(Some),
        };
        if let Err(message) = &age {
            errors.insert("age", message.clone());
        }
        let indigenous = IndigenousStatus::parse(indigenous.trim());
        if indigenous.is_none() {
            errors.insert("indigenous_status", "Choose one of the answers.".to_owned());
        }
        match (gender, age, indigenous) {
            (Some(gender), Ok(age), Some(indigenous)) if errors.is_empty() => Ok(Demographics {
                gender,
                age,
                indigenous,
            }),
            _ => Err(errors),
        }
    }
}

/// An age in whole years, 0 to [`MAX_AGE`].
fn parse_age(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter the age in years, or choose Prefer not to say.".to_owned());
    }
    match text.parse::<i64>() {
        Ok(age) if (0..=MAX_AGE).contains(&age) => Ok(age),
        _ => Err(format!(
            "Enter the age as a whole number of years from 0 to {MAX_AGE}."
        )),
    }
}

/// A listing's filters, as matching needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filters {
    pub gender: GenderFilter,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub indigenous: IndigenousFilter,
}

/// Whether a client with these answers sees a listing with these filters. What a client did not
/// say never hides a listing from them: another gender or no answer sees both genders' listings,
/// an unknown age passes every bound, no answer on Indigenous status sees both.
pub fn matches(filters: &Filters, client: &Demographics) -> bool {
    let gender = matches!(
        (filters.gender, client.gender),
        (GenderFilter::Any, _)
            | (_, Gender::Other | Gender::PreferNotToSay)
            | (GenderFilter::Male, Gender::Male)
            | (GenderFilter::Female, Gender::Female)
    );
    let age = client.age.is_none_or(|age| {
        filters.min_age.is_none_or(|min| age >= min) && filters.max_age.is_none_or(|max| age <= max)
    });
    let indigenous = matches!(
        (filters.indigenous, client.indigenous),
        (IndigenousFilter::Any, _)
            | (_, IndigenousStatus::PreferNotToSay)
            | (
                IndigenousFilter::AboriginalOrTorresStraitIslander,
                IndigenousStatus::AboriginalOrTorresStraitIslander
            )
            | (
                IndigenousFilter::NonIndigenous,
                IndigenousStatus::NonIndigenous
            )
    );
    gender && age && indigenous
}

/// Whether step 4 shows a listing: in at least one chosen category, and its filters match.
pub fn shown(
    listing_categories: &[CategoryId],
    filters: &Filters,
    chosen: &[CategoryId],
    client: &Demographics,
) -> bool {
    listing_categories.iter().any(|c| chosen.contains(c)) && matches(filters, client)
}

/// Puts listings in display order: the fallback provider's last, always; otherwise the order
/// given (the store's order) is kept, as the sort is stable.
pub fn order<T>(listings: &mut [T], is_fallback: impl Fn(&T) -> bool) {
    listings.sort_by_key(|listing| is_fallback(listing));
}

#[cfg(test)]
#[path = "kiosk_tests.rs"]
mod tests;
