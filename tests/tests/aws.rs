//! The AWS path end to end against a real DynamoDB + SSM API (the moto server that
//! `scripts/moto.sh start` runs): `handoff config push`, the ingest / api / dispatch
//! handlers exactly as their `main.rs` wire them, the DynamoDB store, and the table's
//! stream read back with GetRecords and fed to dispatch as `aws_lambda_events` records.
//!
//! Without `AWS_ENDPOINT_URL` these tests print a notice and pass; with `HANDOFF_MOTO=1`
//! (scripts/test.sh) a missing endpoint fails them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use handoff_core::clock::SystemClock;
use handoff_core::outbox::Dispatcher;
use handoff_core::store::{Attempt, DeliveryState, LeadQuery, Leads, Outbox};
use handoff_dynamodb::DynamoStore;
use handoff_lambda::{Function, Wiring};
use handoff_ssm::SsmConfig;
use handoff_tests::*;
use hmac::Mac;
use serde_json::{json, Value};

const SECRET_A: &str = "whsec_c2VjcmV0LW51bWJlci1vbmUtZm9yLXRlc3Rpbmc=";
const SECRET_B: &str = "whsec_c2Vjb25kLXNlY3JldC1hZnRlci1yb3RhdGlvbg==";
const CRM_SECRET: &str = "whsec_Y3JtLXJlY2VpdmVyLXNpZ25pbmcta2V5LTAwMDE=";
const API_TOKEN: &str = "api-token-123";

fn moto() -> bool {
    let required = std::env::var("HANDOFF_MOTO").is_ok_and(|v| v == "1");
    match std::env::var("AWS_ENDPOINT_URL") {
        Ok(u) if !u.is_empty() => true,
        _ if required => panic!("HANDOFF_MOTO=1 but AWS_ENDPOINT_URL is unset"),
        _ => {
            eprintln!("NOTICE: AWS end-to-end tests SKIPPED (no moto): run scripts/test.sh");
            false
        }
    }
}

fn unique(kind: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{kind}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

async fn sdk() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

async fn table() -> Arc<DynamoStore> {
    let store = DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&sdk().await),
        unique("handoff-e2e"),
    );
    store.create_table().await.expect("create table on moto");
    Arc::new(store)
}

fn config_text(webhooks: &[String]) -> String {
    let mut s = String::from(
        r#"
[server]
api_token_env = "HANDOFF_API_TOKEN"
public_url = "https://leads.example.test"

[delivery]
max_attempts = 3
backoff_initial_ms = 1
backoff_max_ms = 1

[[source]]
id = "website"
provider = "standard"
business = "b2b"
channel = "web_form"
secret_env = "WEBSITE_SECRET"

[[team]]
name = "sales"
channels = ["web_form"]
"#,
    );
    for url in webhooks {
        s.push_str(&format!(
            "[[team.notify]]\nkind = \"webhook\"\nurl = \"{url}\"\n"
        ));
    }
    if webhooks.is_empty() {
        s.push_str("[[team.notify]]\nkind = \"console\"\n");
    }
    s
}

/// Runs `handoff config push FILE --prefix PREFIX` (the binary built with `--features aws`).
fn push(text: &str, prefix: &str, secret: &str) -> (i32, String) {
    push_with(
        text,
        prefix,
        &[("WEBSITE_SECRET", secret), ("HANDOFF_API_TOKEN", API_TOKEN)],
    )
}

/// `push` with these environment variables set (the secrets' values).
fn push_with(text: &str, prefix: &str, env: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handoff.toml");
    std::fs::write(&file, text).unwrap();
    let out = std::process::Command::new(handoff_bin())
        .args(["config", "push"])
        .arg(&file)
        .args(["--prefix", prefix])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), all)
}

/// What `function`'s `main.rs` builds at init, on moto.
async fn wiring(store: Arc<DynamoStore>, prefix: &str, function: Function) -> Wiring {
    let ssm = SsmConfig::new(
        aws_sdk_ssm::Client::new(&sdk().await),
        prefix,
        function,
        Duration::ZERO,
    );
    Wiring::new(store, Arc::new(ssm))
        .await
        .expect("wiring from moto")
}

/// An HTTP API (v2) event for `POST /hooks/website`, signed now with `secret`.
fn hook_event(secret: &str, delivery_id: &str, email: &str) -> lambda_http::Request {
    let body = json!({"action": "demo_request", "contact": {"email": email}}).to_string();
    let ts = chrono::Utc::now().timestamp().to_string();
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{delivery_id}.{ts}.{body}").as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    http_event(
        "POST",
        "/hooks/website",
        &[
            ("webhook-id", delivery_id),
            ("webhook-timestamp", &ts),
            ("webhook-signature", &format!("v1,{sig}")),
            ("content-type", "application/json"),
        ],
        Some(&body),
    )
}

fn http_event(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> lambda_http::Request {
    let (raw_path, query) = path.split_once('?').unwrap_or((path, ""));
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    let ev = json!({
        "version": "2.0",
        "routeKey": format!("{method} {raw_path}"),
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "api.example.test",
            "domainPrefix": "api", "requestId": "r", "routeKey": format!("{method} {raw_path}"),
            "stage": "$default", "time": "01/Jan/2026:00:00:00 +0000", "timeEpoch": 0,
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1",
                     "sourceIp": "203.0.113.9", "userAgent": "test"}
        },
        "body": body,
        "isBase64Encoded": false
    });
    lambda_http::request::from_str(&ev.to_string()).expect("HTTP API v2 event")
}

