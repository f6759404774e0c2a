//! Claims and the SLA on the real binary and its embedded store, with real receivers on
//! 127.0.0.1: the claim link (GET never claims, the first POST wins, tampered and
//! expired links are refused), the claim API with the admin token and team keys,
//! Slack's Claim button (signature valid, tampered, stale; the message updated through
//! `response_url`), and SLA escalation (order, spacing, a claim in time, the fallback
//! team, a restart in the middle).

use std::sync::Arc;
use std::time::Duration;

use handoff_core::model::Action;
use handoff_core::providers::standard;
use handoff_tests::load::{client, STD_SECRET};
use handoff_tests::*;
use hmac::Mac;
use serde_json::{json, Value};

const ADMIN: &str = "claims-admin-token-0123456789";
const SALES_KEY: &str = "sales-team-key-0123456789";
const CHAT_KEY: &str = "chat-team-key-0123456789";
const SLACK_SECRET: &str = "slack-signing-secret-0123456789";

fn config(recv: &Receiver) -> String {
    format!(
        r#"
[server]
api_token = "{ADMIN}"

[routing]
link_secret = "claims-test-link-secret-0123456789"
claim_link_ttl = "1h"

[slack]
signing_secret = "{SLACK_SECRET}"

[[source]]
id = "b2b"
provider = "standard"
business = "b2b"
channel = "web_form"
secret = "{STD_SECRET}"

[[team]]
name = "sales"
channels = ["web_form"]
api_key = "{SALES_KEY}"
[[team.notify]]
kind = "webhook"
url = "{hook}"
[[team.notify]]
kind = "slack"
url = "{slack}"
claim_button = "action"
[[team.member]]
name = "ana"
slack = "U0000ANA1"
[[team.member]]
name = "bo"
slack = "U00000BO1"
[[team.member]]
name = "cy"
slack = "U00000CY1"

[[team]]
name = "chat"
channels = ["live_chat"]
api_key = "{CHAT_KEY}"
[[team.notify]]
kind = "console"
[[team.member]]
name = "dee"
"#,
        hook = recv.url("/sales"),
        slack = recv.url("/slack"),
    )
}

/// Posts one hot lead; its id.
async fn hot_lead(s: &Server, n: &str) -> String {
    let ev = event(Action::DemoRequest, &format!("{n}@example.com"), None);
    let (body, headers) = signed(standard::KIND, STD_SECRET, &ev, n);
    let (st, b) = post(&client(), &s.url("/hooks/b2b"), body, &headers).await;
    assert_eq!(st, 202, "{b}");
    b["lead_id"].as_str().unwrap().to_string()
}

/// What `recv` got at `path` for lead `id`.
fn got(recv: &Receiver, path: &str, id: &str) -> Vec<Value> {
    recv.received()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| r.body)
        .filter(|b| b["lead"]["id"] == id || b["text"].as_str().is_some_and(|t| t.contains(id)))
        .collect()
}

/// The webhook notification of lead `id` (waits for it).
async fn webhook_of(recv: &Receiver, path: &str, id: &str, n: usize) -> Vec<Value> {
    eventually(Duration::from_secs(20), || async {
        let v = got(recv, path, id);
        (v.len() >= n).then_some(v)
    })
    .await
    .unwrap_or_else(|| {
        panic!(
            "no {n} notification(s) of {id} at {path}: {:?}",
            recv.received()
        )
    })
}

async fn lead(s: &Server, id: &str) -> Value {
    let (st, l) = get(&client(), &s.url(&format!("/leads/{id}")), Some(ADMIN)).await;
    assert_eq!(st, 200, "{l}");
    l
}

