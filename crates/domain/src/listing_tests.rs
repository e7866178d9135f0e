//! Unit tests of the listing input rules and the plain-word filters.

use super::*;

fn raw() -> RawListing {
    RawListing {
        name: " Housing help ".into(),
        category_ids: vec![CategoryId::new().to_string()],
        gender: "female".into(),
        min_age: "18".into(),
        max_age: "25".into(),
        indigenous: "aboriginal_or_torres_strait_islander".into(),
        ..RawListing::default()
    }
}

#[test]
fn a_complete_listing_parses_with_its_filters() {
    let input = ListingInput::parse(&raw()).unwrap();
    assert_eq!(input.name, "Housing help");
    assert_eq!(input.gender, GenderFilter::Female);
    assert_eq!((input.min_age, input.max_age), (Some(18), Some(25)));
    assert_eq!(
        input.indigenous,
        IndigenousFilter::AboriginalOrTorresStraitIslander
    );
}

#[test]
fn every_problem_is_reported_at_its_field() {
    let bad = RawListing {
        name: String::new(),
        description: "x".repeat(2001),
        eligibility_notes: "y".repeat(2001),
        category_ids: vec![],
        gender: "robot".into(),
        min_age: "old".into(),
        max_age: "131".into(),
        indigenous: "martian".into(),
    };
    let errors = ListingInput::parse(&bad).unwrap_err();
    let fields: Vec<_> = errors.keys().copied().collect();
    assert_eq!(
        fields,
        [
            "category_ids",
            "description",
            "eligibility_notes",
            "gender",
            "indigenous",
            "max_age",
            "min_age",
            "name"
        ]
    );
}

#[test]
fn a_minimum_age_above_the_maximum_is_refused_and_blank_ages_mean_no_limit() {
    let errors = ListingInput::parse(&RawListing {
        min_age: "30".into(),
        max_age: "20".into(),
        ..raw()
    })
    .unwrap_err();
    assert!(errors["max_age"].contains("at least the minimum"));
    let open = ListingInput::parse(&RawListing {
        min_age: " ".into(),
        max_age: String::new(),
        gender: String::new(),
        ..raw()
    })
    .unwrap();
    assert_eq!((open.min_age, open.max_age), (None, None));
    assert_eq!(open.gender, GenderFilter::Any);
}

#[test]
fn repeated_categories_count_once_and_a_malformed_one_is_refused() {
    let id = CategoryId::new().to_string();
    let input = ListingInput::parse(&RawListing {
        category_ids: vec![id.clone(), id],
        ..raw()
    })
    .unwrap();
    assert_eq!(input.category_ids.len(), 1);
    let errors = ListingInput::parse(&RawListing {
        category_ids: vec!["nope".into()],
        ..raw()
    })
    .unwrap_err();
    assert!(errors.contains_key("category_ids"));
}

#[test]
fn filters_read_as_plain_words() {
    let input = ListingInput::parse(&raw()).unwrap();
    let mut listing = Listing {
        id: ListingId::new(),
        provider_id: ProviderId::new(),
        kind: ListingKind::Booking,
        name: input.name,
        description: String::new(),
        eligibility_notes: String::new(),
        gender: input.gender,
        min_age: input.min_age,
        max_age: input.max_age,
        indigenous: input.indigenous,
        category_ids: input.category_ids,
        created_at: OffsetDateTime::UNIX_EPOCH,
    };
    assert_eq!(
        listing.filter_words(),
        [
            "Women only",
            "Ages 18–25",
            "Aboriginal or Torres Strait Islander clients"
        ]
    );
    listing.gender = GenderFilter::Male;
    listing.max_age = None;
    listing.indigenous = IndigenousFilter::NonIndigenous;
    assert_eq!(
        listing.filter_words(),
        ["Men only", "Ages 18 and over", "Non-Indigenous clients"]
    );
    listing.gender = GenderFilter::Any;
    listing.min_age = None;
    listing.indigenous = IndigenousFilter::Any;
    assert!(listing.filter_words().is_empty());
}