fn answer(resp: &lambda_http::Response<lambda_http::Body>) -> (u16, Value) {
    let v = match resp.body() {
        lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap(),
        _ => Value::Null,
    };
    (resp.status().as_u16(), v)
}

#[tokio::test(flavor = "multi_thread")]
async fn pushed_configuration_drives_ingest_and_reloads_without_a_rebuild() {
    if !moto() {
        return;
    }
    let prefix = format!("/handoff/{}", unique("t"));
    // plain secrets are refused and nothing is stored
    let plain = config_text(&[]).replace(
        "secret_env = \"WEBSITE_SECRET\"",
        &format!("secret = \"{SECRET_A}\""),
    );
    let (code, out) = push(&plain, &prefix, SECRET_A);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("source[0].secret") && out.contains("nothing was stored"),
        "{out}"
    );

    let (code, out) = push(&config_text(&[]), &prefix, SECRET_A);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("{prefix}/secrets/ingest/WEBSITE_SECRET")),
        "{out}"
    );
    // the document holds no secret
    let ssm = aws_sdk_ssm::Client::new(&sdk().await);
    let doc = ssm
        .get_parameter()
        .name(format!("{prefix}/config"))
        .send()
        .await
        .unwrap();
    let doc = doc.parameter.unwrap().value.unwrap();
    assert!(!doc.contains(SECRET_A.trim_start_matches("whsec_")));
    let secret = ssm
        .get_parameter()
        .name(format!("{prefix}/secrets/ingest/WEBSITE_SECRET"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        secret.parameter.unwrap().r#type,
        Some(aws_sdk_ssm::types::ParameterType::SecureString)
    );

    let store = table().await;
    let w = wiring(store.clone(), &prefix, Function::Ingest).await;
    let (st, b) = answer(
        &handoff_lambda::http::handle(&w.app, hook_event(SECRET_A, "d-1", "a@example.com")).await,
    );
    assert_eq!(st, 202, "{b}");
    assert_eq!(b["stage"], "hot");
    let lead_id = b["lead_id"].as_str().unwrap().to_string();
    let (st, b) = answer(
        &handoff_lambda::http::handle(&w.app, hook_event(SECRET_A, "d-1", "a@example.com")).await,
    );
    assert_eq!((st, b["duplicate"].as_bool()), (200, Some(true)));
    assert_eq!(b["lead_id"], lead_id.as_str());
    assert_eq!(store.lead_notifications(&lead_id).await.unwrap().len(), 1);

    // rotate the secret: push, and the next invocation picks it up
    let (code, out) = push(&config_text(&[]), &prefix, SECRET_B);
    assert_eq!(code, 0, "{out}");
    w.refresh().await;
    let (st, _) = answer(
        &handoff_lambda::http::handle(&w.app, hook_event(SECRET_A, "d-2", "b@example.com")).await,
    );
    assert_eq!(st, 401, "the old secret no longer verifies");
    let (st, b) = answer(
        &handoff_lambda::http::handle(&w.app, hook_event(SECRET_B, "d-2", "b@example.com")).await,
    );
    assert_eq!(st, 202, "{b}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_needs_credentials_and_fails_closed_without_a_token() {
    if !moto() {
        return;
    }
    let prefix = format!("/handoff/{}", unique("t"));
    assert_eq!(push(&config_text(&[]), &prefix, SECRET_A).0, 0);
    let store = table().await;
    let ingest = wiring(store.clone(), &prefix, Function::Ingest).await;
    let (st, b) = answer(
        &handoff_lambda::http::handle(&ingest.app, hook_event(SECRET_A, "api-1", "c@example.com"))
            .await,
    );
    assert_eq!(st, 202, "{b}");
    let id = b["lead_id"].as_str().unwrap().to_string();
    let w = wiring(store.clone(), &prefix, Function::Api).await;

    for path in [
        "/leads",
        &format!("/leads/{id}"),
        "/deliveries?state=dead",
        "/deliveries/rejected",
    ] {
        let (st, b) =
            answer(&handoff_api::handle(&w.app, http_event("GET", path, &[], None)).await);
        assert_eq!(
            (st, b["error"].as_str()),
            (401, Some("unauthorized")),
            "{path}"
        );
        let (st, _) = answer(
            &handoff_api::handle(
                &w.app,
                http_event("GET", path, &[("authorization", "Bearer nope")], None),
            )
            .await,
        );
        assert_eq!(st, 401, "{path}");
    }
    let auth = [("authorization", "Bearer api-token-123")];
    let (st, b) = answer(
        &handoff_api::handle(&w.app, http_event("GET", "/leads?stage=hot", &auth, None)).await,
    );
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["leads"][0]["id"], id.as_str());
    let (st, b) = answer(
        &handoff_api::handle(
            &w.app,
            http_event("GET", &format!("/leads/{id}"), &auth, None),
        )
        .await,
    );
    assert_eq!(
        (st, b["contact"]["email"].as_str()),
        (200, Some("c@example.com"))
    );
    let (st, _) =
        answer(&handoff_api::handle(&w.app, http_event("GET", "/healthz", &[], None)).await);
    assert_eq!(st, 200, "health is public");

    // a configuration without a token: every read route is closed
    let no_token = config_text(&[]).replace("api_token_env = \"HANDOFF_API_TOKEN\"\n", "");
    let prefix2 = format!("/handoff/{}", unique("t"));
    assert_eq!(push(&no_token, &prefix2, SECRET_A).0, 0);
    let w2 = wiring(store, &prefix2, Function::Api).await;
    let (st, _) =
        answer(&handoff_api::handle(&w2.app, http_event("GET", "/leads", &auth, None)).await);
    assert_eq!(st, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_webhook_twice_at_once_makes_one_lead_and_one_notification() {
    if !moto() {
        return;
    }
    let prefix = format!("/handoff/{}", unique("t"));
    assert_eq!(push(&config_text(&[]), &prefix, SECRET_A).0, 0);
    let store = table().await;
    let w = Arc::new(wiring(store.clone(), &prefix, Function::Ingest).await);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let w = w.clone();
        let ev = hook_event(SECRET_A, "race-1", "r@example.com");
        tasks.push(tokio::spawn(async move {
            answer(&handoff_lambda::http::handle(&w.app, ev).await)
        }));
    }
    let mut statuses = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        let (st, b) = t.await.unwrap();
        statuses.push(st);
        ids.insert(b["lead_id"].as_str().unwrap_or("-").to_string());
    }
    statuses.sort();
    assert_eq!(statuses, [200, 200, 200, 200, 200, 200, 200, 202]);
    assert_eq!(ids.len(), 1);
    let id = ids.into_iter().next().unwrap();
    assert_eq!(store.lead_notifications(&id).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_table_gives_503_and_writes_nothing() {
    if !moto() {
        return;
    }
    let prefix = format!("/handoff/{}", unique("t"));
    assert_eq!(push(&config_text(&[]), &prefix, SECRET_A).0, 0);
    let real = table().await;
    // the same table name, but DynamoDB at a closed port
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let conf = aws_sdk_dynamodb::config::Builder::from(&sdk().await)
        .endpoint_url(format!("http://{closed}"))
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
        .build();
    let down = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::from_conf(conf),
        real.table(),
    ));
    let w = wiring(down, &prefix, Function::Ingest).await;
    let (st, b) = answer(
        &handoff_lambda::http::handle(&w.app, hook_event(SECRET_A, "down-1", "d@example.com"))
            .await,
    );
    assert_eq!(
        (st, b["error"].as_str()),
        (503, Some("store_unavailable")),
        "{b}"
    );
    let id = handoff_core::model::Lead::id_for("website", "down-1");
    assert!(real.get_lead(&id).await.unwrap().is_none());
    assert!(real.lead_notifications(&id).await.unwrap().is_empty());
    // the provider's retry, once the table is back, is accepted
    let w = wiring(real.clone(), &prefix, Function::Ingest).await;
    let (st, _) = answer(
        &handoff_lambda::http::handle(&w.app, hook_event(SECRET_A, "down-1", "d@example.com"))
            .await,
    );
    assert_eq!(st, 202);
}

