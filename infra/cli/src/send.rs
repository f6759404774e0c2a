//! `handoff send`: builds a correctly signed delivery in a source's provider format and
//! posts it, like `stripe trigger`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use handoff_core::config::Config;
use handoff_core::model::{Action, Contact, LeadEvent, Utm};

#[derive(Args, Debug)]
pub struct SendArgs {
    /// Source id to post to (e.g. demo-b2b).
    pub source: String,
    /// What the buyer did (e.g. demo_request, add_to_cart, chat_message).
    #[arg(long, default_value = "form_submission")]
    pub action: String,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub company: Option<String>,
    /// Free text (chat line, form message).
    #[arg(long)]
    pub message: Option<String>,
    #[arg(long)]
    pub utm_source: Option<String>,
    #[arg(long)]
    pub utm_campaign: Option<String>,
    /// Delivery id to use (default: a new one). Reuse one, with the same flags, to try a
    /// redelivery; other flags under a used id are a 409 idempotency_conflict.
    #[arg(long)]
    pub delivery_id: Option<String>,
    /// Configuration file with the source (default: the built-in demo configuration).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Base URL of the server.
    #[arg(long, value_name = "BASE_URL", default_value = "http://127.0.0.1:3000")]
    pub url: String,
}

/// A fresh delivery id: `msg_` + 24 hex digits from the time and process.
pub fn new_delivery_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let seed = format!(
        "{nanos}.{}.{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let digest = handoff_core::providers::body_digest(seed.as_bytes());
    format!("msg_{}", &digest["sha256:".len().."sha256:".len() + 24])
}

pub async fn run(a: SendArgs) -> ExitCode {
    let config = match &a.config {
        Some(p) => match Config::load(p) {
            Ok(c) => c,
            Err(problems) => {
                for p in problems {
                    eprintln!("{p}");
                }
                return ExitCode::from(1);
            }
        },
        None => Config::demo(),
    };
    let Some(source) = config.sources.get(&a.source) else {
        let ids: Vec<&str> = config.sources.keys().map(|s| s.as_str()).collect();
        eprintln!("no source {:?}; configured: {}", a.source, ids.join(", "));
        return ExitCode::from(2);
    };
    let action: Action = match a.action.parse() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("--action: {e}");
            return ExitCode::from(2);
        }
    };
    let event = LeadEvent {
        action,
        contact: Contact {
            email: a.email,
            phone: a.phone,
            name: a.name,
            company: a.company,
        },
        message: a.message,
        channel: None,
        utm: Utm {
            source: a.utm_source,
            campaign: a.utm_campaign,
            ..Default::default()
        },
        // A redelivery (the same --delivery-id and flags) must be the same event, so an
        // explicit id carries no send time (a different time would be another event:
        // 409 idempotency_conflict).
        occurred_at: a.delivery_id.is_none().then(chrono::Utc::now),
    };
    let delivery_id = a.delivery_id.unwrap_or_else(new_delivery_id);
    let now = chrono::Utc::now();
    let simulator = source.provider.simulator();
    let body = simulator.sample(&event, &delivery_id, now);
    let headers = simulator.sign(source.secret.expose(), &event, &delivery_id, &body, now);
    let url = format!("{}/hooks/{}", a.url.trim_end_matches('/'), source.id);
    let client = reqwest::Client::new();
    let mut req = client.post(&url).body(body);
    for (k, v) in headers.iter() {
        req = req.header(k, v);
    }
    match req.send().await {
        Ok(resp) => {
            let status = resp.status();
            let text = resp.text().await.unwrap_or_default();
            let shown = serde_json::from_str::<serde_json::Value>(&text)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or(text);
            // a closed pipe (`| head`) is not worth a panic
            use std::io::Write;
            let _ = writeln!(
                std::io::stdout(),
                "POST {url} ({} delivery {delivery_id})\nHTTP {status}\n{shown}",
                source.provider
            );
            if status.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("cannot reach {url}: {e}");
            ExitCode::from(1)
        }
    }
}
