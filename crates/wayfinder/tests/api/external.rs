//! Helpers for tests that drive programs outside the test process: free ports, bounded waits,
//! the `sqlite3` and `psql` CLIs, mail files as received, and byte scans of files for leaked
//! secrets.

use crate::helpers::{TestApp, TestDatabase, secrets_in};
use std::path::{Path, PathBuf};
use std::time::Duration;
use wayfinder::mail::transport::Outgoing;

/// A loopback port that nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Polls `probe` every 50 ms until it gives a value; panics after `seconds` seconds.
pub async fn eventually<T>(what: &str, seconds: u64, mut probe: impl FnMut() -> Option<T>) -> T {
    let rounds = seconds * 20;
    for _ in 0..rounds {
        if let Some(value) = probe() {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out after {seconds} s waiting for {what}");
}

/// Whether something accepts connections on the loopback `port`.
pub fn port_is_open(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Runs Debian's `sqlite3` CLI on `db`, stopping at the first error.
pub fn sqlite3(db: &Path, sql: &str) -> std::process::Output {
    std::process::Command::new("sqlite3")
        .arg("-bail")
        .arg(db)
        .arg(sql)
        .output()
        .unwrap_or_else(|error| {
            panic!("cannot run the sqlite3 CLI ({error}); install it: apt-get install sqlite3")
        })
}

/// Runs `sql` with the `sqlite3` CLI, which must succeed; returns its trimmed output.
pub fn sqlite3_ok(db: &Path, sql: &str) -> String {
    let output = sqlite3(db, sql);
    assert!(
        output.status.success(),
        "sqlite3 failed on {sql:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Runs `sql` on the test's database with its backend's CLI (`sqlite3`, or `psql` when the run
/// uses PostgreSQL), which must succeed; returns its trimmed output, fields separated by `|`.
/// Write the SQL so that both dialects read it alike (booleans as `CAST(… AS INTEGER)`).
pub fn database_sql_ok(database: &TestDatabase, sql: &str) -> String {
    let output = database_sql(database, sql);
    assert!(
        output.status.success(),
        "the database CLI failed on {sql:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// [`database_sql_ok`] for a statement that may fail (a constraint or trigger at work).
pub fn database_sql(database: &TestDatabase, sql: &str) -> std::process::Output {
    let Some(url) = database.postgres_url() else {
        let file = database
            .url
            .strip_prefix("sqlite://")
            .expect("a SQLite URL");
        return sqlite3(Path::new(file), sql);
    };
    std::process::Command::new("psql")
        .args([
            "-X",
            "-A",
            "-t",
            "-q",
            "-F",
            "|",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .unwrap_or_else(|error| panic!("cannot run psql ({error})"))
}

/// The files that hold the app's data, for byte scans: those of its data directory (the SQLite
/// database among them) except the outbox; on PostgreSQL, also a plain dump of the database's
/// rows, written there now.
pub fn database_files(app: &TestApp) -> Vec<PathBuf> {
    if let Some(url) = app.database.postgres_url() {
        let dump = app.dir.path().join("postgres-rows.sql");
        let output = std::process::Command::new("pg_dump")
            .args(["--data-only", "--no-owner", "-d", url, "-f"])
            .arg(&dump)
            .output()
            .unwrap_or_else(|error| panic!("cannot run pg_dump ({error})"));
        assert!(
            output.status.success(),
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    files_under(app.dir.path(), &["outbox"])
}

/// A message as a mail server or the outbox received it (RFC 5322 text).
#[derive(Debug, Clone)]
pub struct RawMail {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawMail {
    pub fn parse(raw: &[u8]) -> RawMail {
        let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
        let (head, body) = text.split_once("\n\n").expect("a header block and a body");
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.lines() {
            match (line.starts_with([' ', '\t']), headers.last_mut()) {
                // A folded header continues the previous one.
                (true, Some((_, value))) => value.push_str(line),
                _ => {
                    let (name, value) = line.split_once(':').expect("a header line");
                    headers.push((name.trim().to_owned(), value.trim().to_owned()));
                }
            }
        }
        RawMail {
            headers,
            body: body.to_owned(),
        }
    }

    pub fn read(path: &Path) -> RawMail {
        Self::parse(&std::fs::read(path).expect("a readable message"))
    }

    /// The first header called `name` (case-insensitive); panics when there is none.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    /// The 6-digit code and the link token of a sign-in or invitation message.
    pub fn secrets(&self) -> (String, String) {
        secrets_in(&Outgoing {
            id: uuid::Uuid::nil(),
            message_id: self.header("Message-ID").to_owned(),
            to: self.header("To").to_owned(),
            subject: self.header("Subject").to_owned(),
            text: self.body.clone(),
            html: None,
            attachments: Vec::new(),
        })
    }
}

/// The `.eml` files of a directory, in name order (none if it does not exist yet).
pub fn eml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Every file under `dir`, recursively, except inside the subdirectories named `skip`.
pub fn files_under(dir: &Path, skip: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !skip.contains(&name) {
                files.extend(files_under(&path, skip));
            }
        } else {
            files.push(path);
        }
    }
    files
}

/// What a secret looks like in clear, for [`leaks`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    /// Six digits, matched only where no other digit touches them (so that the digits inside
    /// long numbers, such as timestamps, do not count).
    Code(String),
    /// A token or cookie value, matched anywhere.
    Token(String),
}

impl Secret {
    fn found_in(&self, haystack: &[u8]) -> bool {
        match self {
            Secret::Token(token) => haystack
                .windows(token.len())
                .any(|window| window == token.as_bytes()),
            Secret::Code(code) => {
                let n = code.len();
                (0..haystack.len().saturating_sub(n - 1)).any(|i| {
                    let digit_at = |j: Option<usize>| {
                        j.and_then(|j| haystack.get(j))
                            .is_some_and(u8::is_ascii_digit)
                    };
                    &haystack[i..i + n] == code.as_bytes()
                        && !digit_at(i.checked_sub(1))
                        && !digit_at(Some(i + n))
                })
            }
        }
    }
}

/// The (file, secret) pairs where a secret appears in a file's bytes.
pub fn leaks(files: &[PathBuf], secrets: &[Secret]) -> Vec<(PathBuf, Secret)> {
    let mut found = Vec::new();
    for file in files {
        // A file may vanish meanwhile (SQLite removes its -wal at close); nothing leaks there.
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        for secret in secrets {
            if secret.found_in(&bytes) {
                found.push((file.clone(), secret.clone()));
            }
        }
    }
    found
}
