//! The route table against a store that fails on purpose: a read that cannot be
//! completed is a 503 `store_unavailable`, never a partial answer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use handoff_core::app::{App, Request};
use handoff_core::clock::SystemClock;
use handoff_core::config::Config;
use handoff_core::model::{Headers, Lead, Stage};
use handoff_core::store::contract::{sample_new_lead, t0};
use handoff_core::store::{
    Attempt, DeliveryQuery, DeliveryState, Inserted, Lanes, LeadQuery, LeadUpdate, Leads, NewLead,
    Notification, Outbox, Page, RawPayloads, RejectedDelivery, RejectedLog, StoreError, Updated,
};
use handoff_embedded::EmbeddedStore;

/// The embedded store, except that `lead_notifications` fails while `fail` is set.
struct FlakyOutbox {
    inner: EmbeddedStore,
    fail: AtomicBool,
}

#[async_trait]
impl Leads for FlakyOutbox {
    async fn insert_lead(&self, new: NewLead) -> Result<Inserted, StoreError> {
        self.inner.insert_lead(new).await
    }
    async fn get_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        self.inner.get_lead(id).await
    }
    async fn list_leads(&self, query: &LeadQuery) -> Result<Page<Lead>, StoreError> {
        self.inner.list_leads(query).await
    }
    async fn team_states(
        &self,
        teams: &[String],
    ) -> Result<std::collections::BTreeMap<String, handoff_core::store::TeamState>, StoreError>
    {
        self.inner.team_states(teams).await
    }
    async fn update_lead(&self, update: LeadUpdate) -> Result<Updated, StoreError> {
        self.inner.update_lead(update).await
    }
    async fn write_team_state(
        &self,
        team: &str,
        state: &handoff_core::store::TeamState,
    ) -> Result<bool, StoreError> {
        self.inner.write_team_state(team, state).await
    }
}

#[async_trait]
impl Outbox for FlakyOutbox {
    async fn claim_due_in(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: usize,
        lanes: Lanes,
    ) -> Result<Vec<Notification>, StoreError> {
        self.inner.claim_due_in(now, lease, limit, lanes).await
    }
    async fn get_notification(&self, id: &str) -> Result<Option<Notification>, StoreError> {
        self.inner.get_notification(id).await
    }
    async fn record_attempt(
        &self,
        id: &str,
        attempt: Attempt,
        now: DateTime<Utc>,
    ) -> Result<Notification, StoreError> {
        self.inner.record_attempt(id, attempt, now).await
    }
    async fn list_notifications_page(
        &self,
        query: &DeliveryQuery,
    ) -> Result<Page<Notification>, StoreError> {
        self.inner.list_notifications_page(query).await
    }
    async fn list_notifications(
        &self,
        state: Option<DeliveryState>,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError> {
        self.inner.list_notifications(state, limit).await
    }
    async fn redrive(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<handoff_core::store::Redrive, StoreError> {
        self.inner.redrive(id, now).await
    }
    async fn lead_notifications(&self, lead_id: &str) -> Result<Vec<Notification>, StoreError> {
        if self.fail.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("injected outage".into()));
        }
        self.inner.lead_notifications(lead_id).await
    }
}

#[async_trait]
impl RejectedLog for FlakyOutbox {
    async fn record_rejected(&self, r: RejectedDelivery) -> Result<(), StoreError> {
        self.inner.record_rejected(r).await
    }
    async fn list_rejected(
        &self,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<RejectedDelivery>, StoreError> {
        self.inner.list_rejected(limit, now).await
    }
    async fn purge_expired_rejected(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.inner.purge_expired_rejected(now).await
    }
}

#[async_trait]
impl RawPayloads for FlakyOutbox {
    async fn get_raw(
        &self,
        lead_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get_raw(lead_id, now).await
    }
    async fn purge_expired_raw(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.inner.purge_expired_raw(now).await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_whose_notifications_cannot_be_read_is_a_503_not_an_empty_list() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FlakyOutbox {
        inner: EmbeddedStore::open(dir.path()).unwrap(),
        fail: AtomicBool::new(false),
    });
    let new = sample_new_lead("demo-b2b", "d-503", Stage::Hot, t0());
    let id = new.lead.id.clone();
    store.insert_lead(new).await.unwrap();
    let app = App::new(Config::demo(), store.clone(), Arc::new(SystemClock)).open_without_token();
    let headers = Headers::new();
    let path = format!("/leads/{id}");
    let get = || {
        app.handle(Request {
            method: "GET",
            path: &path,
            query: None,
            headers: &headers,
            body: b"",
        })
    };

