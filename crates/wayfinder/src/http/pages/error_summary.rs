//! The error summary at the top of a form that was sent back (the GOV.UK pattern): "There is a
//! problem", then each problem as a link to its field, in the order of the form.

use crate::error::AppError;

/// One problem: its words, and the id of the field it is about (none for a problem of the
/// whole form, such as a change someone else made first).
pub struct Problem {
    pub href: Option<String>,
    pub message: String,
}

/// What the summary lists; empty when the form has no errors.
pub struct ErrorSummary {
    pub items: Vec<Problem>,
}

impl ErrorSummary {
    /// The problems of `error`. `fields` names the form's fields in order; each field's element
    /// (its input, or the fieldset of its choices) has the field's name as its id.
    pub fn of(error: Option<&AppError>, fields: &[&str]) -> Self {
        let Some(error) = error else {
            return Self { items: Vec::new() };
        };
        let messages = error.fields().cloned().unwrap_or_default();
        let mut items: Vec<Problem> = fields
            .iter()
            .filter_map(|field| {
                messages.get(field).map(|message| Problem {
                    href: Some((*field).to_owned()),
                    message: message.clone(),
                })
            })
            .collect();
        let named = |f: &str| fields.contains(&f);
        items.extend(
            messages
                .iter()
                .filter(|(field, _)| !named(field))
                .map(|(_, message)| Problem {
                    href: None,
                    message: message.clone(),
                }),
        );
        if items.is_empty() {
            items.push(Problem {
                href: None,
                message: error.to_string(),
            });
        }
        Self { items }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The start of the page's title: "Error: " when there is a problem.
    pub fn title_prefix(&self) -> &'static str {
        if self.is_empty() { "" } else { "Error: " }
    }
}
