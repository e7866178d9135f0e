//! A scripted SMTP relay on a loopback port, for relays that misbehave: one that accepts the
//! connection and never greets, one that greets and then stalls, one that takes a whole message
//! and never confirms it. Each connection's conduct is chosen by its number (0, 1, …).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conduct {
    /// Accepts the connection and says nothing, ever.
    Silent,
    /// Greets, then never answers a command.
    StallAfterGreeting,
    /// Takes the whole message, then never confirms it (the client cannot know it arrived).
    StallAfterData,
    /// A working relay.
    Answer,
}

/// Stops when dropped (the listener and every open conversation).
pub struct FakeSmtp {
    pub port: u16,
    connections: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeSmtp {
    pub async fn start(conduct: impl Fn(usize) -> Conduct + Send + Sync + 'static) -> FakeSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (count, store) = (connections.clone(), received.clone());
        let task = tokio::spawn(async move {
            // Owned here, so that aborting this task ends every conversation too.
            let mut conversations = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let number = count.fetch_add(1, Ordering::SeqCst);
                conversations.spawn(converse(stream, conduct(number), store.clone()));
            }
        });
        FakeSmtp {
            port,
            connections,
            received,
            task,
        }
    }

    /// `smtp://…?tls=none` for this relay.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Every message taken so far (confirmed or not), as the client sent it.
    pub fn received(&self) -> Vec<Vec<u8>> {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn converse(stream: TcpStream, conduct: Conduct, store: Arc<Mutex<Vec<Vec<u8>>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if conduct == Conduct::Silent {
        return std::future::pending().await;
    }
    let _ = write.write_all(b"220 fake.test ESMTP\r\n").await;
    if conduct == Conduct::StallAfterGreeting {
        return std::future::pending().await;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250-fake.test\r\n250 8BITMIME\r\n",
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            "DATA" => {
                let _ = write.write_all(b"354 go on\r\n").await;
                let message = read_message(&mut lines).await;
                store
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(message);
                if conduct == Conduct::StallAfterData {
                    return std::future::pending().await;
                }
                b"250 queued\r\n"
            }
            _ => b"250 ok\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// The message up to the lone `.` line.
async fn read_message(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Vec<u8> {
    let mut message = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 || line == b".\r\n" {
            return message;
        }
        message.extend_from_slice(&line);
    }
}
