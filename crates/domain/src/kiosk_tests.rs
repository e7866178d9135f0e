//! SPEC §8.3 as tables: the steps, the answers of step 2, and who sees which listing in step 4.

use super::*;

fn client(gender: Gender, age: Option<i64>, indigenous: IndigenousStatus) -> Demographics {
    Demographics {
        gender,
        age,
        indigenous,
    }
}

fn any() -> Filters {
    Filters {
        gender: GenderFilter::Any,
        min_age: None,
        max_age: None,
        indigenous: IndigenousFilter::Any,
    }
}

#[test]
fn a_new_session_is_at_consent_and_no_later_step_can_be_entered() {
    let fresh = Progress::default();
    assert_eq!(fresh.step(), Step::Consent);
    assert_eq!(fresh.enter(Step::Consent), Ok(()));
    for step in [
        Step::Demographics,
        Step::Categories,
        Step::Listings,
        Step::Review,
    ] {
        assert_eq!(fresh.enter(step), Err(StepRefusal::NotReached), "{step:?}");
    }
}

#[test]
fn each_step_done_opens_the_next_one_and_back_is_always_possible() {
    use Step::*;
    let mut progress = Progress::default();
    let expected = [
        (Demographics, [Consent, Demographics].as_slice(), Categories),
        (Categories, &[Consent, Demographics, Categories], Listings),
        (
            Listings,
            &[Consent, Demographics, Categories, Listings, Review],
            Ended,
        ),
    ];
    for (i, (at, open, closed)) in expected.into_iter().enumerate() {
        match i {
            0 => progress.consented = true,
            1 => progress.demographics_given = true,
            _ => progress.categories_chosen = true,
        }
        assert_eq!(progress.step(), at);
        for step in open {
            assert_eq!(progress.enter(*step), Ok(()), "{step:?} from {at:?}");
        }
        if closed != Ended {
            assert_eq!(progress.enter(closed), Err(StepRefusal::NotReached));
        }
    }
}

#[test]
fn an_ended_session_enters_no_step_at_all() {
    let ended = Progress {
        ended: true,
        consented: true,
        demographics_given: true,
        categories_chosen: true,
    };
    assert_eq!(ended.step(), Step::Ended);
    for step in [Step::Consent, Step::Listings, Step::Review] {
        assert_eq!(ended.enter(step), Err(StepRefusal::Ended));
    }
}

#[test]
fn step_two_reads_every_gender_an_age_in_years_or_no_age_and_every_indigenous_status() {
    for gender in Gender::ALL {
        for status in IndigenousStatus::ALL {
            let parsed =
                Demographics::parse(gender.as_str(), AgeAnswer::Years(" 42 "), status.as_str());
            assert_eq!(parsed, Ok(client(*gender, Some(42), *status)));
        }
    }
    let no_age = Demographics::parse("other", AgeAnswer::PreferNotToSay, "prefer_not_to_say");
    assert_eq!(no_age.map(|d| d.age), Ok(None));
    for age in ["0", "130"] {
        assert!(Demographics::parse("male", AgeAnswer::Years(age), "non_indigenous").is_ok());
    }
}

#[test]
fn step_two_names_each_missing_or_wrong_answer() {
    let errors = Demographics::parse("any", AgeAnswer::Years("131"), "maybe").expect_err("invalid");
    assert_eq!(
        errors.keys().copied().collect::<Vec<_>>(),
        ["age", "gender", "indigenous_status"]
    );
    for age in ["", "-1", "4.5", "forty"] {
        let errors =
            Demographics::parse("female", AgeAnswer::Years(age), "non_indigenous").expect_err(age);
        assert!(errors.contains_key("age"), "{age:?}");
    }
}

#[test]
fn every_gender_against_every_gender_filter() {
    use Gender as G;
    use GenderFilter as F;
    // (client, filter, sees it)
    let table = [
        (G::Male, F::Any, true),
        (G::Male, F::Male, true),
        (G::Male, F::Female, false),
        (G::Female, F::Any, true),
        (G::Female, F::Male, false),
        (G::Female, F::Female, true),
        (G::Other, F::Any, true),
        (G::Other, F::Male, true),
        (G::Other, F::Female, true),
        (G::PreferNotToSay, F::Any, true),
        (G::PreferNotToSay, F::Male, true),
        (G::PreferNotToSay, F::Female, true),
    ];
    assert_eq!(table.len(), G::ALL.len() * F::ALL.len());
    for (gender, filter, sees) in table {
        let filters = Filters {
            gender: filter,
            ..any()
        };
        let who = client(gender, Some(30), IndigenousStatus::NonIndigenous);
        assert_eq!(matches(&filters, &who), sees, "{gender:?} × {filter:?}");
    }
}

