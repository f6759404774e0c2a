//! Contacts and the CRM's outcomes on the real binary and its embedded store: one
//! person through a form, a cart and a chat (three providers, e-mail written three ways)
//! is one contact with every lead on `GET /contacts/{id}`; a national phone number in
//! the source's region meets its E.164 form; a CRM's signed `lead.outcome` events are
//! recorded by lead id and by contact, once per delivery id, and refusals (no such
//! lead or contact, a bad outcome, a bad signature) get their 4xx and the rejected log.

use handoff_core::model::{Action, Contact, LeadEvent};
use handoff_core::providers::{intercom, shopify, standard};
use handoff_tests::load::{client, STD_SECRET};
use handoff_tests::*;
use serde_json::{json, Value};

const ADMIN: &str = "contacts-admin-token-0123456789";
const CRM_SECRET: &str = "whsec_Y3JtLW91dGNvbWVzLXNlY3JldC0wMTIzNDU2Nzg5";

fn config() -> String {
    format!(
        r#"
[server]
api_token = "{ADMIN}"

[[source]]
id = "web"
provider = "standard"
business = "b2b"
channel = "web_form"
secret = "{STD_SECRET}"
default_region = "DE"

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

[[source]]
id = "crm"
provider = "standard"
purpose = "outcomes"
secret = "{CRM_SECRET}"
default_region = "DE"

[[team]]
name = "sales"
channels = ["web_form", "cart", "live_chat"]
[[team.notify]]
kind = "console"
"#
    )
}

async fn send(
    s: &Server,
    source: &str,
    kind: handoff_core::providers::ProviderKind,
    secret: &str,
    ev: &LeadEvent,
    id: &str,
) -> Value {
    let (body, headers) = signed(kind, secret, ev, id);
    let (st, b) = post(
        &client(),
        &s.url(&format!("/hooks/{source}")),
        body,
        &headers,
    )
    .await;
    assert_eq!(st, 202, "{source}: {b}");
    b
}

async fn lead(s: &Server, id: &str) -> Value {
    let (st, l) = get(&client(), &s.url(&format!("/leads/{id}")), Some(ADMIN)).await;
    assert_eq!(st, 200, "{l}");
    l
}

