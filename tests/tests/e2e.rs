//! The walking skeleton end to end: the real `handoff serve` over HTTP, real receivers.

use std::time::Duration;

use handoff_core::model::{Action, ProviderKind};
use handoff_core::providers::{intercom, shopify, standard, typeform};
use handoff_tests::*;
use serde_json::Value;

use handoff_tests::load::{config as load_config, HOOK_SECRET, STD_SECRET};

/// The four-source configuration the load test uses too (webhook, slack and console
/// entries for every channel the sources use).
fn config(webhook: &str, slack: &str) -> String {
    load_config(webhook, slack)
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn send(
    s: &Server,
    source: &str,
    provider: ProviderKind,
    secret: &str,
    ev: &handoff_core::model::LeadEvent,
    id: &str,
) -> (u16, Value) {
    let (body, headers) = signed(provider, secret, ev, id);
    post(
        &client(),
        &s.url(&format!("/hooks/{source}")),
        body,
        &headers,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn hot_lead_is_stored_and_notified_once_per_entry() {
    let hook = Receiver::start(0, 200).await;
    let slack = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), &slack.url("/slack"))),
        &dir.path().join("data"),
    );
    let ev = event(Action::DemoRequest, "ana.lopez@example.com", None);
    let (status, body) = send(&s, "b2b", standard::KIND, STD_SECRET, &ev, "msg_1").await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["stage"], "hot");
    assert_eq!(body["duplicate"], false);
    assert!(body["score"].as_u64().unwrap() >= 60);
    assert_eq!(body["reasons"][0]["rule"], "hot_action.b2b");
    assert_eq!(body["reasons"][0]["field"], "action");
    let lead_id = body["lead_id"].as_str().unwrap().to_string();

    let got = hook.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body["lead"]["id"], lead_id.as_str());
    assert_eq!(
        got[0].body["lead"]["contact"]["email"],
        "ana.lopez@example.com"
    );
    assert_eq!(got[0].body["readiness"]["stage"], "hot");
    // signed per Standard Webhooks with the notify entry's secret
    let mut h = handoff_core::model::Headers::new();
    for (k, v) in &got[0].headers {
        h.insert(k, v.clone());
    }
    let raw = serde_json::to_vec(&got[0].body).unwrap();
    assert!(got[0]
        .header("webhook-signature")
        .unwrap()
        .starts_with("v1,"));
    // the body was re-serialised by the receiver, so verify against the original bytes:
    // same JSON value, serde_json keeps key order → identical bytes.
    standard::KIND
        .verify(HOOK_SECRET, &h, &raw, chrono::Utc::now())
        .expect("notification signature verifies");

    let sl = slack.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(sl.len(), 1);
    assert!(sl[0].body["text"].as_str().unwrap().starts_with("Hot lead"));
    assert!(sl[0].body["blocks"]
        .to_string()
        .contains(&format!("http://leads.example.test/leads/{lead_id}")));

    // console entry on stdout, contact masked
    let out = eventually(Duration::from_secs(5), || async {
        let t = s.stdout_text();
        t.contains("HOT LEAD").then_some(t)
    })
    .await
    .expect("console notification");
    assert!(out.contains("a***@example.com"), "{out}");
    assert!(!out.contains("ana.lopez@example.com"));

    // the lead reads back with its notifications
    let (st, lead) = get(&client(), &s.url(&format!("/leads/{lead_id}")), None).await;
    assert_eq!(st, 200);
    assert_eq!(lead["source_id"], "b2b");
    assert_eq!(lead["delivery_id"], "msg_1");
    let sent = eventually(Duration::from_secs(5), || async {
        let (_, l) = get(&client(), &s.url(&format!("/leads/{lead_id}")), None).await;
        let n = l["notifications"].as_array().cloned().unwrap_or_default();
        (n.len() == 3 && n.iter().all(|x| x["state"] == "sent")).then_some(n)
    })
    .await;
    assert!(sent.is_some(), "all three notifications sent");

    // the same delivery again: 200, same lead, no new notification
    let (status, again) = send(&s, "b2b", standard::KIND, STD_SECRET, &ev, "msg_1").await;
    assert_eq!(status, 200);
    assert_eq!(again["lead_id"], lead_id.as_str());
    assert_eq!(again["duplicate"], true);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(hook.received().len(), 1);
    assert_eq!(slack.received().len(), 1);

    // logs carry neither the full e-mail nor secrets
    let logs = s.stderr_text();
    assert!(logs.contains("lead stored"), "{logs}");
    assert!(!logs.contains("ana.lopez@example.com"), "{logs}");
    assert!(!logs.contains(STD_SECRET) && !logs.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

#[tokio::test(flavor = "multi_thread")]
async fn nurture_leads_are_stored_but_not_notified() {
    let hook = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), &hook.url("/slack"))),
        &dir.path().join("data"),
    );
    let ev = event(
        Action::NewsletterSignup,
        "n@example.com",
        Some("Thanks for the tips"),
    );
    let (status, body) = send(&s, "b2b", standard::KIND, STD_SECRET, &ev, "n1").await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["stage"], "nurture");
    let (_, list) = get(&client(), &s.url("/leads?stage=nurture"), None).await;
    assert_eq!(list["leads"].as_array().unwrap().len(), 1);
    let (_, hot) = get(&client(), &s.url("/leads?stage=hot"), None).await;
    assert_eq!(hot["leads"].as_array().unwrap().len(), 0);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(hook.attempts(), 0, "no notification for a nurture lead");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_provider_reaches_the_team() {
    let hook = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), &hook.url("/slack"))),
        &dir.path().join("data"),
    );
    let cases = [
        (
            "form",
            typeform::KIND,
            "tf-secret-0123456789",
            event(
                Action::FormSubmission,
                "f@example.com",
                Some("How much does it cost to paint a room?"),
            ),
        ),
        (
            "shop",
            shopify::KIND,
            "shop-secret-0123456789",
            event(Action::CheckoutStarted, "s@example.com", None),
        ),
        (
            "chat",
            intercom::KIND,
            "ic-secret-0123456789",
            event(
                Action::ChatMessage,
                "c@example.com",
                Some("When can you start?"),
            ),
        ),
    ];
    for (i, (src, p, secret, ev)) in cases.iter().enumerate() {
        let (status, body) = send(&s, src, *p, secret, ev, &format!("d{i}")).await;
        assert_eq!(status, 202, "{src}: {body}");
        assert_eq!(body["stage"], "hot", "{src}: {body}");
    }
    // two HTTP notify entries per hot lead
    let got = hook.wait_for(6, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 6);
    let mut crm: Vec<String> = got
        .iter()
        .filter(|r| r.path == "/crm")
        .map(|r| r.body["lead"]["source_id"].as_str().unwrap().to_string())
        .collect();
    crm.sort();
    assert_eq!(crm, ["chat", "form", "shop"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_requests_get_their_documented_status_and_store_nothing() {
    let hook = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), &hook.url("/slack"))),
        &dir.path().join("data"),
    );
    let c = client();
    let ev = event(Action::DemoRequest, "x@example.com", None);

    // unknown source (checked first, even with a huge body)
    let (st, b) = post(&c, &s.url("/hooks/nope"), vec![b'x'; 300 * 1024], &[]).await;
    assert_eq!((st, b["error"].as_str()), (404, Some("unknown_source")));

    // too large: refused before it is read whole
    let (st, b) = post(&c, &s.url("/hooks/b2b"), vec![b' '; 256 * 1024 + 1], &[]).await;
    assert_eq!((st, b["error"].as_str()), (413, Some("payload_too_large")));
    // … also when streamed without a content-length
    let (st, b) = post_chunked(&s.base, "/hooks/b2b", 40, 8192).await;
    assert_eq!((st, b["error"].as_str()), (413, Some("payload_too_large")));

    // bad signatures
    let (body, mut headers) = signed(standard::KIND, STD_SECRET, &ev, "bad1");
    let (st, b) = post(&c, &s.url("/hooks/b2b"), body.clone(), &[]).await;
    assert_eq!(
        (st, b["error"].as_str()),
        (401, Some("invalid_signature")),
        "missing headers"
    );
    let mut tampered = body.clone();
    tampered[5] ^= 1;
    let (st, _) = post(&c, &s.url("/hooks/b2b"), tampered, &headers).await;
    assert_eq!(st, 401, "tampered body");
    let (_, wrong) = signed(
        standard::KIND,
        "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==",
        &ev,
        "bad1",
    );
    let (st, _) = post(&c, &s.url("/hooks/b2b"), body.clone(), &wrong).await;
    assert_eq!(st, 401, "wrong secret");
    for h in headers.iter_mut() {
        if h.0 == "webhook-timestamp" {
            let stale = chrono::Utc::now().timestamp() - 600;
            h.1 = stale.to_string();
        }
    }
    let (st, _) = post(&c, &s.url("/hooks/b2b"), body, &headers).await;
    assert_eq!(st, 401, "stale timestamp");

    // correctly signed but malformed / outside the vocabulary
    for (i, raw) in [
        &br#"{"action":"buy_now","contact":{"email":"x@example.com"}}"#[..],
        br#"{"action":"demo_request","contact":{}}"#,
        b"not json",
    ]
    .iter()
    .enumerate()
    {
        let now = chrono::Utc::now();
        let hs: Vec<(String, String)> = standard::KIND
            .simulator()
            .sign(STD_SECRET, &ev, &format!("mal{i}"), raw, now)
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (st, b) = post(&c, &s.url("/hooks/b2b"), raw.to_vec(), &hs).await;
        assert_eq!(
            (st, b["error"].as_str()),
            (400, Some("malformed_payload")),
            "{b}"
        );
        assert!(b["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    // an intercom ping is not a lead: 200 ignored
    let ping = br#"{"type":"notification_event","topic":"ping","id":"notif_ping","data":{"item":{"type":"ping","message":"hi"}}}"#;
    let hs: Vec<(String, String)> = intercom::KIND
        .simulator()
        .sign("ic-secret-0123456789", &ev, "p", ping, chrono::Utc::now())
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (st, b) = post(&c, &s.url("/hooks/chat"), ping.to_vec(), &hs).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["ignored"], true);

    // nothing stored; the three 400s are in the rejected log, newest first
    let (_, leads) = get(&c, &s.url("/leads"), None).await;
    assert_eq!(leads["leads"].as_array().unwrap().len(), 0, "{leads}");
    let (st, rej) = get(&c, &s.url("/deliveries/rejected"), None).await;
    assert_eq!(st, 200);
    let rej = rej["rejected"].as_array().unwrap().clone();
    assert_eq!(rej.len(), 3, "{rej:?}");
    assert!(rej
        .iter()
        .all(|r| r["source_id"] == "b2b" && r["error"] == "malformed_payload"));
    assert!(rej[0]["excerpt"].as_str().unwrap().contains("not json"));

    // unknown routes and bad parameters
    let (st, b) = get(&c, &s.url("/leads?limit=501"), None).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("bad_request")));
    let (st, b) = get(&c, &s.url("/leads?cursor=zz-not-a-cursor"), None).await;
    assert_eq!((st, b["error"].as_str()), (400, Some("bad_request")), "{b}");
    let (st, _) = get(&c, &s.url("/leads/ld_missing"), None).await;
    assert_eq!(st, 404);
    let (st, b) = get(&c, &s.url("/healthz"), None).await;
    assert_eq!((st, b["status"].as_str()), (200, Some("ok")));
}