#[test]
fn age_bounds_are_inclusive_and_an_unknown_age_passes_every_bound() {
    // (min, max, age, sees it)
    let table = [
        (Some(18), Some(25), Some(17), false),
        (Some(18), Some(25), Some(18), true),
        (Some(18), Some(25), Some(25), true),
        (Some(18), Some(25), Some(26), false),
        (Some(18), None, Some(130), true),
        (Some(18), None, Some(0), false),
        (None, Some(25), Some(0), true),
        (None, Some(25), Some(26), false),
        (None, None, Some(77), true),
        (Some(18), Some(25), None, true),
        (Some(60), None, None, true),
        (None, Some(12), None, true),
    ];
    for (min_age, max_age, age, sees) in table {
        let filters = Filters {
            min_age,
            max_age,
            ..any()
        };
        let who = client(Gender::Female, age, IndigenousStatus::NonIndigenous);
        assert_eq!(
            matches(&filters, &who),
            sees,
            "{min_age:?}..{max_age:?} age {age:?}"
        );
    }
}

#[test]
fn every_indigenous_status_against_every_indigenous_filter() {
    use IndigenousFilter as F;
    use IndigenousStatus as S;
    let table = [
        (S::AboriginalOrTorresStraitIslander, F::Any, true),
        (
            S::AboriginalOrTorresStraitIslander,
            F::AboriginalOrTorresStraitIslander,
            true,
        ),
        (S::AboriginalOrTorresStraitIslander, F::NonIndigenous, false),
        (S::NonIndigenous, F::Any, true),
        (S::NonIndigenous, F::AboriginalOrTorresStraitIslander, false),
        (S::NonIndigenous, F::NonIndigenous, true),
        (S::PreferNotToSay, F::Any, true),
        (S::PreferNotToSay, F::AboriginalOrTorresStraitIslander, true),
        (S::PreferNotToSay, F::NonIndigenous, true),
    ];
    assert_eq!(table.len(), S::ALL.len() * F::ALL.len());
    for (status, filter, sees) in table {
        let filters = Filters {
            indigenous: filter,
            ..any()
        };
        let who = client(Gender::Male, None, status);
        assert_eq!(matches(&filters, &who), sees, "{status:?} × {filter:?}");
    }
}

#[test]
fn all_three_filters_must_pass_together() {
    let filters = Filters {
        gender: GenderFilter::Female,
        min_age: Some(18),
        max_age: None,
        indigenous: IndigenousFilter::AboriginalOrTorresStraitIslander,
    };
    let fits = client(
        Gender::Female,
        Some(18),
        IndigenousStatus::AboriginalOrTorresStraitIslander,
    );
    assert!(matches(&filters, &fits));
    assert!(!matches(
        &filters,
        &Demographics {
            gender: Gender::Male,
            ..fits
        }
    ));
    assert!(!matches(
        &filters,
        &Demographics {
            age: Some(17),
            ..fits
        }
    ));
    let non = Demographics {
        indigenous: IndigenousStatus::NonIndigenous,
        ..fits
    };
    assert!(!matches(&filters, &non));
}

#[test]
fn a_listing_is_shown_when_one_of_its_categories_is_chosen() {
    let [housing, health, legal] = [CategoryId::new(), CategoryId::new(), CategoryId::new()];
    let who = client(Gender::Other, None, IndigenousStatus::PreferNotToSay);
    // (listing's categories, chosen, shown)
    let table = [
        (vec![housing], vec![housing], true),
        (vec![housing, health], vec![health], true),
        (vec![housing], vec![health, legal], false),
        (vec![legal], vec![housing, health, legal], true),
        (vec![], vec![housing], false),
    ];
    for (categories, chosen, expected) in table {
        assert_eq!(shown(&categories, &any(), &chosen, &who), expected);
    }
    let male_only = Filters {
        gender: GenderFilter::Male,
        ..any()
    };
    let woman = client(Gender::Female, None, IndigenousStatus::PreferNotToSay);
    assert!(!shown(&[housing], &male_only, &[housing], &woman));
}

#[test]
fn the_fallback_providers_listings_come_last_and_the_rest_keep_their_order() {
    let mut listings = vec![
        ("fb-a", true),
        ("a", false),
        ("fb-b", true),
        ("b", false),
        ("c", false),
    ];
    order(&mut listings, |l| l.1);
    let names: Vec<_> = listings.iter().map(|l| l.0).collect();
    assert_eq!(names, ["a", "b", "c", "fb-a", "fb-b"]);
    let mut only_fallback = vec![("x", true), ("y", true)];
    order(&mut only_fallback, |l| l.1);
    assert_eq!(only_fallback, [("x", true), ("y", true)]);
}
