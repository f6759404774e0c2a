//! Lambda start (issue 4, "Speed"): each function's release `bootstrap` started against a
//! minimal Lambda Runtime API on 127.0.0.1 (this file: a few lines of HTTP), next to a bare
//! `lambda_runtime` "hello" (`tests/lambda-hello`) measured the same way in the same run.
//! Per start: time from spawn to the first `GET /2018-06-01/runtime/invocation/next`, peak
//! RSS at that moment (`VmHWM` in /proc/PID/status); per binary: its file size.
//!
//! Measurement only: nothing here asserts a time. The handoff functions load their
//! configuration from SSM at init, so they need moto (`eval "$(scripts/moto.sh start)"`,
//! which exports `AWS_ENDPOINT_URL`): the bench pushes a configuration under
//! `/handoff/bench` first, with `handoff_ssm::Parameters::push` (what `handoff config push`
//! does). Without `AWS_ENDPOINT_URL` only the hello binary is measured.
//!
//! ```sh
//! scripts/lambda-build.sh
//! cargo lambda build --release --compiler cargo -p handoff-lambda-hello
//! eval "$(scripts/moto.sh start)"
//! cargo bench -p handoff-tests --bench lambda_start
//! ```
//!
//! Environment: `LAMBDA_STARTS` (default 20), `LAMBDA_DIR` (default `<target>/lambda`),
//! `LAMBDA_OUT` (default `<target>/bench-lambda-start.md`; a `.json` beside it too).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const PREFIX: &str = "/handoff/bench";
const TABLE: &str = "handoff-bench";

/// What the runtime API saw first from the process.
enum First {
    Next(Instant),
    InitError(String),
}

/// A one-shot Runtime API: reports the first `invocation/next` (and leaves it
/// unanswered) or an `init/error`.
fn runtime_api() -> (u16, mpsc::Receiver<First>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let mut r = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if r.read_line(&mut line).is_err() {
                continue;
            }
            let at = Instant::now();
            let mut len = 0usize;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            if line.starts_with("GET /2018-06-01/runtime/invocation/next") {
                let _ = tx.send(First::Next(at));
                held.push(stream); // keep the runtime waiting until it is killed
            } else {
                let _ = tx.send(First::InitError(format!(
                    "{} {}",
                    line.trim(),
                    String::from_utf8_lossy(&body)
                )));
                let mut s = stream;
                let _ = s.write_all(
                    b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}",
                );
            }
        }
    });
    (port, rx)
}

fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

struct Start {
    init: Duration,
    hwm_kb: u64,
}

fn start_once(name: &str, bin: &Path, env: &[(String, String)]) -> Result<Start, String> {
    let (port, rx) = runtime_api();
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = Command::new(bin);
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{port}"))
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[1]bench")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log.reopen().unwrap());
    let spawned = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("spawn {}: {e}", bin.display()))?;
    let first = rx.recv_timeout(Duration::from_secs(30));
    let hwm = status_kb(child.id(), "VmHWM:");
    let _ = child.kill();
    let _ = child.wait();
    let stderr = || {
        let mut s = String::new();
        let _ = log.reopen().unwrap().read_to_string(&mut s);
        s.chars().take(2000).collect::<String>()
    };
    match first {
        Ok(First::Next(at)) => Ok(Start {
            init: at - spawned,
            hwm_kb: hwm.unwrap_or(0),
        }),
        Ok(First::InitError(e)) => Err(format!("init error: {e}\n{}", stderr())),
        Err(_) => Err(format!("no invocation/next within 30 s\n{}", stderr())),
    }
}

/// Pushes a configuration with one source and a webhook team, its secrets from a map.
async fn push_config() -> Result<(), String> {
    let text = r#"
[server]
api_token_env = "BENCH_API_TOKEN"

[[source]]
id = "b2b"
provider = "standard"
business = "b2b"
channel = "web_form"
secret_env = "BENCH_STD_SECRET"

[[team]]
name = "web"
channels = ["web_form"]
[[team.notify]]
kind = "webhook"
url = "http://127.0.0.1:9/crm"
secret_env = "BENCH_HOOK_SECRET"
"#;
    let secrets = |k: &str| -> Option<String> {
        match k {
            "BENCH_API_TOKEN" => Some("bench-token-0123456789abcdef".into()),
            "BENCH_STD_SECRET" => Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()),
            "BENCH_HOOK_SECRET" => Some("whsec_aGFuZG9mZi10ZXN0LXJlY2VpdmVyLXNlY3JldA==".into()),
            _ => None,
        }
    };
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let ssm = handoff_ssm::Parameters::new(aws_sdk_ssm::Client::new(&sdk), PREFIX);
    ssm.push(text, "bench.toml", &secrets)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn target_dir() -> PathBuf {
    // target/release/deps/lambda_start-… → target
    std::env::current_exe()
        .unwrap()
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"))
}

