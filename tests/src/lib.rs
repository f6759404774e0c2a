//! Harness for the end-to-end tests: runs the real `handoff` binary on a free
//! 127.0.0.1 port, real HTTP receivers, and signed deliveries built with the providers'
//! own formats.
//!
//! The binary must be built first (`make test` does: `cargo build -p handoff`); it is
//! looked up next to the test executable, or at `$HANDOFF_BIN`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use handoff_core::model::{Action, Contact, LeadEvent, ProviderKind};
use serde_json::Value;

pub fn handoff_bin() -> PathBuf {
    if let Ok(p) = std::env::var("HANDOFF_BIN") {
        return PathBuf::from(p);
    }
    // target/<profile>/deps/<test-exe> → target/<profile>/handoff
    let exe = std::env::current_exe().expect("test executable path");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("handoff"))
        .expect("target dir");
    assert!(
        bin.exists(),
        "{} not found: build it first with `cargo build -p handoff` (make test does), or set HANDOFF_BIN",
        bin.display()
    );
    bin
}

/// A running `handoff serve`.
pub struct Server {
    child: Child,
    pub base: String,
    pub stdout: Arc<Mutex<String>>,
    pub stderr: Arc<Mutex<String>>,
}

fn pump(
    r: impl std::io::Read + Send + 'static,
    buf: Arc<Mutex<String>>,
    tx: Option<std::sync::mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines().map_while(Result::ok) {
            if let Some(tx) = &tx {
                let _ = tx.send(line.clone());
            }
            let mut b = buf.lock().unwrap();
            b.push_str(&line);
            b.push('\n');
        }
    });
}

impl Server {
    /// Starts `handoff serve` with `config` (TOML text; `None` = built-in demo) on a free
    /// port, storing in `data_dir`; waits until it listens.
    pub fn start(config: Option<&str>, data_dir: &Path) -> Server {
        Self::start_with(config, data_dir, &[])
    }

    pub fn start_with(config: Option<&str>, data_dir: &Path, env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(handoff_bin());
        cmd.arg("serve")
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data-dir")
            .arg(data_dir);
        if let Some(text) = config {
            let path = data_dir.with_extension("toml");
            std::fs::write(&path, text).unwrap();
            cmd.arg("--config").arg(&path);
        }
        cmd.env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn handoff serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        pump(child.stdout.take().unwrap(), stdout.clone(), None);
        pump(child.stderr.take().unwrap(), stderr.clone(), Some(tx));
        let deadline = Instant::now() + Duration::from_secs(30);
        let base = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        break rest.split_whitespace().next().unwrap().to_string();
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!(
                        "handoff serve did not start; stderr:\n{}",
                        stderr.lock().unwrap()
                    );
                }
            }
        };
        Server {
            child,
            base,
            stdout,
            stderr,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// SIGTERM and wait (graceful).
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn stdout_text(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }
    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP receiver on 127.0.0.1 recording every POST. It answers `fail_status` to
/// the first `fail_first` requests (all of them with `u32::MAX`), then 200.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub attempts: Arc<Mutex<u32>>,
}

impl Receiver {
    pub async fn start(fail_first: u32, fail_status: u16) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener, fail_first, fail_status)
    }

    /// Starts on a given address (e.g. one reserved earlier).
    pub async fn start_on(addr: SocketAddr) -> Receiver {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        Self::serve(listener, 0, 200)
    }

    fn serve(listener: tokio::net::TcpListener, fail_first: u32, fail_status: u16) -> Receiver {
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let attempts = Arc::new(Mutex::new(0u32));
        let (r, a) = (received.clone(), attempts.clone());
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let (r, a) = (r.clone(), a.clone());
            async move {
                let (parts, body) = req.into_parts();
                let bytes = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .unwrap_or_default();
                let n = {
                    let mut a = a.lock().unwrap();
                    *a += 1;
                    *a
                };
                if n <= fail_first {
                    return axum::http::StatusCode::from_u16(fail_status).unwrap();
                }
                r.lock().unwrap().push(Received {
                    path: parts.uri.path().to_string(),
                    headers: parts
                        .headers
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                        .collect(),
                    body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                });
                axum::http::StatusCode::OK
            }
        });
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver {
            addr,
            received,
            attempts,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn attempts(&self) -> u32 {
        *self.attempts.lock().unwrap()
    }

    /// Waits until at least `n` requests arrived (or `timeout`), returns what arrived.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.received();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A canonical event with an e-mail contact.
pub fn event(action: Action, email: &str, message: Option<&str>) -> LeadEvent {
    LeadEvent {
        action,
        contact: Contact {
            email: Some(email.into()),
            name: Some("Ana Lopez".into()),
            ..Default::default()
        },
        message: message.map(str::to_string),
        channel: None,
        utm: Default::default(),
        occurred_at: None,
    }
}

/// A signed delivery (body + headers) for `provider`, as the provider would send it.
pub fn signed(
    provider: ProviderKind,
    secret: &str,
    ev: &LeadEvent,
    delivery_id: &str,
) -> (Vec<u8>, Vec<(String, String)>) {
    let now = chrono::Utc::now();
    let body = provider.sample(ev, delivery_id, now);
    let headers = provider
        .sign(secret, ev, delivery_id, &body, now)
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (body, headers)
}

/// Posts raw bytes with headers; returns status and JSON body.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    headers: &[(String, String)],
) -> (u16, Value) {
    let mut req = client.post(url).body(body);
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let v = resp.json::<Value>().await.unwrap_or(Value::Null);
    (status, v)
}

pub async fn get(client: &reqwest::Client, url: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = client.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json::<Value>().await.unwrap_or(Value::Null))
}

/// Polls `f` until it returns Some or `timeout` passes.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(t) = f().await {
            return Some(t);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Posts `chunks` × `chunk_size` bytes with `Transfer-Encoding: chunked` (no
/// content-length) over a raw connection; returns status and JSON body.
pub async fn post_chunked(
    base: &str,
    path: &str,
    chunks: usize,
    chunk_size: usize,
) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; chunk_size];
    for _ in 0..chunks {
        // the server may answer and close before everything is written
        if s.write_all(format!("{chunk_size:x}\r\n").as_bytes())
            .await
            .is_err()
            || s.write_all(&chunk).await.is_err()
            || s.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .and_then(|b| serde_json::from_str(b.trim()).ok())
        .unwrap_or(Value::Null);
    (status, body)
}
