//! Nothing lost: retries end in dead letters, restarts keep leads and send what was
//! pending, concurrent copies of one delivery make one lead.

use std::time::Duration;

use handoff_core::model::Action;
use handoff_core::providers::standard;
use handoff_tests::*;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn config(webhook: &str, attempts: u32, backoff_ms: u32) -> String {
    format!(
        r#"
[delivery]
max_attempts = {attempts}
backoff_initial_ms = {backoff_ms}
backoff_max_ms = {backoff_ms}

[[source]]
id = "b2b"
provider = "standard"
business = "b2b"
channel = "web_form"
secret = "{SECRET}"

[[team]]
name = "web"
channels = ["web_form"]
[[team.notify]]
kind = "webhook"
url = "{webhook}"
"#
    )
}

async fn send(s: &Server, id: &str) -> (u16, serde_json::Value) {
    let ev = event(Action::QuoteRequest, &format!("{id}@example.com"), None);
    let (body, headers) = signed(standard::KIND, SECRET, &ev, id);
    post(
        &reqwest::Client::new(),
        &s.url("/hooks/b2b"),
        body,
        &headers,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_receiver_is_retried_then_dead_lettered() {
    let hook = Receiver::start(u32::MAX, 503).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), 3, 50)),
        &dir.path().join("d"),
    );
    let (st, b) = send(&s, "r1").await;
    assert_eq!(st, 202, "{b}");
    let c = reqwest::Client::new();
    let dead = eventually(Duration::from_secs(10), || async {
        let (_, v) = get(&c, &s.url("/deliveries?state=dead"), None).await;
        let d = v["deliveries"].as_array().cloned().unwrap_or_default();
        (!d.is_empty()).then_some(d)
    })
    .await
    .expect("a dead letter");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["lead_id"], b["lead_id"]);
    assert_eq!(dead[0]["attempts"], 3);
    assert!(
        dead[0]["last_error"].as_str().unwrap().contains("503"),
        "{dead:?}"
    );
    assert_eq!(hook.attempts(), 3, "exactly max_attempts tries");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(hook.attempts(), 3, "a dead letter is not retried");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_recovers_gets_the_notification_once() {
    let hook = Receiver::start(2, 500).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), 5, 50)),
        &dir.path().join("d"),
    );
    let (st, _) = send(&s, "r2").await;
    assert_eq!(st, 202);
    let got = hook.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        hook.attempts(),
        3,
        "two failures, one success, nothing after"
    );
    let (_, v) = get(
        &reqwest::Client::new(),
        &s.url("/deliveries?state=sent"),
        None,
    )
    .await;
    assert_eq!(v["deliveries"][0]["attempts"], 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn leads_survive_a_restart_and_pending_notifications_are_sent_after_it() {
    // reserve a port for a receiver that is not there yet
    let port_holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = port_holder.local_addr().unwrap();
    drop(port_holder);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let cfg = config(&format!("http://{addr}/crm"), 50, 100);

    let s = Server::start(Some(&cfg), &data);
    let (st, b) = send(&s, "k1").await;
    assert_eq!(st, 202);
    let lead_id = b["lead_id"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(300)).await; // a failed attempt or two
    s.kill(); // SIGKILL: no graceful anything

    let hook = Receiver::start_on(addr).await;
    let s = Server::start(Some(&cfg), &data);
    let c = reqwest::Client::new();
    let (st, lead) = get(&c, &s.url(&format!("/leads/{lead_id}")), None).await;
    assert_eq!(st, 200, "the lead survived");
    assert_eq!(lead["contact"]["email"], "k1@example.com");
    let got = hook.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 1, "pending notification sent after the restart");
    assert_eq!(got[0].body["lead"]["id"], lead_id.as_str());
    // the redelivered webhook is still a duplicate after the restart
    let (st, again) = send(&s, "k1").await;
    assert_eq!(st, 200);
    assert_eq!(again["duplicate"], true);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(hook.received().len(), 1);
    s.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_copies_of_one_delivery_make_one_lead_and_one_notification() {
    let hook = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), 3, 50)),
        &dir.path().join("d"),
    );
    let ev = event(Action::DemoRequest, "race@example.com", None);
    let (body, headers) = signed(standard::KIND, SECRET, &ev, "race-1");
    let url = s.url("/hooks/b2b");
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (body, headers, url) = (body.clone(), headers.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            post(&reqwest::Client::new(), &url, body, &headers).await
        }));
    }
    let mut created = 0;
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        let (st, b) = t.await.unwrap();
        assert!(st == 202 || st == 200, "{st} {b}");
        if st == 202 {
            created += 1;
        } else {
            assert_eq!(b["duplicate"], true);
        }
        ids.insert(b["lead_id"].as_str().unwrap().to_string());
    }
    assert_eq!(created, 1);
    assert_eq!(ids.len(), 1);
    hook.wait_for(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hook.received().len(), 1);
}

