//! The audit log in plain English (issue 12): a friendly name for each action, and a sentence
//! for each event ("Alex Morgan signed in with a code"). The raw details stay in the CSV and
//! the API; this is only how the page tells them.

use domain::Role;
use serde_json::Value;
use std::collections::HashMap;
use store::StoredAuditEvent;

/// What the action filter calls each action.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "setup.link_issued" => "First-start link issued",
        "setup.completed" => "First start completed",
        "user.created" => "User added",
        "invitation.sent" => "Invitation sent",
        "sign_in.requested" => "Sign-in code requested",
        "sign_in.succeeded" => "Signed in",
        "sign_in.failed" => "Sign-in failed",
        "sign_in.code_killed" => "Sign-in code cancelled",
        "sign_in.rate_limited" => "Sign-in slowed down",
        "sign_out" => "Signed out",
        "user.updated" => "User changed",
        "user.deleted" => "User deleted",
        "membership.added" => "Member added",
        "membership.removed" => "Member removed",
        "provider.created" => "Provider added",
        "provider.updated" => "Provider changed",
        "provider.deleted" => "Provider deleted",
        "settings.fallback_provider" => "Fallback provider chosen",
        "category.created" => "Category added",
        "category.updated" => "Category changed",
        "category.deleted" => "Category deleted",
        "station.created" => "Station added",
        "station.link_replaced" => "Station link replaced",
        "station.revoked" => "Station revoked",
        "listing.created" => "Listing added",
        "listing.updated" => "Listing changed",
        "listing.deleted" => "Listing deleted",
        "access.denied" => "Access refused",
        "audit.exported" => "Audit log exported",
        "report.downloaded" => "Report downloaded",
        "demo.loaded" => "Demo data loaded",
        "kiosk.session_started" => "Kiosk session started",
        "kiosk.consent_given" => "Kiosk consent given",
        "kiosk.demographics_recorded" => "Kiosk details recorded",
        "kiosk.categories_chosen" => "Kiosk categories chosen",
        "kiosk.selection_added" => "Kiosk selection added",
        "kiosk.selection_removed" => "Kiosk selection removed",
        "kiosk.session_terminated" => "Kiosk session ended",
        "kiosk.session_abandoned" => "Kiosk session abandoned",
        "kiosk.session_submitted" => "Kiosk plan submitted",
        "kiosk.booking_made" => "Kiosk appointment booked",
        "kiosk.client_name_erased" => "Client's name erased",
        "slots.created" => "Slots added",
        "slot.removed" => "Slot removed",
        "slot.booking_cancelled" => "Booking cancelled",
        _ => "Other event",
    }
}

/// Who acted, as people call them: the name of an account that still exists, else its email.
fn actor(event: &StoredAuditEvent, names: &HashMap<String, String>) -> String {
    let label = event.actor_label.as_str();
    match label {
        "system" => "Wayfinder".into(),
        "cli" => "Someone at the command line".into(),
        "anonymous" => "Someone not signed in".into(),
        _ => match label.strip_prefix("station: ") {
            Some(station) => format!("Kiosk station {station}"),
            None => names
                .get(label)
                .cloned()
                .unwrap_or_else(|| label.to_owned()),
        },
    }
}

/// What was acted on: a user by name where one is known.
fn target(event: &StoredAuditEvent, names: &HashMap<String, String>) -> String {
    let label = event.target_label.clone().unwrap_or_default();
    names.get(&label).cloned().unwrap_or(label)
}

fn role_word(value: &Value) -> String {
    value
        .as_str()
        .and_then(Role::parse)
        .map_or_else(|| value.to_string(), |role| role.label().to_owned())
}

/// "changed Jordan Lee's role from User to Admin", or the parts that changed.
fn user_change(details: &Value, who: &str) -> String {
    if let Some([old, new]) = details
        .get("role")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return format!(
            "changed {who}'s role from {} to {}",
            role_word(old),
            role_word(new)
        );
    }
    let parts: Vec<&str> = [
        ("first_name", "name"),
        ("last_name", "name"),
        ("can_download_reports", "report access"),
        ("providers", "providers"),
    ]
    .into_iter()
    .filter(|(key, _)| details.get(key).is_some())
    .map(|(_, word)| word)
    .fold(Vec::new(), |mut parts, word| {
        if !parts.contains(&word) {
            parts.push(word);
        }
        parts
    });
    match parts.as_slice() {
        [] => format!("changed {who}"),
        parts => format!("changed {who}'s {}", parts.join(" and ")),
    }
}

