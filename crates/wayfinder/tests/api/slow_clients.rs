//! Slow and greedy clients are cut off (issue 8, SPEC §13): raw sockets to the real server send
//! half a header, too large a header, half a body, or too many connections; SIGTERM finishes
//! within its deadline although a request is half-sent.

use crate::cli::{Home, Server};
use crate::helpers::TestApp;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wayfinder::config::ServerLimits;

async fn connect(app: &TestApp) -> TcpStream {
    connect_to(app.address.strip_prefix("http://").unwrap()).await
}

async fn connect_to(host_port: &str) -> TcpStream {
    TcpStream::connect(host_port).await.expect("connect")
}

/// Everything the server sends until it closes the connection (or resets it), if it does so
/// within `within`; `None` if the connection is still open then.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let read = async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    tokio::time::timeout(within, read).await.ok()?;
    Some(received)
}

fn healthz(extra: &str) -> String {
    format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}\r\n")
}

async fn healthy(app: &TestApp) -> bool {
    let mut stream = connect(app).await;
    stream.write_all(healthz("").as_bytes()).await.unwrap();
    let answer = until_closed(&mut stream, Duration::from_secs(5)).await;
    answer.is_some_and(|a| a.starts_with(b"HTTP/1.1 200"))
}

fn limits() -> ServerLimits {
    ServerLimits {
        header_read_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(1),
        ..ServerLimits::default()
    }
}

#[tokio::test]
async fn a_half_sent_request_header_is_closed_after_the_header_timeout() {
    let app = TestApp::spawn_with_limits(limits()).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();

    let closed = until_closed(&mut stream, Duration::from_secs(5)).await;

    assert!(closed.is_some(), "still open after 5 s");
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(healthy(&app).await);
}

#[tokio::test]
async fn a_request_header_over_16_kib_is_refused_while_one_under_it_is_served() {
    let app = TestApp::spawn().await;
    let mut fits = connect(&app).await;
    let small = format!("X-Filler: {}\r\n", "a".repeat(12 * 1024));
    fits.write_all(healthz(&small).as_bytes()).await.unwrap();
    let served = until_closed(&mut fits, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(served.starts_with(b"HTTP/1.1 200"));

    let mut too_large = connect(&app).await;
    let big = format!("X-Filler: {}\r\n", "a".repeat(17 * 1024));
    // The server may close before it has read everything; a failed write is its answer too.
    let _ = too_large.write_all(healthz(&big).as_bytes()).await;
    let answer = until_closed(&mut too_large, Duration::from_secs(5)).await;

    let answer = answer.expect("the connection is closed");
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 431"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(healthy(&app).await);
}

#[tokio::test]
async fn a_half_sent_body_is_cut_off_after_the_request_timeout() {
    let app = TestApp::spawn_with_limits(limits()).await;
    let mut stream = connect(&app).await;
    let head = "POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":";
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();

    let answer = until_closed(&mut stream, Duration::from_secs(5)).await;

    let answer = answer.expect("closed within 5 s");
    assert!(started.elapsed() >= Duration::from_millis(900));
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 4"), "a client error: {text}");
    assert!(healthy(&app).await);
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_others_end() {
    let app = TestApp::spawn_with_limits(ServerLimits {
        max_connections: 2,
        header_read_timeout: Duration::from_secs(30),
        ..ServerLimits::default()
    })
    .await;
    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut holder = connect(&app).await;
        holder
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        holders.push(holder);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = connect(&app).await;
    third.write_all(healthz("").as_bytes()).await.unwrap();

    let while_full = until_closed(&mut third, Duration::from_secs(1)).await;
    assert!(while_full.is_none(), "served past the cap");
    drop(holders);
    let afterwards = until_closed(&mut third, Duration::from_secs(5)).await;

    assert!(afterwards.unwrap().starts_with(b"HTTP/1.1 200"));
    assert!(healthy(&app).await);
}

#[tokio::test]
async fn sigterm_ends_the_server_within_its_deadline_although_a_request_is_half_sent() {
    let home = Home::new();
    let args = [
        "--shutdown-timeout-seconds",
        "1",
        "--header-timeout-seconds",
        "60",
    ];
    let server = Server::start_with(&home, &args).await;
    let address = server.url("");
    let mut holder = connect_to(address.strip_prefix("http://").unwrap()).await;
    holder
        .write_all(b"POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\nem")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();

    let status = server.terminate().await;

    assert!(status.success(), "{status}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(
        until_closed(&mut holder, Duration::from_secs(1))
            .await
            .is_some()
    );
}
