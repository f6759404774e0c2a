//! The store contract suite against DynamoDB — a real DynamoDB API: the moto server that
//! `scripts/moto.sh start` runs — one fresh table per check, plus what only this store
//! promises (its table shape, stream images, failing fast when DynamoDB is unreachable).
//!
//! The moto tests run when `AWS_ENDPOINT_URL` is set (the environment `moto.sh start`
//! exports). Without it they print a notice and pass, unless `HANDOFF_MOTO=1`: then a
//! missing or unreachable endpoint fails them, so CI can never skip them silently.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration as StdDuration, Instant};

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::types::{AttributeValue, ProjectionType, StreamViewType, TimeToLiveStatus};
use handoff_core::model::Stage;
use handoff_core::store::contract::{self, sample_new_lead, t0};
use handoff_core::store::{Inserted, LeadQuery, Leads, Outbox, RawPayloads, StoreError};
use handoff_dynamodb::{
    notification_from_image, notification_from_stream_json, DynamoStore, INDEXES, TTL_ATTRIBUTE,
};

/// The endpoint the moto tests use, or None (after a notice) when they are to be skipped.
fn endpoint() -> Option<String> {
    let required = std::env::var("HANDOFF_MOTO").is_ok_and(|v| v == "1");
    match std::env::var("AWS_ENDPOINT_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if required => panic!(
            "HANDOFF_MOTO=1 but AWS_ENDPOINT_URL is unset: run the tests after \
             `eval \"$(scripts/moto.sh start)\"`"
        ),
        _ => {
            // Straight to stderr, past the test harness's output capture, once.
            static NOTICE: std::sync::Once = std::sync::Once::new();
            NOTICE.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "NOTICE: the DynamoDB (moto) tests are SKIPPED: AWS_ENDPOINT_URL is unset. \
                     Run them with `eval \"$(scripts/moto.sh start)\"` first, or scripts/test.sh."
                );
            });
            None
        }
    }
}

/// A store on a new, empty table of its own, created through `create_table`.
async fn fresh(test: &str) -> Option<DynamoStore> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let url = endpoint()?;
    let table = format!(
        "handoff-test-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        test.replace('_', "-")
    );
    let store = DynamoStore::from_env(table.clone()).await;
    if let Err(e) = store.create_table().await {
        panic!(
            "cannot create table {table} at {url} (is moto running? `eval \"$(scripts/moto.sh start)\"`): {e}"
        );
    }
    Some(store)
}

/// One test per check, in a module per role (`leads::insert_then_duplicate` …), so a
/// failure names the role and the check.
macro_rules! contract_tests {
    ($($role:ident: [$($check:ident),+ $(,)?]),+ $(,)?) => {
        $(mod $role {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $check() {
                    let name = concat!(stringify!($role), "-", stringify!($check));
                    if let Some(store) = super::fresh(name).await {
                        super::contract::$role::$check(&store).await;
                    }
                }
            )+
        })+

        const CHECKS_HERE: &[(&str, &[&str])] = &[$((stringify!($role), &[$(stringify!($check)),+])),+];
    };
}

contract_tests!(
    leads: [
        insert_then_duplicate,
        concurrent_inserts_create_once,
        get_lead_found_and_missing,
        list_leads_newest_first,
        list_leads_by_stage,
        list_leads_limit_and_paging,
        list_leads_refuses_foreign_cursors,
        team_state_is_written_with_the_lead_at_the_version_read,
        unrouted_hot_leads_are_listed_apart,
        update_lead_is_conditional_and_writes_its_jobs,
        write_team_state_is_conditional_on_its_version,
        claim_and_team_filters_list_what_is_waiting,
        outcomes_are_kept_exactly_and_filter_the_list,
        a_contacts_leads_are_listed_newest_first,
    ],
    outbox: [
        claim_due_oldest_first_with_limit,
        claim_due_leases,
        record_attempt_retry_sent_dead,
        sent_and_dead_are_never_claimed,
        list_notifications_by_state,
        lead_notifications_of_one_lead,
        redrive_restarts_only_dead_letters,
        claim_due_in_passes_over_full_lanes,
        list_notifications_page_follows_cursors_and_refuses_foreign_ones,
        count_dead_counts_dead_letters_only,
    ],
    rejected: [
        rejected_log_newest_first,
        rejected_log_is_bounded,
        rejected_entries_expire,
    ],
    raw: [raw_payload_expiry_and_purge],
);