/// Reads every record of the table's stream with the DynamoDB Streams JSON API, as the
/// Lambda service does, and returns it as the `{"Records": [...]}` event dispatch gets.
async fn stream_event(store: &DynamoStore) -> Value {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap();
    let c = reqwest::Client::new();
    // DynamoDB Streams signs as service "dynamodb" too; moto routes on the target.
    let call = |service: &'static str, target: &'static str, body: Value| {
        let c = c.clone();
        let endpoint = endpoint.clone();
        async move {
            let v: Value = c
                .post(&endpoint)
                .header("x-amz-target", target)
                .header("content-type", "application/x-amz-json-1.0")
                .header(
                    "authorization",
                    format!("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"),
                )
                .body(body.to_string())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v
        }
    };
    let t = call(
        "dynamodb",
        "DynamoDB_20120810.DescribeTable",
        json!({"TableName": store.table()}),
    )
    .await;
    let arn = t["Table"]["LatestStreamArn"]
        .as_str()
        .expect("table has a stream")
        .to_string();
    let s = call(
        "dynamodb",
        "DynamoDBStreams_20120810.DescribeStream",
        json!({"StreamArn": arn}),
    )
    .await;
    let mut records = Vec::new();
    for shard in s["StreamDescription"]["Shards"].as_array().unwrap() {
        let it = call(
            "dynamodb",
            "DynamoDBStreams_20120810.GetShardIterator",
            json!({
                "StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON"
            }),
        )
        .await;
        let r = call(
            "dynamodb",
            "DynamoDBStreams_20120810.GetRecords",
            json!({"ShardIterator": it["ShardIterator"]}),
        )
        .await;
        records.extend(r["Records"].as_array().cloned().unwrap_or_default());
    }
    json!({ "Records": records })
}

