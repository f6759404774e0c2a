//! Why a message is hot, as a sales manager asks it: `handoff readiness explain` and
//! `POST /readiness/explain` on the real binary.

use std::process::Command;

use handoff_tests::load::client;
use handoff_tests::*;
use serde_json::{json, Value};

fn explain(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(handoff_bin())
        .args(["readiness", "explain"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_cli_prints_the_decision_and_every_phrase_rule_with_its_fate() {
    let msg = "How much is the premium plan? We don't need a demo.";
    let (code, out, err) = explain(&[msg, "--business", "b2b", "--lang", "en"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("language: en"), "{out}");
    assert!(
        out.contains("\nhot (score 70) for b2b (chat_message)\n"),
        "{out}"
    );
    assert!(
        out.contains("text.price [message]: asks about price: \"How much\""),
        "{out}"
    );
    // the negated demo is listed, with what became of it
    let demo = out
        .lines()
        .find(|l| l.trim_start().starts_with("hot.demo"))
        .unwrap_or_else(|| panic!("the demo phrase is listed: {out}"));
    assert!(
        demo.contains("negated") && demo.contains("\"demo\""),
        "{demo}"
    );
    let price = out
        .lines()
        .find(|l| l.trim_start().starts_with("hot.price"))
        .unwrap();
    assert!(price.contains("decides"), "{price}");
    assert!(out.contains("model: log-odds +"), "{out}");

    // JSON, what the API answers
    let (code, out, _) = explain(&[msg, "--business", "b2b", "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stage"], "hot");
    assert_eq!(v["reasons"][0]["rule"], "text.price");
    assert!(v["model"]["log_odds"].as_f64().unwrap() > 0.0);
    assert!(!v["model"]["features"].as_array().unwrap().is_empty());
    assert!(v["phrases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["rule"] == "hot.demo" && p["outcome"] == "negated"));

    // a vendor's pitch is nurture, and says why
    let (code, out, _) = explain(&[
        "We help companies like yours rank higher on Google, can we send you a proposal for your SEO?",
        "--business",
        "services",
    ]);
    assert_eq!(code, 0);
    assert!(out.starts_with("nurture "), "{out}");
    assert!(out.contains("text.not_buyer [message]: "), "{out}");

    // a hot action is hot whatever the text says
    let (_, out, _) = explain(&["hello", "--business", "b2b", "--action", "demo_request"]);
    assert!(out.starts_with("hot (score 80)"), "{out}");
    assert!(out.contains("hot_action.b2b"), "{out}");

    // bad input: a clear error, exit 2
    let (code, _, err) = explain(&["hi", "--business", "retail"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ecommerce, b2b, services"), "{err}");
}

const ADMIN: &str = "readiness-admin-token-0123456789";

#[tokio::test(flavor = "multi_thread")]
async fn the_api_explains_with_the_admin_token() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[server]\napi_token = \"{ADMIN}\"\n\n[[source]]\nid = \"s\"\nprovider = \"typeform\"\nbusiness = \"services\"\nchannel = \"web_form\"\nsecret = \"tf-secret-0123456789\"\n\n[[team]]\nname = \"t\"\nchannels = [\"web_form\"]\n[[team.notify]]\nkind = \"console\"\n"
    );
    let s = Server::start(Some(&config), &dir.path().join("data"));
    let c = client();
    let post = |body: Value, token: Option<&str>| {
        let mut req = c.post(s.url("/readiness/explain")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let r = req.send().await.unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let body =
        json!({"text": "Could you do a christening lunch for 25 in June?", "business": "services"});
    let (st, e) = post(body.clone(), None).await;
    assert_eq!(
        (st, e["error"].as_str()),
        (401, Some("unauthorized")),
        "{e}"
    );
    let (st, v) = post(body, Some(ADMIN)).await;
    assert_eq!(st, 200, "{v}");
    for key in ["stage", "score", "reasons", "phrases", "model"] {
        assert!(v.get(key).is_some(), "{key} in {v}");
    }
    assert_eq!(v["business"], "services");
    assert_eq!(v["action"], "chat_message");
    let (st, e) = post(json!({"text": "hi", "business": "retail"}), Some(ADMIN)).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("bad_request")), "{e}");
    let (st, e) = post(json!({"business": "b2b"}), Some(ADMIN)).await;
    assert_eq!(st, 400, "{e}");
    let (st, e) = post(
        json!({"text": "hi", "business": "b2b", "action": "buy"}),
        Some(ADMIN),
    )
    .await;
    assert_eq!(st, 400, "{e}");
    let (st, v) = post(
        json!({"text": "hi", "business": "b2b", "action": "demo_request"}),
        Some(ADMIN),
    )
    .await;
    assert_eq!((st, v["stage"].as_str()), (200, Some("hot")), "{v}");
    s.stop();
}