#[test]
fn every_contract_check_has_a_test_here() {
    let suite: Vec<(&str, Vec<&str>)> = contract::roles()
        .into_iter()
        .map(|(role, checks)| (role, checks.into_iter().map(|(name, _)| name).collect()))
        .collect();
    let here: Vec<(&str, Vec<&str>)> = CHECKS_HERE
        .iter()
        .map(|(role, checks)| (*role, checks.to_vec()))
        .collect();
    assert_eq!(
        suite, here,
        "add the suite's new roles and checks to contract_tests! above"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_table_is_idempotent_and_matches_table_md() {
    let Some(store) = fresh("create_table").await else {
        return;
    };
    store.create_table().await.expect("second create_table");

    let client = store.client();
    let desc = client
        .describe_table()
        .table_name(store.table())
        .send()
        .await
        .unwrap();
    let table = desc.table().unwrap();
    let keys: Vec<(&str, &str)> = table
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name(), k.key_type().as_str()))
        .collect();
    assert_eq!(keys, [("PK", "HASH"), ("SK", "RANGE")]);
    assert!(table
        .attribute_definitions()
        .iter()
        .all(|a| a.attribute_type().as_str() == "S"));
    let stream = table.stream_specification().expect("stream specification");
    assert!(stream.stream_enabled());
    assert_eq!(
        stream.stream_view_type(),
        Some(&StreamViewType::NewAndOldImages)
    );
    assert!(
        table.latest_stream_arn().is_some(),
        "the table has a stream"
    );
    let mut gsis: Vec<(String, String, String, ProjectionType)> = table
        .global_secondary_indexes()
        .iter()
        .map(|g| {
            let ks = g.key_schema();
            (
                g.index_name().unwrap().to_owned(),
                ks[0].attribute_name().to_owned(),
                ks[1].attribute_name().to_owned(),
                g.projection()
                    .and_then(|p| p.projection_type())
                    .cloned()
                    .unwrap(),
            )
        })
        .collect();
    gsis.sort();
    let want: Vec<(String, String, String, ProjectionType)> = INDEXES
        .iter()
        .map(|(n, h, r)| {
            (
                n.to_string(),
                h.to_string(),
                r.to_string(),
                ProjectionType::All,
            )
        })
        .collect();
    let mut want = want;
    want.sort();
    assert_eq!(gsis, want);

    let ttl = client
        .describe_time_to_live()
        .table_name(store.table())
        .send()
        .await
        .unwrap();
    let ttl = ttl.time_to_live_description().unwrap();
    assert_eq!(ttl.attribute_name(), Some(TTL_ATTRIBUTE));
    assert!(matches!(
        ttl.time_to_live_status(),
        Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
    ));
}

