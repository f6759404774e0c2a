//! The local server under slow and silent clients (slowloris): partial headers, a
//! partial body and an idle connection are each closed by their own `[server]` timeout,
//! and at most `max_connections` are served at once. Every wait here is a bound on a
//! behaviour (the server closes, or answers), never a timing assertion.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use handoff_tests::Server;

const DEMO: &str = include_str!("../../functions/core/src/demo.toml");

/// The demo configuration with `[server]` limits in front.
fn server(limits: &str) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("[server]\n{limits}\n{DEMO}");
    let s = Server::start(Some(&text), &dir.path().join("data"));
    (s, dir)
}

fn connect(s: &Server) -> TcpStream {
    let addr = s.base.trim_start_matches("http://");
    let c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    c
}

/// Reads until the server closes the connection (Ok with what it sent) or `bound`
/// passes (Err: still open).
fn read_until_closed(c: &mut TcpStream, bound: Duration) -> Result<String, String> {
    let deadline = Instant::now() + bound;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match c.read(&mut buf) {
            Ok(0) => return Ok(String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                return Ok(String::from_utf8_lossy(&got).into_owned())
            }
            Err(e) => panic!("read: {e}"),
        }
    }
    Err(String::from_utf8_lossy(&got).into_owned())
}

/// Whether the connection is still open after `wait` (nothing read, no close).
fn still_open_after(c: &mut TcpStream, wait: Duration) -> bool {
    read_until_closed(c, wait).is_err()
}

fn healthz(s: &Server) -> String {
    let mut c = connect(s);
    c.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .unwrap();
    read_until_closed(&mut c, Duration::from_secs(20)).expect("healthz answered and closed")
}

#[test]
fn partial_headers_are_cut_off_by_the_header_timeout_not_the_idle_one() {
    let (s, _dir) = server("header_timeout = \"1s\"\nidle_timeout = \"1h\"");
    let mut c = connect(&s);
    c.write_all(b"POST /hooks/demo-b2b HTTP/1.1\r\nhost: x\r\ncontent-ty")
        .unwrap();
    // closed without a response long before the one-hour idle timeout
    let sent = read_until_closed(&mut c, Duration::from_secs(20))
        .expect("the server closes a connection stuck in its headers");
    assert_eq!(sent, "", "no response can be framed for half a request");
    assert!(healthz(&s).starts_with("HTTP/1.1 200"));
    s.stop();
}

#[test]
fn a_partial_body_is_a_408_and_the_connection_is_closed() {
    let (s, _dir) = server("body_timeout = \"1s\"\nheader_timeout = \"1h\"\nidle_timeout = \"1h\"");
    let mut c = connect(&s);
    c.write_all(
        b"POST /hooks/demo-b2b HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"action\":",
    )
    .unwrap();
    let sent = read_until_closed(&mut c, Duration::from_secs(20))
        .expect("the server answers and closes a stalled body");
    assert!(sent.starts_with("HTTP/1.1 408"), "{sent}");
    assert!(sent.contains("\"error\":\"request_timeout\""), "{sent}");
    assert!(
        sent.to_ascii_lowercase().contains("connection: close"),
        "{sent}"
    );
    s.stop();
}

#[test]
fn an_idle_keep_alive_connection_is_closed_by_the_idle_timeout() {
    let (s, _dir) = server("idle_timeout = \"1s\"\nheader_timeout = \"1h\"");
    let mut c = connect(&s);
    // one complete request on a keep-alive connection, then silence
    c.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    let sent = read_until_closed(&mut c, Duration::from_secs(20))
        .expect("the server closes a connection left idle");
    assert!(sent.starts_with("HTTP/1.1 200"), "{sent}");
    // a connection that never sends a byte is idle too
    let mut silent = connect(&s);
    assert_eq!(
        read_until_closed(&mut silent, Duration::from_secs(20)),
        Ok(String::new())
    );
    s.stop();
}

#[test]
fn connections_beyond_max_connections_wait_until_one_closes() {
    let (s, _dir) = server("max_connections = 2\nidle_timeout = \"1h\"\nheader_timeout = \"1h\"");
    let mut held: Vec<TcpStream> = (0..2).map(|_| connect(&s)).collect();
    // both slots are taken (a request on each proves they are being served)
    for c in &mut held {
        c.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
            .unwrap();
        let mut buf = [0u8; 512];
        let deadline = Instant::now() + Duration::from_secs(20);
        let n = loop {
            match c.read(&mut buf) {
                Ok(n) => break n,
                Err(_) if Instant::now() < deadline => continue,
                Err(e) => panic!("no answer on a held connection: {e}"),
            }
        };
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    }
    let mut third = connect(&s);
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .unwrap();
    assert!(
        still_open_after(&mut third, Duration::from_millis(700)),
        "a third connection was served while two were open"
    );
    drop(held.pop());
    let sent =
        read_until_closed(&mut third, Duration::from_secs(20)).expect("served once a slot is free");
    assert!(sent.starts_with("HTTP/1.1 200"), "{sent}");
    s.stop();
}
