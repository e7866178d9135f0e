//! The text of every message, from askama templates in `templates/email/`.

use super::{Body, Email};
use askama::Template;
use domain::User;

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
    }
}

/// The invitation: the same code and link, valid 72 hours.
pub fn invitation(user: &User, code: &str, link: &str, code_page: &str) -> Email {
    let expires = user
        .invitation_expires_at
        .format(time::macros::format_description!(
            "[day] [month repr:long] [year], [hour]:[minute] UTC"
        ))
        .unwrap_or_default();
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
    }
}
