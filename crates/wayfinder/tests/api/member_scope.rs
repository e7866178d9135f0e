//! What a provider member may learn about the other members of their provider.

use crate::client::Api;
use crate::helpers::TestApp;
use domain::Role;
use serde_json::json;

#[tokio::test]
async fn a_member_sees_only_shared_providers_in_the_members_list() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let shared = admin.create_provider("Shared").await;
    let secret = admin.create_provider("Secret").await;
    let ann = Api::sign_in(&app, "ann@example.org", Role::User).await;
    let ann_id = ann.my_id().await;
    let bo_id = admin
        .create_user("bo@example.org", "user", &[&shared, &secret])
        .await;
    let (status, _) = admin
        .post(
            &format!("/api/v1/providers/{shared}/members"),
            json!({ "user_id": ann_id }),
        )
        .await;
    assert_eq!(status, 201);

    let (status, members) = ann
        .get(&format!("/api/v1/providers/{shared}/members"))
        .await;

    assert_eq!(status, 200);
    let bo = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == bo_id.as_str())
        .expect("bo is listed");
    assert_eq!(
        bo["provider_ids"],
        json!([shared]),
        "not the secret provider"
    );
    let body = members.to_string();
    assert!(!body.contains(&secret), "{body}");
    let (_, as_admin) = admin
        .get(&format!("/api/v1/providers/{shared}/members"))
        .await;
    let bo = as_admin["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == bo_id.as_str())
        .unwrap();
    assert_eq!(
        bo["provider_ids"].as_array().unwrap().len(),
        2,
        "admins see all"
    );
}