/// Text a sender controls (a delivery id, a UTM campaign) cannot fake a log line or a
/// console notification, or drive the terminal: control characters are escaped.
#[tokio::test(flavor = "multi_thread")]
async fn sender_text_cannot_inject_log_lines_or_terminal_codes() {
    let hook = Receiver::start(0, 200).await;
    let slack = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), &slack.url("/slack"))),
        &dir.path().join("d"),
    );
    let mut ev = event(Action::QuoteRequest, "inj@example.com", None);
    ev.utm.campaign = Some("x\nHOT LEAD [fake] forged\u{1b}[2J".into());
    let (st, b) = send(
        &s,
        "form",
        typeform::KIND,
        "tf-secret-0123456789",
        &ev,
        "evt-1\nERROR forged log line\u{1b}[2J",
    )
    .await;
    assert_eq!(st, 202, "{b}");
    hook.wait_for(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (out, err) = (s.stdout_text(), s.stderr_text());
    for (name, text) in [("stdout", &out), ("stderr", &err)] {
        assert!(
            !text.contains('\u{1b}'),
            "{name} carries an escape code: {text:?}"
        );
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("ERROR forged") || l.starts_with("HOT LEAD [fake]")),
            "{name} has a forged line: {text}"
        );
    }
    assert!(
        out.contains("HOT LEAD [web]"),
        "the real console line is there: {out}"
    );
    assert!(
        out.contains("x\\nHOT LEAD [fake] forged\\u{1b}[2J"),
        "escaped, not dropped: {out}"
    );
}

