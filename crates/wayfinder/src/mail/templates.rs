//! The text of every message, from askama templates in `templates/email/`.

use super::{Body, Email};
use askama::Template;
use domain::{Role, User};

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
