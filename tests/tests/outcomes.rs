//! Outcomes on the real binary and its embedded store: `POST /leads/{id}/outcome` with
//! its checks (reasons from `[outcomes]`, which replaces the defaults; amounts as decimal
//! strings; ISO 4217) and permissions (admin, the owner team's key, another team's key,
//! no key), the claim page's outcome form, `handoff lead outcome`, the `outcome=` filter,
//! and every outcome kept on the timeline across a restart.

use std::process::Command;
use std::time::Duration;

use handoff_core::model::Action;
use handoff_core::providers::standard;
use handoff_tests::load::{client, STD_SECRET};
use handoff_tests::*;
use serde_json::{json, Value};

const ADMIN: &str = "outcomes-admin-token-0123456789";
const SALES_KEY: &str = "outcomes-sales-key-0123456789";
const CHAT_KEY: &str = "outcomes-chat-key-0123456789";

fn config(recv: &Receiver) -> String {
    format!(
        r#"
[server]
api_token = "{ADMIN}"

[routing]
link_secret = "outcomes-test-link-secret-0123456789"

[outcomes]
lost_reasons = ["price", "budget_cut"]

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
[[team.member]]
name = "ana"
[[team.member]]
name = "bo"

[[team]]
name = "chat"
channels = ["live_chat"]
api_key = "{CHAT_KEY}"
[[team.notify]]
kind = "console"
"#,
        hook = recv.url("/sales"),
    )
}

async fn hot_lead(s: &Server, n: &str) -> String {
    let ev = event(Action::DemoRequest, &format!("{n}@example.com"), None);
    let (body, headers) = signed(standard::KIND, STD_SECRET, &ev, n);
    let (st, b) = post(&client(), &s.url("/hooks/b2b"), body, &headers).await;
    assert_eq!(st, 202, "{b}");
    b["lead_id"].as_str().unwrap().to_string()
}

