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

/// The id handoff documents for a `[[team.notify]]` entry without an explicit one:
/// `{kind}-{first 8 hex digits of SHA-256(url)}` (computed here from the documented rule,
/// not by handoff's code).
pub fn documented_notify_id(kind: &str, url: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(url.as_bytes());
    let hex: String = d.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{kind}-{hex}")
}

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
    /// The body as it arrived (what a signature covers).
    pub raw: Vec<u8>,
}

impl Received {
    /// Whether the Standard Webhooks reference library (`standardwebhooks`, PyPI, in
    /// `$HANDOFF_PYTHON`: scripts/moto.sh installs it) accepts this request's signature
    /// with `secret`. `None` when no such Python is configured.
    pub fn verified_by_standardwebhooks(&self, secret: &str) -> Option<bool> {
        let python = std::env::var("HANDOFF_PYTHON").ok()?;
        let dir = tempfile::tempdir().unwrap();
        let body = dir.path().join("body");
        std::fs::write(&body, &self.raw).unwrap();
        let script = "import sys\nfrom standardwebhooks.webhooks import Webhook\n\
                      body = open(sys.argv[1], 'rb').read()\n\
                      headers = {'webhook-id': sys.argv[3], 'webhook-timestamp': sys.argv[4], 'webhook-signature': sys.argv[5]}\n\
                      Webhook(sys.argv[2]).verify(body, headers)\nprint('verified')\n";
        let h = |n: &str| self.header(n).unwrap_or("").to_string();
        let out = std::process::Command::new(python)
            .arg("-c")
            .arg(script)
            .arg(&body)
            .arg(secret)
            .arg(h("webhook-id"))
            .arg(h("webhook-timestamp"))
            .arg(h("webhook-signature"))
            .output()
            .expect("run the standardwebhooks verifier");
        Some(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("verified"))
    }

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
                    raw: bytes.to_vec(),
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
    let body = provider.simulator().sample(ev, delivery_id, now);
    let headers = provider
        .simulator()
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

// ---- load plans: shared by tests/load.rs and tests/crash.rs -------------------------

/// A deterministic mix of deliveries (valid leads, redeliveries, bad signatures,
/// malformed bodies) across the four providers, fired by concurrent senders.
pub mod load {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, OnceLock};
    use std::time::{Duration, Instant};

    use chrono::{DateTime, Utc};
    use handoff_core::model::{
        Action, Business, Contact, Headers, Lead, LeadEvent, ProviderKind, Stage, Utm,
    };
    use handoff_core::providers::{intercom, shopify, standard, typeform};
    use serde_json::Value;

    use crate::Received;

    pub const STD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    pub const HOOK_SECRET: &str = "whsec_aGFuZG9mZi10ZXN0LXJlY2VpdmVyLXNlY3JldA==";
    const WRONG_STD_SECRET: &str = "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==";

    /// The sources of [`config`] (as in e2e.rs): id, provider, business, secret.
    pub const SOURCES: [(&str, ProviderKind, Business, &str); 4] = [
        ("b2b", standard::KIND, Business::B2b, STD_SECRET),
        (
            "form",
            typeform::KIND,
            Business::Services,
            "tf-secret-0123456789",
        ),
        (
            "shop",
            shopify::KIND,
            Business::Ecommerce,
            "shop-secret-0123456789",
        ),
        (
            "chat",
            intercom::KIND,
            Business::Services,
            "ic-secret-0123456789",
        ),
    ];