async fn page(c: &reqwest::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn submit(c: &reqwest::Client, url: &str, member: &str) -> (u16, String) {
    let r = c
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("member={member}"))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn events(l: &Value) -> Vec<String> {
    l["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_racing_claims_make_one_owner_and_get_never_claims() {
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(Some(&config(&recv)), &dir.path().join("data"));
    let id = hot_lead(&s, "race").await;
    let hook = webhook_of(&recv, "/sales", &id, 1).await;
    let link = hook[0]["claim_url"]
        .as_str()
        .expect("claim_url")
        .to_string();
    assert!(link.starts_with(&s.url("/claim/")), "{link}");
    let assigned = hook[0]["lead"]["route"]["member"]
        .as_str()
        .unwrap()
        .to_string();

    // previews (chat unfurlers, mail scanners) fetch the link: nothing is claimed
    let c = client();
    for _ in 0..3 {
        let (st, html) = page(&c, &link).await;
        assert_eq!(st, 200, "{html}");
        assert!(html.contains("<form method=\"post\""), "{html}");
        assert!(
            html.contains(&format!("<option value=\"{assigned}\" selected>")),
            "the assigned rep is pre-selected: {html}"
        );
        assert!(html.contains("demo_request"), "{html}");
    }
    let l = lead(&s, &id).await;
    assert_eq!(l["claim"]["state"], "unclaimed", "{l}");
    assert_eq!(l["claim"]["by"], Value::Null);

    // twenty claims at once, from all three reps
    let reps = ["ana", "bo", "cy"];
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (c, link) = (c.clone(), link.clone());
            let who = reps[i % 3];
            tokio::spawn(async move { (who, submit(&c, &link, who).await) })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let winners: Vec<&str> = results
        .iter()
        .filter(|(_, (st, _))| *st == 200)
        .map(|(who, _)| *who)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one claim wins: {results:?}");
    let winner = winners[0];
    for (who, (st, html)) in &results {
        if *st == 200 {
            assert!(html.contains(&format!("It is yours, {who}")), "{html}");
            continue;
        }
        assert_eq!(*st, 409, "{who}: {html}");
        assert!(
            html.contains("Already claimed")
                && html.contains(&format!("{winner} claimed this lead at ")),
            "a loser's page names who has it: {html}"
        );
    }

    let l = lead(&s, &id).await;
    assert_eq!(l["claim"]["state"], "claimed", "{l}");
    assert_eq!(l["claim"]["by"], winner);
    assert!(l["claim"]["at"].is_string());
    assert!(l["claim"]["seconds_to_claim"].as_i64().unwrap() >= 0);
    let ev = events(&l);
    for want in ["received", "routed", "notified", "claimed"] {
        assert!(ev.contains(&want.to_string()), "{want} in {ev:?}");
    }
    assert_eq!(ev.iter().filter(|e| *e == "claimed").count(), 1, "{ev:?}");
    let claimed = l["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "claimed")
        .unwrap();
    assert!(
        claimed["detail"]
            .as_str()
            .unwrap()
            .starts_with(&format!("by sales/{winner}, ")),
        "{claimed}"
    );
    // the link now says who has it, and offers no Claim button (only the outcome form)
    let (st, html) = page(&c, &link).await;
    assert_eq!(st, 200);
    assert!(
        html.contains(&format!("Claimed by {winner}"))
            && !html.contains("<form method=\"post\"><p><label for=\"member\">")
            && !html.contains(">Claim</button>")
            && html.contains("Save outcome"),
        "{html}"
    );

    // what is waiting: nothing of sales now; the claimed one is listed as claimed
    let (st, list) = get(&c, &s.url("/leads?claim=unclaimed&team=sales"), Some(ADMIN)).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["leads"].as_array().unwrap().len(), 0, "{list}");
    let (_, list) = get(&c, &s.url("/leads?claim=claimed&team=sales"), Some(ADMIN)).await;
    assert_eq!(list["leads"][0]["id"], id.as_str(), "{list}");
    let (st, e) = get(&c, &s.url("/leads?claim=maybe"), Some(ADMIN)).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("bad_request")), "{e}");
    let (st, e) = get(&c, &s.url("/leads?team=nobody"), Some(ADMIN)).await;
    assert_eq!(st, 400, "{e}");
    s.stop();
}