    let ok = get().await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json_body()["notifications"].as_array().unwrap().len(), 2);

    store.fail.store(true, Ordering::SeqCst);
    let r = get().await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json_body()["error"], "store_unavailable");
    assert_eq!(r.header("content-type"), Some("application/json"));
}

fn app_with_token(dir: &std::path::Path) -> App {
    let text = format!(
        "[server]\napi_token = \"tok-123\"\n{}",
        &Config::demo_text()
    );
    let config = Config::from_toml_str(&text, "api.toml", &|_| None).expect("config");
    App::new(
        config,
        Arc::new(EmbeddedStore::open(dir).unwrap()),
        Arc::new(SystemClock),
    )
}

async fn get_with(app: &App, path_and_query: &str, auth: Option<&str>) -> (u16, serde_json::Value) {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let mut headers = Headers::new();
    if let Some(a) = auth {
        headers.insert("authorization", a);
    }
    let r = app
        .handle(Request {
            method: "GET",
            path,
            query,
            headers: &headers,
            body: b"",
        })
        .await;
    (r.status, r.json_body())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bearer_scheme_is_case_insensitive_and_nothing_else_passes() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_token(dir.path());
    for ok in [
        "Bearer tok-123",
        "bearer tok-123",
        "BEARER tok-123",
        "BeArEr tok-123",
    ] {
        assert_eq!(get_with(&app, "/leads", Some(ok)).await.0, 200, "{ok}");
    }
    for bad in [
        "Bearer tok-12",
        "Bearertok-123",
        "Basic tok-123",
        "tok-123",
        "Bearer ",
        "",
    ] {
        let (st, b) = get_with(&app, "/leads", Some(bad)).await;
        assert_eq!(
            (st, b["error"].as_str()),
            (401, Some("unauthorized")),
            "{bad:?}"
        );
    }
    assert_eq!(get_with(&app, "/leads", None).await.0, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_cursor_is_the_first_page() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_token(dir.path());
    for n in 0..3 {
        let new = sample_new_lead("demo-b2b", &format!("c-{n}"), Stage::Hot, t0());
        app.store.insert_lead(new).await.unwrap();
    }
    let auth = Some("Bearer tok-123");
    let (st, first) = get_with(&app, "/leads?limit=2", auth).await;
    assert_eq!(st, 200);
    let (st, empty) = get_with(&app, "/leads?limit=2&cursor=", auth).await;
    assert_eq!(st, 200, "{empty}");
    assert_eq!(empty["leads"], first["leads"]);
    assert_eq!(empty["leads"].as_array().unwrap().len(), 2);
}

/// A refused delivery stays in the rejected log for `[server] rejected_ttl`, then is
/// gone from the listing and purged (its excerpt is personal data).
#[tokio::test(flavor = "multi_thread")]
async fn rejected_deliveries_expire_after_rejected_ttl() {
    use handoff_core::clock::{Clock, ManualClock};
    use handoff_core::model::Action;
    use handoff_core::providers::shopify;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[server]\napi_token = \"tok-123\"\nrejected_ttl = \"2h\"\n{}",
        &Config::demo_text()
    );
    let config = Config::from_toml_str(&text, "api.toml", &|_| None).expect("config");
    let clock = Arc::new(ManualClock::new(t0()));
    let app = App::new(
        config,
        Arc::new(EmbeddedStore::open(dir.path()).unwrap()),
        clock.clone(),
    );
    let body = br#"{"id": 1, "email": "ana.lopez@example.com", "line_items": [truncated"#;
    let ev = handoff_tests::event(Action::CheckoutStarted, "ana.lopez@example.com", None);
    let headers =
        shopify::KIND
            .simulator()
            .sign("demo-shopify-secret", &ev, "d-1", body, clock.now());
    let r = app
        .handle(Request {
            method: "POST",
            path: "/hooks/demo-shop",
            query: None,
            headers: &headers,
            body,
        })
        .await;
    assert_eq!(r.status, 400, "{}", r.json_body());

    let auth = Some("Bearer tok-123");
    let (st, listed) = get_with(&app, "/deliveries/rejected", auth).await;
    assert_eq!(st, 200);
    let entries = listed["rejected"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1, "{listed}");
    assert_eq!(entries[0]["expires_at"], "2025-03-14T11:00:00Z", "{listed}");

    clock.advance(chrono::Duration::minutes(119));
    let (_, listed) = get_with(&app, "/deliveries/rejected", auth).await;
    assert_eq!(listed["rejected"].as_array().unwrap().len(), 1);
    clock.advance(chrono::Duration::minutes(1));
    let (_, listed) = get_with(&app, "/deliveries/rejected", auth).await;
    assert_eq!(listed["rejected"], serde_json::json!([]), "expired at 2 h");
    assert_eq!(
        app.store.purge_expired_rejected(clock.now()).await.unwrap(),
        1
    );
}