    /// The load configuration: the four sources, one team taking all their channels
    /// with two HTTP notify entries (`webhook` → `webhook_url`, `slack` → `slack_url`)
    /// and a console entry.
    pub fn config(webhook_url: &str, slack_url: &str) -> String {
        format!(
            r#"
[server]
public_url = "http://leads.example.test"

[delivery]
max_attempts = 5
backoff_initial_ms = 50
backoff_max_ms = 500

[[source]]
id = "b2b"
provider = "standard"
business = "b2b"
channel = "web_form"
secret = "{STD_SECRET}"

[[source]]
id = "form"
provider = "typeform"
business = "services"
channel = "web_form"
secret = "tf-secret-0123456789"

[[source]]
id = "shop"
provider = "shopify"
business = "ecommerce"
channel = "cart"
secret = "shop-secret-0123456789"

[[source]]
id = "chat"
provider = "intercom"
business = "services"
channel = "live_chat"
secret = "ic-secret-0123456789"

[[team]]
name = "web"
channels = ["web_form", "live_chat", "cart"]
[[team.notify]]
kind = "webhook"
url = "{webhook_url}"
secret = "{HOOK_SECRET}"
[[team.notify]]
kind = "slack"
url = "{slack_url}"
[[team.notify]]
kind = "console"
"#
        )
    }

