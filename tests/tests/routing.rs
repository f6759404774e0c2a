//! Owner team and rep on the real binary and its embedded store: fair weighted rotation
//! under concurrent senders, the route on the lead and in the console line, and hot
//! leads no team owns listed apart.

use std::sync::Arc;

use handoff_core::model::Action;
use handoff_core::providers::standard;
use handoff_tests::load::{client, STD_SECRET};
use handoff_tests::*;
use serde_json::Value;

fn config() -> String {
    format!(
        r#"
[routing]
link_secret = "routing-test-link-secret-0123456789"

[[source]]
id = "b2b"
provider = "standard"
business = "b2b"
channel = "web_form"
secret = "{STD_SECRET}"

[[source]]
id = "chat"
provider = "standard"
business = "services"
channel = "live_chat"
secret = "{STD_SECRET}"

[[team]]
name = "sales"
channels = ["web_form"]
[[team.notify]]
kind = "console"
[[team.member]]
name = "ana"
weight = 3
[[team.member]]
name = "bo"
weight = 2
[[team.member]]
name = "cy"
weight = 1

[[team]]
name = "managers"
channels = ["web_form", "live_chat"]
watch = true
[[team.notify]]
kind = "console"
"#
    )
}

async fn all_leads(s: &Server, query: &str) -> Vec<Value> {
    let c = client();
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let (st, page) = get(
            &c,
            &s.url(&format!("/leads?limit=500{query}&cursor={cursor}")),
            None,
        )
        .await;
        assert_eq!(st, 200, "{page}");
        out.extend(page["leads"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(n) => cursor = n.to_string(),
            None => return out,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_hundred_leads_from_eight_senders_split_three_two_one() {
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(Server::start(Some(&config()), &dir.path().join("data")));
    let mut senders = Vec::new();
    for k in 0..8 {
        let s = s.clone();
        senders.push(tokio::spawn(async move {
            let c = client();
            for n in (k..300).step_by(8) {
                let ev = event(Action::DemoRequest, &format!("buyer{n}@example.com"), None);
                let (body, headers) = signed(standard::KIND, STD_SECRET, &ev, &format!("fair-{n}"));
                let (st, b) = post(&c, &s.url("/hooks/b2b"), body, &headers).await;
                assert_eq!(st, 202, "{b}");
            }
        }));
    }
    for t in senders {
        t.await.unwrap();
    }
    let leads = all_leads(&s, "").await;
    assert_eq!(leads.len(), 300);
    let count = |m: &str| leads.iter().filter(|l| l["route"]["member"] == m).count();
    let (a, b, c) = (count("ana"), count("bo"), count("cy"));
    assert_eq!(a + b + c, 300, "every lead has a rep");
    for (got, want, who) in [(a, 150, "ana"), (b, 100, "bo"), (c, 50, "cy")] {
        assert!(
            got.abs_diff(want) <= 1,
            "{who}: {got} of 300, want {want} ± 1 (3:2:1)"
        );
    }
    let l = &leads[0];
    assert_eq!(l["route"]["team"], "sales");
    let why = l["route"]["why"].as_str().unwrap();
    assert!(
        why.starts_with("team sales: channel web_form; ")
            && why.contains("by weighted rotation (weight "),
        "{why}"
    );
    // the console line carries the route (owner and watching managers)
    let out = s.stdout.lock().unwrap().clone();
    assert!(
        out.contains("HOT LEAD [sales]") && out.contains("route sales → "),
        "{out}"
    );
    assert!(out.contains("HOT LEAD [managers]"), "{out}");
    match Arc::try_unwrap(s) {
        Ok(s) => s.stop(),
        Err(_) => panic!("server still shared"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_no_team_owns_is_stored_unrouted_and_listed_apart() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(Some(&config()), &dir.path().join("data"));
    let c = client();
    // live chat: only the watching managers match, nobody owns it
    let ev = event(Action::DemoRequest, "chat@example.com", None);
    let (body, headers) = signed(standard::KIND, STD_SECRET, &ev, "unrouted-1");
    let (st, b) = post(&c, &s.url("/hooks/chat"), body, &headers).await;
    assert_eq!(st, 202, "{b}");
    let ev = event(Action::DemoRequest, "form@example.com", None);
    let (body, headers) = signed(standard::KIND, STD_SECRET, &ev, "routed-1");
    assert_eq!(post(&c, &s.url("/hooks/b2b"), body, &headers).await.0, 202);

    let unrouted = all_leads(&s, "&routed=false").await;
    assert_eq!(unrouted.len(), 1, "{unrouted:?}");
    assert_eq!(unrouted[0]["source_id"], "chat");
    assert_eq!(unrouted[0]["route"]["team"], Value::Null);
    assert_eq!(all_leads(&s, "").await.len(), 2);
    let (st, e) = get(&c, &s.url("/leads?routed=true"), None).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("bad_request")), "{e}");
    let (st, _) = get(&c, &s.url("/leads?routed=false&stage=nurture"), None).await;
    assert_eq!(st, 400);
    s.stop();
}