#[tokio::test(flavor = "multi_thread")]
async fn dispatch_sends_stream_records_and_reports_only_the_failing_one() {
    if !moto() {
        return;
    }
    let ok = Receiver::start(0, 200).await;
    let failing = Receiver::start(u32::MAX, 500).await;
    let prefix = format!("/handoff/{}", unique("t"));
    let text = config_text(&[ok.url("/ok"), failing.url("/fail")]);
    assert_eq!(push(&text, &prefix, SECRET_A).0, 0);
    let store = table().await;
    let w = wiring(store.clone(), &prefix, Function::Ingest).await;
    let (st, b) = answer(
        &handoff_lambda::http::handle(&w.app, hook_event(SECRET_A, "s-1", "s@example.com")).await,
    );
    assert_eq!(st, 202, "{b}");
    let lead_id = b["lead_id"].as_str().unwrap().to_string();

    let raw = stream_event(&store).await;
    let event: aws_lambda_events::event::dynamodb::Event =
        serde_json::from_value(raw.clone()).expect("GetRecords JSON is a Lambda DynamoDB event");
    assert!(
        event.records.len() >= 3,
        "lead, raw payload and two notifications: {}",
        event.records.len()
    );
    let notif_seqs: Vec<(String, String)> = event
        .records
        .iter()
        .filter_map(|r| {
            let id = handoff_dispatch::notification_id(r).unwrap()?;
            Some((id, r.change.sequence_number.clone().unwrap()))
        })
        .collect();
    assert_eq!(notif_seqs.len(), 2);
    let failing_seq = notif_seqs
        .iter()
        .find(|(id, _)| {
            let failing_entry =
                handoff_tests::documented_notify_id("webhook", &failing.url("/fail"));
            id.ends_with(&format!(".{failing_entry}"))
        })
        .unwrap()
        .1
        .clone();

    let dispatcher = Dispatcher {
        store: store.clone(),
        notifier: Arc::new(handoff_notify::HttpNotifier::new(Duration::from_secs(5))),
        clock: Arc::new(SystemClock),
    };
    let config = wiring(store.clone(), &prefix, Function::Dispatch)
        .await
        .app
        .config();
    let resp = handoff_dispatch::handle_batch(&dispatcher, &config, event).await;
    let reported: Vec<String> = resp
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    assert!(
        reported.is_empty(),
        "a failed send is recorded for the sweep, not retried from the stream: {reported:?}"
    );
    assert_eq!(ok.received().len(), 1);
    assert_eq!(ok.received()[0].body["lead"]["id"], lead_id.as_str());
    assert_eq!(failing.attempts(), 1);
    let failing_id = notif_seqs
        .iter()
        .find(|(_, seq)| *seq == failing_seq)
        .unwrap()
        .0
        .clone();
    let pending = store.get_notification(&failing_id).await.unwrap().unwrap();
    assert_eq!(
        (pending.state, pending.attempts),
        (DeliveryState::Pending, 1)
    );
    assert!(
        pending.next_attempt_at > pending.created_at,
        "a retry time is recorded"
    );

    // the same batch again (a Lambda retry, a duplicate stream delivery): nothing is
    // sent again, the retry stays the sweep's
    let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_value(raw).unwrap();
    let resp = handoff_dispatch::handle_batch(&dispatcher, &config, event).await;
    assert!(resp.batch_item_failures.is_empty());
    assert_eq!(ok.received().len(), 1, "no re-send");
    assert_eq!(failing.attempts(), 1, "the stream never retries");

    // the scheduled sweep takes the later attempts on the backoff and dead-letters the
    // notification after max_attempts = 3
    for want in [2, 3] {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let n = handoff_dispatch::sweep(&dispatcher, &config, 10)
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(failing.attempts(), want);
    }
    let dead = store
        .list_notifications(Some(DeliveryState::Dead), 10)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].lead_id, lead_id);
    assert!(dead[0].last_error.as_deref().unwrap().contains("500"));
    assert_eq!(ok.received().len(), 1);
}

/// Every parameter name under `{prefix}/secrets`, at any depth.
async fn stored_secrets(prefix: &str) -> std::collections::BTreeSet<String> {
    let ssm = aws_sdk_ssm::Client::new(&sdk().await);
    let mut names = std::collections::BTreeSet::new();
    let mut pages = ssm
        .get_parameters_by_path()
        .path(format!("{prefix}/secrets"))
        .recursive(true)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for p in page.unwrap().parameters.unwrap_or_default() {
            names.insert(p.name.unwrap().trim_start_matches(prefix).to_string());
        }
    }
    names
}

fn webhook_secret(config: &handoff_core::config::Config) -> String {
    config
        .teams
        .iter()
        .flat_map(|t| &t.notify)
        .find_map(|n| match &n.target {
            handoff_core::config::Target::Webhook {
                secret: Some(s), ..
            } => Some(s.expose().to_string()),
            _ => None,
        })
        .expect("a signed webhook entry")
}

#[tokio::test(flavor = "multi_thread")]
async fn each_function_reads_only_its_own_secrets() {
    if !moto() {
        return;
    }
    let prefix = format!("/handoff/{}", unique("t"));
    let text = format!(
        "{}[[team.notify]]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:9/crm\"\nsecret_env = \"CRM_SECRET\"\n",
        config_text(&[])
    );
    let (code, out) = push_with(
        &text,
        &prefix,
        &[
            ("WEBSITE_SECRET", SECRET_A),
            ("HANDOFF_API_TOKEN", API_TOKEN),
            ("CRM_SECRET", CRM_SECRET),
        ],
    );
    assert_eq!(code, 0, "{out}");
    // each secret under the function that reads it, and nowhere else
    let want = [
        "/secrets/api/HANDOFF_API_TOKEN",
        "/secrets/dispatch/CRM_SECRET",
        "/secrets/ingest/WEBSITE_SECRET",
    ];
    assert_eq!(
        stored_secrets(&prefix).await,
        want.iter().map(|s| s.to_string()).collect()
    );
    for path in want {
        assert!(out.contains(&format!("{prefix}{path}")), "{out}");
    }
    for value in [SECRET_A, API_TOKEN, CRM_SECRET] {
        assert!(!out.contains(value), "push prints no secret: {out}");
    }

    let store = table().await;
    let ingest = wiring(store.clone(), &prefix, Function::Ingest).await;
    let api = wiring(store.clone(), &prefix, Function::Api).await;
    let dispatch = wiring(store.clone(), &prefix, Function::Dispatch).await;
    let auth = [("authorization", "Bearer api-token-123")];

    // ingest: the source's secret verifies; its API token is a random stand-in, so the
    // real token opens nothing on an app built for ingest
    let (st, b) = answer(
        &handoff_lambda::http::handle(&ingest.app, hook_event(SECRET_A, "own-1", "o@example.com"))
            .await,
    );
    assert_eq!(st, 202, "{b}");
    let (st, b) = answer(
        &handoff_lambda::http::handle(&ingest.app, http_event("GET", "/leads", &auth, None)).await,
    );
    assert_eq!(
        (st, b["error"].as_str()),
        (401, Some("unauthorized")),
        "{b}"
    );
    let c = ingest.app.config();
    let stand_in = c.server.api_token.as_ref().unwrap().expose();
    assert_ne!(stand_in, API_TOKEN);
    assert!(stand_in.len() >= 40, "an unguessable stand-in");
    assert_ne!(webhook_secret(&c), CRM_SECRET);

    // api: the token, but no source secret (a correctly signed webhook is refused)
    let (st, b) = answer(
        &handoff_api::handle(&api.app, http_event("GET", "/leads?stage=hot", &auth, None)).await,
    );
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["leads"].as_array().unwrap().len(), 1);
    let (st, _) = answer(
        &handoff_lambda::http::handle(&api.app, hook_event(SECRET_A, "own-2", "p@example.com"))
            .await,
    );
    assert_eq!(
        st, 401,
        "the api function cannot verify a source's signature"
    );
    let c = api.app.config();
    assert_ne!(c.sources["website"].secret.expose(), SECRET_A);
    assert_ne!(webhook_secret(&c), CRM_SECRET);

    // dispatch: the notify entry's signing secret only
    let c = dispatch.app.config();
    assert_eq!(webhook_secret(&c), CRM_SECRET);
    assert_ne!(c.server.api_token.as_ref().unwrap().expose(), API_TOKEN);
    assert_ne!(c.sources["website"].secret.expose(), SECRET_A);
}