/// Pending notifications address their notify entry by its stable id: a restart with
/// `[[team.notify]]` reordered (and a new entry put first) still sends each pending
/// notification to the entry it was written for, and no entry gets another's.
#[tokio::test(flavor = "multi_thread")]
async fn reordering_notify_entries_never_retargets_a_pending_notification() {
    let hold = || {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let a = l.local_addr().unwrap();
        drop(l);
        a
    };
    let (crm_addr, slack_addr) = (hold(), hold());
    let crm = format!("http://{crm_addr}/crm");
    let slack = format!("http://{slack_addr}/slack");
    let entries = |order: &[&str]| {
        order
            .iter()
            .map(|e| match *e {
                "crm" => format!("[[team.notify]]\nkind = \"webhook\"\nurl = \"{crm}\"\n"),
                "slack" => format!("[[team.notify]]\nkind = \"slack\"\nurl = \"{slack}\"\n"),
                _ => "[[team.notify]]\nkind = \"console\"\n".to_string(),
            })
            .collect::<String>()
    };
    let base = config(&crm, 50, 100);
    let head = &base[..base.find("[[team.notify]]").unwrap()];
    let before = format!("{head}{}", entries(&["crm", "slack"]));
    let after = format!("{head}{}", entries(&["console", "slack", "crm"]));

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let s = Server::start(Some(&before), &data);
    let (st, b) = send(&s, "o1").await;
    assert_eq!(st, 202, "{b}");
    let lead_id = b["lead_id"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(300)).await; // receivers are not up: pending
    s.kill();

    let crm_hook = Receiver::start_on(crm_addr).await;
    let slack_hook = Receiver::start_on(slack_addr).await;
    let s = Server::start(Some(&after), &data);
    let got_crm = crm_hook.wait_for(1, Duration::from_secs(15)).await;
    let got_slack = slack_hook.wait_for(1, Duration::from_secs(15)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(got_crm.len(), 1, "the webhook entry got its notification");
    assert_eq!(
        got_crm[0].body["type"], "lead.hot",
        "a webhook body, not Slack's"
    );
    assert_eq!(got_crm[0].body["lead"]["id"], lead_id.as_str());
    assert_eq!(got_slack.len(), 1, "the Slack entry got its notification");
    assert!(got_slack[0].body["blocks"].is_array(), "a Slack body");
    assert_eq!(crm_hook.received().len(), 1);
    assert_eq!(slack_hook.received().len(), 1);
    let (_, lead) = get(
        &reqwest::Client::new(),
        &s.url(&format!("/leads/{lead_id}")),
        None,
    )
    .await;
    let notes = lead["notifications"].as_array().unwrap();
    assert_eq!(
        notes.len(),
        2,
        "the new console entry was not added to an old lead"
    );
    assert!(notes.iter().all(|n| n["state"] == "sent"), "{notes:?}");
    s.stop();
}

/// A dead letter re-driven through the API is sent again under the same id (the
/// receiver's webhook-id), with its attempts restarted and the ended run in history; a
/// sent one answers 409, an unknown one 404.
#[tokio::test(flavor = "multi_thread")]
async fn a_dead_letter_redriven_is_sent_again_under_the_same_id() {
    // fails 2 requests, then answers 200
    let hook = Receiver::start(2, 503).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&config(&hook.url("/crm"), 2, 50)),
        &dir.path().join("d"),
    );
    let (st, b) = send(&s, "rd1").await;
    assert_eq!(st, 202, "{b}");
    let c = reqwest::Client::new();
    let dead = eventually(Duration::from_secs(10), || async {
        let (_, v) = get(&c, &s.url("/deliveries?state=dead"), None).await;
        let d = v["deliveries"].as_array().cloned().unwrap_or_default();
        (!d.is_empty()).then_some(d)
    })
    .await
    .expect("a dead letter");
    let id = dead[0]["id"].as_str().unwrap().to_string();
    assert_eq!(hook.attempts(), 2);

    let url = s.url(&format!("/deliveries/{id}/redrive"));
    let r = c.post(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["delivery"]["id"], id.as_str());
    assert_eq!(v["delivery"]["attempts"], 0);
    assert_eq!(v["delivery"]["history"][0]["attempts"], 2);

    let got = hook.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1, "sent after the re-drive");
    assert_eq!(
        got[0].header("webhook-id"),
        Some(id.as_str()),
        "under the same id"
    );
    let sent = eventually(Duration::from_secs(10), || async {
        let (_, v) = get(&c, &s.url("/deliveries?state=sent"), None).await;
        v["deliveries"].as_array().and_then(|d| d.first().cloned())
    })
    .await
    .expect("recorded as sent");
    assert_eq!(sent["attempts"], 1);
    assert_eq!(sent["history"].as_array().unwrap().len(), 1);

    let r = c.post(&url).send().await.unwrap();
    assert_eq!(r.status(), 409, "a sent delivery is not re-driven");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"], "not_dead");
    let r = c
        .post(s.url("/deliveries/ld_nope.web.crm/redrive"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
