//! The text of every message, from askama templates in `templates/email/`.

use super::{Attachment, Body, Email};
use crate::service::zone;
use askama::Template;
use domain::{EmailAddress, Role, User};
use time::OffsetDateTime;

#[derive(Template)]
#[template(path = "email/sign_in.txt")]
struct SignInText<'a> {
    first_name: &'a str,
    code: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/invitation.txt")]
struct InvitationText<'a> {
    first_name: &'a str,
    role: &'a str,
    code: &'a str,
    link: &'a str,
    code_page: &'a str,
    expires: &'a str,
}

#[derive(Template)]
#[template(path = "email/role_changed.txt")]
struct RoleChangedText<'a> {
    first_name: &'a str,
    old_role: &'a str,
    new_role: &'a str,
    /// Whether the new role reaches every provider (SPEC §2), decided here, not in the text.
    everywhere: bool,
}

#[derive(Template)]
#[template(path = "email/reports_access.txt")]
struct ReportsAccessText<'a> {
    first_name: &'a str,
    granted: bool,
}

/// Tells a person that an administrator changed their role.
pub fn role_changed(user: &User, old_role: Role) -> Email {
    Email {
        to: user.email.clone(),
        subject: "Your Wayfinder role has changed".into(),
        body: text(RoleChangedText {
            first_name: &user.first_name,
            old_role: old_role.label(),
            new_role: user.role.label(),
            everywhere: domain::Viewer::Account(user.clone())
                .may_everywhere(domain::Permission::ManageProviders),
        }),
        secret_of: None,
    }
}

/// Tells a person that their access to Reports was granted or removed.
pub fn reports_access(user: &User) -> Email {
    let subject = if user.can_download_reports {
        "You can now download reports in Wayfinder"
    } else {
        "Your access to reports in Wayfinder was removed"
    };
    Email {
        to: user.email.clone(),
        subject: subject.into(),
        body: text(ReportsAccessText {
            first_name: &user.first_name,
            granted: user.can_download_reports,
        }),
        secret_of: None,
    }
}

fn text(template: impl Template) -> Body {
    Body {
        text: template
            .render()
            .expect("email templates render from plain strings"),
        html: None,
        attachments: Vec::new(),
    }
}

/// The sign-in email: a 6-digit code and a magic link, valid 10 minutes.
pub fn sign_in(user: &User, code: &str, link: &str) -> Email {
    Email {
        to: user.email.clone(),
        subject: "Sign in to Wayfinder".into(),
        body: text(SignInText {
            first_name: &user.first_name,
            code,
            link,
        }),
        secret_of: Some(user.id),
    }
}

/// The invitation: the same code and link, valid 72 hours; the expiry in the site's time zone.
pub fn invitation(
    user: &User,
    code: &str,
    link: &str,
    code_page: &str,
    zone: &jiff::tz::TimeZone,
) -> Email {
    let expires = crate::local_time::when(zone, user.invitation_expires_at);
    Email {
        to: user.email.clone(),
        subject: "You are invited to Wayfinder".into(),
        body: text(InvitationText {
            first_name: &user.first_name,
            role: user.role.label(),
            code,
            link,
            code_page,
            expires: &expires,
        }),
        secret_of: Some(user.id),
    }
}

#[derive(Template)]
#[template(path = "email/booking.txt")]
struct BookingText<'a> {
    listing: &'a str,
    date: &'a str,
    time: &'a str,
    duration: i64,
    client: &'a str,
    station: &'a str,
    reference: &'a str,
}

/// A booking made at the kiosk, as its confirmation tells the provider.
#[derive(Debug, Clone)]
pub struct Booking<'a> {
    pub to: EmailAddress,
    pub listing_name: &'a str,
    pub starts_at: OffsetDateTime,
    pub duration_minutes: i64,
    pub client_name: &'a str,
    pub station_name: &'a str,
    pub reference: &'a str,
    /// The calendar event's UID: stable for the booking.
    pub uid: &'a str,
    pub address: &'a str,
    pub now: OffsetDateTime,
}

/// The confirmation to the provider, with the appointment as an `.ics` file. The subject stays
/// in the queue after delivery, so it carries no name; the body (sealed, erased once sent) does.
pub fn booking(b: &Booking<'_>, zone: &jiff::tz::TimeZone) -> Email {
    let date = zone::local(b.starts_at, zone)
        .strftime("%Y-%m-%d")
        .to_string();
    let clock = zone::clock(b.starts_at, zone);
    let mut body = text(BookingText {
        listing: b.listing_name,
        date: &date,
        time: &clock,
        duration: b.duration_minutes,
        client: b.client_name,
        station: b.station_name,
        reference: b.reference,
    });
    let event = super::ics::Event {
        uid: b.uid,
        stamp: b.now,
        starts_at: b.starts_at,
        ends_at: b.starts_at + time::Duration::minutes(b.duration_minutes),
        summary: &format!("{} ({})", b.listing_name, b.reference),
        description: &format!(
            "Client: {}\nStation: {}\nReference: {}",
            b.client_name, b.station_name, b.reference
        ),
        location: b.address,
    };
    body.attachments.push(Attachment {
        filename: "appointment.ics".into(),
        content_type: "text/calendar; method=PUBLISH; charset=UTF-8".into(),
        content: super::ics::calendar(&event),
    });
    Email {
        to: b.to.clone(),
        subject: format!(
            "Booking {}: {} on {date} at {clock}",
            b.reference, b.listing_name
        ),
        body,
        secret_of: None,
    }
}