async fn raw_item(store: &DynamoStore, pk: &str, sk: &str) -> HashMap<String, AttributeValue> {
    store
        .client()
        .get_item()
        .table_name(store.table())
        .key("PK", AttributeValue::S(pk.into()))
        .key("SK", AttributeValue::S(sk.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap_or_else(|| panic!("no item {pk}/{sk}"))
}

/// DynamoDB JSON of an item (S, N and B attributes), as stream records carry it.
fn dynamodb_json(item: &HashMap<String, AttributeValue>) -> serde_json::Value {
    item.iter()
        .map(|(k, v)| {
            let v = match v {
                AttributeValue::S(s) => serde_json::json!({ "S": s }),
                AttributeValue::N(n) => serde_json::json!({ "N": n }),
                other => serde_json::json!({ "NULL": format!("{other:?}").is_empty() }),
            };
            (k.clone(), v)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_carry_what_streams_and_ttl_need() {
    let Some(store) = fresh("items").await else {
        return;
    };
    let new = sample_new_lead("shop", "img", Stage::Hot, t0());
    let lead_id = new.lead.id.clone();
    let want = new.outbox[0].clone();
    store.insert_lead(new.clone()).await.unwrap();

    // a notification item turns back into its Notification, in both image forms
    let item = raw_item(
        &store,
        &format!("LEAD#{lead_id}"),
        &format!("NOTIF#{}", want.id),
    )
    .await;
    assert_eq!(item["item_type"].as_s().unwrap(), "notification");
    assert_eq!(notification_from_image(&item).unwrap(), Some(want.clone()));
    assert_eq!(
        notification_from_stream_json(&dynamodb_json(&item)).unwrap(),
        Some(want.clone())
    );
    assert_eq!(item["DUE_PK"].as_s().unwrap(), "DUE");

    // a lead item is not a notification
    let lead_item = raw_item(&store, &format!("LEAD#{lead_id}"), "LEAD").await;
    assert_eq!(notification_from_image(&lead_item).unwrap(), None);
    assert_eq!(
        notification_from_stream_json(&dynamodb_json(&lead_item)).unwrap(),
        None
    );
    assert_eq!(lead_item["GSI1PK"].as_s().unwrap(), "STAGE#hot");
    assert_eq!(
        lead_item["GSI4PK"].as_s().unwrap(),
        "CAMPAIGN#spring-launch"
    );
    // a notification image whose data is unreadable is an error, not "no notification"
    let mut broken = item.clone();
    broken.insert("data".into(), AttributeValue::S("{".into()));
    assert!(matches!(
        notification_from_image(&broken),
        Err(StoreError::Corrupt(_))
    ));

    // the raw payload carries the numeric TTL attribute (epoch seconds)
    let raw = raw_item(&store, &format!("LEAD#{lead_id}"), "RAW").await;
    assert_eq!(
        raw[TTL_ATTRIBUTE].as_n().unwrap(),
        &new.raw_expires_at.timestamp().to_string()
    );

    // once sent, the notification leaves the due index
    store
        .record_attempt(&want.id, handoff_core::store::Attempt::Sent, t0())
        .await
        .unwrap();
    let item = raw_item(
        &store,
        &format!("LEAD#{lead_id}"),
        &format!("NOTIF#{}", want.id),
    )
    .await;
    assert!(!item.contains_key("DUE_PK") && !item.contains_key("DUE_SK"));
    assert_eq!(item["delivery_state"].as_s().unwrap(), "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_cursors_are_refused() {
    let Some(store) = fresh("cursor").await else {
        return;
    };
    for i in 0..3 {
        store
            .insert_lead(sample_new_lead("c", &i.to_string(), Stage::Hot, t0()))
            .await
            .unwrap();
    }
    let page = store
        .list_leads(&LeadQuery {
            stage: None,
            limit: 1,
            cursor: None,
            unrouted: false,
            claim: None,
            team: None,
            outcome: None,
            contact: None,
        })
        .await
        .unwrap();
    let next = page.next.expect("a next page");
    // the cursor of the "all leads" listing is refused by the "nurture" listing
    for (stage, cursor) in [
        (None, "not a cursor".to_owned()),
        (None, "e30".to_owned()),
        (Some(Stage::Nurture), next.clone()),
    ] {
        let err = store
            .list_leads(&LeadQuery {
                stage,
                limit: 1,
                cursor: Some(cursor.clone()),
                unrouted: false,
                claim: None,
                team: None,
                outcome: None,
                contact: None,
            })
            .await
            .unwrap_err();
        // the caller's mistake (400 at the edge), not a store fault (503)
        assert!(matches!(&err, StoreError::InvalidCursor), "{cursor}: {err}");
    }
    let page2 = store
        .list_leads(&LeadQuery {
            stage: None,
            limit: 5,
            cursor: Some(next),
            unrouted: false,
            claim: None,
            team: None,
            outcome: None,
            contact: None,
        })
        .await
        .unwrap();
    assert_eq!(page2.items.len(), 2);
    assert_eq!(page2.next, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_raw_payload_never_costs_the_lead() {
    let Some(store) = fresh("big-raw").await else {
        return;
    };
    let mut new = sample_new_lead("shop", "big", Stage::Hot, t0());
    new.raw = vec![b'x'; 500 * 1024];
    assert!(matches!(
        store.insert_lead(new.clone()).await.unwrap(),
        Inserted::Created(_)
    ));
    assert_eq!(
        store.get_lead(&new.lead.id).await.unwrap(),
        Some(new.lead.clone())
    );
    assert_eq!(store.get_raw(&new.lead.id, t0()).await.unwrap(), None);
    assert_eq!(
        store.lead_notifications(&new.lead.id).await.unwrap().len(),
        2
    );
}

/// A store whose endpoint is a closed port on 127.0.0.1, with short timeouts and no
/// retries. Needs no moto.
async fn unreachable_store() -> DynamoStore {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again here
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .load()
        .await;
    let config = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(StdDuration::from_secs(1))
                .operation_timeout(StdDuration::from_secs(3))
                .build(),
        )
        .build();
    DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(config), "handoff-down")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_dynamodb_is_unavailable_quickly() {
    let store = unreachable_store().await;
    let started = Instant::now();
    let new = sample_new_lead("shop", "down", Stage::Hot, t0());
    let err = store.insert_lead(new.clone()).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err}");
    let err = store.get_lead(&new.lead.id).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err}");
    let err = store
        .claim_due(t0(), chrono::Duration::seconds(60), 10)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err}");
    assert!(
        started.elapsed() < StdDuration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}