/// The event as one sentence.
pub fn sentence(event: &StoredAuditEvent, names: &HashMap<String, String>) -> String {
    let a = actor(event, names);
    let t = target(event, names);
    let details: Value = serde_json::from_str(&event.details).unwrap_or(Value::Null);
    let method = details.get("method").and_then(Value::as_str);
    let with = if method == Some("link") {
        "with a link"
    } else {
        "with a code"
    };
    let text = match event.action.as_str() {
        "setup.link_issued" => format!("{a} issued the first-start link"),
        "setup.completed" => format!("{t} completed the first start as administrator"),
        "user.created" => format!("{a} added {t}"),
        "invitation.sent" => format!("{a} sent an invitation to {t}"),
        "sign_in.requested" => format!("{t} asked for a sign-in code"),
        "sign_in.succeeded" => format!("{t} signed in {with}"),
        "sign_in.failed" => format!("A sign-in {with} for {t} failed"),
        "sign_in.code_killed" => format!("{t}'s sign-in code was cancelled after too many tries"),
        "sign_in.rate_limited" => format!("Sign-in requests for {t} were slowed down"),
        "sign_out" => format!("{a} signed out"),
        "user.updated" => format!("{a} {}", user_change(&details, &t)),
        "user.deleted" => format!("{a} deleted {t}"),
        "membership.added" => format!("{a} added a member to {t}"),
        "membership.removed" => format!("{a} removed a member from {t}"),
        "provider.created" => format!("{a} added {t}"),
        "provider.updated" => format!("{a} changed {t}"),
        "provider.deleted" => format!("{a} deleted {t}"),
        "settings.fallback_provider" if t.is_empty() => {
            format!("{a} cleared the fallback provider")
        }
        "settings.fallback_provider" => format!("{a} made {t} the fallback provider"),
        "category.created" => format!("{a} added the category {t}"),
        "category.updated" => format!("{a} changed the category {t}"),
        "category.deleted" => format!("{a} deleted the category {t}"),
        "station.created" => format!("{a} added the station {t}"),
        "station.link_replaced" => format!("{a} replaced the link of the station {t}"),
        "station.revoked" => format!("{a} revoked the station {t}"),
        "listing.created" => format!("{a} added the listing {t}"),
        "listing.updated" => format!("{a} changed the listing {t}"),
        "listing.deleted" => format!("{a} deleted the listing {t}"),
        "access.denied" => format!("{a} was refused access to {t}"),
        "audit.exported" => format!("{a} exported the audit log"),
        "report.downloaded" => format!("{a} downloaded the sessions report"),
        "demo.loaded" => format!("{a} loaded the demo data"),
        "kiosk.session_started" => format!("{a} started a session"),
        "kiosk.consent_given" => format!("{a} recorded the client's consent"),
        "kiosk.demographics_recorded" => format!("{a} recorded the client's details"),
        "kiosk.categories_chosen" => format!("{a} recorded the categories chosen"),
        "kiosk.selection_added" => format!("{a} added a selection"),
        "kiosk.selection_removed" => format!("{a} removed a selection"),
        "kiosk.session_terminated" => format!("{a} ended a session"),
        "kiosk.session_abandoned" => "A kiosk session was abandoned".to_owned(),
        "kiosk.session_submitted" => format!("{a} submitted a client's plan"),
        "kiosk.booking_made" => format!("{a} booked an appointment"),
        "kiosk.client_name_erased" => {
            "Wayfinder erased a client's name after their last appointment".to_owned()
        }
        "slots.created" => format!("{a} added slots to {t}"),
        "slot.removed" => format!("{a} removed a slot from {t}"),
        "slot.booking_cancelled" => format!("{a} cancelled a booking for {t}"),
        other => format!("{a}: {}", action_label(other)),
    };
    // A missing name leaves "for " or a doubled space: say it without the gap.
    text.replace("  ", " ").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(actor: &str, action: &str, target: Option<&str>, details: &str) -> StoredAuditEvent {
        StoredAuditEvent {
            seq: 1,
            at: time::OffsetDateTime::UNIX_EPOCH,
            actor_id: None,
            actor_label: actor.into(),
            action: action.into(),
            target_kind: None,
            target_id: None,
            target_label: target.map(Into::into),
            outcome: "ok".into(),
            ip: None,
            details: details.into(),
            prev_hash: Vec::new(),
            hash: Vec::new(),
        }
    }

    fn names() -> HashMap<String, String> {
        HashMap::from([
            ("alex@example.org".into(), "Alex Morgan".into()),
            ("sam@example.org".into(), "Sam Lee".into()),
            ("jordan@example.org".into(), "Jordan Lee".into()),
        ])
    }

    #[test]
    fn events_read_as_sentences_with_peoples_names() {
        let cases = [
            (
                event(
                    "alex@example.org",
                    "sign_in.succeeded",
                    Some("alex@example.org"),
                    r#"{"method":"code"}"#,
                ),
                "Alex Morgan signed in with a code",
            ),
            (
                event(
                    "sam@example.org",
                    "user.updated",
                    Some("jordan@example.org"),
                    r#"{"role":["user","admin"]}"#,
                ),
                "Sam Lee changed Jordan Lee's role from User to Admin",
            ),
            (
                event(
                    "alex@example.org",
                    "provider.created",
                    Some("Harbour Housing"),
                    "{}",
                ),
                "Alex Morgan added Harbour Housing",
            ),
            (
                event(
                    "station: Front desk",
                    "kiosk.session_started",
                    Some("kiosk session"),
                    "null",
                ),
                "Kiosk station Front desk started a session",
            ),
            (
                event(
                    "gone@example.org",
                    "user.deleted",
                    Some("jordan@example.org"),
                    "{}",
                ),
                "gone@example.org deleted Jordan Lee",
            ),
        ];
        for (event, expected) in cases {
            assert_eq!(sentence(&event, &names()), expected);
        }
    }

    #[test]
    fn every_action_has_a_friendly_name() {
        for action in domain::audit::Action::ALL {
            assert_ne!(action_label(action.as_str()), "Other event", "{action:?}");
        }
    }
}