async fn outcome(s: &Server, id: &str, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = client()
        .post(s.url(&format!("/leads/{id}/outcome")))
        .json(&body);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let r = req.send().await.unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn lead(s: &Server, id: &str) -> Value {
    let (st, l) = get(&client(), &s.url(&format!("/leads/{id}")), Some(ADMIN)).await;
    assert_eq!(st, 200, "{l}");
    l
}

fn outcome_entries(l: &Value) -> Vec<String> {
    l["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "outcome")
        .map(|e| e["detail"].as_str().unwrap().to_string())
        .collect()
}

async fn listed(s: &Server, q: &str) -> (u16, Vec<String>) {
    let (st, v) = get(&client(), &s.url(&format!("/leads?{q}")), Some(ADMIN)).await;
    let ids = v["leads"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|l| l["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    (st, ids)
}

fn handoff(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(handoff_bin()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn outcomes_are_checked_permitted_kept_and_listed() {
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let text = config(&recv);
    let s = Server::start(Some(&text), &data);
    let id = hot_lead(&s, "oc-a").await;
    let other = hot_lead(&s, "oc-b").await;

    // who may report
    let accepted = json!({"outcome": "accepted"});
    let (st, b) = outcome(&s, &id, None, accepted.clone()).await;
    assert_eq!(
        (st, b["error"].as_str()),
        (401, Some("unauthorized")),
        "{b}"
    );
    let (st, b) = outcome(&s, &id, Some(CHAT_KEY), accepted.clone()).await;
    assert_eq!(st, 403, "another team's key: {b}");
    assert!(b["detail"].as_str().unwrap().contains("sales owns"), "{b}");
    let (st, b) = outcome(&s, "ld_nosuchlead", Some(ADMIN), accepted.clone()).await;
    assert_eq!((st, b["error"].as_str()), (404, Some("not_found")), "{b}");
    let (st, b) = outcome(&s, &id, Some(SALES_KEY), accepted.clone()).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["outcome"]["state"], "accepted");
    assert_eq!(
        b["outcome"]["by"], "sales",
        "the team of the key, by default"
    );

    // what is checked: each problem named, nothing recorded
    for (body, wants) in [
        (
            json!({"outcome": "won", "amount": 1200, "currency": "QQQ"}),
            vec!["decimal string", "\"QQQ\" is not an ISO 4217 code"],
        ),
        (
            json!({"outcome": "won"}),
            vec!["needs amount", "needs currency"],
        ),
        (
            json!({"outcome": "won", "amount": "1.200,00", "currency": "EUR"}),
            vec!["decimal string"],
        ),
        (
            json!({"outcome": "rejected"}),
            vec!["needs a reason", "not_a_buyer"],
        ),
        // [outcomes] lost_reasons replaced the defaults: "competitor" is not one now
        (
            json!({"outcome": "lost", "reason": "competitor"}),
            vec!["\"competitor\" is not a lost reason", "price, budget_cut"],
        ),
        (json!({"outcome": "maybe"}), vec!["unknown outcome"]),
        (
            json!({"outcome": "won", "amout": "5"}),
            vec!["unknown field"],
        ),
    ] {
        let (st, b) = outcome(&s, &id, Some(ADMIN), body.clone()).await;
        assert_eq!(st, 400, "{body}: {b}");
        assert_eq!(b["error"], "invalid_outcome", "{b}");
        for w in wants {
            assert!(b["detail"].as_str().unwrap().contains(w), "{w} in {b}");
        }
    }
    let r = client()
        .post(s.url(&format!("/leads/{id}/outcome")))
        .bearer_auth(ADMIN)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);

    let (st, b) = outcome(
        &s,
        &id,
        Some(ADMIN),
        json!({"outcome": "lost", "reason": "budget_cut", "by": "ana", "note": "next year"}),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let (st, b) = outcome(
        &s,
        &id,
        Some(SALES_KEY),
        json!({"outcome": "won", "amount": "12345678901234.56", "currency": "eur", "by": "ana"}),
    )
    .await;
    assert_eq!(st, 200, "{b}");

    // the latest outcome is the lead's, exactly as given; every one is on the timeline
    let l = lead(&s, &id).await;
    let o = &l["outcome"];
    assert_eq!(o["state"], "won", "{l}");
    assert_eq!(
        o["amount"], "12345678901234.56",
        "a decimal string, not a float"
    );
    assert_eq!(o["currency"], "EUR");
    assert_eq!(o["by"], "ana");
    assert_eq!(o["via"], "api");
    assert!(o["at"].is_string());
    assert_eq!(
        outcome_entries(&l),
        [
            "accepted by sales (api)",
            "lost: budget_cut by ana (api)",
            "won 12345678901234.56 EUR by ana (api)"
        ]
    );

    // the command line, against the running server
    let url = s.url("");
    let (code, out, err) = handoff(&[
        "lead",
        "outcome",
        &other,
        "rejected",
        "--reason",
        "no_budget",
        "--url",
        &url,
        "--token",
        ADMIN,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with(&format!("{other}\trejected\treason=no_budget\tby=admin")),
        "{out}"
    );
    let (code, out, err) = handoff(&[
        "lead",
        "outcome",
        &other,
        "won",
        "--amount",
        "99.90",
        "--currency",
        "QQQ",
        "--url",
        &url,
        "--token",
        ADMIN,
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("400 Bad Request invalid_outcome") && err.contains("ISO 4217"),
        "{err}"
    );
    let (code, _, err) = handoff(&[
        "lead", "outcome", &other, "accepted", "--url", &url, "--token", CHAT_KEY,
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("403"), "{err}");

    // the list by latest outcome
    assert_eq!(listed(&s, "outcome=won").await, (200, vec![id.clone()]));
    assert_eq!(
        listed(&s, "outcome=rejected").await,
        (200, vec![other.clone()])
    );
    assert_eq!(listed(&s, "outcome=lost").await, (200, vec![]));
    let (st, _) = listed(&s, "outcome=bogus").await;
    assert_eq!(st, 400);

    // kept across a restart on the same data
    s.stop();
    let s = Server::start(Some(&text), &data);
    let l = lead(&s, &id).await;
    assert_eq!(l["outcome"]["amount"], "12345678901234.56");
    assert_eq!(outcome_entries(&l).len(), 3, "{l}");
    assert_eq!(lead(&s, &other).await["outcome"]["reason"], "no_budget");
    s.stop();
}

async fn form(c: &reqwest::Client, url: &str, body: &str) -> (u16, String) {
    let r = c
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_claim_page_reports_the_outcome_after_the_claim() {
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(Some(&config(&recv)), &dir.path().join("data"));
    let id = hot_lead(&s, "page").await;
    let hook = eventually(Duration::from_secs(20), || async {
        recv.received()
            .into_iter()
            .find(|r| r.path == "/sales" && r.body["lead"]["id"] == id.as_str())
    })
    .await
    .expect("the webhook notification");
    let link = hook.body["claim_url"].as_str().unwrap().to_string();
    let c = client();

    // before the claim: no outcome form, and a posted outcome is refused
    let page = c.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Save outcome"), "{page}");
    let (st, html) = form(&c, &format!("{link}/outcome"), "outcome=accepted").await;
    assert_eq!(st, 409, "{html}");
    assert!(
        html.contains("Not claimed yet") && html.contains("<!doctype html>"),
        "{html}"
    );

    let (st, html) = form(&c, &link, "member=bo").await;
    assert_eq!(st, 200, "{html}");
    assert!(
        html.contains("Save outcome"),
        "the outcome form follows the claim: {html}"
    );
    for want in [
        "<option value=\"won\">",
        "<optgroup label=\"rejected\">",
        "<option value=\"not_a_buyer\">",
        "<optgroup label=\"lost\">",
        "<option value=\"budget_cut\">",
    ] {
        assert!(html.contains(want), "{want} in {html}");
    }

    // a bad amount: a page saying why, nothing recorded
    let (st, html) = form(
        &c,
        &format!("{link}/outcome"),
        "outcome=won&amount=12%2C5&currency=EUR",
    )
    .await;
    assert_eq!(st, 400, "{html}");
    assert!(
        html.contains("Please check the form") && html.contains("decimal string"),
        "{html}"
    );
    assert_eq!(lead(&s, &id).await["outcome"], Value::Null);

    let (st, html) = form(
        &c,
        &format!("{link}/outcome"),
        "outcome=won&reason=&amount=480.00&currency=GBP&note=signed+today",
    )
    .await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("won 480.00 GBP by bo (claim_page)"), "{html}");
    let l = lead(&s, &id).await;
    assert_eq!(l["outcome"]["by"], "bo", "the rep who claimed it: {l}");
    assert_eq!(l["outcome"]["via"], "claim_page");
    assert_eq!(l["outcome"]["note"], "signed today");
    // the link page shows it from now on
    let page = c.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Outcome so far: <strong>won 480.00 GBP by bo"),
        "{page}"
    );

    // a changed token is refused
    let (st, _) = form(&c, &format!("{link}x/outcome"), "outcome=accepted").await;
    assert_eq!(st, 403);
    s.stop();
}

/// The hand-back to marketing: nurture leads at once, rejected and lost ones when sales
/// says so (with the reason), each signed as Standard Webhooks and checked with the
/// reference library; won and accepted leads stay with sales.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leads_not_for_sales_go_back_to_marketing_signed() {
    use handoff_tests::load::HOOK_SECRET;
    let recv = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n[marketing]\nsend = [\"nurture\", \"rejected\", \"lost\"]\n[[marketing.notify]]\nkind = \"webhook\"\nurl = \"{}\"\nsecret = \"{HOOK_SECRET}\"\n",
        config(&recv),
        recv.url("/marketing")
    );
    let s = Server::start(Some(&text), &dir.path().join("data"));
    let ev = event(Action::NewsletterSignup, "reader@example.com", None);
    let (body, headers) = signed(standard::KIND, STD_SECRET, &ev, "news-1");
    let (st, b) = post(&client(), &s.url("/hooks/b2b"), body, &headers).await;
    assert_eq!((st, b["stage"].as_str()), (202, Some("nurture")), "{b}");
    let nurture_id = b["lead_id"].as_str().unwrap().to_string();
    let rejected = hot_lead(&s, "hb-rejected").await;
    let lost = hot_lead(&s, "hb-lost").await;
    let won = hot_lead(&s, "hb-won").await;
    for (id, body) in [
        (
            &rejected,
            json!({"outcome": "rejected", "reason": "no_budget"}),
        ),
        (&lost, json!({"outcome": "lost", "reason": "budget_cut"})),
        (
            &won,
            json!({"outcome": "won", "amount": "10", "currency": "EUR"}),
        ),
    ] {
        let (st, b) = outcome(&s, id, Some(ADMIN), body).await;
        assert_eq!(st, 200, "{b}");
    }
    eventually(Duration::from_secs(20), || async {
        let v: Vec<Received> = recv
            .received()
            .into_iter()
            .filter(|r| r.path == "/marketing")
            .collect();
        (v.len() >= 3).then_some(v)
    })
    .await
    .unwrap_or_else(|| panic!("three hand-backs: {:?}", recv.received()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got: Vec<Received> = recv
        .received()
        .into_iter()
        .filter(|r| r.path == "/marketing")
        .collect();
    assert_eq!(got.len(), 3, "won leads stay with sales: {got:?}");
    let by_type = |t: &str| {
        got.iter()
            .find(|r| r.body["type"] == t)
            .unwrap_or_else(|| panic!("no {t}: {got:?}"))
    };
    let n = by_type("lead.nurture");
    assert_eq!(n.body["lead"]["id"], nurture_id.as_str());
    assert_eq!(n.body["contact"]["email"], "reader@example.com");
    assert!(n.body["contact"]["id"].as_str().unwrap().starts_with("ct_"));
    assert!(n.body["reason"].as_str().is_some(), "{}", n.body);
    let r = by_type("lead.rejected");
    assert_eq!(
        (r.body["lead"]["id"].as_str(), r.body["reason"].as_str()),
        (Some(rejected.as_str()), Some("no_budget"))
    );
    let l = by_type("lead.lost");
    assert_eq!(
        (l.body["lead"]["id"].as_str(), l.body["reason"].as_str()),
        (Some(lost.as_str()), Some("budget_cut"))
    );
    // each one verifiable with the Standard Webhooks reference library
    match n.verified_by_standardwebhooks(HOOK_SECRET) {
        Some(_) => {
            for r in &got {
                assert_eq!(
                    r.verified_by_standardwebhooks(HOOK_SECRET),
                    Some(true),
                    "{r:?}"
                );
            }
            let mut tampered = r.clone();
            tampered.raw.extend_from_slice(b" ");
            assert_eq!(
                tampered.verified_by_standardwebhooks(HOOK_SECRET),
                Some(false)
            );
        }
        None => assert!(
            std::env::var_os("HANDOFF_MOTO").is_none(),
            "make test exports HANDOFF_PYTHON (scripts/moto.sh): the signatures must be checked"
        ),
    }
    // the lead shows its hand-back among its deliveries
    let l = lead(&s, &rejected).await;
    assert!(
        l["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "hand_back" && n["event"] == "rejected" && n["state"] == "sent"),
        "{l}"
    );
    s.stop();
}

/// `max_open` counts a member's claimed leads without an outcome too: claiming keeps
/// the slot, an outcome frees it, and so does `[routing] open_for` passing without one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claimed_lead_holds_a_slot_until_its_outcome_or_open_for() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"
[server]
api_token = "{ADMIN}"

[routing]
link_secret = "outcomes-test-link-secret-0123456789"
open_for = "3s"

[[source]]
id = "b2b"
provider = "standard"
business = "b2b"
channel = "web_form"
secret = "{STD_SECRET}"

[[team]]
name = "sales"
channels = ["web_form"]
[[team.notify]]
kind = "console"
[[team.member]]
name = "ana"
max_open = 1
[[team.member]]
name = "bo"
max_open = 1
"#
    );
    let s = Server::start(Some(&text), &dir.path().join("data"));
    let member = |l: &Value| l["route"]["member"].as_str().map(str::to_string);
    let claim = |id: String, who: String| {
        let url = s.url(&format!("/leads/{id}/claim"));
        async move {
            let r = client()
                .post(url)
                .bearer_auth(ADMIN)
                .json(&json!({ "member": who }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
        }
    };
    let a = hot_lead(&s, "cap-a").await;
    let x = member(&lead(&s, &a).await).expect("assigned");
    claim(a.clone(), x.clone()).await;
    // x's claimed lead still counts: the next lead goes to the other member
    let b = hot_lead(&s, "cap-b").await;
    let y = member(&lead(&s, &b).await).expect("assigned");
    assert_ne!(x, y);
    // both at capacity (x: claimed without outcome, y: unclaimed): nobody takes the next
    let c = lead(&s, &hot_lead(&s, "cap-c").await).await;
    assert_eq!(member(&c), None, "{c}");
    let skipped = c["route"]["skipped"].to_string();
    assert!(skipped.contains("at capacity (1 open)"), "{skipped}");
    // the outcome frees x
    let (st, _) = outcome(&s, &a, Some(ADMIN), json!({"outcome": "accepted"})).await;
    assert_eq!(st, 200);
    let d = hot_lead(&s, "cap-d").await;
    assert_eq!(member(&lead(&s, &d).await), Some(x.clone()));
    // claimed, no outcome: open_for (3 s) later the slot is free again
    claim(d.clone(), x.clone()).await;
    let e = lead(&s, &hot_lead(&s, "cap-e").await).await;
    assert_eq!(member(&e), None, "x holds d, y holds b: {e}");
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let f = hot_lead(&s, "cap-f").await;
    assert_eq!(
        member(&lead(&s, &f).await),
        Some(x.clone()),
        "released after open_for"
    );
    let l = lead(&s, &d).await;
    assert_eq!(l["claim"]["released"], true, "{l}");
    s.stop();
}