/// A delivery id reused for another event is a 409 (as Stripe answers a reused
/// idempotency key) and kept in the rejected log; the same event again, even re-signed,
/// stays a 200 duplicate; an unbounded id is a 400.
#[tokio::test(flavor = "multi_thread")]
async fn a_reused_delivery_id_with_another_event_is_a_conflict_not_a_silent_duplicate() {
    let hook = Receiver::start(0, 200).await;
    let slack = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), &slack.url("/slack"))),
        &dir.path().join("d"),
    );
    let nurture = event(Action::NewsletterSignup, "reuse@example.com", None);
    let (st, first) = send(&s, "b2b", standard::KIND, STD_SECRET, &nurture, "msg_reuse").await;
    assert_eq!(
        (st, first["stage"].as_str()),
        (202, Some("nurture")),
        "{first}"
    );

    // the same event again, signed anew: a duplicate
    let (st, again) = send(&s, "b2b", standard::KIND, STD_SECRET, &nurture, "msg_reuse").await;
    assert_eq!(
        (st, again["duplicate"].as_bool()),
        (200, Some(true)),
        "{again}"
    );

    // another (hot) event under the same id: refused, nothing stored, nothing notified
    let hot = event(
        Action::DemoRequest,
        "reuse@example.com",
        Some("demo please"),
    );
    let (st, b) = send(&s, "b2b", standard::KIND, STD_SECRET, &hot, "msg_reuse").await;
    assert_eq!(
        (st, b["error"].as_str()),
        (409, Some("idempotency_conflict")),
        "{b}"
    );
    let c = client();
    let (_, lead) = get(
        &c,
        &s.url(&format!("/leads/{}", first["lead_id"].as_str().unwrap())),
        None,
    )
    .await;
    assert_eq!(
        lead["action"], "newsletter_signup",
        "the stored lead is unchanged"
    );
    let (_, rejected) = get(&c, &s.url("/deliveries/rejected"), None).await;
    assert_eq!(
        rejected["rejected"][0]["error"], "idempotency_conflict",
        "{rejected}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        hook.received().is_empty(),
        "no notification for a refused event"
    );

    // an unbounded delivery id
    let long = "x".repeat(300);
    let (st, b) = send(&s, "b2b", standard::KIND, STD_SECRET, &nurture, &long).await;
    assert_eq!(
        (st, b["error"].as_str()),
        (400, Some("malformed_payload")),
        "{b}"
    );
    assert!(b["detail"].as_str().unwrap().contains("at most 256"), "{b}");
}
