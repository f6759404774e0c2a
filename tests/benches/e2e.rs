//! End to end on the local server (issue 4, "Speed"): a signed webhook in → `202` → the
//! hot lead's notification received by an HTTP receiver on 127.0.0.1, sequential and at
//! 32 concurrent senders, next to a bare loopback HTTP round trip (the same bytes POSTed
//! by the same client to a trivial axum handler answering 200) measured in the same run.
//!
//! Measurement only: nothing here asserts a time. Run with the release server:
//!
//! ```sh
//! cargo build --release -p handoff
//! HANDOFF_BIN=target/release/handoff cargo bench -p handoff-tests --bench e2e
//! ```
//!
//! Environment: `E2E_SEQ` (default 2000), `E2E_CONC` (5000), `E2E_SENDERS` (32),
//! `E2E_OUT` (where the Markdown table goes; default `<target>/bench-e2e.md`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use handoff_core::model::Action;
use handoff_core::providers::standard;
use handoff_tests::{event, signed, Server};

const STD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HOOK_SECRET: &str = "whsec_aGFuZG9mZi10ZXN0LXJlY2VpdmVyLXNlY3JldA==";
const MESSAGE: &str = "Hello, we are a team of 40 looking at replacing our current tool next \
quarter. Could we book a demo with someone from sales this week, and could you send a quote \
for the annual plan?";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn config(webhook: &str) -> String {
    format!(
        r#"
[server]
public_url = "http://leads.example.test"

[[source]]
id = "b2b"
provider = "standard"
business = "b2b"
channel = "web_form"
secret = "{STD_SECRET}"

[[team]]
name = "web"
channels = ["web_form"]
[[team.notify]]
kind = "webhook"
url = "{webhook}"
secret = "{HOOK_SECRET}"
"#
    )
}

/// Arrival instants of notifications, keyed by `lead.id`.
type Arrivals = Arc<Mutex<HashMap<String, Instant>>>;

