//! A headless Chromium driven through its own chromedriver process, stopped when dropped.

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL_HINT: &str = "the browser tests need Debian's Chromium and its driver: \
    `apt-get install chromium chromium-driver`";

/// The desktop window; phone width is checked separately.
pub const DESKTOP: (u32, u32) = (1280, 900);
pub const PHONE: (u32, u32) = (375, 800);

/// A chromedriver process (and the Chromium it starts) in a process group of its own, so that
/// dropping the guard ends all of them even when a test panics before closing the session.
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    fn start() -> Chromedriver {
        for binary in [CHROMEDRIVER, CHROMIUM] {
            assert!(
                Path::new(binary).exists(),
                "{binary} is missing: {INSTALL_HINT}"
            );
        }
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}; {INSTALL_HINT}"));
        Chromedriver { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until chromedriver answers its status endpoint.
    async fn wait_until_ready(&mut self) {
        let status = format!("{}/status", self.url());
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(exit)) = self.child.try_wait() {
                panic!("{CHROMEDRIVER} exited at start ({exit}); {INSTALL_HINT}");
            }
            if let Ok(response) = http.get(&status).send().await {
                if response.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{CHROMEDRIVER} did not answer on port {} within 15 s",
            self.port
        );
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // Chromium outlives a killed chromedriver, so end the whole group this guard started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago on the loopback interface.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// One browser session for a test; its pages are visited in turn.
pub struct Browser {
    pub client: Client,
    // Dropped after the client: the driver (when no other session shares it), then the profile
    // and the downloads that session used.
    driver: Arc<Chromedriver>,
    _profile: tempfile::TempDir,
    downloads: tempfile::TempDir,
}

impl Browser {
    pub async fn open() -> Browser {
        let mut driver = Chromedriver::start();
        driver.wait_until_ready().await;
        Browser::session(Arc::new(driver), true).await
    }

    /// A browser whose pages run no script, as with JavaScript turned off (issue 12: every
    /// page works without it). WebDriver's own commands still work.
    pub async fn open_without_script() -> Browser {
        let mut driver = Chromedriver::start();
        driver.wait_until_ready().await;
        Browser::session(Arc::new(driver), false).await
    }

    /// A second person's browser: a session of its own (own profile, own cookies) on the same
    /// chromedriver, which saves starting another one.
    pub async fn another(&self) -> Browser {
        Browser::session(self.driver.clone(), true).await
    }

    async fn session(driver: Arc<Chromedriver>, script: bool) -> Browser {
        let profile = tempfile::tempdir().expect("browser profile dir");
        let downloads = tempfile::tempdir().expect("browser downloads dir");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--lang=en-US",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.path().display().to_string(),
                    "download.prompt_for_download": false,
                    // 1 allows the pages' scripts, 2 blocks them.
                    "profile.managed_default_content_settings.javascript": if script { 1 } else { 2 },
                },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("capabilities are an object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| panic!("cannot start {CHROMIUM} through chromedriver: {e}"));
        let browser = Browser {
            client,
            driver,
            _profile: profile,
            downloads,
        };
        browser.resize(DESKTOP).await;
        browser
    }

    /// Ends the session (Chromium quits); the last session's guard then stops chromedriver.
    pub async fn close(self) {
        let Browser {
            client,
            driver,
            _profile,
            downloads,
        } = self;
        client.close().await.expect("close the browser session");
        drop(driver);
        drop(downloads);
    }

    pub async fn resize(&self, (width, height): (u32, u32)) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize the window");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("open a page");
    }

    /// The path of the page shown now, waiting a little for a navigation to land on `path`.
    /// Waits until the browser shows a page whose path ends with `tail` (for paths with ids).
    pub async fn wait_for_path_ending(&self, tail: &str) -> url::Url {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let url = self.client.current_url().await.expect("current url");
            if url.path().ends_with(tail) {
                return url;
            }
            assert!(
                Instant::now() < deadline,
                "expected a path ending {tail}, got {url}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub async fn wait_for_path(&self, path: &str) -> url::Url {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let url = self.client.current_url().await.expect("current url");
            if url.path() == path {
                return url;
            }
            if Instant::now() > deadline {
                let shown = self.text("body").await;
                panic!("expected to land on {path}, but the browser shows {url}:\n{shown}");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits a little for the first element matching `css` to show `expected` among its text,
    /// as after a form post that redirects back to the same path; returns its text.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if text.contains(expected) {
                        return text;
                    }
                }
            }
            if Instant::now() > deadline {
                let url = self.client.current_url().await.expect("current url");
                let shown = self.text("body").await;
                panic!("expected {css:?} to say {expected:?}, but {url} shows:\n{shown}");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Types into the input that the label with this text points at.
    pub async fn fill(&self, label: &str, text: &str) {
        let xpath = format!("//label[normalize-space()='{label}']");
        let label_element = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|_| panic!("no label {label:?} on the page"));
        let id = label_element
            .attr("for")
            .await
            .expect("label attribute")
            .unwrap_or_else(|| panic!("label {label:?} names no field"));
        let input = self
            .client
            .find(Locator::Id(&id))
            .await
            .unwrap_or_else(|_| panic!("label {label:?} points at no field #{id}"));
        input.clear().await.expect("clear field");
        input.send_keys(text).await.expect("type into field");
    }

    /// Clicks the button with this text.
    pub async fn press(&self, text: &str) {
        // A person presses what they can see: buttons hidden from them (or in a dialog that is
        // not open) are not candidates.
        let xpath = format!(
            "//button[normalize-space()='{text}' and not(@aria-hidden='true') \
             and not(ancestor::dialog[not(@open)])]"
        );
        self.client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|_| panic!("no button {text:?} on the page"))
            .click()
            .await
            .expect("click");
    }

    /// Follows the link with this text (its accessible text, hidden words included).
    pub async fn follow(&self, text: &str) {
        let xpath = format!("//a[normalize-space()='{text}']");
        self.client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|_| panic!("no link {text:?} on the page"))
            .click()
            .await
            .expect("click");
    }

    /// Ticks (or unticks) the checkbox or radio button whose label reads `label`, or starts with
    /// `label —` followed by an explanation.
    pub async fn tick(&self, label: &str) {
        let xpath = format!(
            "//label[normalize-space()='{label}' or starts-with(normalize-space(), '{label} —')]//input"
        );
        self.client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|_| panic!("no choice {label:?} on the page"))
            .click()
            .await
            .expect("click");
    }

    /// Types a date (`YYYY-MM-DD`) into the date field with this label the way a person does in
    /// an en-US Chromium (month, day, year) and checks that the field took it.
    pub async fn fill_date(&self, label: &str, date: &str) {
        let [year, month, day]: [&str; 3] = date
            .split('-')
            .collect::<Vec<_>>()
            .try_into()
            .unwrap_or_else(|_| panic!("{date:?} is not YYYY-MM-DD"));
        self.fill(label, &format!("{month}{day}{year}")).await;
        let xpath = format!("//label[normalize-space()='{label}']");
        let id = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .expect("label")
            .attr("for")
            .await
            .expect("label attribute")
            .expect("label names a field");
        let value = self
            .client
            .find(Locator::Id(&id))
            .await
            .expect("date field")
            .prop("value")
            .await
            .expect("field value");
        assert_eq!(value.as_deref(), Some(date), "the {label:?} field");
    }

    /// Waits (a few seconds at most) until the browser has finished downloading `name`, and
    /// returns the file's contents.
    pub async fn downloaded(&self, name: &str) -> String {
        let path = self.downloads.path().join(name);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let partial = std::fs::read_dir(self.downloads.path())
                .expect("read the downloads dir")
                .filter_map(Result::ok)
                .any(|entry| entry.file_name().to_string_lossy().ends_with(".crdownload"));
            if path.exists() && !partial {
                return std::fs::read_to_string(&path).expect("read the download");
            }
            if Instant::now() > deadline {
                let found: Vec<_> = std::fs::read_dir(self.downloads.path())
                    .expect("read the downloads dir")
                    .filter_map(Result::ok)
                    .map(|entry| entry.file_name())
                    .collect();
                panic!("{name} was not downloaded within 10 s; the downloads dir holds {found:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The text of the first element matching `css`, waiting a little for it to appear (a form
    /// just submitted may still be loading the page that has it).
    pub async fn text(&self, css: &str) -> String {
        self.client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("nothing matches {css:?} on the page"))
            .text()
            .await
            .expect("element text")
    }

    /// The texts of all elements matching `css`.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await.expect("find") {
            texts.push(element.text().await.expect("element text"));
        }
        texts
    }
}
