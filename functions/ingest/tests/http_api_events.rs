//! The ingest Lambda fed HTTP API (v2) events from JSON fixtures, through the same
//! shared handler the local server uses. The fixtures are signed with the demo
//! `demo-b2b` secret at 2026-01-01T10:00:00Z; a manual clock is set to that instant.

use std::sync::Arc;

use chrono::TimeZone;
use handoff_core::app::App;
use handoff_core::clock::ManualClock;
use handoff_core::config::Config;
use handoff_embedded::EmbeddedStore;
use lambda_http::Body;
use serde_json::Value;

fn app(dir: &std::path::Path) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(
        chrono::Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 30).unwrap(),
    ));
    let store = Arc::new(EmbeddedStore::open(dir).unwrap());
    (App::new(Config::demo(), store, clock.clone()), clock)
}

fn event(name: &str) -> lambda_http::Request {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    lambda_http::request::from_str(&text).expect("fixture is an HTTP API event")
}

fn json(resp: &lambda_http::Response<Body>) -> Value {
    match resp.body() {
        Body::Text(t) => serde_json::from_str(t).unwrap(),
        other => panic!("unexpected body {other:?}"),
    }
}

#[tokio::test]
async fn a_signed_webhook_event_becomes_a_hot_lead_once() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app(dir.path());
    let resp = handoff_lambda::http::handle(&app, event("http-api-hook-demo-b2b.json")).await;
    assert_eq!(resp.status(), 202);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let body = json(&resp);
    assert_eq!(body["stage"], "hot");
    assert_eq!(body["duplicate"], false);
    let lead_id = body["lead_id"].as_str().unwrap().to_string();
    assert_eq!(
        lead_id,
        handoff_core::model::Lead::id_for("demo-b2b", "msg_fixture_1")
    );

    // the provider retries the same delivery
    let resp = handoff_lambda::http::handle(&app, event("http-api-hook-demo-b2b.json")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json(&resp)["duplicate"], true);
    assert_eq!(json(&resp)["lead_id"], lead_id.as_str());

    let lead = app.store.get_lead(&lead_id).await.unwrap().unwrap();
    assert_eq!(lead.contact.email.as_deref(), Some("ana@example.com"));
    assert_eq!(lead.utm.campaign.as_deref(), Some("spring"));
    let outbox = app.store.lead_notifications(&lead_id).await.unwrap();
    assert_eq!(
        outbox.len(),
        1,
        "one console team takes web_form in the demo"
    );
}

#[tokio::test]
async fn base64_encoded_bodies_are_verified_on_their_raw_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = app(dir.path());
    let resp =
        handoff_lambda::http::handle(&app, event("http-api-hook-demo-b2b-base64.json")).await;
    assert_eq!(resp.status(), 202, "{:?}", json(&resp));
}

#[tokio::test]
async fn stale_unknown_and_health_events_get_their_status() {
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = app(dir.path());
    let resp = handoff_lambda::http::handle(&app, event("http-api-hook-unknown-source.json")).await;
    assert_eq!(resp.status(), 404);
    assert_eq!(json(&resp)["error"], "unknown_source");

    let resp = handoff_lambda::http::handle(&app, event("http-api-healthz.json")).await;
    assert_eq!(resp.status(), 200);

    clock.advance(chrono::Duration::minutes(6));
    let resp = handoff_lambda::http::handle(&app, event("http-api-hook-demo-b2b.json")).await;
    assert_eq!(resp.status(), 401);
    assert_eq!(json(&resp)["error"], "invalid_signature");
    let q = handoff_core::store::LeadQuery {
        limit: 50,
        ..Default::default()
    };
    let leads = app.store.list_leads(&q).await.unwrap().items;
    assert!(
        leads.is_empty(),
        "a rejected delivery stores no lead: {leads:?}"
    );
}