/// A receiver for handoff's webhook notifications: records when each lead's first
/// notification arrived, answers 200.
async fn notification_receiver() -> (String, Arrivals) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let arrivals: Arrivals = Arc::default();
    let a = arrivals.clone();
    let app = axum::Router::new().fallback(move |body: axum::body::Bytes| {
        let a = a.clone();
        async move {
            let at = Instant::now();
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            if let Some(id) = v["lead"]["id"].as_str() {
                a.lock().unwrap().entry(id.to_string()).or_insert(at);
            }
            axum::http::StatusCode::OK
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/crm"), arrivals)
}

/// The floor: reads the body, answers 200.
async fn loopback_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|body: axum::body::Bytes| async move {
        std::hint::black_box(body.len());
        axum::http::StatusCode::OK
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hooks/b2b")
}

struct Delivery {
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

fn deliveries(prefix: &str, n: usize) -> Vec<Delivery> {
    (0..n)
        .map(|i| {
            let ev = event(
                Action::DemoRequest,
                &format!("buyer{i}@example.com"),
                Some(MESSAGE),
            );
            let (body, headers) = signed(
                standard::KIND,
                STD_SECRET,
                &ev,
                &format!("msg_{prefix}_{i}"),
            );
            Delivery { body, headers }
        })
        .collect()
}

/// One request: (sent at, answered at, status, lead id from the answer).
struct Sample {
    sent: Instant,
    answered: Instant,
    status: u16,
    lead_id: Option<String>,
}

async fn send(client: &reqwest::Client, url: &str, d: &Delivery) -> Sample {
    let mut req = client.post(url).body(d.body.clone());
    for (k, v) in &d.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let sent = Instant::now();
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap_or_default();
    let answered = Instant::now();
    let lead_id = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v["lead_id"].as_str().map(str::to_string));
    Sample {
        sent,
        answered,
        status,
        lead_id,
    }
}

/// Sends every delivery with `senders` concurrent senders; returns the samples and the
/// wall time from the first send to the last answer.
async fn fire(
    client: &reqwest::Client,
    url: &str,
    ds: Arc<Vec<Delivery>>,
    senders: usize,
) -> (Vec<Sample>, Duration) {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let (client, url, ds, next) = (client.clone(), url.to_string(), ds.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= ds.len() {
                    return out;
                }
                out.push(send(&client, &url, &ds[i]).await);
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    (all, start.elapsed())
}

#[derive(Clone, Copy)]
struct Stats {
    n: usize,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

/// Nearest-rank percentiles, in milliseconds.
fn stats(mut d: Vec<Duration>) -> Stats {
    d.sort();
    let q = |p: f64| {
        if d.is_empty() {
            return f64::NAN;
        }
        let i = ((d.len() as f64 * p).ceil() as usize).clamp(1, d.len()) - 1;
        d[i].as_secs_f64() * 1e3
    };
    Stats {
        n: d.len(),
        p50: q(0.50),
        p90: q(0.90),
        p99: q(0.99),
        max: q(1.0),
    }
}

fn ms(x: f64) -> String {
    if x.is_nan() {
        "—".into()
    } else if x < 1.0 {
        format!("{:.0} µs", x * 1e3)
    } else if x < 100.0 {
        format!("{x:.2} ms")
    } else {
        format!("{x:.0} ms")
    }
}

fn ratio(a: f64, b: f64) -> String {
    let r = a / b;
    if r.is_nan() || r.is_infinite() {
        "—".into()
    } else if r >= 10.0 {
        format!("{r:.0}×")
    } else {
        format!("{r:.1}×")
    }
}

struct Run {
    ack: Stats,
    notified: Stats,
    missing: usize,
    bad_status: usize,
    rps: f64,
    loop_rt: Stats,
    loop_rps: f64,
}

async fn measure(
    client: &reqwest::Client,
    hook_url: &str,
    loop_url: &str,
    arrivals: &Arrivals,
    label: &str,
    n: usize,
    senders: usize,
) -> Run {
    let ds = Arc::new(deliveries(label, n));
    // the floor first, on the same bytes and the same client
    let (lp, lwall) = fire(client, loop_url, ds.clone(), senders).await;
    assert!(lp.iter().all(|s| s.status == 200));
    let (hs, hwall) = fire(client, hook_url, ds.clone(), senders).await;
    let bad_status = hs.iter().filter(|s| s.status != 202).count();
    // wait (bounded) for the notifications of every accepted lead
    let ids: Vec<&str> = hs.iter().filter_map(|s| s.lead_id.as_deref()).collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got = {
            let a = arrivals.lock().unwrap();
            ids.iter().filter(|id| a.contains_key(**id)).count()
        };
        if got == ids.len() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let a = arrivals.lock().unwrap();
    let mut notified = Vec::new();
    let mut missing = 0;
    for s in &hs {
        match s.lead_id.as_deref().and_then(|id| a.get(id)) {
            Some(at) => notified.push(at.saturating_duration_since(s.sent)),
            None => missing += 1,
        }
    }
    Run {
        ack: stats(hs.iter().map(|s| s.answered - s.sent).collect()),
        notified: stats(notified),
        missing,
        bad_status,
        rps: hs.len() as f64 / hwall.as_secs_f64(),
        loop_rt: stats(lp.iter().map(|s| s.answered - s.sent).collect()),
        loop_rps: lp.len() as f64 / lwall.as_secs_f64(),
    }
}

fn out_path() -> PathBuf {
    if let Ok(p) = std::env::var("E2E_OUT") {
        return PathBuf::from(p);
    }
    // target/release/deps/e2e-… → target/bench-e2e.md
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .map(|d| d.join("bench-e2e.md"))
        .unwrap_or_else(|| PathBuf::from("bench-e2e.md"))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` does not: skip there.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("measurement only: run with `cargo bench`");
        return;
    }
    let seq_n = env_usize("E2E_SEQ", 2000);
    let conc_n = env_usize("E2E_CONC", 5000);
    let senders = env_usize("E2E_SENDERS", 32);
    let bin = handoff_tests::handoff_bin();
    eprintln!("e2e: server {}", bin.display());

    let (hook, arrivals) = notification_receiver().await;
    let loop_url = loopback_server().await;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Some(&config(&hook)), &dir.path().join("data"));
    let hook_url = server.url("/hooks/b2b");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();

    let sample_len = deliveries("probe", 1)[0].body.len();
    // warm up both sides (connections, the server's store, the receiver)
    let _ = measure(
        &client, &hook_url, &loop_url, &arrivals, "warm", 200, senders,
    )
    .await;
    eprintln!("e2e: sequential, {seq_n} deliveries");
    let seq = measure(&client, &hook_url, &loop_url, &arrivals, "seq", seq_n, 1).await;
    eprintln!("e2e: {senders} concurrent senders, {conc_n} deliveries");
    let conc = measure(
        &client, &hook_url, &loop_url, &arrivals, "conc", conc_n, senders,
    )
    .await;
    server.stop();

    let mut md = Vec::new();
    md.push(format!(
        "One source (Standard Webhooks, b2b), one team with one `webhook` notify entry (signed \
         per Standard Webhooks) pointing at a receiver in the bench process; every delivery is a \
         hot `demo_request` with a {}-character message, body {sample_len} B, unique delivery id. \
         The server is the release `handoff serve` with its embedded store: each lead and its \
         outbox are one redb transaction, committed with fsync before the `202` (so the `202` \
         includes a disk flush); the delivery loop is woken by the commit. The client is one \
         `reqwest` client (HTTP/1.1, keep-alive) shared by all senders. **202** = request sent → \
         answer read; **notified** = request sent → the notification's arrival at the receiver. \
         **loopback** = the same bytes POSTed by the same client to a trivial axum handler on \
         127.0.0.1 answering 200, measured in the same run just before. Client, server, receiver \
         and loopback handler share the machine's cores.",
        MESSAGE.chars().count()
    ));
    md.push(String::new());
    md.push(
        "| run | deliveries | what | p50 | p90 | p99 | max | throughput | **p50 ÷ loopback p50** | p99 ÷ loopback p99 |"
            .into(),
    );
    md.push("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|".into());
    for (name, r) in [
        ("sequential".to_string(), &seq),
        (format!("{senders} concurrent"), &conc),
    ] {
        let l = r.loop_rt;
        md.push(format!(
            "| {name} | {} | loopback round trip | {} | {} | {} | {} | {:.0}/s | 1.0× | 1.0× |",
            l.n,
            ms(l.p50),
            ms(l.p90),
            ms(l.p99),
            ms(l.max),
            r.loop_rps
        ));
        let a = r.ack;
        md.push(format!(
            "| {name} | {} | handoff → 202 | {} | {} | {} | {} | {:.0}/s | **{}** | {} |",
            a.n,
            ms(a.p50),
            ms(a.p90),
            ms(a.p99),
            ms(a.max),
            r.rps,
            ratio(a.p50, l.p50),
            ratio(a.p99, l.p99)
        ));
        let n = r.notified;
        md.push(format!(
            "| {name} | {} | handoff → notified | {} | {} | {} | {} | | **{}** | {} |",
            n.n,
            ms(n.p50),
            ms(n.p90),
            ms(n.p99),
            ms(n.max),
            ratio(n.p50, l.p50),
            ratio(n.p99, l.p99)
        ));
    }
    md.push(String::new());
    md.push(format!(
        "Throughput = deliveries ÷ wall time from the first send to the last answer. Not 202: \
         {} sequential, {} concurrent; not notified within 60 s: {} sequential, {} concurrent.",
        seq.bad_status, conc.bad_status, seq.missing, conc.missing
    ));
    let text = md.join("\n") + "\n";
    println!("{text}");
    let path = out_path();
    std::fs::write(&path, &text).unwrap();
    eprintln!("e2e: wrote {}", path.display());
}