    /// xorshift64*: small, seeded, deterministic.
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Rng {
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }
        pub fn next_u64(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        /// Uniform in `0..n` (n > 0).
        pub fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
        pub fn chance(&mut self, percent: u64) -> bool {
            self.next_u64() % 100 < percent
        }
        pub fn shuffle<T>(&mut self, v: &mut [T]) {
            for i in (1..v.len()).rev() {
                let j = self.below(i + 1);
                v.swap(i, j);
            }
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Kind {
        /// The first delivery of a valid lead.
        Original { stage: Stage },
        /// The same bytes and headers as item `of` again. `racing`: queued right behind
        /// its original so both are in flight together; otherwise sent only once the
        /// original was answered.
        Redelivery { of: usize, racing: bool },
        /// Tampered body, wrong secret, missing signature or stale timestamp → 401.
        BadSignature { how: &'static str },
        /// Correctly signed but not a lead → 400 and an entry in the rejected log.
        Malformed { how: &'static str },
    }

    #[derive(Debug, Clone)]
    pub struct Item {
        pub source: &'static str,
        pub delivery_id: String,
        /// `Lead::id_for(source, delivery_id)` (meaningful for valid deliveries).
        pub lead_id: String,
        pub kind: Kind,
        pub body: Vec<u8>,
        pub headers: Vec<(String, String)>,
    }

    impl Item {
        pub fn is_valid(&self) -> bool {
            matches!(self.kind, Kind::Original { .. } | Kind::Redelivery { .. })
        }
    }

    pub struct Plan {
        pub items: Vec<Item>,
        /// The time the deliveries were signed for (4 minutes ahead of the clock).
        pub signed_at: DateTime<Utc>,
    }

    fn header_vec(h: &Headers) -> Vec<(String, String)> {
        h.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// A valid lead event for `source`, hot or nurture by construction.
    fn lead_event(rng: &mut Rng, source: &str, hot: bool, n: usize) -> LeadEvent {
        let pick = |rng: &mut Rng, xs: &[Action]| xs[rng.below(xs.len())];
        let (action, message): (Action, Option<&str>) = match (source, hot) {
            ("b2b", true) => (
                pick(
                    rng,
                    &[
                        Action::DemoRequest,
                        Action::QuoteRequest,
                        Action::PriceListDownload,
                        Action::ProposalRequest,
                    ],
                ),
                None,
            ),
            ("b2b", false) => (
                pick(
                    rng,
                    &[
                        Action::NewsletterSignup,
                        Action::ContentDownload,
                        Action::PageView,
                    ],
                ),
                [None, Some("Thanks for the tips")][rng.below(2)],
            ),
            ("form", true) => match rng.below(3) {
                0 => (Action::CallRequest, None),
                1 => (Action::QuoteRequest, None),
                _ => (
                    Action::FormSubmission,
                    Some("How much does it cost to paint a room?"),
                ),
            },
            ("form", false) => (
                pick(rng, &[Action::FormSubmission, Action::NewsletterSignup]),
                [None, Some("Thanks for the tips")][rng.below(2)],
            ),
            // a cart or a checkout is always a readiness action for e-commerce
            ("shop", _) => (
                pick(rng, &[Action::AddToCart, Action::CheckoutStarted]),
                None,
            ),
            ("chat", true) => (
                Action::ChatMessage,
                Some(["When can you start?", "How much does it cost?"][rng.below(2)]),
            ),
            ("chat", false) => (
                Action::ChatMessage,
                Some(["Thanks for the tips", "Hello there"][rng.below(2)]),
            ),
            _ => unreachable!("unknown source {source}"),
        };
        LeadEvent {
            action,
            contact: Contact {
                email: Some(format!("lead{n}@example.com")),
                name: Some("Ana Lopez".into()),
                company: n.is_multiple_of(3).then(|| "Acme GmbH".to_string()),
                phone: None,
            },
            message: message.map(str::to_string),
            channel: None,
            utm: Utm {
                source: Some("google".into()),
                campaign: Some(format!("spring-{}", n % 7)),
                ..Default::default()
            },
            occurred_at: None,
        }
    }

    fn delivery_id(provider: ProviderKind, tag: &str, n: usize) -> String {
        let p = match provider.as_str() {
            "standard" => "msg",
            "typeform" => "evt",
            "shopify" => "shev",
            "intercom" => "notif",
            _ => "dlv",
        };
        format!("{p}_{tag}{n:06}")
    }

    fn item(
        source: &'static str,
        delivery_id: String,
        kind: Kind,
        body: Vec<u8>,
        headers: Vec<(String, String)>,
    ) -> Item {
        Item {
            lead_id: Lead::id_for(source, &delivery_id),
            source,
            delivery_id,
            kind,
            body,
            headers,
        }
    }

    fn original(rng: &mut Rng, n: usize, now: DateTime<Utc>) -> Item {
        let (src, provider, _, secret) = SOURCES[rng.below(SOURCES.len())];
        let hot = src == "shop" || rng.chance(50);
        let ev = lead_event(rng, src, hot, n);
        let did = delivery_id(provider, "", n);
        let body = provider.simulator().sample(&ev, &did, now);
        let headers = header_vec(&provider.simulator().sign(secret, &ev, &did, &body, now));
        let stage = if hot { Stage::Hot } else { Stage::Nurture };
        // the id the lead is stored under (Shopify's is its body's digest)
        let did = provider.simulator().parsed_delivery_id(&did, &body);
        item(src, did, Kind::Original { stage }, body, headers)
    }

    fn bad_signature(rng: &mut Rng, n: usize, now: DateTime<Utc>) -> Item {
        let (src, provider, _, secret) = SOURCES[rng.below(SOURCES.len())];
        let ev = lead_event(rng, src, true, 1_000_000 + n);
        let did = delivery_id(provider, "bad", n);
        let mut body = provider.simulator().sample(&ev, &did, now);
        let mut headers = header_vec(&provider.simulator().sign(secret, &ev, &did, &body, now));
        let how = match rng.below(4) {
            0 => {
                let i = body.len() / 2;
                body[i] ^= 0x01;
                "tampered body"
            }
            1 => {
                let wrong = if provider == standard::KIND {
                    WRONG_STD_SECRET
                } else {
                    "wrong-secret"
                };
                headers = header_vec(&provider.simulator().sign(wrong, &ev, &did, &body, now));
                "wrong secret"
            }
            2 => {
                headers.retain(|(k, _)| {
                    let k = k.to_ascii_lowercase();
                    !(k.contains("signature") || k.contains("hmac"))
                });
                "missing signature"
            }
            _ if provider == standard::KIND => {
                // `now` is ahead of the clock (see `Plan::build`): this stays stale
                let stale = now - chrono::Duration::seconds(900);
                headers = header_vec(&provider.simulator().sign(secret, &ev, &did, &body, stale));
                "stale timestamp"
            }
            _ => {
                let i = body.len() - 2;
                body[i] ^= 0x20;
                "tampered body"
            }
        };
        item(src, did, Kind::BadSignature { how }, body, headers)
    }

    fn malformed(rng: &mut Rng, n: usize, now: DateTime<Utc>) -> Item {
        let (src, provider, _, secret) = SOURCES[rng.below(SOURCES.len())];
        let mut ev = lead_event(rng, src, true, 2_000_000 + n);
        let did = delivery_id(provider, "mal", n);
        let (how, body): (&'static str, Vec<u8>) = match (provider.as_str(), rng.below(3)) {
            (_, 0) => ("not json", format!("not json {did} {{").into_bytes()),
            ("standard", 1) => (
                "unknown action",
                format!(
                    r#"{{"action":"buy_now","contact":{{"email":"x{n}@example.com"}},"message":"{did}"}}"#
                )
                .into_bytes(),
            ),
            ("standard", _) => (
                "missing contact",
                format!(r#"{{"action":"demo_request","contact":{{}},"message":"{did}"}}"#)
                    .into_bytes(),
            ),
            ("typeform", 1) => (
                "form_response not an object",
                format!(r#"{{"event_id":"{did}","event_type":"form_response","form_response":"{did}"}}"#)
                    .into_bytes(),
            ),
            ("intercom", 1) => (
                "not a notification_event",
                format!(r#"{{"type":"conversation","id":"{did}","topic":"conversation.user.created"}}"#)
                    .into_bytes(),
            ),
            _ => {
                ev.contact = Contact {
                    name: Some(format!("Nobody {n}")),
                    ..Default::default()
                };
                ("missing contact", provider.simulator().sample(&ev, &did, now))
            }
        };
        let headers = header_vec(&provider.simulator().sign(secret, &ev, &did, &body, now));
        item(src, did, Kind::Malformed { how }, body, headers)
    }

    /// Checks an item against the intake step the server runs, so a wrong plan fails
    /// here and not as a mystery in the server's answers.
    fn self_check(it: &Item, now: DateTime<Utc>) {
        use handoff_core::intake::{intake, Intake, IntakeError};
        static CONFIG: std::sync::OnceLock<handoff_core::config::Config> =
            std::sync::OnceLock::new();
        let config = CONFIG.get_or_init(|| {
            let text = config("http://127.0.0.1:9/crm", "http://127.0.0.1:9/slack");
            handoff_core::config::Config::from_toml_str(&text, "load.toml", &|_| None)
                .expect("load configuration")
        });
        let h: Headers = it
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let taken = intake(config, it.source, &h, &it.body, now);
        match it.kind {
            Kind::Original { stage } => match taken {
                Ok(Intake::Lead { lead, .. }) => {
                    assert_eq!(lead.delivery_id, it.delivery_id, "plan: delivery id");
                    assert_eq!(
                        lead.stage,
                        stage,
                        "plan: {} {:?} {:?} classifies as {:?}",
                        it.source,
                        lead.action,
                        lead.message,
                        lead.readiness()
                    );
                }
                other => panic!("plan: {} is taken as {other:?}", it.delivery_id),
            },
            Kind::BadSignature { how } => assert!(
                matches!(taken, Err(IntakeError::InvalidSignature(_))),
                "plan: {how} {} gives {taken:?}",
                it.delivery_id
            ),
            Kind::Malformed { how } => assert!(
                matches!(taken, Err(IntakeError::Malformed(_))),
                "plan: {how} {} ({}) gives {taken:?}",
                it.delivery_id,
                it.source
            ),
            Kind::Redelivery { .. } => {}
        }
    }

    impl Plan {
        /// `total` deliveries: 80% first deliveries of valid leads (about half hot), 10%
        /// redeliveries of them (`racing_pct` of those racing their original), 5% bad
        /// signatures, 5% malformed; shuffled with `seed`.
        pub fn build(total: usize, seed: u64, racing_pct: u64) -> Plan {
            // Signed 4 minutes ahead: Standard Webhooks accepts timestamps up to 5
            // minutes either way, so the deliveries (and their redeliveries, the same
            // bytes and headers) stay valid for about 9 minutes — room for a slow debug
            // run. The other providers sign no timestamp.
            let now = Utc::now() + chrono::Duration::minutes(4);
            let mut rng = Rng::new(seed);
            let n_redeliver = total / 10;
            let n_bad = total / 20;
            let n_mal = total / 20;
            let n_orig = total - n_redeliver - n_bad - n_mal;
            let mut base: Vec<Item> = Vec::with_capacity(total);
            base.extend((0..n_orig).map(|n| original(&mut rng, n, now)));
            base.extend((0..n_bad).map(|n| bad_signature(&mut rng, n, now)));
            base.extend((0..n_mal).map(|n| malformed(&mut rng, n, now)));
            rng.shuffle(&mut base);

            // which originals are delivered twice, and how
            let mut originals: Vec<usize> = (0..base.len())
                .filter(|&i| matches!(base[i].kind, Kind::Original { .. }))
                .collect();
            rng.shuffle(&mut originals);
            let n_racing = (n_redeliver as u64 * racing_pct / 100) as usize;
            let racing: BTreeSet<usize> = originals[..n_racing].iter().copied().collect();
            // later ones: sent 32..2000 queue places after their original
            let mut later: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for &p in &originals[n_racing..n_redeliver] {
                let at = p + 32 + rng.below(2000);
                later.entry(at).or_default().push(p);
            }

            let mut final_index: BTreeMap<usize, usize> = BTreeMap::new();
            let mut items: Vec<Item> = Vec::with_capacity(total);
            let again = |items: &mut Vec<Item>, of: usize, racing: bool| {
                let mut copy = items[of].clone();
                copy.kind = Kind::Redelivery { of, racing };
                items.push(copy);
            };
            for (p, it) in base.into_iter().enumerate() {
                while let Some((&at, _)) = later.first_key_value() {
                    if at > p {
                        break;
                    }
                    for q in later.pop_first().unwrap().1 {
                        again(&mut items, final_index[&q], false);
                    }
                }
                final_index.insert(p, items.len());
                items.push(it);
                if racing.contains(&p) {
                    let of = items.len() - 1;
                    again(&mut items, of, true);
                }
            }
            for (_, qs) in later {
                for q in qs {
                    again(&mut items, final_index[&q], false);
                }
            }
            assert_eq!(items.len(), total);
            for it in &items {
                self_check(it, now);
            }
            Plan {
                items,
                signed_at: now,
            }
        }

        pub fn count(&self, f: impl Fn(&Kind) -> bool) -> usize {
            self.items.iter().filter(|i| f(&i.kind)).count()
        }

        /// Lead id → stage of every valid lead in the plan.
        pub fn valid_leads(&self) -> BTreeMap<String, Stage> {
            self.items
                .iter()
                .filter_map(|i| match i.kind {
                    Kind::Original { stage } => Some((i.lead_id.clone(), stage)),
                    _ => None,
                })
                .collect()
        }
    }

    /// One answer (or a connection error: `status == None`).
    #[derive(Debug, Clone)]
    pub struct Outcome {
        pub status: Option<u16>,
        pub body: Value,
        pub error: Option<String>,
        pub latency: Duration,
    }

    impl Outcome {
        pub fn acknowledged(&self) -> bool {
            self.status.is_some_and(|s| (200..300).contains(&s))
        }
    }

    pub struct Run {
        pub outcomes: Vec<Outcome>,
        pub wall: Duration,
    }

    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap()
    }

    pub async fn send(client: &reqwest::Client, url: &str, it: &Item) -> Outcome {
        let started = Instant::now();
        let mut req = client.post(url).body(it.body.clone());
        for (k, v) in &it.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                return Outcome {
                    status: None,
                    body: Value::Null,
                    error: Some(format!("{e:?}")),
                    latency: started.elapsed(),
                }
            }
        };
        let status = resp.status().as_u16();
        match resp.bytes().await {
            Ok(b) => Outcome {
                status: Some(status),
                body: serde_json::from_slice(&b).unwrap_or(Value::Null),
                error: None,
                latency: started.elapsed(),
            },
            // the status line arrived but the body did not: not an answer
            Err(e) => Outcome {
                status: None,
                body: Value::Null,
                error: Some(format!("reading the body after {status}: {e:?}")),
                latency: started.elapsed(),
            },
        }
    }

    /// Sends every item of `plan` to `{base}/hooks/{source}` with `workers` senders
    /// pulling from one queue. A non-racing redelivery waits for its original's answer.
    /// `answered` counts the HTTP answers as they come.
    pub async fn fire(
        plan: Arc<Plan>,
        base: String,
        workers: usize,
        answered: Arc<AtomicUsize>,
    ) -> Run {
        let n = plan.items.len();
        let results: Arc<Vec<OnceLock<Outcome>>> =
            Arc::new((0..n).map(|_| OnceLock::new()).collect());
        let next = Arc::new(AtomicUsize::new(0));
        let client = client();
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let (plan, results, next, answered, client, base) = (
                plan.clone(),
                results.clone(),
                next.clone(),
                answered.clone(),
                client.clone(),
                base.clone(),
            );
            tasks.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= plan.items.len() {
                        break;
                    }
                    let it = &plan.items[i];
                    if let Kind::Redelivery { of, racing: false } = it.kind {
                        while results[of].get().is_none() {
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                    }
                    let url = format!("{base}/hooks/{}", it.source);
                    let o = send(&client, &url, it).await;
                    if o.status.is_some() {
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                    results[i].set(o).expect("each item is sent once");
                }
            }));
        }
        for t in tasks {
            t.await.expect("sender task");
        }
        let wall = started.elapsed();
        let outcomes = Arc::try_unwrap(results)
            .unwrap_or_else(|_| panic!("senders done"))
            .into_iter()
            .map(|c| c.into_inner().expect("every item answered or failed"))
            .collect();
        Run { outcomes, wall }
    }

    /// `p50 … max` of the latencies, in ms.
    pub fn latency_line(latencies: &mut [Duration]) -> String {
        if latencies.is_empty() {
            return "no requests".into();
        }
        latencies.sort();
        let q = |p: f64| {
            let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
            latencies[i].as_secs_f64() * 1000.0
        };
        format!(
            "p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            q(0.50),
            q(0.90),
            q(0.99),
            q(1.0)
        )
    }

    /// Every lead, paging `GET /leads?limit=500` through its `next` cursors.
    pub async fn all_leads(client: &reqwest::Client, base: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                None => format!("{base}/leads?limit=500"),
                Some(c) => format!("{base}/leads?limit=500&cursor={c}"),
            };
            let (st, page) = crate::get(client, &url, None).await;
            assert_eq!(st, 200, "{url}: {page}");
            out.extend(page["leads"].as_array().cloned().unwrap_or_default());
            match page["next"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return out,
            }
        }
    }

    /// The lead a notification is about: `lead.id` of a webhook body, the lead link of
    /// a Slack message.
    pub fn notified_lead(r: &Received) -> Option<String> {
        if let Some(id) = r.body["lead"]["id"].as_str() {
            return Some(id.to_string());
        }
        let text = r.body.to_string();
        let at = text.find("/leads/ld_")? + "/leads/".len();
        let id: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        Some(id)
    }

    /// (path, lead id) → how many times it arrived.
    pub fn notification_counts(received: &[Received]) -> BTreeMap<(String, String), usize> {
        let mut m = BTreeMap::new();
        for r in received {
            let lead = notified_lead(r).unwrap_or_else(|| format!("?{}", r.body));
            *m.entry((r.path.clone(), lead)).or_insert(0) += 1;
        }
        m
    }

    /// Waits until the receiver holds at least `n` requests or `timeout` passes;
    /// returns how many it holds.
    pub async fn wait_received(r: &crate::Receiver, n: usize, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        loop {
            let got = r.received.lock().unwrap().len();
            if got >= n || Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