/// The link with one character in the middle of its signature changed.
fn tampered(link: &str) -> String {
    let mut chars: Vec<char> = link.chars().collect();
    let i = chars.len() - 10;
    chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_and_expired_links_are_refused_with_a_page() {
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Server::start(Some(&config(&recv)), &data);
    let id = hot_lead(&s, "tamper").await;
    let link = webhook_of(&recv, "/sales", &id, 1).await[0]["claim_url"]
        .as_str()
        .unwrap()
        .to_string();
    let c = client();
    let (token_payload, _) = link.rsplit_once('/').unwrap().1.split_once('.').unwrap();
    let other_lead = hot_lead(&s, "tamper-2").await;
    let other_link = webhook_of(&recv, "/sales", &other_lead, 1).await[0]["claim_url"]
        .as_str()
        .unwrap()
        .to_string();
    // a valid signature moved onto another payload, a changed signature, junk
    let (_, other_mac) = other_link.rsplit_once('.').unwrap();
    let swapped = s.url(&format!("/claim/{token_payload}.{other_mac}"));
    for bad in [tampered(&link), swapped, s.url("/claim/not-a-token")] {
        let (st, html) = page(&c, &bad).await;
        assert_eq!(st, 403, "{bad}: {html}");
        assert!(
            html.starts_with("<!doctype html>") && html.contains("does not work"),
            "{html}"
        );
        let (st, html) = submit(&c, &bad, "ana").await;
        assert_eq!(st, 403, "{html}");
    }
    // a name that is not a member: 400, nothing claimed
    let (st, html) = submit(&c, &link, "mallory").await;
    assert_eq!(st, 400, "{html}");
    assert!(html.contains("not a member of sales"), "{html}");
    assert_eq!(lead(&s, &id).await["claim"]["state"], "unclaimed");
    let (st, html) = submit(&c, &link, "").await;
    assert_eq!(st, 400, "{html}");
    s.stop();

    // the same link two hours later (claim_link_ttl = 1h): expired
    let later = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let s = Server::start_with(
        Some(&config(&recv)),
        &data,
        &[("HANDOFF_TEST_CLOCK", &later)],
    );
    if !s.stderr.lock().unwrap().contains("TEST CLOCK") {
        assert!(
            std::env::var("HANDOFF_REQUIRE_TEST_CLOCK").is_err(),
            "HANDOFF_REQUIRE_TEST_CLOCK is set but the binary has no test-clock feature"
        );
        eprintln!("NOTICE: expired-link test SKIPPED: build handoff with --features test-clock");
        s.stop();
        return;
    }
    let link = link.replacen(link.split("/claim/").next().unwrap(), &s.base, 1);
    let (st, html) = page(&c, &link).await;
    assert_eq!(st, 403, "{html}");
    assert!(html.contains("expired"), "{html}");
    let (st, html) = submit(&c, &link, "ana").await;
    assert_eq!(st, 403, "{html}");
    assert_eq!(lead(&s, &id).await["claim"]["state"], "unclaimed");
    s.stop();
}

async fn claim_api(s: &Server, id: &str, key: Option<&str>, body: &str) -> (u16, Value) {
    let mut req = client()
        .post(s.url(&format!("/leads/{id}/claim")))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_claim_api_takes_the_admin_token_or_the_owner_teams_key() {
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(Some(&config(&recv)), &dir.path().join("data"));
    let id = hot_lead(&s, "api-1").await;
    let ana = r#"{"member": "ana"}"#;

    let (st, e) = claim_api(&s, &id, None, ana).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (401, Some("unauthorized")),
        "{e}"
    );
    let (st, e) = claim_api(&s, &id, Some("not-a-key-at-all-000"), ana).await;
    assert_eq!(st, 401, "{e}");
    let (st, e) = claim_api(&s, &id, Some(CHAT_KEY), ana).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (403, Some("forbidden")),
        "another team's key: {e}"
    );
    let (st, e) = claim_api(&s, &id, Some(SALES_KEY), r#"{"member": "zed"}"#).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (400, Some("unknown_member")),
        "{e}"
    );
    let (st, e) = claim_api(&s, &id, Some(SALES_KEY), "not json").await;
    assert_eq!(st, 400, "{e}");
    let (st, e) = claim_api(&s, &id, Some(SALES_KEY), "{}").await;
    assert_eq!(st, 400, "{e}");
    let (st, e) = claim_api(&s, "ld_nope", Some(ADMIN), ana).await;
    assert_eq!(st, 404, "{e}");
    assert_eq!(lead(&s, &id).await["claim"]["state"], "unclaimed");

    let (st, b) = claim_api(&s, &id, Some(SALES_KEY), ana).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        (b["id"].as_str(), &b["claim"]["by"]),
        (Some(id.as_str()), &json!("ana"))
    );
    assert_eq!(b["claim"]["state"], "claimed");
    // the admin token, too late: 409 with who and since when
    let (st, e) = claim_api(&s, &id, Some(ADMIN), r#"{"member": "bo"}"#).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (409, Some("already_claimed")),
        "{e}"
    );
    assert_eq!(e["by"], "ana");
    assert_eq!(e["at"], b["claim"]["at"]);
    assert!(
        e["detail"]
            .as_str()
            .unwrap()
            .starts_with("ana claimed this lead at "),
        "{e}"
    );

    // the admin token claims for the owner team
    let id2 = hot_lead(&s, "api-2").await;
    let (st, b) = claim_api(&s, &id2, Some(ADMIN), r#"{"member": "cy"}"#).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["claim"]["by"], "cy");
    // a team key reads nothing else
    let (st, _) = get(&client(), &s.url("/leads"), Some(SALES_KEY)).await;
    assert_eq!(st, 401);
    s.stop();
}

