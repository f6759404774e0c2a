//! Log lines of one delivery, as the Lambda writes them (JSON). In a test binary of its
//! own: tracing caches per-callsite interest process-wide, so tests running alongside
//! without a subscriber would silence these callsites.

use std::sync::Arc;

use chrono::TimeZone;
use handoff_core::app::App;
use handoff_core::clock::ManualClock;
use handoff_core::config::Config;
use handoff_embedded::EmbeddedStore;
use serde_json::Value;

/// A writer the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn json_log_lines_carry_source_delivery_and_lead_ids_but_no_contact_or_secret() {
    let out = Captured::default();
    let w = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || w.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        chrono::Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 30).unwrap(),
    ));
    let app = App::new(
        Config::demo(),
        Arc::new(EmbeddedStore::open(dir.path()).unwrap()),
        clock,
    );
    let fixture = format!(
        "{}/tests/fixtures/http-api-hook-demo-b2b.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let event = lambda_http::request::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let resp = handoff_lambda::http::handle(&app, event).await;
    assert_eq!(resp.status(), 202);
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let stored = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["fields"]["message"] == "lead stored")
        .unwrap_or_else(|| panic!("no 'lead stored' line in {text}"));
    let span = &stored["span"];
    assert_eq!(span["source_id"], "demo-b2b", "{stored}");
    assert_eq!(span["delivery_id"], "msg_fixture_1", "{stored}");
    assert!(
        span["lead_id"].as_str().unwrap().starts_with("ld_"),
        "{stored}"
    );
    assert!(!text.contains("ana@example.com"), "{text}");
    assert!(!text.contains("aGFuZG9mZi1kZW1v"), "no secret in {text}");
    assert!(
        !text.contains("webhook-signature") && !text.contains("v1,"),
        "{text}"
    );
}
