//! The Listings area's story, told alike by both backends: a provider's listings by page with
//! their categories, changes that replace the categories, the category check, and deletes.

use super::{event, fresh};
use crate::helpers::start_time;
use domain::audit::Action;
use domain::listing::Listing;
use domain::report::ListingKind;
use domain::{
    Category, CategoryId, GenderFilter, IndigenousFilter, ListingId, PageNumber, Provider,
    ProviderId,
};

fn provider() -> Provider {
    Provider {
        id: ProviderId::new(),
        name: "Harbour Housing".into(),
        description: String::new(),
        booking_email: String::new(),
        contact_email: String::new(),
        phone: String::new(),
        address: String::new(),
        is_fallback: false,
        created_at: start_time(),
        updated_at: start_time(),
    }
}

fn category(name: &str) -> Category {
    Category {
        id: CategoryId::new(),
        name: name.into(),
        colour: "#1f5fa8".into(),
        created_at: start_time(),
        updated_at: start_time(),
    }
}

fn listing(
    provider: ProviderId,
    kind: ListingKind,
    name: &str,
    categories: &[CategoryId],
) -> Listing {
    let mut category_ids = categories.to_vec();
    category_ids.sort();
    Listing {
        id: ListingId::new(),
        provider_id: provider,
        kind,
        name: name.into(),
        description: "What it offers".into(),
        eligibility_notes: String::new(),
        gender: GenderFilter::Female,
        min_age: Some(18),
        max_age: None,
        indigenous: IndigenousFilter::NonIndigenous,
        category_ids,
        created_at: start_time(),
    }
}

#[tokio::test]
async fn a_providers_listings_come_by_page_with_their_categories() {
    let f = fresh().await;
    let (p, housing, food) = (provider(), category("Housing"), category("Food"));
    let mut listings = vec![listing(
        p.id,
        ListingKind::Information,
        "Advice",
        &[housing.id],
    )];
    for n in 0..60 {
        let name = format!("Intake {n:02}");
        listings.push(listing(
            p.id,
            ListingKind::Booking,
            &name,
            &[housing.id, food.id],
        ));
    }
    let mut tx = f.store.begin().await.unwrap();
    tx.insert_provider(&p).await.unwrap();
    tx.insert_category(&housing).await.unwrap();
    tx.insert_category(&food).await.unwrap();
    for l in &listings {
        tx.insert_listing(l).await.unwrap();
    }
    tx.commit(event(Action::ListingCreated)).await.unwrap();

    let booking = Some(ListingKind::Booking);
    let (first, total) = f
        .store
        .provider_listings(p.id, booking, PageNumber::new(None))
        .await
        .unwrap();
    let (second, _) = f
        .store
        .provider_listings(p.id, booking, PageNumber::new(Some(2)))
        .await
        .unwrap();
    let (all, every) = f
        .store
        .provider_listings(p.id, None, PageNumber::new(None))
        .await
        .unwrap();

    assert_eq!((first.len(), second.len(), total, every), (50, 10, 60, 61));
    assert_eq!(
        first[0], listings[1],
        "every field and both categories read back"
    );
    assert_eq!(second[9].name, "Intake 59", "by name");
    assert_eq!(all[0].name, "Advice");
    assert_eq!(
        f.store.listing(listings[0].id).await.unwrap(),
        Some(listings[0].clone())
    );
    assert_eq!(f.store.listing(ListingId::new()).await.unwrap(), None);
    let choices: Vec<String> = f
        .store
        .category_choices()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(choices, ["Food", "Housing"]);
}

#[tokio::test]
async fn a_listing_changes_its_categories_and_is_deleted_in_the_transaction() {
    let f = fresh().await;
    let (p, housing, food) = (provider(), category("Housing"), category("Food"));
    let original = listing(p.id, ListingKind::Booking, "Intake", &[housing.id]);
    let mut tx = f.store.begin().await.unwrap();
    tx.insert_provider(&p).await.unwrap();
    tx.insert_category(&housing).await.unwrap();
    tx.insert_category(&food).await.unwrap();
    tx.insert_listing(&original).await.unwrap();
    tx.commit(event(Action::ListingCreated)).await.unwrap();

    let mut tx = f.store.begin().await.unwrap();
    let mut changed = tx
        .listing_for_update(original.id)
        .await
        .unwrap()
        .expect("there");
    assert_eq!(
        tx.count_categories(&[food.id, CategoryId::new()])
            .await
            .unwrap(),
        1
    );
    changed.name = "Intake interview".into();
    changed.category_ids = vec![food.id];
    changed.max_age = Some(64);
    tx.update_listing(&changed, start_time()).await.unwrap();
    tx.commit(event(Action::ListingUpdated)).await.unwrap();
    assert_eq!(
        f.store.listing(original.id).await.unwrap(),
        Some(changed.clone())
    );

    let mut tx = f.store.begin().await.unwrap();
    assert!(tx.delete_listing(original.id).await.unwrap());
    drop(tx);
    assert!(
        f.store.listing(original.id).await.unwrap().is_some(),
        "rolled back"
    );
    let mut tx = f.store.begin().await.unwrap();
    assert!(tx.delete_listing(original.id).await.unwrap());
    assert!(!tx.delete_listing(original.id).await.unwrap());
    tx.commit(event(Action::ListingDeleted)).await.unwrap();
    assert_eq!(f.store.listing(original.id).await.unwrap(), None);
    let (_, total) = f
        .store
        .provider_listings(p.id, None, PageNumber::new(None))
        .await
        .unwrap();
    assert_eq!(total, 0);
}