/// `GET /deliveries` pages like `GET /leads`: `next` until the last page, an empty
/// `cursor=` is the first page, and a cursor of another listing is 400.
#[tokio::test(flavor = "multi_thread")]
async fn deliveries_page_with_a_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_token(dir.path());
    for n in 0..3 {
        let new = sample_new_lead("demo-b2b", &format!("p-{n}"), Stage::Hot, t0());
        app.store.insert_lead(new).await.unwrap();
    }
    let auth = Some("Bearer tok-123");
    let (st, first) = get_with(&app, "/deliveries?limit=4", auth).await;
    assert_eq!(st, 200, "{first}");
    assert_eq!(first["deliveries"].as_array().unwrap().len(), 4);
    let next = first["next"].as_str().expect("a next page").to_string();
    let (st, second) = get_with(&app, &format!("/deliveries?limit=4&cursor={next}"), auth).await;
    assert_eq!(st, 200, "{second}");
    assert_eq!(second["deliveries"].as_array().unwrap().len(), 2);
    assert_eq!(second["next"], serde_json::Value::Null);
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mut all = ids(&first);
    all.extend(ids(&second));
    let (_, whole) = get_with(&app, "/deliveries?limit=500", auth).await;
    assert_eq!(
        all,
        ids(&whole),
        "the pages are the whole listing, in order"
    );
    let (_, empty) = get_with(&app, "/deliveries?limit=4&cursor=", auth).await;
    assert_eq!(ids(&empty), ids(&first));

    let (_, leads) = get_with(&app, "/leads?limit=1", auth).await;
    let leads_cursor = leads["next"].as_str().unwrap().to_string();
    for bad in [
        format!("/deliveries?cursor={leads_cursor}"),
        format!("/deliveries?state=dead&cursor={next}"),
        "/deliveries?cursor=zz".to_string(),
    ] {
        let (st, b) = get_with(&app, &bad, auth).await;
        assert_eq!(
            (st, b["error"].as_str()),
            (400, Some("bad_request")),
            "{bad}: {b}"
        );
    }
}

/// A captured Shopify delivery re-sent with new unsigned headers (event id, topic) is
/// the same lead, never a new hot one: the body names the delivery and its action.
#[tokio::test(flavor = "multi_thread")]
async fn a_replayed_shopify_body_with_new_headers_is_the_same_lead() {
    use handoff_core::model::Action;
    use handoff_core::providers::shopify;
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_token(dir.path());
    let ev = handoff_tests::event(Action::CheckoutStarted, "ana.lopez@example.com", None);
    let sim = shopify::KIND.simulator();
    let body = sim.sample(&ev, "ev-1", t0());
    let signed = sim.sign("demo-shopify-secret", &ev, "ev-1", &body, t0());
    let post = |headers: Headers| {
        let app = &app;
        let body = body.clone();
        async move {
            let r = app
                .handle(Request {
                    method: "POST",
                    path: "/hooks/demo-shop",
                    query: None,
                    headers: &headers,
                    body: &body,
                })
                .await;
            (r.status, r.json_body())
        }
    };
    let (st, first) = post(signed.clone()).await;
    assert_eq!(st, 202, "{first}");
    let swap = |name: &str, value: &str| -> Headers {
        signed
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case(name))
            .chain(std::iter::once((name, value)))
            .collect()
    };
    for (name, value) in [
        ("X-Shopify-Event-Id", "ev-replayed-2"),
        ("X-Shopify-Webhook-Id", "wh-replayed-3"),
        ("X-Shopify-Topic", "carts/create"),
        ("X-Shopify-Topic", "checkouts/update"),
    ] {
        let (st, again) = post(swap(name, value)).await;
        assert_eq!(st, 200, "{name}: {value}: {again}");
        assert_eq!(again["duplicate"], true);
        assert_eq!(again["lead_id"], first["lead_id"], "{name}: {value}");
    }
    let (_, leads) = get_with(&app, "/leads", Some("Bearer tok-123")).await;
    let leads = leads["leads"].as_array().unwrap();
    assert_eq!(leads.len(), 1, "{leads:?}");
    assert_eq!(leads[0]["action"], "checkout_started");
}