/// `payload=<urlencoded JSON>`, as Slack posts an interaction.
fn slack_body(user: &str, token: &str, response_url: &str) -> String {
    let payload = json!({
        "type": "block_actions",
        "user": {"id": user, "username": user.to_lowercase()},
        "actions": [{"action_id": "claim", "block_id": "b", "type": "button", "value": token}],
        "response_url": response_url,
    })
    .to_string();
    let enc: String = payload
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("payload={enc}")
}

/// Slack's signature per its documentation: `v0=` hex HMAC-SHA256 of `v0:{ts}:{body}`.
fn slack_sign(body: &str, ts: i64) -> String {
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(SLACK_SECRET.as_bytes()).unwrap();
    m.update(format!("v0:{ts}:{body}").as_bytes());
    let hex: String = m
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("v0={hex}")
}

async fn slack_post(s: &Server, body: &str, ts: i64, sig: &str) -> (u16, Value) {
    let r = client()
        .post(s.url("/slack/actions"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", sig)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread")]
async fn slacks_claim_button_is_verified_and_updates_the_message() {
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(Some(&config(&recv)), &dir.path().join("data"));
    let id = hot_lead(&s, "slack-1").await;
    // the Slack message carries the Claim action with the token as its value
    let msg = eventually(Duration::from_secs(20), || async {
        recv.received()
            .into_iter()
            .find(|r| r.path == "/slack")
            .map(|r| r.body)
    })
    .await
    .expect("a Slack message");
    let buttons: Vec<Value> = msg["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["elements"].as_array())
        .flatten()
        .cloned()
        .collect();
    let claim = buttons
        .iter()
        .find(|b| b["action_id"] == "claim")
        .unwrap_or_else(|| panic!("a claim action: {msg}"));
    assert_eq!(claim["type"], "button");
    assert!(claim.get("url").is_none(), "an action, not a link: {claim}");
    let token = claim["value"].as_str().unwrap().to_string();

    let now = chrono::Utc::now().timestamp();
    let reply1 = recv.url("/actions/T0/1/reply1");
    let body = slack_body("U00000BO1", &token, &reply1);

    // tampered: signed, then the clicking user changed
    let forged = slack_body("U0000ANA1", &token, &reply1);
    let (st, e) = slack_post(&s, &forged, now, &slack_sign(&body, now)).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (401, Some("invalid_signature")),
        "{e}"
    );
    // stale: a correct signature of a request ten minutes old (a replay)
    let old = now - 600;
    let (st, e) = slack_post(&s, &body, old, &slack_sign(&body, old)).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (401, Some("invalid_signature")),
        "{e}"
    );
    assert!(e["detail"].as_str().unwrap().contains("300 s"), "{e}");
    // no signature at all
    let (st, _) = slack_post(&s, &body, now, "").await;
    assert_eq!(st, 401);
    // a signed click by someone who is no member
    let stranger = slack_body("U0000EVE1", &token, &reply1);
    let (st, e) = slack_post(&s, &stranger, now, &slack_sign(&stranger, now)).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (403, Some("unknown_member")),
        "{e}"
    );
    // a signed click with a tampered token
    let bad = slack_body("U00000BO1", &format!("{token}x"), &reply1);
    let (st, e) = slack_post(&s, &bad, now, &slack_sign(&bad, now)).await;
    assert_eq!(st, 403, "{e}");
    assert_eq!(lead(&s, &id).await["claim"]["state"], "unclaimed");

    // valid: bo claims, and the message is replaced through response_url
    let (st, b) = slack_post(&s, &body, now, &slack_sign(&body, now)).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        (b["claimed"].as_bool(), b["by"].as_str()),
        (Some(true), Some("bo")),
        "{b}"
    );
    let l = lead(&s, &id).await;
    assert_eq!(
        (l["claim"]["state"].as_str(), l["claim"]["by"].as_str()),
        (Some("claimed"), Some("bo"))
    );
    let update = eventually(Duration::from_secs(20), || async {
        recv.received()
            .into_iter()
            .find(|r| r.path == "/actions/T0/1/reply1")
            .map(|r| r.body)
    })
    .await
    .expect("the message updated through response_url");
    assert_eq!(update["replace_original"], true, "{update}");
    assert!(
        update["text"].as_str().unwrap().contains("claimed by bo"),
        "{update}"
    );

    // ana clicks the same message later: 200 for Slack, nothing changes, the message
    // says who has it
    let reply2 = recv.url("/actions/T0/2/reply2");
    let late = slack_body("U0000ANA1", &token, &reply2);
    let (st, b) = slack_post(&s, &late, now, &slack_sign(&late, now)).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        (b["claimed"].as_bool(), b["by"].as_str()),
        (Some(false), Some("bo")),
        "{b}"
    );
    let update = eventually(Duration::from_secs(20), || async {
        recv.received()
            .into_iter()
            .find(|r| r.path == "/actions/T0/2/reply2")
            .map(|r| r.body)
    })
    .await
    .expect("the second click's message update");
    assert!(
        update["text"].as_str().unwrap().contains("claimed by bo"),
        "{update}"
    );
    assert_eq!(lead(&s, &id).await["claim"]["by"], "bo");
    s.stop();
}