#[tokio::test(flavor = "multi_thread")]
async fn after_an_upgrade_the_functions_ask_for_a_new_push_and_push_names_the_old_secrets() {
    if !moto() {
        return;
    }
    // what an earlier `config push` stored: the secrets directly under /secrets
    let prefix = format!("/handoff/{}", unique("t"));
    let ssm = aws_sdk_ssm::Client::new(&sdk().await);
    let put = |name: String, value: &str, kind: aws_sdk_ssm::types::ParameterType| {
        ssm.put_parameter()
            .name(name)
            .value(value)
            .r#type(kind)
            .overwrite(true)
            .send()
    };
    use aws_sdk_ssm::types::ParameterType::{SecureString, String as Plain};
    put(
        format!("{prefix}/secrets/WEBSITE_SECRET"),
        SECRET_A,
        SecureString,
    )
    .await
    .unwrap();
    put(
        format!("{prefix}/secrets/HANDOFF_API_TOKEN"),
        API_TOKEN,
        SecureString,
    )
    .await
    .unwrap();
    put(format!("{prefix}/config"), &config_text(&[]), Plain)
        .await
        .unwrap();

    let loader = SsmConfig::new(ssm.clone(), &prefix, Function::Ingest, Duration::ZERO);
    let e = loader.load().await.unwrap_err().to_string();
    assert!(
        e.contains(&format!("{prefix}/secrets/ingest/WEBSITE_SECRET"))
            && e.contains("handoff config push"),
        "{e}"
    );
    assert!(!e.contains(SECRET_A.trim_start_matches("whsec_")), "{e}");

    let (code, out) = push(&config_text(&[]), &prefix, SECRET_A);
    assert_eq!(code, 0, "{out}");
    let deletes: Vec<&str> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("aws ssm delete-parameter --name "))
        .collect();
    assert_eq!(
        deletes,
        [
            format!("{prefix}/secrets/HANDOFF_API_TOKEN"),
            format!("{prefix}/secrets/WEBSITE_SECRET")
        ],
        "{out}"
    );
    let c = loader.load().await.unwrap();
    assert_eq!(c.sources["website"].secret.expose(), SECRET_A);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_letter_is_counted_and_redriven_through_the_api_function() {
    if !moto() {
        return;
    }
    let prefix = format!("/handoff/{}", unique("t"));
    assert_eq!(push(&config_text(&[]), &prefix, SECRET_A).0, 0);
    let store = table().await;
    let ingest = wiring(store.clone(), &prefix, Function::Ingest).await;
    let api = wiring(store.clone(), &prefix, Function::Api).await;
    let (st, b) = answer(
        &handoff_lambda::http::handle(&ingest.app, hook_event(SECRET_A, "dl-1", "d@example.com"))
            .await,
    );
    assert_eq!(st, 202, "{b}");
    let lead_id = b["lead_id"].as_str().unwrap().to_string();
    let outbox = store.lead_notifications(&lead_id).await.unwrap();
    assert_eq!(outbox.len(), 1);
    let id = outbox[0].id.clone();
    assert_eq!(store.count_dead().await.unwrap(), 0);

    // two failed attempts, the second one gives up: a dead letter in DynamoDB
    let now = chrono::Utc::now();
    store
        .record_attempt(
            &id,
            Attempt::Retry {
                error: "receiver answered 503".into(),
                next_attempt_at: now,
            },
            now,
        )
        .await
        .unwrap();
    store
        .record_attempt(
            &id,
            Attempt::Dead {
                error: "gave up after 2 attempts: receiver answered 503".into(),
            },
            now,
        )
        .await
        .unwrap();

    // what the sweep reports: the count, as the DeadLetters EMF line
    let (count, line) = handoff_dispatch::dead_letters_metric(store.as_ref(), "e2e", now)
        .await
        .unwrap();
    assert_eq!(count, 1);
    let metric: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (metric["DeadLetters"].as_u64(), metric["Stage"].as_str()),
        (Some(1), Some("e2e"))
    );

    let path = format!("/deliveries/{id}/redrive");
    let auth = [("authorization", "Bearer api-token-123")];
    // no token, or the real token on the ingest function (a stand-in there): refused
    let (st, _) =
        answer(&handoff_api::handle(&api.app, http_event("POST", &path, &[], None)).await);
    assert_eq!(st, 401);
    let (st, _) = answer(
        &handoff_lambda::http::handle(&ingest.app, http_event("POST", &path, &auth, None)).await,
    );
    assert_eq!(st, 401);
    assert_eq!(
        store.get_notification(&id).await.unwrap().unwrap().state,
        DeliveryState::Dead
    );

    let (st, b) =
        answer(&handoff_api::handle(&api.app, http_event("POST", &path, &auth, None)).await);
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["redriven"], true);
    assert_eq!(
        (
            b["delivery"]["state"].as_str(),
            b["delivery"]["attempts"].as_u64()
        ),
        (Some("pending"), Some(0))
    );
    // in the table: pending under the same id, attempts from zero, the ended run kept
    let n = store.get_notification(&id).await.unwrap().unwrap();
    assert_eq!(
        (n.state, n.attempts, n.last_error.as_deref()),
        (DeliveryState::Pending, 0, None)
    );
    assert_eq!(n.history.len(), 1);
    assert_eq!(n.history[0].attempts, 2);
    assert_eq!(
        n.history[0].last_error.as_deref(),
        Some("gave up after 2 attempts: receiver answered 503")
    );
    assert!(
        n.next_attempt_at <= chrono::Utc::now(),
        "due now: the next sweep sends it"
    );
    assert_eq!(store.count_dead().await.unwrap(), 0);

    // a second redrive: it is not a dead letter any more
    let (st, b) =
        answer(&handoff_api::handle(&api.app, http_event("POST", &path, &auth, None)).await);
    assert_eq!((st, b["error"].as_str()), (409, Some("not_dead")), "{b}");
    let n = store.get_notification(&id).await.unwrap().unwrap();
    assert_eq!((n.state, n.history.len()), (DeliveryState::Pending, 1));
    let (st, _) = answer(
        &handoff_api::handle(
            &api.app,
            http_event(
                "POST",
                &format!("/deliveries/{lead_id}.sales.nope/redrive"),
                &auth,
                None,
            ),
        )
        .await,
    );
    assert_eq!(st, 404);
}

