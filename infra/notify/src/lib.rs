//! Notifier adapters: `console` prints, `slack` posts Slack-compatible JSON, `webhook`
//! posts the lead as JSON, signed per Standard Webhooks when the entry has a secret.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use handoff_core::config::Target;
use handoff_core::notify::{self, Notifier, NotifyError, Outgoing};
use handoff_core::signing;

/// Where console notifications go (stdout by default; a buffer in tests).
pub type ConsoleSink = Arc<Mutex<dyn Write + Send>>;

/// Sends every notify kind handoff supports.
pub struct HttpNotifier {
    client: reqwest::Client,
    console: ConsoleSink,
}

impl HttpNotifier {
    /// `timeout` bounds each HTTP attempt.
    pub fn new(timeout: Duration) -> Self {
        Self::with_console(timeout, Arc::new(Mutex::new(std::io::stdout())))
    }

    pub fn with_console(timeout: Duration, console: ConsoleSink) -> Self {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("handoff/", env!("CARGO_PKG_VERSION")))
            // A redirect would re-send the signed body elsewhere (307) or turn the POST
            // into a GET (302): never followed, a 3xx is a failed attempt.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client builds");
        HttpNotifier { client, console }
    }

    async fn post(
        &self,
        url: &str,
        body: Vec<u8>,
        headers: &[(String, String)],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), NotifyError> {
        let mut req = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .body(body);
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let resp = req
            .send()
            .await
            .map_err(|e| NotifyError::Retryable(format!("request failed: {}", without_url(&e))))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| handoff_core::mask::printable(v).into_owned())
        };
        if status.is_redirection() {
            let to = header(reqwest::header::LOCATION).unwrap_or_else(|| "nowhere".into());
            return Err(NotifyError::Retryable(format!(
                "receiver answered {status} redirecting to {to}; notifications never follow redirects"
            )));
        }
        let msg = format!("receiver answered {status}");
        let retry_after =
            header(reqwest::header::RETRY_AFTER).and_then(|v| notify::parse_retry_after(&v, now));
        match (status.as_u16(), retry_after) {
            (429 | 503, Some(after)) => Err(NotifyError::RetryAfter {
                error: format!("{msg} (Retry-After {}s)", after.num_seconds()),
                after,
            }),
            // 4xx other than timeout / too-many-requests will not get better by retrying.
            (408 | 429, _) => Err(NotifyError::Retryable(msg)),
            _ if status.is_client_error() => Err(NotifyError::Permanent(msg)),
            _ => Err(NotifyError::Retryable(msg)),
        }
    }
}

/// reqwest errors print the URL, which may hold a Slack token: drop it.
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "transport error"
    };
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = src {
        detail = s.to_string();
        src = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}

#[async_trait]
impl Notifier for HttpNotifier {
    async fn send(&self, out: &Outgoing<'_>) -> Result<(), NotifyError> {
        match &out.entry.target {
            Target::Console => {
                let line = out.console_text();
                let mut w = self.console.lock().unwrap();
                writeln!(w, "{line}")
                    .and_then(|_| w.flush())
                    .map_err(|e| NotifyError::Retryable(format!("console: {e}")))
            }
            Target::Slack { url } => {
                let body = out.slack_body();
                self.post(
                    url,
                    serde_json::to_vec(&body).unwrap_or_default(),
                    &[],
                    out.now,
                )
                .await
            }
            Target::Webhook { url, secret } => {
                let body = serde_json::to_vec(&out.webhook_body()).unwrap_or_default();
                let headers: Vec<(String, String)> = match secret {
                    Some(secret) => {
                        signing::sign(secret.expose(), &out.notification.id, &body, out.now)
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect()
                    }
                    None => vec![("webhook-id".into(), out.notification.id.clone())],
                };
                self.post(url, body, &headers, out.now).await
            }
        }
    }
}
