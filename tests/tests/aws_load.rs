//! The load test's smaller run against the moto-backed DynamoDB store: the same plan
//! (all providers, hot and nurture, racing and later redeliveries, bad signatures,
//! malformed bodies) at 32 concurrent senders, through the shared handler on the
//! DynamoDB store, then the dispatch sweep sends the outbox to a real receiver.
//!
//! moto serialises requests and copies the table on every transaction, so this run is
//! kept small (it measures correctness, not speed).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use handoff_core::app::App;
use handoff_core::clock::SystemClock;
use handoff_core::config::Config;
use handoff_core::model::Stage;
use handoff_core::outbox::Dispatcher;
use handoff_core::store::{DeliveryState, LeadQuery, Leads, Outbox, RejectedLog};
use handoff_dynamodb::DynamoStore;
use handoff_tests::load::{self, Kind, Plan};
use handoff_tests::Receiver;

const DELIVERIES: usize = 200;

/// An HTTP edge over the shared handler, as the ingest λ is: the same `App::handle`.
async fn serve(app: Arc<App>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let app = app.clone();
        async move {
            let path = req.uri().path().to_string();
            handoff_edge::handle(&app, &path, req)
                .await
                .map(axum::body::Body::from)
        }
    });
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_small_load_on_the_dynamodb_store_loses_and_duplicates_nothing() {
    let required = std::env::var("HANDOFF_MOTO").is_ok_and(|v| v == "1");
    if std::env::var("AWS_ENDPOINT_URL").map_or(true, |u| u.is_empty()) {
        assert!(!required, "HANDOFF_MOTO=1 but AWS_ENDPOINT_URL is unset");
        eprintln!("NOTICE: moto load test SKIPPED (no moto): run scripts/test.sh");
        return;
    }
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let table = format!("handoff-load-{}", std::process::id());
    let store = Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table));
    store.create_table().await.unwrap();

    let crm = Receiver::start(0, 200).await;
    let slack = Receiver::start(0, 200).await;
    let config = Config::from_toml_str(
        &load::config(&crm.url("/crm"), &slack.url("/slack")),
        "load.toml",
        &|_| None,
    )
    .expect("load config");
    let app = Arc::new(App::new(config, store.clone(), Arc::new(SystemClock)).open_without_token());
    let base = serve(app.clone()).await;

    let plan = Arc::new(Plan::build(DELIVERIES, 0x5eed_d0d0, 30));
    let run = load::fire(plan.clone(), base, 32, Arc::new(AtomicUsize::new(0))).await;
    println!(
        "moto: {DELIVERIES} deliveries at 32 senders in {:.2?}; {}",
        run.wall,
        load::latency_line(&mut run.outcomes.iter().map(|o| o.latency).collect::<Vec<_>>())
    );

    // every answer is the documented one; racing pairs: exactly one 202
    let mut created: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (it, o)) in plan.items.iter().zip(&run.outcomes).enumerate() {
        let st = o
            .status
            .unwrap_or_else(|| panic!("#{i} no answer: {:?}", o.error));
        match it.kind {
            Kind::Original { .. } | Kind::Redelivery { .. } => {
                assert!(
                    st == 202 || st == 200,
                    "#{i} {:?}: {st} {}",
                    it.kind,
                    o.body
                );
                assert_eq!(o.body["lead_id"], it.lead_id.as_str(), "#{i}");
                assert_eq!(o.body["duplicate"], st == 200, "#{i}");
                if st == 202 {
                    *created.entry(it.lead_id.clone()).or_default() += 1;
                }
            }
            Kind::BadSignature { .. } => assert_eq!(st, 401, "#{i} {}", o.body),
            Kind::Malformed { .. } => assert_eq!(st, 400, "#{i} {}", o.body),
        }
    }
    let valid = plan.valid_leads();
    assert_eq!(created.len(), valid.len(), "one 202 per valid lead");
    assert!(
        created.values().all(|&n| n == 1),
        "never two 202s for one lead"
    );

    // the store holds exactly the valid unique leads
    let mut stored = BTreeMap::new();
    let mut cursor = None;
    loop {
        let page = store
            .list_leads(&LeadQuery {
                stage: None,
                limit: 500,
                cursor,
                unrouted: false,
                claim: None,
                team: None,
                outcome: None,
                contact: None,
            })
            .await
            .unwrap();
        for l in page.items {
            assert!(
                stored.insert(l.id.clone(), l.stage).is_none(),
                "{} twice",
                l.id
            );
        }
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    assert_eq!(stored, valid);
    let malformed = plan.count(|k| matches!(k, Kind::Malformed { .. }));
    assert_eq!(
        store
            .list_rejected(500, chrono::Utc::now())
            .await
            .unwrap()
            .len(),
        malformed
    );

    // the outbox: three entries per hot lead, none for nurture; the sweep sends them
    let dispatcher = Dispatcher {
        store: store.clone(),
        notifier: Arc::new(handoff_notify::HttpNotifier::new(Duration::from_secs(5))),
        clock: Arc::new(SystemClock),
    };
    let t = Instant::now();
    let sent = handoff_dispatch::sweep(&dispatcher, &app.config(), 50)
        .await
        .unwrap();
    let hot: BTreeSet<&String> = valid
        .iter()
        .filter(|(_, s)| **s == Stage::Hot)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        sent,
        hot.len() * 3,
        "one per notify entry of every hot lead"
    );
    println!("moto: swept {sent} notifications in {:.2?}", t.elapsed());
    for r in [&crm, &slack] {
        let got = r.received();
        let ids: Vec<String> = got.iter().filter_map(load::notified_lead).collect();
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len(), "a notification sent twice");
        assert_eq!(unique, hot.iter().copied().collect::<BTreeSet<_>>());
    }
    assert!(store
        .list_notifications(Some(DeliveryState::Pending), 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .list_notifications(Some(DeliveryState::Dead), 10)
        .await
        .unwrap()
        .is_empty());
}