/// Fair weighted rotation on DynamoDB: 300 leads from 8 concurrent ingests to a team
/// weighted 3:2:1 split 150/100/50 (± 1): each assignment is a conditional write of the
/// team's rotation state, so racing Lambdas never double-count a turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leads_from_eight_ingests_split_three_two_one_on_dynamodb() {
    if !moto() {
        return;
    }
    let prefix = format!("/handoff/{}", unique("t"));
    let text = format!(
        "{}[[team.member]]\nname = \"ana\"\nweight = 3\n[[team.member]]\nname = \"bo\"\nweight = 2\n\
         [[team.member]]\nname = \"cy\"\n\n[routing]\nlink_secret_env = \"LINK_SECRET\"\n",
        config_text(&[])
    );
    let (code, out) = push_with(
        &text,
        &prefix,
        &[
            ("WEBSITE_SECRET", SECRET_A),
            ("HANDOFF_API_TOKEN", API_TOKEN),
            ("LINK_SECRET", "a-link-secret-for-the-moto-test-0123"),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let store = table().await;
    let w = Arc::new(wiring(store.clone(), &prefix, Function::Ingest).await);
    let mut tasks = Vec::new();
    for k in 0..8 {
        let w = w.clone();
        tasks.push(tokio::spawn(async move {
            for n in (k..300).step_by(8) {
                // A provider retries a 503 (the documented answer when the rotation
                // state is contended past its tries); nothing of a 503 is kept.
                let mut tries = 0;
                loop {
                    let ev =
                        hook_event(SECRET_A, &format!("fair-{n}"), &format!("b{n}@example.com"));
                    let (st, b) = answer(&handoff_lambda::http::handle(&w.app, ev).await);
                    if st == 503 && tries < 10 {
                        assert_eq!(b["error"], "store_unavailable", "{b}");
                        tries += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(50 * tries)).await;
                        continue;
                    }
                    assert_eq!(st, 202, "{b}");
                    break;
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let page = store
        .list_leads(&LeadQuery {
            stage: None,
            limit: 500,
            cursor: None,
            unrouted: false,
            claim: None,
            team: None,
            outcome: None,
            contact: None,
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 300);
    let count = |m: &str| {
        page.items
            .iter()
            .filter(|l| l.route.as_ref().and_then(|r| r.member.as_deref()) == Some(m))
            .count()
    };
    for (who, want) in [("ana", 150), ("bo", 100), ("cy", 50)] {
        let got = count(who);
        assert!(
            got.abs_diff(want) <= 1,
            "{who}: {got} of 300, want {want} ± 1"
        );
    }
    let states = store.team_states(&["sales".to_string()]).await.unwrap();
    assert_eq!(states["sales"].version, 300, "one state write per lead");
}

/// Claims and SLA steps on DynamoDB, through the functions as deployed: twenty racing
/// claims through the api function make one owner (a conditional write on the lead's
/// rev); the dispatch sweep runs due SLA steps (next rep, then the fallback team), and
/// a lead claimed in time is left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn claims_race_and_sla_steps_on_dynamodb() {
    if !moto() {
        return;
    }
    let recv = Receiver::start(0, 200).await;
    let prefix = format!("/handoff/{}", unique("t"));
    let text = format!(
        r#"
[server]
api_token_env = "HANDOFF_API_TOKEN"
public_url = "https://leads.example.test"

[routing]
link_secret_env = "LINK_SECRET"

[[source]]
id = "website"
provider = "standard"
business = "b2b"
channel = "web_form"
secret_env = "WEBSITE_SECRET"

[[team]]
name = "sales"
channels = ["web_form"]
sla = "2s"
max_escalations = 1
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
    );
    let (code, out) = push_with(
        &text,
        &prefix,
        &[
            ("WEBSITE_SECRET", SECRET_A),
            ("HANDOFF_API_TOKEN", API_TOKEN),
            ("LINK_SECRET", "a-link-secret-for-the-moto-test-0123"),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let store = table().await;
    let ingest = wiring(store.clone(), &prefix, Function::Ingest).await;
    let api = Arc::new(wiring(store.clone(), &prefix, Function::Api).await);
    let mut ids = Vec::new();
    for n in ["claim-race", "claim-sla"] {
        let (st, b) = answer(
            // two people (one person's second hot lead would be a touch of the first)
            &handoff_lambda::http::handle(
                &ingest.app,
                hook_event(SECRET_A, n, &format!("{n}@example.com")),
            )
            .await,
        );
        assert_eq!(st, 202, "{b}");
        ids.push(b["lead_id"].as_str().unwrap().to_string());
    }
    let (raced, waiting) = (ids[0].clone(), ids[1].clone());

    let auth = format!("Bearer {API_TOKEN}");
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (api, raced, auth) = (api.clone(), raced.clone(), auth.clone());
            let who = ["ana", "bo", "cy"][i % 3];
            tokio::spawn(async move {
                let body = json!({ "member": who }).to_string();
                let ev = http_event(
                    "POST",
                    &format!("/leads/{raced}/claim"),
                    &[
                        ("authorization", &auth),
                        ("content-type", "application/json"),
                    ],
                    Some(&body),
                );
                (
                    who,
                    answer(&handoff_lambda::http::handle(&api.app, ev).await),
                )
            })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let winners: Vec<&str> = results
        .iter()
        .filter(|(_, (st, _))| *st == 200)
        .map(|(w, _)| *w)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for (_, (st, b)) in &results {
        if *st != 200 {
            assert_eq!(
                (*st, b["error"].as_str()),
                (409, Some("already_claimed")),
                "{b}"
            );
            assert_eq!(b["by"], winners[0], "{b}");
        }
    }
    let l = store.get_lead(&raced).await.unwrap().unwrap();
    let c = l.claim.as_ref().unwrap();
    assert_eq!(c.by.as_deref(), Some(winners[0]));
    assert_eq!(l.rev, 1, "one write: {l:?}");

    // the sweep before the sla: nothing moves; after it: one step each sweep
    let dispatcher = Dispatcher {
        store: store.clone(),
        notifier: Arc::new(handoff_notify::HttpNotifier::new(Duration::from_secs(5))),
        clock: Arc::new(SystemClock),
    };
    let config = wiring(store.clone(), &prefix, Function::Dispatch)
        .await
        .app
        .config();
    handoff_dispatch::sweep(&dispatcher, &config, 25)
        .await
        .unwrap();
    let first = store.get_lead(&waiting).await.unwrap().unwrap();
    let holder = first.route.as_ref().unwrap().member.clone().unwrap();
    assert_eq!(first.claim.as_ref().unwrap().escalations, 0);
    let sent: Vec<Received> = recv.received();
    assert!(
        sent.iter()
            .any(|r| r.path == "/sales" && r.body["lead"]["id"] == waiting.as_str()),
        "the first notice, with its claim link: {sent:?}"
    );
    let link = sent
        .iter()
        .find(|r| r.body["lead"]["id"] == waiting.as_str())
        .unwrap()
        .body["claim_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        link.starts_with("https://leads.example.test/claim/"),
        "{link}"
    );

    tokio::time::sleep(Duration::from_millis(2300)).await;
    handoff_dispatch::sweep(&dispatcher, &config, 25)
        .await
        .unwrap();
    // the step's notices are new outbox items: the stream's dispatch sends them on AWS
    handoff_dispatch::sweep(&dispatcher, &config, 25)
        .await
        .unwrap();
    let step1 = store.get_lead(&waiting).await.unwrap().unwrap();
    let order = ["ana", "bo", "cy"];
    let next = order[(order.iter().position(|m| *m == holder).unwrap() + 1) % 3];
    assert_eq!(
        step1.route.as_ref().unwrap().member.as_deref(),
        Some(next),
        "{step1:?}"
    );
    assert_eq!(step1.claim.as_ref().unwrap().escalations, 1);
    let escalated = |path: &str| {
        recv.received()
            .into_iter()
            .filter(|r| r.path == path && r.body["type"] == "lead.escalated")
            .count()
    };
    assert_eq!(escalated("/sales"), 1, "{:?}", recv.received());

    tokio::time::sleep(Duration::from_millis(2300)).await;
    handoff_dispatch::sweep(&dispatcher, &config, 25)
        .await
        .unwrap();
    // the step's notices are new outbox items: the stream's dispatch sends them on AWS
    handoff_dispatch::sweep(&dispatcher, &config, 25)
        .await
        .unwrap();
    let missed = store.get_lead(&waiting).await.unwrap().unwrap();
    let r = missed.route.as_ref().unwrap();
    assert_eq!(
        (
            r.team.as_deref(),
            r.member.as_deref(),
            r.fallback_from.as_deref()
        ),
        (Some("desk"), Some("dee"), Some("sales")),
        "{missed:?}"
    );
    assert_eq!(escalated("/desk"), 1, "{:?}", recv.received());
    // the claimed lead: its SLA job ran and did nothing
    let jobs = store.lead_notifications(&raced).await.unwrap();
    let sla: Vec<_> = jobs
        .iter()
        .filter(|j| matches!(j.job, handoff_core::outbox::Job::Escalate { .. }))
        .collect();
    assert_eq!(sla.len(), 1);
    assert_eq!(sla[0].state, DeliveryState::Sent);
    assert!(recv
        .received()
        .iter()
        .all(|m| m.body["lead"]["id"] != raced.as_str() || m.body["type"] == "lead.hot"));
    // the claim link through the api function: dee (the fallback's rep) cannot use a
    // sales link, a sales rep it left still can
    let token = link.rsplit_once("/claim/").unwrap().1;
    let form = |who: &str| {
        http_event(
            "POST",
            &format!("/claim/{token}"),
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(&format!("member={who}")),
        )
    };
    let resp = handoff_lambda::http::handle(&api.app, form("dee")).await;
    assert_eq!(resp.status().as_u16(), 400);
    let resp = handoff_lambda::http::handle(&api.app, form(&holder)).await;
    assert_eq!(resp.status().as_u16(), 200);
    let done = store.get_lead(&waiting).await.unwrap().unwrap();
    assert_eq!(done.claim.unwrap().by.as_deref(), Some(holder.as_str()));
}

/// Outcomes on DynamoDB through the api function as deployed: the owner team's key
/// (from SSM) may report, another team's may not, the amount comes back as the decimal
/// string it was, every outcome stays on the timeline, and `outcome=` lists by the latest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_through_the_api_function_on_dynamodb() {
    if !moto() {
        return;
    }
    let prefix = format!("/handoff/{}", unique("t"));
    let text = r#"
[server]
api_token_env = "HANDOFF_API_TOKEN"

[routing]
link_secret_env = "LINK_SECRET"

[[source]]
id = "website"
provider = "standard"
business = "b2b"
channel = "web_form"
secret_env = "WEBSITE_SECRET"

[[team]]
name = "sales"
channels = ["web_form"]
api_key_env = "SALES_KEY"
[[team.notify]]
kind = "console"
[[team.member]]
name = "ana"

[[team]]
name = "chat"
channels = ["live_chat"]
api_key_env = "CHAT_KEY"
[[team.notify]]
kind = "console"
"#;
    let (sales_key, chat_key) = ("moto-sales-key-0123456789", "moto-chat-key-0123456789");
    let (code, out) = push_with(
        text,
        &prefix,
        &[
            ("WEBSITE_SECRET", SECRET_A),
            ("HANDOFF_API_TOKEN", API_TOKEN),
            ("LINK_SECRET", "a-link-secret-for-the-moto-test-0123"),
            ("SALES_KEY", sales_key),
            ("CHAT_KEY", chat_key),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let store = table().await;
    let ingest = wiring(store.clone(), &prefix, Function::Ingest).await;
    let api = wiring(store.clone(), &prefix, Function::Api).await;
    let (st, b) = answer(
        &handoff_lambda::http::handle(
            &ingest.app,
            hook_event(SECRET_A, "outcome-1", "o@example.com"),
        )
        .await,
    );
    assert_eq!(st, 202, "{b}");
    let id = b["lead_id"].as_str().unwrap().to_string();
    let report = |key: &str, body: Value| {
        let auth = format!("Bearer {key}");
        let body = body.to_string();
        http_event(
            "POST",
            &format!("/leads/{id}/outcome"),
            &[
                ("authorization", &auth),
                ("content-type", "application/json"),
            ],
            Some(&body),
        )
    };
    let send = |ev| handoff_lambda::http::handle(&api.app, ev);
    let (st, b) = answer(&send(report(chat_key, json!({"outcome": "accepted"}))).await);
    assert_eq!((st, b["error"].as_str()), (403, Some("forbidden")), "{b}");
    let (st, b) = answer(
        &send(report(
            sales_key,
            json!({"outcome": "lost", "reason": "price", "by": "ana"}),
        ))
        .await,
    );
    assert_eq!(st, 200, "{b}");
    let (st, b) = answer(
        &send(report(
            API_TOKEN,
            json!({"outcome": "won", "amount": "0.10", "currency": "JPY"}),
        ))
        .await,
    );
    assert_eq!(st, 200, "{b}");
    let (st, b) = answer(
        &send(report(
            API_TOKEN,
            json!({"outcome": "won", "amount": "10", "currency": "QQQ"}),
        ))
        .await,
    );
    assert_eq!(
        (st, b["error"].as_str()),
        (400, Some("invalid_outcome")),
        "{b}"
    );

    let lead = store.get_lead(&id).await.unwrap().expect("stored");
    let o = lead.outcome.as_ref().expect("an outcome");
    assert_eq!(
        (o.amount.as_deref(), o.currency.as_deref(), o.by.as_deref()),
        (Some("0.10"), Some("JPY"), Some("admin"))
    );
    let details: Vec<&str> = lead
        .timeline
        .iter()
        .filter(|e| e.event == "outcome")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(
        details,
        ["lost: price by ana (api)", "won 0.10 JPY by admin (api)"]
    );
    let auth = format!("Bearer {API_TOKEN}");
    for (q, want) in [("won", true), ("lost", false)] {
        let ev = http_event(
            "GET",
            &format!("/leads?outcome={q}&limit=500"),
            &[("authorization", &auth)],
            None,
        );
        let (st, b) = answer(&send(ev).await);
        assert_eq!(st, 200, "{b}");
        let found = b["leads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == id.as_str());
        assert_eq!(found, want, "outcome={q}: {b}");
    }
}
