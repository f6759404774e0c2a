//! Provider verification and normalisation against real-shaped payloads.
//!
//! Signatures on the fixtures are computed here with the `hmac` crate directly, not with
//! the providers' own `sign`, so a mistake shared by `sign` and `verify` cannot hide.
//! The Standard Webhooks case also checks the specification's published test vector.
//!
//! What every provider must do with its own simulated deliveries (round trips,
//! rejections, staleness, no panics) is the conformance suite in
//! `src/providers/conformance.rs`, run on every registered provider.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use handoff_core::model::{Action, Channel, Contact, Headers, LeadEvent, ProviderKind, Utm};
use handoff_core::providers::{
    intercom, shopify, standard, typeform, ParseOptions, Parsed, TIMESTAMP_TOLERANCE_SECS,
};
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use serde_json::{json, Value};

/// A provider's fixture: `src/providers/<provider>/fixtures/<name>`.
fn fixture(provider: ProviderKind, name: &str) -> Vec<u8> {
    let path = format!(
        "{}/src/providers/{provider}/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every provider's fixtures.
fn all_fixtures() -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    for kind in ProviderKind::all() {
        let dir = format!(
            "{}/src/providers/{kind}/fixtures",
            env!("CARGO_MANIFEST_DIR")
        );
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            all.push(std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
    assert!(!all.is_empty(), "no fixtures found");
    all
}

fn at(ts: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(ts, 0).unwrap()
}

fn hmac256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn hmac1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn lead(kind: ProviderKind, headers: &Headers, body: &[u8]) -> (String, LeadEvent) {
    lead_with(kind, headers, body, &ParseOptions::default())
}

fn lead_with(
    kind: ProviderKind,
    headers: &Headers,
    body: &[u8],
    opts: &ParseOptions,
) -> (String, LeadEvent) {
    match kind.parse(headers, body, opts) {
        Ok(Parsed::Lead { delivery_id, event }) => (delivery_id, event),
        other => panic!("expected a lead, got {other:?}"),
    }
}

fn ignored(kind: ProviderKind, headers: &Headers, body: &[u8]) -> String {
    match kind.parse(headers, body, &ParseOptions::default()) {
        Ok(Parsed::Ignored { reason }) => reason,
        other => panic!("expected an ignored event, got {other:?}"),
    }
}

fn malformed(kind: ProviderKind, headers: &Headers, body: &[u8]) -> String {
    match kind.parse(headers, body, &ParseOptions::default()) {
        Err(e) => e.0,
        other => panic!("expected a malformed error, got {other:?}"),
    }
}

/// The body with one byte changed.
fn tampered(body: &[u8]) -> Vec<u8> {
    let mut b = body.to_vec();
    let i = b.len() / 2;
    b[i] ^= 0x01;
    b
}

fn without(headers: &Headers, name: &str) -> Headers {
    headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case(name))
        .collect()
}

fn edit_json(body: &[u8], f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(body).unwrap();
    f(&mut v);
    serde_json::to_vec(&v).unwrap()
}

// ---------------------------------------------------------------------------------
// Standard Webhooks
// ---------------------------------------------------------------------------------

/// Published in the Standard Webhooks reference libraries' tests
/// (github.com/standard-webhooks/standard-webhooks, libraries/go/webhook_test.go,
/// `TestWebhookSign`; same values in the JavaScript, PHP, Python… suites).
mod vector {
    pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    pub const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    pub const TIMESTAMP: i64 = 1614265330;
    pub const PAYLOAD: &[u8] = br#"{"test": 2432232314}"#;
    pub const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
}

fn standard_headers(id: &str, ts: i64, sig: &str) -> Headers {
    Headers::new()
        .with("webhook-id", id)
        .with("webhook-timestamp", ts.to_string())
        .with("webhook-signature", sig)
}

/// Standard Webhooks signing, written out independently of the provider module.
fn standard_sig(secret: &str, id: &str, ts: i64, body: &[u8]) -> String {
    let key = B64.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut content = format!("{id}.{ts}.").into_bytes();
    content.extend_from_slice(body);
    format!("v1,{}", B64.encode(hmac256(&key, &content)))
}

#[test]
fn standard_published_vector_verifies_and_is_reproduced() {
    use vector::*;
    let k = standard::KIND;
    // our independent computation agrees with the vector
    assert_eq!(standard_sig(SECRET, MSG_ID, TIMESTAMP, PAYLOAD), SIGNATURE);
    let h = standard_headers(MSG_ID, TIMESTAMP, SIGNATURE);
    k.verify(SECRET, &h, PAYLOAD, at(TIMESTAMP)).unwrap();
    // sign() reproduces it exactly
    let dummy = LeadEvent {
        action: Action::PageView,
        contact: Contact::default(),
        message: None,
        channel: None,
        utm: Utm::default(),
        occurred_at: None,
    };
    let signed = k
        .simulator()
        .sign(SECRET, &dummy, MSG_ID, PAYLOAD, at(TIMESTAMP));
    assert_eq!(signed.get("webhook-signature"), Some(SIGNATURE));
    assert_eq!(signed.get("webhook-id"), Some(MSG_ID));
    assert_eq!(signed.get("webhook-timestamp"), Some("1614265330"));
    assert_eq!(signed.get("content-type"), Some("application/json"));
    // the vector's payload is not a lead event: verification is independent of parsing
    assert!(k.parse(&h, PAYLOAD, &ParseOptions::default()).is_err());
}

#[test]
fn standard_fixture_verifies_and_parses() {
    let k = standard::KIND;
    let body = fixture(standard::KIND, "lead_event.json");
    let ts = 1749717667;
    let h = standard_headers(
        "msg_2yC1x9Qw",
        ts,
        &standard_sig(vector::SECRET, "msg_2yC1x9Qw", ts, &body),
    );
    k.verify(vector::SECRET, &h, &body, at(ts + 3)).unwrap();
    let (id, e) = lead(k, &h, &body);
    assert_eq!(id, "msg_2yC1x9Qw");
    assert_eq!(e.action, Action::DemoRequest);
    assert_eq!(e.contact.email.as_deref(), Some("marta.nowak@example.com"));
    assert_eq!(e.contact.phone.as_deref(), Some("+48 601 234 567"));
    assert_eq!(e.contact.name.as_deref(), Some("Marta Nowak"));
    assert_eq!(e.contact.company.as_deref(), Some("Nowak Logistics"));
    assert_eq!(
        e.message.as_deref(),
        Some("Can we book a demo for our ops team next week?")
    );
    assert_eq!(e.channel, Some(Channel::WebForm));
    assert_eq!(e.utm.source.as_deref(), Some("google"));
    assert_eq!(e.utm.medium.as_deref(), Some("cpc"));
    assert_eq!(e.utm.campaign.as_deref(), Some("fleet-q3"));
    assert_eq!(e.occurred_at, Some("2025-06-12T08:41:07Z".parse().unwrap()));
}

#[test]
fn standard_rejections() {
    use vector::*;
    let k = standard::KIND;
    let h = standard_headers(MSG_ID, TIMESTAMP, SIGNATURE);
    let now = at(TIMESTAMP);
    // tampered body
    assert!(k.verify(SECRET, &h, &tampered(PAYLOAD), now).is_err());
    // wrong secret
    let other = format!("whsec_{}", B64.encode(b"another key, 32 bytes long......"));
    let e = k.verify(&other, &h, PAYLOAD, now).unwrap_err();
    assert!(
        !e.0.contains(&other[6..]),
        "the secret must not appear in errors"
    );
    // missing headers
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let e = k
            .verify(SECRET, &without(&h, name), PAYLOAD, now)
            .unwrap_err();
        assert!(e.0.contains(name), "{e}");
    }
    // stale: more than five minutes old, or in the future
    let tol = TIMESTAMP_TOLERANCE_SECS;
    assert!(k
        .verify(SECRET, &h, PAYLOAD, at(TIMESTAMP + tol + 1))
        .is_err());
    assert!(k.verify(SECRET, &h, PAYLOAD, at(TIMESTAMP + 3600)).is_err());
    assert!(k
        .verify(SECRET, &h, PAYLOAD, at(TIMESTAMP - tol - 1))
        .is_err());
    assert!(k.verify(SECRET, &h, PAYLOAD, at(TIMESTAMP - 3600)).is_err());
    k.verify(SECRET, &h, PAYLOAD, at(TIMESTAMP + tol)).unwrap();
    k.verify(SECRET, &h, PAYLOAD, at(TIMESTAMP - tol)).unwrap();
    // a re-signed stale delivery with a fresh timestamp header but the old signature
    let moved = standard_headers(MSG_ID, TIMESTAMP + 600, SIGNATURE);
    assert!(k
        .verify(SECRET, &moved, PAYLOAD, at(TIMESTAMP + 600))
        .is_err());
    // several signatures, one of them valid
    let multi = standard_headers(MSG_ID, TIMESTAMP, &format!("v1a,xyz= v1,AAAA {SIGNATURE}"));
    k.verify(SECRET, &multi, PAYLOAD, now).unwrap();
    // a secret that is not base64
    assert_eq!(
        k.verify("whsec_***", &h, PAYLOAD, now).unwrap_err().0,
        "secret is not valid base64"
    );
}

#[test]
fn standard_malformed_payloads() {
    let k = standard::KIND;
    let h = Headers::new().with("webhook-id", "msg_1");
    let e = malformed(
        k,
        &h,
        br#"{"action":"buy","contact":{"email":"ana@example.com"}}"#,
    );
    assert!(
        e.starts_with(r#"action: unknown action "buy", expected one of: add_to_cart"#),
        "{e}"
    );
    assert!(!e.contains("ana@example.com"));
    let e = malformed(k, &h, br#"{"action":"demo_request","message":"hi"}"#);
    assert_eq!(e, "contact.email or contact.phone is required");
    let e = malformed(
        k,
        &h,
        br#"{"action":"demo_request","contact":{"email":"ana@example.com"},"x":1}"#,
    );
    assert!(e.starts_with("unknown field"), "{e}");
    let e = malformed(
        k,
        &h,
        br#"{"action":"demo_request","contact":{"email":["ana@example.com"]}}"#,
    );
    assert_eq!(e, "contact.email: must be a string");
    let e = malformed(k, &h, b"not json ana@example.com");
    assert!(e.starts_with("body is not valid JSON"), "{e}");
    assert!(!e.contains("ana@example.com"));
}

// ---------------------------------------------------------------------------------
// Typeform
// ---------------------------------------------------------------------------------

const TYPEFORM_SECRET: &str = "3f2b9c1d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c";

fn typeform_headers(secret: &str, body: &[u8]) -> Headers {
    Headers::new()
        .with(
            "Typeform-Signature",
            format!("sha256={}", B64.encode(hmac256(secret.as_bytes(), body))),
        )
        .with("Content-Type", "application/json")
}

#[test]
fn typeform_fixture_verifies_and_parses() {
    let k = typeform::KIND;
    let body = fixture(typeform::KIND, "form_response.json");
    let h = typeform_headers(TYPEFORM_SECRET, &body);
    k.verify(TYPEFORM_SECRET, &h, &body, Utc::now()).unwrap();
    let (id, e) = lead(k, &h, &body);
    assert_eq!(id, "01J0T3S5ZQ6K8R3W1V0N9XH2B4");
    // hidden `action` overrides the default
    assert_eq!(e.action, Action::QuoteRequest);
    // first name found through its title (opaque ref), last name through its ref
    assert_eq!(e.contact.name.as_deref(), Some("Jonas Berg"));
    assert_eq!(e.contact.company.as_deref(), Some("Fjord Analytics AS"));
    assert_eq!(
        e.contact.email.as_deref(),
        Some("jonas.berg@fjord-analytics.example")
    );
    assert_eq!(e.contact.phone.as_deref(), Some("+4791234567"));
    assert_eq!(
        e.message.as_deref(),
        Some("We need pricing for 30 analyst seats, billed yearly.\nCan you include onboarding?")
    );
    assert_eq!(e.channel, None);
    assert_eq!(e.utm.source.as_deref(), Some("linkedin"));
    assert_eq!(e.utm.medium.as_deref(), Some("paid_social"));
    assert_eq!(e.utm.campaign.as_deref(), Some("spring_launch"));
    assert_eq!(e.utm.term, None, "empty hidden values are no value");
    assert_eq!(e.occurred_at, Some("2025-06-12T09:03:12Z".parse().unwrap()));
}

#[test]
fn typeform_default_action_applies_without_hidden_action() {
    let k = typeform::KIND;
    let body = edit_json(&fixture(typeform::KIND, "form_response.json"), |v| {
        v["form_response"]["hidden"]
            .as_object_mut()
            .unwrap()
            .remove("action");
    });
    let (_, e) = lead(k, &Headers::new(), &body);
    assert_eq!(e.action, Action::FormSubmission);
    let opts = ParseOptions {
        default_action: Some(Action::DemoRequest),
    };
    let (_, e) = lead_with(k, &Headers::new(), &body, &opts);
    assert_eq!(e.action, Action::DemoRequest);
}

#[test]
fn typeform_rejections_ignores_and_malformed() {
    let k = typeform::KIND;
    let body = fixture(typeform::KIND, "form_response.json");
    let h = typeform_headers(TYPEFORM_SECRET, &body);
    let now = Utc::now();
    assert!(k
        .verify(TYPEFORM_SECRET, &h, &tampered(&body), now)
        .is_err());
    let e = k.verify("wrong-secret", &h, &body, now).unwrap_err();
    assert!(!e.0.contains("wrong-secret"));
    assert!(k
        .verify(
            TYPEFORM_SECRET,
            &without(&h, "typeform-signature"),
            &body,
            now
        )
        .is_err());
    // a hex signature (the wrong encoding) is rejected
    let hex_sig = Headers::new().with(
        "Typeform-Signature",
        format!(
            "sha256={}",
            hex::encode(hmac256(TYPEFORM_SECRET.as_bytes(), &body))
        ),
    );
    assert!(k.verify(TYPEFORM_SECRET, &hex_sig, &body, now).is_err());

    let partial = edit_json(&body, |v| v["event_type"] = json!("form_response_partial"));
    assert!(ignored(k, &h, &partial).contains("form_response_partial"));

    let no_contact = edit_json(&body, |v| {
        let answers = v["form_response"]["answers"].as_array_mut().unwrap();
        answers.retain(|a| !matches!(a["type"].as_str(), Some("email" | "phone_number")));
    });
    let e = malformed(k, &h, &no_contact);
    assert_eq!(
        e,
        "no contact: the form response has no e-mail or phone answer"
    );
    assert!(!e.contains("Jonas"));
    let bad_email = edit_json(&body, |v| {
        v["form_response"]["answers"][3]["email"] = json!("jonas.berg at fjord");
        v["form_response"]["answers"][4]["phone_number"] = json!(null);
    });
    assert_eq!(
        malformed(k, &h, &bad_email),
        "contact.email is not an e-mail address"
    );
    assert!(malformed(k, &h, b"[]").contains("not a JSON object"));
}

// ---------------------------------------------------------------------------------
// Shopify
// ---------------------------------------------------------------------------------

const SHOPIFY_SECRET: &str = "4f8a6b2c9d1e3f5a7b9c0d2e4f6a8b1c";

fn shopify_headers(secret: &str, topic: &str, body: &[u8]) -> Headers {
    Headers::new()
        .with(
            "X-Shopify-Hmac-SHA256",
            B64.encode(hmac256(secret.as_bytes(), body)),
        )
        .with("X-Shopify-Topic", topic)
        .with("X-Shopify-Shop-Domain", "example.myshopify.com")
        .with(
            "X-Shopify-Webhook-Id",
            "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        )
        .with("X-Shopify-Event-Id", "98880550-7158-44d4-b7cd-2c97c8a091b5")
        .with("X-Shopify-API-Version", "2025-04")
}

/// `sha256:` and the hex SHA-256 of `body`, computed here (not by the code under test).
fn sha256_id(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hex: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

#[test]
fn shopify_checkout_fixture_verifies_and_parses() {
    let k = shopify::KIND;
    let body = fixture(shopify::KIND, "checkout_create.json");
    let h = shopify_headers(SHOPIFY_SECRET, "checkouts/create", &body);
    k.verify(SHOPIFY_SECRET, &h, &body, Utc::now()).unwrap();
    let (id, e) = lead(k, &h, &body);
    // the body's SHA-256, not the unsigned X-Shopify-Event-Id
    assert_eq!(id, sha256_id(&body));
    assert_ne!(id, "98880550-7158-44d4-b7cd-2c97c8a091b5");
    assert_eq!(e.action, Action::CheckoutStarted);
    assert_eq!(e.contact.email.as_deref(), Some("john@example.com"));
    assert_eq!(e.contact.name.as_deref(), Some("John Smith"));
    assert_eq!(
        e.contact.phone.as_deref(),
        Some("555-555-BILL"),
        "billing phone when the customer has none"
    );
    assert_eq!(e.contact.company.as_deref(), Some("My Company"));
    assert_eq!(
        e.message.as_deref(),
        Some("Please gift-wrap it, it's a birthday present.")
    );
    assert_eq!(
        e.utm.source.as_deref(),
        Some("google"),
        "from landing_site, not referring_site"
    );
    assert_eq!(e.utm.medium.as_deref(), Some("cpc"));
    assert_eq!(e.utm.campaign.as_deref(), Some("summer sale"));
    assert_eq!(e.utm.content.as_deref(), Some("ad variant b"));
    assert_eq!(e.utm.term, None);
    assert_eq!(e.channel, None);
    assert_eq!(e.occurred_at, Some("2025-06-12T17:39:51Z".parse().unwrap()));

    // checkouts/update is the same readiness action; the ids are the body's
    let h2 = without(&without(&h, "X-Shopify-Event-Id"), "X-Shopify-Topic")
        .with("X-Shopify-Topic", "checkouts/update");
    let (id, e) = lead(k, &h2, &body);
    assert_eq!(id, sha256_id(&body));
    assert_eq!(e.action, Action::CheckoutStarted);
    // the same body under a cart topic is still the checkout it is
    let h3 = without(&h, "X-Shopify-Topic").with("X-Shopify-Topic", "carts/create");
    assert_eq!(lead(k, &h3, &body).1.action, Action::CheckoutStarted);
    let bare = Headers::new().with("X-Shopify-Topic", "checkouts/create");
    let (id, _) = lead(k, &bare, &body);
    assert_eq!(id, sha256_id(&body));
}

#[test]
fn shopify_cart_without_customer_is_malformed_and_with_one_a_lead() {
    let k = shopify::KIND;
    let body = fixture(shopify::KIND, "cart_update.json");
    let h = shopify_headers(SHOPIFY_SECRET, "carts/update", &body);
    k.verify(SHOPIFY_SECRET, &h, &body, Utc::now()).unwrap();
    assert_eq!(
        malformed(k, &h, &body),
        "no contact: the cart has no customer e-mail or phone"
    );

    let with_customer = edit_json(&body, |v| {
        v["customer"] =
            json!({"id": 1, "email": "kim@example.kr", "first_name": "Kim", "last_name": null});
        v["note"] = json!("gift");
    });
    let h = shopify_headers(SHOPIFY_SECRET, "carts/create", &with_customer);
    k.verify(SHOPIFY_SECRET, &h, &with_customer, Utc::now())
        .unwrap();
    let (_, e) = lead(k, &h, &with_customer);
    assert_eq!(e.action, Action::AddToCart);
    assert_eq!(e.contact.email.as_deref(), Some("kim@example.kr"));
    assert_eq!(e.contact.name.as_deref(), Some("Kim"));
    assert_eq!(e.message.as_deref(), Some("gift"));
    assert!(e.utm.is_empty());
    assert_eq!(e.occurred_at, Some("2025-06-12T16:50:11Z".parse().unwrap()));
}

#[test]
fn shopify_rejections_and_ignores() {
    let k = shopify::KIND;
    let body = fixture(shopify::KIND, "checkout_create.json");
    let h = shopify_headers(SHOPIFY_SECRET, "checkouts/create", &body);
    let now = Utc::now();
    assert!(k.verify(SHOPIFY_SECRET, &h, &tampered(&body), now).is_err());
    assert!(k.verify("shpss_wrong", &h, &body, now).is_err());
    assert!(k
        .verify(
            SHOPIFY_SECRET,
            &without(&h, "x-shopify-hmac-sha256"),
            &body,
            now
        )
        .is_err());
    assert!(k.verify("", &h, &body, now).is_err());
    let h = shopify_headers(SHOPIFY_SECRET, "orders/create", &body);
    assert_eq!(
        ignored(k, &h, &body),
        r#"topic "orders/create" is not a lead event"#
    );
    let e = malformed(k, &without(&h, "x-shopify-topic"), &body);
    assert!(e.contains("X-Shopify-Topic"), "{e}");
    let h = shopify_headers(SHOPIFY_SECRET, "checkouts/create", b"{");
    assert!(malformed(k, &h, b"{").starts_with("body is not valid JSON"));
}

// ---------------------------------------------------------------------------------
// Intercom
// ---------------------------------------------------------------------------------

const INTERCOM_SECRET: &str = "c6b0f2a1-8e4d-4b7a-9c3e-1f5d2a7b8c90";

fn intercom_headers(secret: &str, body: &[u8]) -> Headers {
    Headers::new()
        .with(
            "X-Hub-Signature",
            format!("sha1={}", hex::encode(hmac1(secret.as_bytes(), body))),
        )
        .with("User-Agent", "intercom-parrot-service-client/1.0")
}

#[test]
fn intercom_created_fixture_verifies_and_parses() {
    let k = intercom::KIND;
    let body = fixture(intercom::KIND, "conversation_user_created.json");
    let h = intercom_headers(INTERCOM_SECRET, &body);
    k.verify(INTERCOM_SECRET, &h, &body, Utc::now()).unwrap();
    let (id, e) = lead(k, &h, &body);
    assert_eq!(id, "notif_5c1b4a10-3e6f-4d0a-9b8e-2f7a1c9d0e42");
    assert_eq!(e.action, Action::ChatMessage);
    assert_eq!(e.channel, None);
    assert_eq!(e.contact.email.as_deref(), Some("priya.raman@example.in"));
    assert_eq!(e.contact.name.as_deref(), Some("Priya Raman"));
    assert_eq!(
        e.message.as_deref(),
        Some("Hi there! How much does the Team plan cost for 25 people? We'd like to start in July & need SSO.")
    );
    assert_eq!(e.utm.source.as_deref(), Some("newsletter"));
    assert_eq!(e.utm.medium.as_deref(), Some("email"));
    assert_eq!(e.utm.campaign.as_deref(), Some("june-digest"));
    assert_eq!(e.occurred_at, Some(at(1749719400)));
}

#[test]
fn intercom_replied_fixture_takes_the_users_last_part() {
    let k = intercom::KIND;
    let body = fixture(intercom::KIND, "conversation_user_replied.json");
    let h = intercom_headers(INTERCOM_SECRET, &body);
    k.verify(INTERCOM_SECRET, &h, &body, Utc::now()).unwrap();
    let (id, e) = lead(k, &h, &body);
    assert_eq!(id, "notif_9e0d2c44-71b3-4a55-8f16-0c3b7d2e9a18");
    assert_eq!(
        e.message.as_deref(),
        Some("Quand pouvez-vous commencer l'installation ? Nous sommes à Lyon.")
    );
    assert_eq!(e.contact.email.as_deref(), Some("lucas.martin@example.fr"));
    assert_eq!(e.contact.name.as_deref(), Some("Lucas Martin"));
    assert!(e.utm.is_empty());
    assert_eq!(e.occurred_at, Some(at(1749720480)));
}

#[test]
fn intercom_rejections_ignores_and_malformed() {
    let k = intercom::KIND;
    let body = fixture(intercom::KIND, "conversation_user_created.json");
    let h = intercom_headers(INTERCOM_SECRET, &body);
    let now = Utc::now();
    assert!(k
        .verify(INTERCOM_SECRET, &h, &tampered(&body), now)
        .is_err());
    assert!(k.verify("other-client-secret", &h, &body, now).is_err());
    assert!(k
        .verify(INTERCOM_SECRET, &without(&h, "x-hub-signature"), &body, now)
        .is_err());
    // upper-case hex is the same signature
    let upper = Headers::new().with(
        "X-Hub-Signature",
        format!(
            "sha1={}",
            hex::encode_upper(hmac1(INTERCOM_SECRET.as_bytes(), &body))
        ),
    );
    k.verify(INTERCOM_SECRET, &upper, &body, now).unwrap();
    // a SHA-256 MAC is not accepted
    let sha256 = Headers::new().with(
        "X-Hub-Signature",
        format!(
            "sha1={}",
            hex::encode(hmac256(INTERCOM_SECRET.as_bytes(), &body))
        ),
    );
    assert!(k.verify(INTERCOM_SECRET, &sha256, &body, now).is_err());

    let ping = fixture(intercom::KIND, "ping.json");
    let hp = intercom_headers(INTERCOM_SECRET, &ping);
    k.verify(INTERCOM_SECRET, &hp, &ping, now).unwrap();
    assert_eq!(ignored(k, &hp, &ping), "ping");
    let admin = edit_json(&body, |v| v["topic"] = json!("conversation.admin.closed"));
    assert!(ignored(k, &h, &admin).contains("conversation.admin.closed"));

    let anonymous = edit_json(&body, |v| {
        v["data"]["item"]["source"]["author"] =
            json!({"type": "lead", "id": "x", "name": "Visitor 4411"});
    });
    let e = malformed(k, &h, &anonymous);
    assert_eq!(
        e,
        "no contact: the conversation's author has no e-mail or phone"
    );
    let no_item = edit_json(&body, |v| v["data"] = json!({}));
    assert!(malformed(k, &h, &no_item).contains("data.item"));
}

// ---------------------------------------------------------------------------------
// Simulated deliveries
// ---------------------------------------------------------------------------------

#[test]
fn sample_headers_look_like_the_providers() {
    let now = Utc::now();
    let e = LeadEvent {
        action: Action::AddToCart,
        contact: Contact {
            email: Some("a@example.com".into()),
            ..Contact::default()
        },
        message: None,
        channel: None,
        utm: Utm::default(),
        occurred_at: None,
    };
    let h = shopify::KIND.simulator().sign("s", &e, "d1", b"{}", now);
    assert_eq!(h.get("x-shopify-topic"), Some("carts/update"));
    assert_eq!(h.get("x-shopify-event-id"), Some("d1"));
    assert!(h.get("x-shopify-webhook-id").is_some());
    assert!(h.get("x-shopify-shop-domain").is_some());
    let pay = LeadEvent {
        action: Action::PaymentRequested,
        ..e.clone()
    };
    assert_eq!(
        shopify::KIND
            .simulator()
            .sign("s", &pay, "d1", b"{}", now)
            .get("x-shopify-topic"),
        Some("checkouts/update")
    );
    let co = LeadEvent {
        action: Action::CheckoutStarted,
        ..e.clone()
    };
    assert_eq!(
        shopify::KIND
            .simulator()
            .sign("s", &co, "d1", b"{}", now)
            .get("x-shopify-topic"),
        Some("checkouts/create")
    );
    assert!(typeform::KIND
        .simulator()
        .sign("s", &e, "d1", b"{}", now)
        .get("typeform-signature")
        .unwrap()
        .starts_with("sha256="));
    let ih = intercom::KIND.simulator().sign("s", &e, "d1", b"{}", now);
    let sig = ih.get("x-hub-signature").unwrap();
    assert!(sig.starts_with("sha1=") && sig.len() == 45, "{sig}");
    // Intercom's sample message is HTML
    let chat = LeadEvent {
        message: Some("1 < 2 & \"ok\"".into()),
        ..e
    };
    let body: Value =
        serde_json::from_slice(&intercom::KIND.simulator().sample(&chat, "n1", now)).unwrap();
    assert_eq!(
        body["data"]["item"]["source"]["body"],
        "<p>1 &lt; 2 &amp; &quot;ok&quot;</p>"
    );
    assert_eq!(body["topic"], "conversation.user.created");
}

// ---------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------

fn any_kind() -> impl Strategy<Value = ProviderKind> {
    prop::sample::select(ProviderKind::all().collect::<Vec<_>>())
}

const HEADER_NAMES: &[&str] = &[
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "typeform-signature",
    "x-shopify-hmac-sha256",
    "x-shopify-topic",
    "x-shopify-event-id",
    "x-hub-signature",
];

fn any_headers() -> impl Strategy<Value = Headers> {
    let value = prop_oneof![
        any::<String>(),
        "(v1|v1a|v2),[A-Za-z0-9+/=]{0,60}( v1,[A-Za-z0-9+/=]{0,60}){0,3}",
        "sha(1|256)=[0-9a-fA-F]{0,64}",
        "sha256=[A-Za-z0-9+/=]{0,60}",
        "-?[0-9]{1,20}",
        "(carts|checkouts)/(create|update)",
    ];
    prop::collection::vec((prop::sample::select(HEADER_NAMES.to_vec()), value), 0..8)
        .prop_map(|pairs| pairs.into_iter().collect())
}

/// JSON built from the keys the providers look at, so that the parsers are exercised
/// past their first checks.
fn any_json() -> impl Strategy<Value = Value> {
    const KEYS: &[&str] = &[
        "action",
        "contact",
        "email",
        "phone",
        "name",
        "company",
        "message",
        "channel",
        "utm",
        "source",
        "occurred_at",
        "event_type",
        "event_id",
        "form_response",
        "answers",
        "field",
        "ref",
        "type",
        "text",
        "hidden",
        "definition",
        "fields",
        "id",
        "title",
        "choice",
        "label",
        "phone_number",
        "submitted_at",
        "customer",
        "first_name",
        "last_name",
        "billing_address",
        "landing_site",
        "note",
        "note_attributes",
        "value",
        "updated_at",
        "topic",
        "data",
        "item",
        "author",
        "body",
        "conversation_parts",
        "contacts",
        "created_at",
        "url",
        "user",
        "conversation_message",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        prop::sample::select(vec![
            "form_response",
            "notification_event",
            "conversation.user.created",
            "conversation.user.replied",
            "ping",
            "email",
            "phone_number",
            "text",
            "long_text",
            "short_text",
            "action",
            "user",
            "lead",
            "demo_request",
            "a@b.co",
            "<p>x &amp; y</p>",
            "/p?utm_source=a%2",
            "2024-01-01T00:00:00Z",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(KEYS.to_vec()).prop_map(str::to_string),
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_on_json(kind in any_kind(), headers in any_headers(), body in any_json()) {
        let body = serde_json::to_vec(&body).unwrap();
        let _ = kind.parse(&headers, &body, &ParseOptions::default());
        let _ = kind.parse(&headers, &body, &ParseOptions { default_action: Some(Action::DemoRequest) });
    }

    #[test]
    fn parse_never_panics_on_mutated_fixtures(idx in any::<prop::sample::Index>(), pos in any::<prop::sample::Index>(), byte in any::<u8>(), kind in any_kind(), headers in any_headers()) {
        let fixtures = all_fixtures();
        let mut body = fixtures[idx.index(fixtures.len())].clone();
        let i = pos.index(body.len());
        body[i] = byte;
        let headers = headers.with("x-shopify-topic", "checkouts/create");
        let _ = kind.parse(&headers, &body, &ParseOptions::default());
    }
}