fn q(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

struct Row {
    name: String,
    size: u64,
    init_ms: Vec<f64>,
    hwm_kb: Vec<u64>,
    error: Option<String>,
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` does not: skip there.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("measurement only: run with `cargo bench`");
        return;
    }
    let starts: usize = std::env::var("LAMBDA_STARTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let target = target_dir();
    let dir = std::env::var("LAMBDA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| target.join("lambda"));
    let moto = std::env::var("AWS_ENDPOINT_URL").ok();

    let mut aws_env: Vec<(String, String)> = [
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_EC2_METADATA_DISABLED",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ]
    .iter()
    .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
    .collect();
    aws_env.push(("HANDOFF_TABLE".into(), TABLE.into()));
    aws_env.push(("HANDOFF_SSM_PREFIX".into(), PREFIX.into()));
    aws_env.push(("HANDOFF_STAGE".into(), "bench".into()));

    let mut pushed: Result<(), String> = Err("AWS_ENDPOINT_URL is not set (no moto)".into());
    if moto.is_some() {
        pushed = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(push_config());
        if let Err(e) = &pushed {
            eprintln!("lambda_start: config push failed: {e}");
        }
    }

    let bins = [
        ("handoff-lambda-hello", false),
        ("handoff-ingest", true),
        ("handoff-dispatch", true),
        ("handoff-api", true),
    ];
    let mut rows: Vec<Row> = bins
        .iter()
        .map(|(name, _)| Row {
            name: name.to_string(),
            size: 0,
            init_ms: vec![],
            hwm_kb: vec![],
            error: None,
        })
        .collect();
    for (row, (name, needs_aws)) in rows.iter_mut().zip(bins) {
        let bin = dir.join(name).join("bootstrap");
        match std::fs::metadata(&bin) {
            Ok(m) => row.size = m.len(),
            Err(_) => row.error = Some(format!("{} not built", bin.display())),
        }
        if needs_aws {
            if let Err(e) = &pushed {
                row.error.get_or_insert_with(|| e.clone());
            }
        }
    }
    // one unrecorded start each (page cache, moto's first answers), then `starts`
    // rounds, the binaries interleaved so that drift hits them alike
    for round in 0..=starts {
        for (row, (name, needs_aws)) in rows.iter_mut().zip(bins) {
            if row.error.is_some() {
                continue;
            }
            let bin = dir.join(name).join("bootstrap");
            let env: &[(String, String)] = if needs_aws { &aws_env } else { &[] };
            match start_once(name, &bin, env) {
                Ok(s) if round > 0 => {
                    row.init_ms.push(s.init.as_secs_f64() * 1e3);
                    row.hwm_kb.push(s.hwm_kb);
                }
                Ok(_) => {}
                Err(e) => {
                    eprintln!("lambda_start: {name}: {e}");
                    row.error = Some(e.lines().next().unwrap_or("").to_string());
                }
            }
        }
    }

    let mut hello_sorted = rows[0].init_ms.clone();
    hello_sorted.sort_by(f64::total_cmp);
    let hello_p50 = if hello_sorted.is_empty() {
        f64::NAN
    } else {
        q(&hello_sorted, 0.5)
    };
    let mut md = vec![
        format!(
            "Each binary started {starts} times (after one unrecorded start), interleaved, with \
             `AWS_LAMBDA_RUNTIME_API` pointing at a minimal Runtime API in the bench \
             (`tests/benches/lambda_start.rs`) and `AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128`. \
             **init** = spawn → its first `GET /2018-06-01/runtime/invocation/next`; **peak RSS** = \
             `VmHWM` of the process at that moment. The handoff functions' init includes building \
             the AWS SDK clients and fetching their configuration from SSM (the document and its \
             SecureString secrets, 2 calls) — here from moto on 127.0.0.1 (a Python server), so on \
             AWS add the real SSM round trips; the hello function does nothing at init. The \
             binaries are x86_64 `cargo lambda build --release --compiler cargo` builds (the arm64 \
             standard library cannot be fetched on this machine); no CPU throttling as on a \
             128 MB Lambda (which gets a fraction of a vCPU), so read the ratios."
        ),
        String::new(),
        "| binary | size | init p50 | init p90 | init min | **init p50 ÷ hello** | peak RSS p50 | peak RSS max |".into(),
        "|---|---:|---:|---:|---:|---:|---:|---:|".into(),
    ];
    let mut json = Vec::new();
    for r in &rows {
        if let Some(e) = &r.error {
            md.push(format!(
                "| `{}` | {:.1} MB | not measured: {} | | | | | |",
                r.name,
                r.size as f64 / 1e6,
                e.replace('|', "/")
            ));
            continue;
        }
        let mut t = r.init_ms.clone();
        t.sort_by(f64::total_cmp);
        let mut m = r.hwm_kb.clone();
        m.sort();
        let (p50, p90, min) = (q(&t, 0.5), q(&t, 0.9), t[0]);
        let hwm50 = m[(m.len() - 1) / 2];
        let hwm_max = *m.last().unwrap();
        md.push(format!(
            "| `{}` | {:.1} MB | {p50:.1} ms | {p90:.1} ms | {min:.1} ms | **{:.1}×** | {:.1} MB | {:.1} MB |",
            r.name,
            r.size as f64 / 1e6,
            p50 / hello_p50,
            hwm50 as f64 / 1024.0,
            hwm_max as f64 / 1024.0,
        ));
        json.push(format!(
            "\"{}\": {{\"size\": {}, \"init_p50_ms\": {p50:.3}, \"init_p90_ms\": {p90:.3}, \"hwm_p50_kb\": {hwm50}, \"hwm_max_kb\": {hwm_max}, \"starts\": {}}}",
            r.name,
            r.size,
            t.len()
        ));
    }
    let text = md.join("\n") + "\n";
    println!("{text}");
    let out = std::env::var("LAMBDA_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| target.join("bench-lambda-start.md"));
    std::fs::write(&out, &text).unwrap();
    std::fs::write(
        out.with_extension("json"),
        format!("{{{}}}\n", json.join(",\n")),
    )
    .unwrap();
    eprintln!("lambda_start: wrote {}", out.display());
}
