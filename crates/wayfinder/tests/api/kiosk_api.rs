//! The kiosk API (SPEC §12, §8.3) on a real server: a station walks a session through the
//! steps; steps out of order, another station's session, an ended session and bad answers are
//! refused; every change is audited with the station as the actor and nothing the client said.

use crate::helpers::TestApp;
use crate::kiosk_fixtures::{Kiosk, world};
use serde_json::{Value, json};

fn names(listings: &Value) -> Vec<&str> {
    listings["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_station_walks_a_session_through_the_steps_to_its_plan_and_terminates_it() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::new(&app, &w.token);

    let (status, categories) = kiosk.get("/categories").await;
    assert_eq!(status, 200);
    let category_names: Vec<_> = categories["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(category_names, ["Health", "Housing"]);

    let (status, started) = kiosk.send("POST", "/sessions", None).await;
    assert_eq!(status, 201, "{started}");
    assert_eq!(started["step"], "consent");
    let s = format!("/sessions/{}", started["id"].as_str().unwrap());

    let (status, after) = kiosk
        .post(&format!("{s}/consent"), json!({"consent": true}))
        .await;
    assert_eq!(
        (status, after["step"].as_str()),
        (200, Some("demographics"))
    );
    let answers = json!({"gender": "female", "age": 30, "indigenous_status": "non_indigenous"});
    let (status, after) = kiosk.put(&format!("{s}/demographics"), answers).await;
    assert_eq!((status, after["step"].as_str()), (200, Some("categories")));
    assert_eq!(
        (after["gender"].as_str(), after["age"].as_i64()),
        (Some("female"), Some(30))
    );
    let chosen = json!({"category_ids": [w.housing]});
    let (status, after) = kiosk.put(&format!("{s}/categories"), chosen).await;
    assert_eq!((status, after["step"].as_str()), (200, Some("listings")));
    assert_eq!(after["category_ids"], json!([w.housing]));

    // Housing only (not the clinic), not the men-only listing, the fallback's last.
    let (status, listings) = kiosk.get(&format!("{s}/listings")).await;
    assert_eq!(status, 200, "{listings}");
    assert_eq!(names(&listings), ["Shelter", "Helpline"]);
    assert_eq!(listings["items"][1]["is_fallback"], true);
    assert_eq!(listings["items"][0]["provider_name"], "Northside Services");

    let pick = json!({"listing_id": w.shelter});
    let (status, after) = kiosk.post(&format!("{s}/selections"), pick).await;
    assert_eq!(status, 201, "{after}");
    assert_eq!(after["selections"][0]["listing_name"], "Shelter");
    assert_eq!(after["selections"][0]["kind"], "information");
    let pick = json!({"listing_id": w.helpline});
    assert_eq!(kiosk.post(&format!("{s}/selections"), pick).await.0, 201);
    let path = format!("/api/v1/kiosk{s}/selections/{}", w.shelter);
    let removed = reqwest::Client::new()
        .delete(app.url(&path))
        .bearer_auth(&kiosk.token)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    let (_, now) = kiosk.get(&s).await;
    let plan: Vec<_> = now["selections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["listing_name"].clone())
        .collect();
    assert_eq!(plan, [json!("Helpline")]);

    // Back is possible: the answers can be changed after the categories.
    let answers = json!({"gender": "male", "age": null, "indigenous_status": "prefer_not_to_say"});
    let (status, after) = kiosk.put(&format!("{s}/demographics"), answers).await;
    assert_eq!((status, after["age"].clone()), (200, Value::Null));
    let (_, listings) = kiosk.get(&format!("{s}/listings")).await;
    assert_eq!(names(&listings), ["Mens shed", "Shelter", "Helpline"]);

    assert_eq!(
        kiosk.send("POST", &format!("{s}/terminate"), None).await.0,
        204
    );
    let (_, ended) = kiosk.get(&s).await;
    assert_eq!(
        (ended["step"].as_str(), ended["outcome"].as_str()),
        (Some("ended"), Some("cancelled"))
    );
}

#[tokio::test]
async fn a_step_before_its_predecessors_is_refused_with_step_not_reached() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let s = format!("/sessions/{}", kiosk.start().await);
    let answers = json!({"gender": "other", "age": 40, "indigenous_status": "non_indigenous"});
    let calls = [
        ("PUT", format!("{s}/demographics"), Some(answers.clone())),
        (
            "PUT",
            format!("{s}/categories"),
            Some(json!({"category_ids": [w.housing]})),
        ),
        ("GET", format!("{s}/listings"), None),
        (
            "POST",
            format!("{s}/selections"),
            Some(json!({"listing_id": w.shelter})),
        ),
    ];
    for (method, path, body) in &calls {
        let (status, error) = kiosk.send(method, path, body.clone()).await;
        assert_eq!(status, 409, "{method} {path}: {error}");
        assert_eq!(error["error"]["code"], "step_not_reached", "{path}");
    }
    kiosk
        .post(&format!("{s}/consent"), json!({"consent": true}))
        .await;
    for (method, path, body) in &calls[1..] {
        let (status, error) = kiosk.send(method, path, body.clone()).await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (409, Some("step_not_reached")),
            "{path}"
        );
    }
    assert_eq!(
        kiosk.put(&format!("{s}/demographics"), answers).await.0,
        200
    );
    let (status, _) = kiosk.get(&format!("{s}/listings")).await;
    assert_eq!(status, 409, "the listings wait for the categories");
}

#[tokio::test]
async fn another_stations_session_is_not_found_and_an_ended_one_changes_no_more() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let mine = Kiosk::new(&app, &w.token);
    let theirs = Kiosk::new(&app, &w.other_token);
    let id = mine.at_listings(&[&w.housing]).await;
    let s = format!("/sessions/{id}");
    assert_eq!(theirs.get(&s).await.0, 404);
    assert_eq!(theirs.get(&format!("{s}/listings")).await.0, 404);
    assert_eq!(
        theirs.send("POST", &format!("{s}/terminate"), None).await.0,
        404
    );
    assert_eq!(
        mine.get(&s).await.1["step"],
        "listings",
        "the other station changed nothing"
    );

    assert_eq!(
        mine.send("POST", &format!("{s}/terminate"), None).await.0,
        204
    );
    let changes = [
        (
            "POST",
            format!("{s}/consent"),
            Some(json!({"consent": true})),
        ),
        (
            "PUT",
            format!("{s}/categories"),
            Some(json!({"category_ids": [w.health]})),
        ),
        (
            "POST",
            format!("{s}/selections"),
            Some(json!({"listing_id": w.shelter})),
        ),
        ("POST", format!("{s}/terminate"), None),
        ("GET", format!("{s}/listings"), None),
    ];
    for (method, path, body) in changes {
        let (status, error) = mine.send(method, &path, body).await;
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (409, Some("session_ended")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn without_a_live_station_token_the_kiosk_api_answers_401() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let id = Kiosk::new(&app, &w.token).start().await;
    for token in ["", "not-a-token"] {
        let stranger = Kiosk::new(&app, token);
        assert_eq!(stranger.get("/categories").await.0, 401);
        assert_eq!(stranger.get(&format!("/sessions/{id}")).await.0, 401);
        assert_eq!(stranger.send("POST", "/sessions", None).await.0, 401);
    }
}

#[tokio::test]
async fn bad_answers_and_listings_not_shown_get_field_errors() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let s = format!("/sessions/{}", kiosk.start().await);
    let (status, error) = kiosk
        .post(&format!("{s}/consent"), json!({"consent": false}))
        .await;
    assert_eq!(
        (status, error["error"]["fields"]["consent"].is_string()),
        (422, true)
    );
    kiosk
        .post(&format!("{s}/consent"), json!({"consent": true}))
        .await;
    let bad = json!({"gender": "any", "age": 131, "indigenous_status": "unknown"});
    let (status, error) = kiosk.put(&format!("{s}/demographics"), bad).await;
    assert_eq!(status, 422, "{error}");
    for field in ["gender", "age", "indigenous_status"] {
        assert!(
            error["error"]["fields"][field].is_string(),
            "{field}: {error}"
        );
    }
    let answers = json!({"gender": "female", "age": 0, "indigenous_status": "non_indigenous"});
    assert_eq!(
        kiosk.put(&format!("{s}/demographics"), answers).await.0,
        200
    );
    for chosen in [json!([]), json!(["nope"]), json!([uuid::Uuid::new_v4()])] {
        let (status, error) = kiosk
            .put(&format!("{s}/categories"), json!({"category_ids": chosen}))
            .await;
        assert_eq!(status, 422, "{chosen}: {error}");
        assert!(error["error"]["fields"]["category_ids"].is_string());
    }
    assert_eq!(
        kiosk
            .put(
                &format!("{s}/categories"),
                json!({"category_ids": [w.housing]})
            )
            .await
            .0,
        200
    );
    // The clinic is Health's, the men's shed is not for her: neither was shown.
    for listing in [&w.clinic, &w.mens_shed] {
        let (status, error) = kiosk
            .post(&format!("{s}/selections"), json!({"listing_id": listing}))
            .await;
        assert_eq!(status, 422, "{error}");
        assert!(error["error"]["fields"]["listing_id"].is_string());
    }
    let (status, _) = kiosk
        .post(&format!("{s}/selections"), json!({"listing_id": "x"}))
        .await;
    assert_eq!(status, 422);
    let (status, _) = kiosk
        .send(
            "POST",
            &format!("{s}/selections"),
            Some(json!({"listing_id": w.shelter, "extra": 1})),
        )
        .await;
    assert_eq!(status, 400, "unknown fields are refused");
}

#[tokio::test]
async fn every_change_is_audited_with_the_station_as_actor_and_none_of_the_answers() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let id = kiosk.at_listings(&[&w.housing]).await;
    let s = format!("/sessions/{id}");
    kiosk
        .post(&format!("{s}/selections"), json!({"listing_id": w.shelter}))
        .await;
    kiosk.send("POST", &format!("{s}/terminate"), None).await;
    let (status, audit) = w.admin.get("/api/v1/audit?actor=station").await;
    assert_eq!(status, 200, "{audit}");
    let (_, all) = w.admin.get("/api/v1/audit").await;
    let events: Vec<&Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["action"]
                .as_str()
                .is_some_and(|a| a.starts_with("kiosk."))
        })
        .collect();
    let mut actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "kiosk.categories_chosen",
            "kiosk.consent_given",
            "kiosk.demographics_recorded",
            "kiosk.selection_added",
            "kiosk.session_started",
            "kiosk.session_terminated",
        ]
    );
    for event in events {
        assert_eq!(event["actor"], "station: Unit 1 kiosk", "{event}");
        assert_eq!(event["target_id"], id.as_str());
        let text = event.to_string();
        for personal in ["female", "prefer_not_to_say", "Shelter", "\"30\""] {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
    }
}

#[tokio::test]
async fn a_session_left_alone_for_30_minutes_is_abandoned_by_the_sweep() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let idle = kiosk.start().await;
    app.clock.advance(time::Duration::minutes(20));
    let busy = kiosk.start().await;
    app.clock.advance(time::Duration::minutes(11));
    let mut outcome = Value::Null;
    for _ in 0..50 {
        outcome = kiosk.get(&format!("/sessions/{idle}")).await.1["outcome"].clone();
        if outcome != Value::Null {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(outcome, "abandoned");
    let (_, recent) = kiosk.get(&format!("/sessions/{busy}")).await;
    assert_eq!(
        recent["step"], "consent",
        "a session used 11 minutes ago goes on"
    );
}