/// Free text never costs a lead: text over its limit is cut and named in `truncated`
/// (in the answer and on the stored lead); 64 KiB of message are kept whole. An
/// over-long header value is 400, naming the header.
#[tokio::test(flavor = "multi_thread")]
async fn long_text_is_cut_and_named_and_long_headers_are_refused() {
    use handoff_core::model::Action;
    use handoff_core::providers::standard;
    const SECRET: &str = "whsec_aGFuZG9mZi1kZW1vLXNlY3JldC1ub3QtZm9yLXByb2Q=";
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_token(dir.path());
    let sim = standard::KIND.simulator();
    let send = |ev: handoff_core::model::LeadEvent,
                did: &'static str,
                extra: Option<(&'static str, String)>| {
        let app = &app;
        async move {
            let now = chrono::Utc::now();
            let body = sim.sample(&ev, did, now);
            let mut headers = sim.sign(SECRET, &ev, did, &body, now);
            if let Some((k, v)) = extra {
                headers.insert(k, v);
            }
            let r = app
                .handle(Request {
                    method: "POST",
                    path: "/hooks/demo-b2b",
                    query: None,
                    headers: &headers,
                    body: &body,
                })
                .await;
            (r.status, r.json_body())
        }
    };
    // 64 KiB of message exactly: kept whole, nothing truncated
    let whole = "q".repeat(64 * 1024);
    let ev = handoff_tests::event(Action::DemoRequest, "ana.lopez@example.com", Some(&whole));
    let (st, b) = send(ev, "long-1", None).await;
    assert_eq!(st, 202, "{b}");
    assert_eq!(b.get("truncated"), None, "{b}");

    // 100 KiB of message (multi-byte characters) and a 1,000-character name
    let long = "é".repeat(50 * 1024);
    let mut ev = handoff_tests::event(Action::DemoRequest, "ana.lopez@example.com", Some(&long));
    ev.contact.name = Some("N".repeat(1000));
    let (st, b) = send(ev, "long-2", None).await;
    assert_eq!(st, 202, "{b}");
    assert_eq!(
        b["truncated"],
        serde_json::json!(["message", "contact.name"]),
        "{b}"
    );
    let id = b["lead_id"].as_str().unwrap().to_string();
    let (st, lead) = get_with(&app, &format!("/leads/{id}"), Some("Bearer tok-123")).await;
    assert_eq!(st, 200);
    assert_eq!(
        lead["truncated"],
        serde_json::json!(["message", "contact.name"])
    );
    let message = lead["message"].as_str().unwrap();
    assert_eq!(
        message.len(),
        64 * 1024,
        "cut at 64 KiB, on a character boundary"
    );
    assert!(message.chars().all(|c| c == 'é'));
    assert_eq!(lead["contact"]["name"].as_str().unwrap().len(), 256);
    let (_, whole_lead) = get_with(&app, "/leads?limit=2", Some("Bearer tok-123")).await;
    assert!(whole_lead["leads"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["stage"] == "hot"));

    // a header value over 8 KiB
    let ev = handoff_tests::event(Action::DemoRequest, "ana.lopez@example.com", None);
    let (st, b) = send(ev, "long-3", Some(("x-trace", "t".repeat(9000)))).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("bad_request")), "{b}");
    assert!(
        b["detail"]
            .as_str()
            .unwrap()
            .contains("header x-trace is 9000 bytes"),
        "{b}"
    );
}
