//! The keyboard alone: Tab to a control by what it says, then Space or Enter, as a person
//! without a mouse or touch does. Nothing here clicks.

use super::driver::Browser;
use fantoccini::key::Key;
use serde_json::Value;

/// What the focused element says: its label's text for a field, its own text otherwise.
const FOCUSED: &str = r"
const el = document.activeElement;
if (!el || el === document.body) return '';
const label = el.labels && el.labels.length ? el.labels[0].innerText : el.innerText;
return (label || el.value || '').replace(/\s+/g, ' ').trim();
";

impl Browser {
    /// Sends keys to whatever has the focus (the page itself when nothing has).
    pub async fn keys(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("the focused element")
            .send_keys(keys)
            .await
            .expect("send keys");
    }

    /// What the focused element says.
    pub async fn focused(&self) -> String {
        match self.client.execute(FOCUSED, vec![]).await.expect("focus") {
            Value::String(text) => text,
            other => panic!("the focused element says {other}"),
        }
    }

    /// Presses Tab until the focused control says `text` (or starts with it), at most 80 times.
    pub async fn tab_to(&self, text: &str) {
        let mut seen = Vec::new();
        for _ in 0..80 {
            self.keys(&char::from(Key::Tab).to_string()).await;
            let focused = self.focused().await;
            if focused == text || focused.starts_with(&format!("{text} ")) {
                return;
            }
            seen.push(focused);
        }
        panic!("Tab never reached {text:?}; it went through {seen:?}");
    }

    /// Tabs to the control and presses Space (ticks a box, chooses a radio, presses a button).
    pub async fn tab_and_space(&self, text: &str) {
        self.tab_to(text).await;
        self.keys(" ").await;
    }

    /// Tabs to the link or button and presses Enter.
    pub async fn tab_and_enter(&self, text: &str) {
        self.tab_to(text).await;
        self.keys(&char::from(Key::Enter).to_string()).await;
    }
}