fn sla_config(recv: &Receiver) -> String {
    format!(
        r#"
[server]
api_token = "{ADMIN}"

[routing]
link_secret = "claims-test-link-secret-0123456789"

[[source]]
id = "b2b"
provider = "standard"
business = "b2b"
channel = "web_form"
secret = "{STD_SECRET}"

[[team]]
name = "sales"
channels = ["web_form"]
sla = "2s"
max_escalations = 2
fallback = "desk"
[[team.notify]]
kind = "webhook"
url = "{sales}"
[[team.member]]
name = "ana"
[[team.member]]
name = "bo"
[[team.member]]
name = "cy"

[[team]]
name = "desk"
channels = ["phone"]
[[team.notify]]
kind = "webhook"
url = "{desk}"
[[team.member]]
name = "dee"
"#,
        sales = recv.url("/sales"),
        desk = recv.url("/desk"),
    )
}

fn at(e: &Value) -> chrono::DateTime<chrono::Utc> {
    e["at"].as_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unclaimed_lead_moves_rep_by_rep_every_sla_then_to_the_fallback_team() {
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(Server::start(
        Some(&sla_config(&recv)),
        &dir.path().join("data"),
    ));
    let id = hot_lead(&s, "sla-1").await;
    // claimed at once by its rep: its SLA job finishes without sending anything
    let kept = hot_lead(&s, "sla-2").await;
    let (st, b) = claim_api(&s, &kept, Some(ADMIN), r#"{"member": "ana"}"#).await;
    assert_eq!(st, 200, "{b}");

    let first = webhook_of(&recv, "/sales", &id, 1).await;
    assert_eq!(first[0]["type"], "lead.hot");
    let start = first[0]["lead"]["route"]["member"]
        .as_str()
        .unwrap()
        .to_string();
    // the documented order: in file order after the current rep, wrapping
    let order = ["ana", "bo", "cy"];
    let i = order.iter().position(|m| *m == start).unwrap();
    let (second, third) = (order[(i + 1) % 3], order[(i + 2) % 3]);

    let desk = eventually(Duration::from_secs(40), || async {
        got(&recv, "/desk", &id).into_iter().next()
    })
    .await
    .unwrap_or_else(|| panic!("the fallback team was never told: {:?}", recv.received()));
    let sales = got(&recv, "/sales", &id);
    assert_eq!(
        sales.len(),
        3,
        "first notice and two escalations: {sales:?}"
    );
    for (n, who, step) in [(1, second, 1), (2, third, 2)] {
        let m = &sales[n];
        assert_eq!(m["type"], "lead.escalated", "{m}");
        assert_eq!(
            m["lead"]["route"]["member"], who,
            "step {step} goes to {who}: {m}"
        );
        let note = m["escalation"].as_str().unwrap();
        let prev = if n == 1 { start.as_str() } else { second };
        assert!(
            note.starts_with(&format!(
                "SLA step {step} of 2: {prev} had it unclaimed for "
            )) && note.ends_with(&format!("re-assigned to {who}")),
            "{note}"
        );
        assert!(
            m["claim_url"].is_string(),
            "an escalated notice can be claimed: {m}"
        );
    }
    assert_eq!(desk["type"], "lead.escalated");
    assert_eq!(desk["lead"]["route"]["team"], "desk");
    assert_eq!(desk["lead"]["route"]["member"], "dee");
    assert_eq!(desk["lead"]["route"]["fallback_from"], "sales");
    assert!(
        desk["escalation"]
            .as_str()
            .unwrap()
            .starts_with("SLA missed in sales: "),
        "{desk}"
    );

    let l = lead(&s, &id).await;
    assert_eq!(l["claim"]["state"], "unclaimed");
    assert_eq!(l["claim"]["escalations"], 3);
    assert_eq!(
        l["claim"]["had"],
        json!([
            format!("sales/{start}"),
            format!("sales/{second}"),
            format!("sales/{third}")
        ])
    );
    // each step a full sla after the one before (the stored timeline's own times)
    let tl = l["timeline"].as_array().unwrap();
    let routed = tl.iter().find(|e| e["event"] == "routed").unwrap();
    let steps: Vec<&Value> = tl.iter().filter(|e| e["event"] == "escalated").collect();
    assert_eq!(steps.len(), 3, "{tl:?}");
    let mut prev = at(routed);
    for e in &steps {
        let gap = at(e) - prev;
        assert!(
            gap >= chrono::Duration::seconds(2),
            "{gap} between steps: {tl:?}"
        );
        prev = at(e);
    }
    assert!(events(&l).contains(&"notified".to_string()));
    // the lead now waits in the fallback team; the claimed one in none
    let (_, list) = get(
        &client(),
        &s.url("/leads?claim=unclaimed&team=desk"),
        Some(ADMIN),
    )
    .await;
    assert_eq!(list["leads"][0]["id"], id.as_str(), "{list}");

    // the lead claimed in time: no escalation, its SLA job done
    let k = lead(&s, &kept).await;
    assert!(!events(&k).contains(&"escalated".to_string()), "{k}");
    let jobs = k["notifications"].as_array().unwrap();
    let sla = jobs
        .iter()
        .find(|j| j["kind"] == "escalate")
        .expect("its SLA job");
    assert_eq!(sla["state"], "sent", "{sla}");
    assert_eq!(
        got(&recv, "/sales", &kept).len(),
        1,
        "only the first notice"
    );
    assert!(got(&recv, "/desk", &kept).is_empty());
    // a rep it left can still take it, and then it is the fallback's no more
    let (st, b) = claim_api(&s, &id, Some(ADMIN), r#"{"member": "dee"}"#).await;
    assert_eq!(st, 200, "{b}");
    match Arc::try_unwrap(s) {
        Ok(s) => s.stop(),
        Err(_) => panic!("server still shared"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_in_the_middle_keeps_the_due_sla_step() {
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Server::start(Some(&sla_config(&recv)), &data);
    let id = hot_lead(&s, "sla-restart").await;
    // killed before the step is due (sla = 2s)
    s.kill();
    let s = Server::start(Some(&sla_config(&recv)), &data);
    let sales = eventually(Duration::from_secs(30), || async {
        let v = got(&recv, "/sales", &id);
        v.iter().any(|m| m["type"] == "lead.escalated").then_some(v)
    })
    .await
    .unwrap_or_else(|| {
        panic!(
            "the SLA step did not survive the restart: {:?}",
            recv.received()
        )
    });
    let esc: Vec<&Value> = sales
        .iter()
        .filter(|m| m["type"] == "lead.escalated")
        .collect();
    assert_eq!(esc.len(), 1, "one step so far: {sales:?}");
    let l = lead(&s, &id).await;
    assert!(l["claim"]["escalations"].as_u64().unwrap() >= 1, "{l}");
    assert!(events(&l).contains(&"escalated".to_string()), "{l}");
    s.stop();
}