/// A CRM event, signed as Standard Webhooks with delivery id `id`.
async fn crm(s: &Server, id: &str, body: Value, secret: &str) -> (u16, Value) {
    let raw = body.to_string();
    let headers: Vec<(String, String)> =
        handoff_core::signing::sign(secret, id, raw.as_bytes(), chrono::Utc::now())
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    post(&client(), &s.url("/hooks/crm"), raw.into_bytes(), &headers).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_person_across_sources_and_the_crm_closes_the_loop() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(Some(&config()), &dir.path().join("data"));
    let form = send(
        &s,
        "web",
        standard::KIND,
        STD_SECRET,
        &event(Action::DemoRequest, " Ana.Lopez@Example.com", None),
        "f1",
    )
    .await;
    let cart = send(
        &s,
        "shop",
        shopify::KIND,
        "shop-secret-0123456789",
        &event(Action::CheckoutStarted, "ana.lopez@example.com", None),
        "c1",
    )
    .await;
    let chat = send(
        &s,
        "chat",
        intercom::KIND,
        "ic-secret-0123456789",
        &event(
            Action::ChatMessage,
            "ANA.LOPEZ@EXAMPLE.COM",
            Some("How much for 20 seats?"),
        ),
        "h1",
    )
    .await;
    let someone_else = send(
        &s,
        "web",
        standard::KIND,
        STD_SECRET,
        &event(Action::DemoRequest, "bo@example.com", None),
        "f2",
    )
    .await;
    let ids: Vec<String> = [&form, &cart, &chat]
        .iter()
        .map(|b| b["lead_id"].as_str().unwrap().to_string())
        .collect();
    let contact = lead(&s, &ids[0]).await["contact_id"]
        .as_str()
        .expect("a contact id")
        .to_string();
    for id in &ids {
        assert_eq!(lead(&s, id).await["contact_id"], contact.as_str());
    }
    let other = someone_else["lead_id"].as_str().unwrap();
    assert_ne!(lead(&s, other).await["contact_id"], contact.as_str());

    let (st, c) = get(
        &client(),
        &s.url(&format!("/contacts/{contact}")),
        Some(ADMIN),
    )
    .await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["email"], "ana.lopez@example.com");
    assert_eq!(c["sources"], json!(["chat", "shop", "web"]));
    let listed: Vec<&str> = c["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    let newest_first: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    assert_eq!(listed, newest_first, "{c}");
    let (st, _) = get(&client(), &s.url(&format!("/contacts/{contact}")), None).await;
    assert_eq!(st, 401, "a contact is personal data: the admin token only");
    let (st, b) = get(&client(), &s.url("/contacts/ct_nosuchcontact"), Some(ADMIN)).await;
    assert_eq!((st, b["error"].as_str()), (404, Some("not_found")), "{b}");

    // a phone without e-mail: national in the source's region = its E.164 form
    let phone_ev = |phone: &str| LeadEvent {
        contact: Contact {
            phone: Some(phone.into()),
            ..Default::default()
        },
        ..event(Action::CallRequest, "x@example.com", None)
    };
    let p1 = send(
        &s,
        "web",
        standard::KIND,
        STD_SECRET,
        &phone_ev("030 1234567"),
        "p1",
    )
    .await;
    let p2 = send(
        &s,
        "web",
        standard::KIND,
        STD_SECRET,
        &phone_ev("+49 30 1234567"),
        "p2",
    )
    .await;
    let p3 = send(
        &s,
        "web",
        standard::KIND,
        STD_SECRET,
        &phone_ev("ring me"),
        "p3",
    )
    .await;
    let (l1, l2, l3) = (
        lead(&s, p1["lead_id"].as_str().unwrap()).await,
        lead(&s, p2["lead_id"].as_str().unwrap()).await,
        lead(&s, p3["lead_id"].as_str().unwrap()).await,
    );
    assert_eq!(l1["contact_id"], l2["contact_id"], "{l1} {l2}");
    assert_eq!(l3["phone_unparsed"], true, "{l3}");
    assert_eq!(l3["contact"]["phone"], "ring me", "kept as given");
    let (_, pc) = get(
        &client(),
        &s.url(&format!("/contacts/{}", l1["contact_id"].as_str().unwrap())),
        Some(ADMIN),
    )
    .await;
    assert_eq!(pc["phone"], "+49301234567", "{pc}");

    // the CRM: by lead id
    let won = json!({"type": "lead.outcome", "lead_id": ids[0], "outcome": "won",
                     "amount": "4800.00", "currency": "EUR", "by": "crm-user-7"});
    let (st, b) = crm(&s, "evt-1", won.clone(), CRM_SECRET).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        (b["lead_id"].as_str(), b["duplicate"].as_bool()),
        (Some(ids[0].as_str()), Some(false))
    );
    // its redelivery changes nothing
    let (st, b) = crm(&s, "evt-1", won.clone(), CRM_SECRET).await;
    assert_eq!((st, b["duplicate"].as_bool()), (200, Some(true)), "{b}");
    let l = lead(&s, &ids[0]).await;
    assert_eq!(l["outcome"]["amount"], "4800.00");
    assert_eq!(l["outcome"]["via"], "crm:crm");
    let entries = l["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "outcome")
        .count();
    assert_eq!(entries, 1, "one event, one entry: {l}");
    // the same delivery id for another outcome is a conflict, not a silent drop
    let (st, b) = crm(
        &s,
        "evt-1",
        json!({"type": "lead.outcome", "lead_id": ids[0], "outcome": "lost", "reason": "price"}),
        CRM_SECRET,
    )
    .await;
    assert_eq!(
        (st, b["error"].as_str()),
        (409, Some("idempotency_conflict")),
        "{b}"
    );

    // by contact: the contact's latest lead (the chat)
    let (st, b) = crm(
        &s,
        "evt-2",
        json!({"type": "lead.outcome", "contact": {"email": "Ana.Lopez@example.com"},
               "outcome": "lost", "reason": "competitor"}),
        CRM_SECRET,
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        b["lead_id"],
        ids[2].as_str(),
        "the latest lead of the contact"
    );
    let (st, b) = crm(
        &s,
        "evt-3",
        json!({"type": "lead.outcome", "contact": {"phone": "030 1234567"}, "outcome": "accepted"}),
        CRM_SECRET,
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        b["lead_id"], l2["id"],
        "by phone, in the CRM source's region"
    );

    // refusals: 4xx (the CRM does not retry), kept in the rejected log
    for (id, body, status, code) in [
        (
            "evt-4",
            json!({"type": "lead.outcome", "lead_id": "ld_nosuchlead", "outcome": "accepted"}),
            422,
            "unknown_lead",
        ),
        (
            "evt-5",
            json!({"type": "lead.outcome", "contact": {"email": "nobody@example.com"}, "outcome": "accepted"}),
            422,
            "unknown_contact",
        ),
        (
            "evt-6",
            json!({"type": "lead.outcome", "lead_id": ids[1], "outcome": "won", "amount": "5", "currency": "QQQ"}),
            400,
            "invalid_outcome",
        ),
        (
            "evt-7",
            json!({"type": "lead.created", "lead_id": ids[1]}),
            400,
            "malformed_payload",
        ),
        (
            "evt-8",
            json!({"type": "lead.outcome", "outcome": "accepted"}),
            400,
            "malformed_payload",
        ),
    ] {
        let (st, b) = crm(&s, id, body.clone(), CRM_SECRET).await;
        assert_eq!(
            (st, b["error"].as_str()),
            (status, Some(code)),
            "{body}: {b}"
        );
    }
    let (st, b) = crm(
        &s,
        "evt-9",
        json!({"type": "lead.outcome", "lead_id": ids[1], "outcome": "accepted"}),
        "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC0wMQ==",
    )
    .await;
    assert_eq!(st, 401, "{b}");
    assert_eq!(
        lead(&s, &ids[1]).await["outcome"],
        Value::Null,
        "nothing recorded"
    );
    let (_, rej) = get(&client(), &s.url("/deliveries/rejected"), Some(ADMIN)).await;
    let errors: Vec<&str> = rej["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["source_id"] == "crm")
        .map(|r| r["error"].as_str().unwrap())
        .collect();
    for code in [
        "unknown_lead",
        "unknown_contact",
        "invalid_outcome",
        "malformed_payload",
        "idempotency_conflict",
    ] {
        assert!(errors.contains(&code), "{code} in {errors:?}");
    }
    s.stop();
}

fn team_config(recv: &Receiver) -> String {
    format!(
        r#"
[server]
api_token = "{ADMIN}"

[routing]
link_secret = "contacts-test-link-secret-0123456789"
merge_window = "2s"

[[source]]
id = "web"
provider = "standard"
business = "b2b"
channel = "web_form"
secret = "{STD_SECRET}"

[[source]]
id = "shop"
provider = "shopify"
business = "ecommerce"
channel = "cart"
secret = "shop-secret-0123456789"

[[team]]
name = "sales"
channels = ["web_form", "cart"]
[[team.notify]]
kind = "webhook"
url = "{hook}"
[[team.member]]
name = "ana"
[[team.member]]
name = "bo"
[[team.member]]
name = "cy"
"#,
        hook = recv.url("/sales")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_submit_is_one_notification_and_a_returning_contact_gets_the_same_rep() {
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(Some(&team_config(&recv)), &dir.path().join("data"));
    let ev = event(Action::DemoRequest, "dee@example.com", None);
    let first = send(&s, "web", standard::KIND, STD_SECRET, &ev, "dbl-1").await;
    // the double submit, and the same person's checkout a moment later
    let again = send(&s, "web", standard::KIND, STD_SECRET, &ev, "dbl-2").await;
    let cart = send(
        &s,
        "shop",
        shopify::KIND,
        "shop-secret-0123456789",
        &event(Action::CheckoutStarted, "dee@example.com", None),
        "dbl-3",
    )
    .await;
    // a nurture lead is never merged
    let news = send(
        &s,
        "web",
        standard::KIND,
        STD_SECRET,
        &event(Action::NewsletterSignup, "dee@example.com", None),
        "dbl-4",
    )
    .await;
    let first_id = first["lead_id"].as_str().unwrap();
    let first_lead = lead(&s, first_id).await;
    let owner = first_lead["route"]["member"].as_str().unwrap().to_string();
    for b in [&again, &cart] {
        let l = lead(&s, b["lead_id"].as_str().unwrap()).await;
        assert_eq!(l["touch_of"], first_id, "{l}");
        assert_eq!(l["stage"], "hot", "still counted as a hot enquiry: {l}");
        assert_eq!(l["route"]["member"], owner.as_str(), "the same owner: {l}");
        assert!(
            l["route"]["why"]
                .as_str()
                .unwrap()
                .starts_with("a touch of "),
            "{l}"
        );
        assert_eq!(
            l["claim"],
            Value::Null,
            "the first lead is the one to claim"
        );
        assert_eq!(
            l["notifications"],
            json!([]),
            "no notification of its own: {l}"
        );
    }
    let n = lead(&s, news["lead_id"].as_str().unwrap()).await;
    assert_eq!(n["touch_of"], Value::Null, "{n}");
    // the first lead's timeline shows its touches
    let f = lead(&s, first_id).await;
    let touches: Vec<&Value> = f["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "touch")
        .collect();
    assert_eq!(touches.len(), 2, "{f}");
    assert_eq!(f["touches"].as_array().unwrap().len(), 2, "{f}");
    // one notification for the three hot enquiries
    recv.wait_for(1, std::time::Duration::from_secs(10)).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let got: Vec<_> = recv
        .received()
        .into_iter()
        .filter(|r| r.body["lead"]["contact"]["email"] == "dee@example.com")
        .collect();
    assert_eq!(
        got.len(),
        1,
        "one ping for a double submit and a checkout: {got:?}"
    );

    // the first lead is claimed by someone the rotation did not pick
    let claimer = ["ana", "bo", "cy"]
        .into_iter()
        .find(|m| *m != owner)
        .unwrap();
    let r = client()
        .post(s.url(&format!("/leads/{first_id}/claim")))
        .bearer_auth(ADMIN)
        .json(&json!({"member": claimer}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // past the merge window: a new lead of the contact is its own, and goes to the claimer
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let back = send(
        &s,
        "web",
        standard::KIND,
        STD_SECRET,
        &event(Action::ProposalRequest, "Dee@Example.com", None),
        "dbl-5",
    )
    .await;
    let b = lead(&s, back["lead_id"].as_str().unwrap()).await;
    assert_eq!(b["touch_of"], Value::Null, "{b}");
    assert_eq!(b["route"]["member"], claimer, "{b}");
    let why = b["route"]["why"].as_str().unwrap();
    assert!(
        why.contains(&format!(
            "{claimer} again: they claimed this contact's lead {first_id}"
        )) && why.contains("no rotation turn"),
        "{why}"
    );
    // and it is notified (a lead of its own)
    let got = eventually(std::time::Duration::from_secs(10), || async {
        let v: Vec<_> = recv
            .received()
            .into_iter()
            .filter(|r| r.body["lead"]["id"] == b["id"])
            .collect();
        (!v.is_empty()).then_some(v)
    })
    .await;
    assert!(got.is_some(), "the returning contact's lead is notified");
    s.stop();
}

/// A contact turns MQL when its leads' points within the window reach the bar: its
/// stage and when it changed are on `GET /contacts/{id}`, and marketing gets `lead.mql`
/// once; a hot lead makes it sales-qualified.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_contact_turns_mql_once_and_marketing_hears_of_it() {
    use handoff_tests::load::HOOK_SECRET;
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n[qualification.b2b]\nmql_score = 50\nmql_window = \"30d\"\n\n[marketing]\nsend = [\"mql\"]\n[[marketing.notify]]\nkind = \"webhook\"\nurl = \"{}\"\nsecret = \"{HOOK_SECRET}\"\n",
        team_config(&recv),
        recv.url("/marketing")
    );
    let s = Server::start(Some(&text), &dir.path().join("data"));
    let nurture = |action, n: &str| {
        let ev = event(action, "mia@example.com", None);
        let n = n.to_string();
        let s = &s;
        async move { send(s, "web", standard::KIND, STD_SECRET, &ev, &n).await }
    };
    let first = nurture(Action::ContentDownload, "m1").await; // 30 points
    let second = nurture(Action::NewsletterSignup, "m2").await; // 20 more: 50
    nurture(Action::PageView, "m3").await; // already MQL: nothing new
    eventually(std::time::Duration::from_secs(15), || async {
        let v: Vec<Received> = recv
            .received()
            .into_iter()
            .filter(|r| r.path == "/marketing")
            .collect();
        (!v.is_empty()).then_some(v)
    })
    .await
    .expect("lead.mql");
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let got: Vec<Received> = recv
        .received()
        .into_iter()
        .filter(|r| r.path == "/marketing")
        .collect();
    assert_eq!(got.len(), 1, "once: {got:?}");
    let m = &got[0].body;
    assert_eq!(m["type"], "lead.mql", "{m}");
    assert_eq!(
        m["lead"]["id"], second["lead_id"],
        "the lead that made it: {m}"
    );
    assert!(
        m["reason"]
            .as_str()
            .unwrap()
            .starts_with("50 points within 30d"),
        "{m}"
    );
    if let Some(ok) = got[0].verified_by_standardwebhooks(HOOK_SECRET) {
        assert!(ok, "signed per Standard Webhooks");
    }
    let contact = lead(&s, first["lead_id"].as_str().unwrap()).await["contact_id"]
        .as_str()
        .unwrap()
        .to_string();
    let view = |c: String| {
        let url = s.url(&format!("/contacts/{c}"));
        async move { get(&client(), &url, Some(ADMIN)).await.1 }
    };
    let c = view(contact.clone()).await;
    assert_eq!(c["stage"], "mql", "{c}");
    let stages: Vec<&str> = c["stage_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["nurture", "mql"], "{c}");
    assert_eq!(c["stage_changes"][1]["lead_id"], second["lead_id"]);
    // a readiness action: sales-qualified
    send(
        &s,
        "web",
        standard::KIND,
        STD_SECRET,
        &event(Action::DemoRequest, "mia@example.com", None),
        "m4",
    )
    .await;
    let c = view(contact).await;
    assert_eq!(c["stage"], "hot", "{c}");
    s.stop();
}
