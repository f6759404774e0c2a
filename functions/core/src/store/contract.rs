//! The store contract suite: one set of checks every [`LeadStore`] must pass, so the
//! embedded store and the DynamoDB store can never drift apart.
//!
//! Use [`run_all`] with a factory of fresh, empty stores, or call the checks one by
//! one (each takes a fresh, empty store) to get one test per check:
//!
//! ```ignore
//! #[tokio::test(flavor = "multi_thread")]
//! async fn contract() {
//!     handoff_core::store::contract::run_all(|| async { MyStore::new_empty().await }).await;
//! }
//! ```
//!
//! Every check uses fixed timestamps (no clock, no sleeps) and panics with a message
//! naming the check and the broken promise.
//!
//! Where the trait leaves an order open, the suite pins it down:
//! - `list_notifications` is newest first by `created_at` (then id), not by `updated_at`;
//! - `get_raw` at exactly `raw_expires_at` finds nothing (the payload has expired).

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{
    Attempt, DeliveryState, Inserted, LeadQuery, LeadStore, NewLead, Notification, Page,
    RejectedDelivery, StoreError, REJECTED_LOG_CAPACITY,
};
use crate::model::{Action, Business, Channel, Contact, Lead, Reason, Stage, Utm};

/// A fixed instant the checks count from.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap()
}

/// A complete lead for tests. Hot leads carry two outbox notifications (teams `sales`
/// and `key-accounts`, due at `received_at`); nurture leads none. The raw payload is
/// kept for 7 days.
pub fn sample_new_lead(
    source_id: &str,
    delivery_id: &str,
    stage: Stage,
    received_at: DateTime<Utc>,
) -> NewLead {
    let id = Lead::id_for(source_id, delivery_id);
    let hot = stage == Stage::Hot;
    let lead = Lead {
        id: id.clone(),
        source_id: source_id.into(),
        delivery_id: delivery_id.into(),
        provider: crate::providers::standard::KIND,
        business: Business::B2b,
        channel: Channel::WebForm,
        action: if hot {
            Action::DemoRequest
        } else {
            Action::NewsletterSignup
        },
        contact: Contact {
            email: Some(format!("buyer+{delivery_id}@example.com")),
            phone: None,
            name: Some("Ada Buyer".into()),
            company: Some("Example GmbH".into()),
        },
        message: Some(if hot {
            "Can we book a demo next week?".into()
        } else {
            "Please add me to the newsletter".into()
        }),
        utm: Utm {
            source: Some("google".into()),
            medium: Some("cpc".into()),
            campaign: Some("spring-launch".into()),
            term: None,
            content: None,
        },
        occurred_at: Some(received_at - Duration::seconds(2)),
        received_at,
        stage,
        score: if hot { 85 } else { 20 },
        reasons: vec![Reason {
            rule: if hot {
                "action.demo_request"
            } else {
                "action.default"
            }
            .into(),
            field: "action".into(),
            detail: if hot {
                "demo requested"
            } else {
                "not a readiness action"
            }
            .into(),
        }],
    };
    let outbox = if hot {
        vec![
            Notification::new(&id, "sales", 0, received_at),
            Notification::new(&id, "key-accounts", 0, received_at),
        ]
    } else {
        Vec::new()
    };
    let raw = format!(
        r#"{{"action":"{}","contact":{{"email":"buyer+{delivery_id}@example.com"}}}}"#,
        lead.action
    )
    .into_bytes();
    NewLead {
        lead,
        outbox,
        raw,
        raw_expires_at: received_at + Duration::days(7),
    }
}

/// Runs every check, each against a store freshly made by `fresh` (which must be empty).
pub async fn run_all<F, Fut, S>(fresh: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
    S: LeadStore + 'static,
{
    for (name, check) in checks() {
        let store = fresh().await;
        eprintln!("store contract: {name}");
        check(&store).await;
    }
}

type CheckFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
type Check = for<'a> fn(&'a dyn LeadStore) -> CheckFuture<'a>;

/// Every check by name, in the order [`run_all`] runs them.
pub fn checks() -> Vec<(&'static str, Check)> {
    macro_rules! list {
        ($($name:ident),+ $(,)?) => {
            vec![$((stringify!($name), (|s| Box::pin($name(s))) as Check)),+]
        };
    }
    list![
        insert_then_duplicate,
        concurrent_inserts_create_once,
        get_lead_found_and_missing,
        list_leads_newest_first,
        list_leads_by_stage,
        list_leads_limit_and_paging,
        raw_payload_expiry_and_purge,
        rejected_log_newest_first,
        rejected_log_is_bounded,
        claim_due_oldest_first_with_limit,
        claim_due_leases,
        record_attempt_retry_sent_dead,
        sent_and_dead_are_never_claimed,
        list_notifications_by_state,
        lead_notifications_of_one_lead,
    ]
}

// ---------------------------------------------------------------------------------
// helpers

#[track_caller]
fn ok<T>(r: Result<T, StoreError>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("store contract: {what} failed: {e}"),
    }
}

async fn insert(store: &dyn LeadStore, new: NewLead) -> Lead {
    let id = new.lead.id.clone();
    match ok(store.insert_lead(new).await, "insert_lead") {
        Inserted::Created(l) => l,
        Inserted::Duplicate(_) => {
            panic!("store contract: insert_lead of new lead {id} answered Duplicate")
        }
    }
}

/// Polls all futures concurrently on the current task (no runtime needed here), so
/// their store calls are in flight at the same time.
async fn join_all<'a, T>(futs: Vec<Pin<Box<dyn Future<Output = T> + Send + 'a>>>) -> Vec<T> {
    let mut futs: Vec<Option<Pin<Box<dyn Future<Output = T> + Send + 'a>>>> =
        futs.into_iter().map(Some).collect();
    let mut out: Vec<Option<T>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, res) in futs.iter_mut().zip(out.iter_mut()) {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => {
                        *res = Some(v);
                        *slot = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|v| v.expect("joined")).collect()
}

fn ids(leads: &[Lead]) -> Vec<String> {
    leads.iter().map(|l| l.id.clone()).collect()
}

fn nids(ns: &[Notification]) -> Vec<String> {
    ns.iter().map(|n| n.id.clone()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Newest first: by `received_at`, then id, both descending.
fn newest_first(mut leads: Vec<Lead>) -> Vec<String> {
    leads.sort_by(|a, b| (b.received_at, &b.id).cmp(&(a.received_at, &a.id)));
    ids(&leads)
}

async fn all_leads(store: &dyn LeadStore, stage: Option<Stage>) -> Vec<Lead> {
    let page = ok(
        store
            .list_leads(&LeadQuery {
                stage,
                limit: 500,
                cursor: None,
            })
            .await,
        "list_leads",
    );
    assert_eq!(
        page.next, None,
        "store contract: list_leads returned `next` although every lead fit on the page"
    );
    page.items
}

/// Follows `next` until it is None; checks the page-size promises on the way.
async fn all_pages(store: &dyn LeadStore, stage: Option<Stage>, limit: usize) -> Vec<Vec<Lead>> {
    let mut pages = Vec::new();
    let mut cursor = None;
    for _ in 0..1000 {
        let Page { items, next } = ok(
            store
                .list_leads(&LeadQuery {
                    stage,
                    limit,
                    cursor: cursor.clone(),
                })
                .await,
            "list_leads (paging)",
        );
        assert!(
            items.len() <= limit,
            "store contract: list_leads returned {} items with limit {limit}",
            items.len()
        );
        let last = next.is_none();
        pages.push(items);
        if last {
            return pages;
        }
        cursor = next;
    }
    panic!("store contract: list_leads paging never ended (`next` always Some)")
}

fn rejected(n: usize, at: DateTime<Utc>) -> RejectedDelivery {
    RejectedDelivery {
        id: format!("rj_{n:05}"),
        source_id: "shop".into(),
        received_at: at,
        error: "malformed_payload".into(),
        detail: format!("missing field `action` (#{n})"),
        excerpt: format!(r#"{{"n":{n}}}"#),
    }
}

/// Claims with a 60 s lease.
async fn claim(store: &dyn LeadStore, now: DateTime<Utc>, limit: usize) -> Vec<Notification> {
    claim_leased(store, now, Duration::seconds(60), limit).await
}

async fn claim_leased(
    store: &dyn LeadStore,
    now: DateTime<Utc>,
    lease: Duration,
    limit: usize,
) -> Vec<Notification> {
    ok(store.claim_due(now, lease, limit).await, "claim_due")
}

async fn notification(store: &dyn LeadStore, id: &str) -> Notification {
    ok(store.get_notification(id).await, "get_notification")
        .unwrap_or_else(|| panic!("store contract: notification {id} not found"))
}

// ---------------------------------------------------------------------------------
// checks — each expects a fresh, empty store

/// insert → Created; same id again → Duplicate carrying the stored lead, nothing written.
pub async fn insert_then_duplicate(store: &dyn LeadStore) {
    let first = sample_new_lead("shop", "d-1", Stage::Hot, t0());
    let expected = first.lead.clone();
    let expected_outbox = sorted(nids(&first.outbox));
    match ok(store.insert_lead(first.clone()).await, "insert_lead") {
        Inserted::Created(l) => assert_eq!(
            l, expected,
            "store contract: Created must carry the lead as written"
        ),
        other => panic!("store contract: first insert must be Created, got {other:?}"),
    }
    assert_eq!(
        ok(store.get_lead(&expected.id).await, "get_lead"),
        Some(expected.clone()),
        "store contract: get_lead must return the inserted lead unchanged"
    );
    let outbox = ok(
        store.lead_notifications(&expected.id).await,
        "lead_notifications",
    );
    assert_eq!(
        sorted(nids(&outbox)),
        expected_outbox,
        "store contract: the outbox must be written with the lead"
    );
    for n in &outbox {
        let want = first.outbox.iter().find(|o| o.id == n.id).unwrap();
        assert_eq!(
            n, want,
            "store contract: outbox rows must be stored unchanged"
        );
    }

    // The same delivery again, re-classified differently and with another outbox.
    let mut again = sample_new_lead("shop", "d-1", Stage::Hot, t0() + Duration::minutes(5));
    again.lead.message = Some("second copy".into());
    again.lead.score = 99;
    again.outbox = vec![Notification::new(
        &again.lead.id,
        "other-team",
        3,
        t0() + Duration::minutes(5),
    )];
    again.raw = b"second raw".to_vec();
    match ok(store.insert_lead(again).await, "insert_lead (duplicate)") {
        Inserted::Duplicate(l) => assert_eq!(
            l, expected,
            "store contract: Duplicate must carry the ORIGINAL stored lead"
        ),
        other => {
            panic!("store contract: second insert of the same id must be Duplicate, got {other:?}")
        }
    }
    assert_eq!(
        ok(store.get_lead(&expected.id).await, "get_lead"),
        Some(expected.clone()),
        "store contract: a duplicate insert must not change the stored lead"
    );
    assert_eq!(
        sorted(nids(&ok(
            store.lead_notifications(&expected.id).await,
            "lead_notifications"
        ))),
        expected_outbox,
        "store contract: a duplicate insert must not add outbox rows"
    );
    assert_eq!(
        ok(
            store.list_notifications(None, 100).await,
            "list_notifications"
        )
        .len(),
        2,
        "store contract: a duplicate insert must not add notifications"
    );
    assert_eq!(
        ok(store.get_raw(&expected.id, t0()).await, "get_raw"),
        Some(first.raw),
        "store contract: a duplicate insert must not replace the raw payload"
    );
    assert_eq!(
        ids(&all_leads(store, None).await),
        vec![expected.id],
        "store contract: a duplicate insert must not list the lead twice"
    );
}

/// 16 concurrent inserts of one id: exactly one Created, the rest Duplicate of it.
pub async fn concurrent_inserts_create_once(store: &dyn LeadStore) {
    const N: usize = 16;
    let copies: Vec<NewLead> = (0..N)
        .map(|i| {
            let mut n = sample_new_lead("chat", "race", Stage::Hot, t0());
            n.lead.message = Some(format!("copy {i}"));
            n
        })
        .collect();
    let id = copies[0].lead.id.clone();
    let futs = copies.into_iter().map(|n| store.insert_lead(n)).collect();
    let results: Vec<Inserted> = join_all(futs)
        .await
        .into_iter()
        .map(|r| ok(r, "concurrent insert_lead"))
        .collect();
    let created: Vec<&Lead> = results
        .iter()
        .filter_map(|r| match r {
            Inserted::Created(l) => Some(l),
            _ => None,
        })
        .collect();
    assert_eq!(
        created.len(),
        1,
        "store contract: {N} concurrent inserts of one id must give exactly one Created, got {}",
        created.len()
    );
    let winner = created[0].clone();
    for r in &results {
        if let Inserted::Duplicate(l) = r {
            assert_eq!(
                l, &winner,
                "store contract: every concurrent Duplicate must carry the lead that was Created"
            );
        }
    }
    assert_eq!(
        ok(store.get_lead(&id).await, "get_lead"),
        Some(winner),
        "store contract: the stored lead must be the one that was Created"
    );
    assert_eq!(
        ok(store.lead_notifications(&id).await, "lead_notifications").len(),
        2,
        "store contract: concurrent inserts must write exactly one set of notifications"
    );
    assert_eq!(
        ok(
            store.list_notifications(None, 100).await,
            "list_notifications"
        )
        .len(),
        2,
        "store contract: concurrent inserts must write exactly one set of notifications"
    );
    assert_eq!(all_leads(store, None).await.len(), 1);
}

pub async fn get_lead_found_and_missing(store: &dyn LeadStore) {
    assert_eq!(
        ok(store.get_lead("ld_missing").await, "get_lead"),
        None,
        "store contract: get_lead of an unknown id must be None"
    );
    let a = insert(store, sample_new_lead("shop", "a", Stage::Nurture, t0())).await;
    let b = insert(store, sample_new_lead("shop", "b", Stage::Hot, t0())).await;
    assert_eq!(ok(store.get_lead(&a.id).await, "get_lead"), Some(a));
    assert_eq!(ok(store.get_lead(&b.id).await, "get_lead"), Some(b));
    assert_eq!(ok(store.get_lead("ld_missing").await, "get_lead"), None);
    assert_eq!(
        ok(
            store
                .list_leads(&LeadQuery {
                    stage: None,
                    limit: 10,
                    cursor: None
                })
                .await,
            "list_leads"
        )
        .items
        .len(),
        2
    );
}

/// Leads inserted out of order, with a tie on `received_at` (broken by id).
async fn seed_mixed(store: &dyn LeadStore, n: usize) -> Vec<Lead> {
    let mut out = Vec::new();
    for i in 0..n {
        // scrambled times; every fourth lead shares its minute with the previous one
        let minute = ((i * 7) % n) as i64 - if i % 4 == 3 { 1 } else { 0 };
        let minute = minute.max(0);
        let stage = if i % 3 == 0 {
            Stage::Hot
        } else {
            Stage::Nurture
        };
        let lead = insert(
            store,
            sample_new_lead(
                "form",
                &format!("m-{i}"),
                stage,
                t0() + Duration::minutes(minute),
            ),
        )
        .await;
        out.push(lead);
    }
    out
}

pub async fn list_leads_newest_first(store: &dyn LeadStore) {
    let page = ok(
        store
            .list_leads(&LeadQuery {
                stage: None,
                limit: 50,
                cursor: None,
            })
            .await,
        "list_leads",
    );
    assert!(
        page.items.is_empty() && page.next.is_none(),
        "store contract: an empty store lists no leads and no `next`"
    );

    let mut leads = seed_mixed(store, 9).await;
    // an exact tie on received_at between two leads
    let tie_a = insert(
        store,
        sample_new_lead("tie", "1", Stage::Hot, t0() + Duration::hours(1)),
    )
    .await;
    let tie_b = insert(
        store,
        sample_new_lead("tie", "2", Stage::Hot, t0() + Duration::hours(1)),
    )
    .await;
    leads.push(tie_a);
    leads.push(tie_b);
    let want = newest_first(leads);
    let got = ids(&all_leads(store, None).await);
    assert_eq!(
        got, want,
        "store contract: list_leads must be newest first by received_at, then id (descending)"
    );
}

pub async fn list_leads_by_stage(store: &dyn LeadStore) {
    let leads = seed_mixed(store, 10).await;
    for stage in [Stage::Hot, Stage::Nurture] {
        let want = newest_first(leads.iter().filter(|l| l.stage == stage).cloned().collect());
        let got = all_leads(store, Some(stage)).await;
        assert!(
            got.iter().all(|l| l.stage == stage),
            "store contract: list_leads with stage {stage} returned another stage"
        );
        assert_eq!(
            ids(&got),
            want,
            "store contract: list_leads with stage {stage} must list exactly those leads, newest first"
        );
    }
}

pub async fn list_leads_limit_and_paging(store: &dyn LeadStore) {
    let mut leads = seed_mixed(store, 11).await;

    let first = ok(
        store
            .list_leads(&LeadQuery {
                stage: None,
                limit: 4,
                cursor: None,
            })
            .await,
        "list_leads",
    );
    assert_eq!(
        ids(&first.items),
        newest_first(leads.clone())[..4].to_vec(),
        "store contract: list_leads with limit 4 must return the 4 newest"
    );
    assert!(
        first.next.is_some(),
        "store contract: list_leads must return `next` while more leads remain"
    );

    for (stage, limit) in [
        (None, 3),
        (None, 1),
        (None, 11),
        (Some(Stage::Hot), 2),
        (Some(Stage::Nurture), 3),
    ] {
        let want = newest_first(
            leads
                .iter()
                .filter(|l| stage.is_none_or(|s| l.stage == s))
                .cloned()
                .collect(),
        );
        let mut pages = all_pages(store, stage, limit).await;
        // A final empty page (when the leads divide evenly) is allowed.
        if pages.len() > 1 && pages.last().is_some_and(|p| p.is_empty()) {
            pages.pop();
        }
        let n = pages.len();
        for (i, p) in pages.iter().enumerate() {
            let full = p.len() == limit;
            let last_ok = i + 1 == n && !p.is_empty();
            assert!(
                full || last_ok,
                "store contract: page {} of {n} (stage {stage:?}, limit {limit}) has {} items; every page but the last must be full and none empty",
                i + 1,
                p.len()
            );
        }
        let got: Vec<String> = pages.iter().flat_map(|p| ids(p)).collect();
        assert_eq!(
            got, want,
            "store contract: paging (stage {stage:?}, limit {limit}) must visit every lead once, newest first, with no gaps or repeats"
        );
    }

    // A newer lead arriving between pages neither shifts nor repeats the rest.
    let p1 = ok(
        store
            .list_leads(&LeadQuery {
                stage: None,
                limit: 5,
                cursor: None,
            })
            .await,
        "list_leads",
    );
    let newer = insert(
        store,
        sample_new_lead("form", "late", Stage::Hot, t0() + Duration::days(1)),
    )
    .await;
    let p2 = ok(
        store
            .list_leads(&LeadQuery {
                stage: None,
                limit: 5,
                cursor: p1.next.clone(),
            })
            .await,
        "list_leads",
    );
    let want = newest_first(leads.clone());
    assert_eq!(
        ids(&p2.items),
        want[5..10].to_vec(),
        "store contract: a cursor must continue after its page even when newer leads arrive"
    );
    leads.push(newer);
    assert_eq!(all_leads(store, None).await.len(), leads.len());
}

pub async fn raw_payload_expiry_and_purge(store: &dyn LeadStore) {
    let mut a = sample_new_lead("shop", "raw-a", Stage::Hot, t0());
    a.raw = b"{\"payload\":\"a\"}".to_vec();
    a.raw_expires_at = t0() + Duration::hours(1);
    let mut b = sample_new_lead("shop", "raw-b", Stage::Nurture, t0());
    b.raw = b"{\"payload\":\"b\"}".to_vec();
    b.raw_expires_at = t0() + Duration::hours(2);
    let (a_id, a_raw, b_id, b_raw) = (
        a.lead.id.clone(),
        a.raw.clone(),
        b.lead.id.clone(),
        b.raw.clone(),
    );
    insert(store, a).await;
    insert(store, b).await;

    assert_eq!(
        ok(store.get_raw(&a_id, t0()).await, "get_raw"),
        Some(a_raw.clone())
    );
    assert_eq!(
        ok(
            store.get_raw(&a_id, t0() + Duration::minutes(59)).await,
            "get_raw"
        ),
        Some(a_raw.clone()),
        "store contract: get_raw before expiry must return the payload"
    );
    assert_eq!(
        ok(
            store.get_raw(&a_id, t0() + Duration::hours(1)).await,
            "get_raw"
        ),
        None,
        "store contract: get_raw at raw_expires_at must find nothing"
    );
    assert_eq!(
        ok(
            store.get_raw(&a_id, t0() + Duration::hours(3)).await,
            "get_raw"
        ),
        None,
        "store contract: get_raw after expiry must find nothing, even before a purge"
    );
    assert_eq!(ok(store.get_raw("ld_missing", t0()).await, "get_raw"), None);

    assert_eq!(
        ok(
            store.purge_expired_raw(t0() + Duration::minutes(30)).await,
            "purge_expired_raw"
        ),
        0,
        "store contract: purge_expired_raw must not delete payloads that have not expired"
    );
    assert_eq!(
        ok(
            store.purge_expired_raw(t0() + Duration::minutes(90)).await,
            "purge_expired_raw"
        ),
        1,
        "store contract: purge_expired_raw must delete exactly the expired payloads"
    );
    assert_eq!(
        ok(store.get_raw(&a_id, t0()).await, "get_raw"),
        None,
        "store contract: a purged payload is gone"
    );
    assert_eq!(
        ok(store.get_raw(&b_id, t0()).await, "get_raw"),
        Some(b_raw),
        "store contract: purge_expired_raw must keep payloads that have not expired"
    );
    assert_eq!(
        ok(
            store.purge_expired_raw(t0() + Duration::minutes(90)).await,
            "purge_expired_raw"
        ),
        0,
        "store contract: purging twice deletes nothing the second time"
    );
    assert!(
        ok(store.get_lead(&a_id).await, "get_lead").is_some(),
        "store contract: purging the raw payload must keep the lead"
    );
    assert_eq!(
        ok(
            store.purge_expired_raw(t0() + Duration::days(1)).await,
            "purge_expired_raw"
        ),
        1
    );
}

pub async fn rejected_log_newest_first(store: &dyn LeadStore) {
    assert!(ok(store.list_rejected(10).await, "list_rejected").is_empty());
    let all: Vec<RejectedDelivery> = (0..3)
        .map(|i| rejected(i, t0() + Duration::seconds(i as i64)))
        .collect();
    for r in &all {
        ok(store.record_rejected(r.clone()).await, "record_rejected");
    }
    let got = ok(store.list_rejected(10).await, "list_rejected");
    let want: Vec<RejectedDelivery> = all.iter().rev().cloned().collect();
    assert_eq!(
        got, want,
        "store contract: list_rejected must return the rejected deliveries unchanged, newest first"
    );
    assert_eq!(
        ok(store.list_rejected(2).await, "list_rejected"),
        want[..2].to_vec(),
        "store contract: list_rejected(limit) must return the newest `limit`"
    );
}

pub async fn rejected_log_is_bounded(store: &dyn LeadStore) {
    let total = REJECTED_LOG_CAPACITY + 5;
    for i in 0..total {
        ok(
            store
                .record_rejected(rejected(i, t0() + Duration::seconds(i as i64)))
                .await,
            "record_rejected",
        );
    }
    let got = ok(
        store.list_rejected(REJECTED_LOG_CAPACITY + 100).await,
        "list_rejected",
    );
    assert_eq!(
        got.len(),
        REJECTED_LOG_CAPACITY,
        "store contract: the rejected log must keep at most REJECTED_LOG_CAPACITY entries"
    );
    assert_eq!(
        got.first().map(|r| r.id.as_str()),
        Some(rejected(total - 1, t0()).id.as_str()),
        "store contract: the newest rejected delivery must be kept, first"
    );
    assert_eq!(
        got.last().map(|r| r.id.as_str()),
        Some(rejected(5, t0()).id.as_str()),
        "store contract: the oldest rejected deliveries must be dropped first"
    );
    assert!(
        !got.iter().any(|r| r.id == rejected(4, t0()).id),
        "store contract: the rejected log kept a delivery it should have dropped"
    );
}

/// Four hot leads (two notifications each) due at t0-3m, t0-2m, t0-1m, t0+5m.
async fn seed_due(store: &dyn LeadStore) -> [Lead; 4] {
    let mut out = Vec::new();
    for (i, offset) in [-3i64, -2, -1, 5].into_iter().enumerate() {
        out.push(
            insert(
                store,
                sample_new_lead(
                    "due",
                    &format!("n-{i}"),
                    Stage::Hot,
                    t0() + Duration::minutes(offset),
                ),
            )
            .await,
        );
    }
    out.try_into().unwrap()
}

fn outbox_ids(lead: &Lead) -> Vec<String> {
    sample_new_lead(
        &lead.source_id,
        &lead.delivery_id,
        lead.stage,
        lead.received_at,
    )
    .outbox
    .iter()
    .map(|n| n.id.clone())
    .collect()
}

pub async fn claim_due_oldest_first_with_limit(store: &dyn LeadStore) {
    assert!(claim(store, t0(), 10).await.is_empty());
    let [l0, l1, l2, l3] = seed_due(store).await;
    // a nurture lead has nothing to deliver
    insert(
        store,
        sample_new_lead("due", "nurture", Stage::Nurture, t0() - Duration::hours(1)),
    )
    .await;

    // a long lease, so nothing claimed here comes due again within this check
    let lease = Duration::hours(1);
    let first = claim_leased(store, t0(), lease, 3).await;
    assert_eq!(
        first.len(),
        3,
        "store contract: claim_due must respect its limit"
    );
    let times: Vec<_> = first.iter().map(|n| n.created_at).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "store contract: claim_due must return the oldest due first, got due times {times:?}"
    );
    // the two of the oldest lead, then one of the second
    let ids0 = sorted(outbox_ids(&l0));
    let got: Vec<String> = nids(&first);
    assert_eq!(
        sorted(got[..2].to_vec()),
        ids0,
        "store contract: claim_due must return the oldest due first"
    );
    assert!(outbox_ids(&l1).contains(&got[2]));
    for n in &first {
        assert_eq!(
            n.state,
            DeliveryState::Pending,
            "store contract: claimed notifications stay pending"
        );
        assert_eq!(n.attempts, 0, "store contract: claiming is not an attempt");
    }

    let rest = claim_leased(store, t0(), lease, 10).await;
    let want: Vec<String> = sorted(
        outbox_ids(&l1)
            .into_iter()
            .filter(|id| *id != got[2])
            .chain(outbox_ids(&l2))
            .collect(),
    );
    assert_eq!(
        sorted(nids(&rest)),
        want,
        "store contract: claim_due must return only pending notifications due at `now`, each once"
    );
    assert!(
        rest.iter().all(|n| !outbox_ids(&l3).contains(&n.id)),
        "store contract: claim_due returned a notification not yet due"
    );
    // due exactly at now counts as due
    let at_l3 = claim_leased(store, l3.received_at, lease, 10).await;
    assert_eq!(
        sorted(nids(&at_l3)),
        sorted(outbox_ids(&l3)),
        "store contract: a notification due exactly at `now` must be claimed"
    );
}

pub async fn claim_due_leases(store: &dyn LeadStore) {
    let [l0, _, _, l3] = seed_due(store).await;
    let lease = Duration::seconds(60);
    let claimed = claim(store, t0(), 100).await;
    assert_eq!(claimed.len(), 6);
    for n in &claimed {
        assert_eq!(
            n.next_attempt_at,
            t0() + lease,
            "store contract: a claimed notification's next_attempt_at is now + lease"
        );
        assert_eq!(
            notification(store, &n.id).await.next_attempt_at,
            t0() + lease,
            "store contract: the lease must be stored"
        );
    }
    assert!(
        claim(store, t0(), 100).await.is_empty(),
        "store contract: a second claim_due at the same `now` must not return leased notifications"
    );
    assert!(
        claim(store, t0() + Duration::seconds(59), 100)
            .await
            .is_empty(),
        "store contract: a leased notification is not due before its lease expires"
    );
    let again = claim(store, t0() + lease, 100).await;
    assert_eq!(
        sorted(nids(&again)),
        sorted(nids(&claimed)),
        "store contract: leased notifications must be due again when the lease expires"
    );
    assert!(again
        .iter()
        .all(|n| n.next_attempt_at == t0() + lease + lease));
    // l3's notifications were never claimed and are due at t0+5m
    let later = claim(store, t0() + Duration::minutes(5), 100).await;
    let mut want = outbox_ids(&l3);
    want.extend(nids(&claimed));
    assert_eq!(sorted(nids(&later)), sorted(want));
    assert!(nids(&later).iter().any(|id| outbox_ids(&l0).contains(id)));
}

pub async fn record_attempt_retry_sent_dead(store: &dyn LeadStore) {
    let lead = insert(store, sample_new_lead("att", "1", Stage::Hot, t0())).await;
    let ids = outbox_ids(&lead);
    let (retry_id, dead_id) = (&ids[0], &ids[1]);
    let claimed = claim(store, t0(), 10).await;
    assert_eq!(claimed.len(), 2);

    // Dead
    let dead_at = t0() + Duration::seconds(2);
    let n = ok(
        store
            .record_attempt(
                dead_id,
                Attempt::Dead {
                    error: "webhook answered 410".into(),
                },
                dead_at,
            )
            .await,
        "record_attempt (dead)",
    );
    assert_eq!(n.state, DeliveryState::Dead);
    assert_eq!(n.attempts, 1);
    assert_eq!(n.last_error.as_deref(), Some("webhook answered 410"));
    assert_eq!(n.updated_at, dead_at);
    assert_eq!(notification(store, dead_id).await, n);

    // Retry
    let at = t0() + Duration::seconds(3);
    let retry_at = t0() + Duration::minutes(5);
    let n = ok(
        store
            .record_attempt(
                retry_id,
                Attempt::Retry {
                    error: "slack answered 503".into(),
                    next_attempt_at: retry_at,
                },
                at,
            )
            .await,
        "record_attempt (retry)",
    );
    assert_eq!(
        n.state,
        DeliveryState::Pending,
        "store contract: Retry keeps it pending"
    );
    assert_eq!(
        n.attempts, 1,
        "store contract: record_attempt increments attempts"
    );
    assert_eq!(n.last_error.as_deref(), Some("slack answered 503"));
    assert_eq!(
        n.next_attempt_at, retry_at,
        "store contract: Retry sets next_attempt_at"
    );
    assert_eq!(
        n.updated_at, at,
        "store contract: record_attempt sets updated_at = now"
    );
    assert_eq!(
        n.created_at,
        t0(),
        "store contract: record_attempt keeps created_at"
    );
    assert_eq!(
        notification(store, retry_id).await,
        n,
        "store contract: record_attempt must return what it stored"
    );
    assert!(
        claim(store, retry_at - Duration::seconds(1), 10)
            .await
            .is_empty(),
        "store contract: a retry is not due before its next_attempt_at"
    );
    let due = claim(store, retry_at, 10).await;
    assert_eq!(
        nids(&due),
        vec![retry_id.clone()],
        "store contract: a retry is due at its next_attempt_at"
    );

    // Sent
    let sent_at = retry_at + Duration::seconds(1);
    let n = ok(
        store.record_attempt(retry_id, Attempt::Sent, sent_at).await,
        "record_attempt (sent)",
    );
    assert_eq!(n.state, DeliveryState::Sent);
    assert_eq!(
        n.attempts, 2,
        "store contract: attempts count every attempt"
    );
    assert_eq!(n.updated_at, sent_at);
    assert_eq!(notification(store, retry_id).await, n);

    assert!(
        ok(
            store.get_notification("ld_missing.sales.0").await,
            "get_notification"
        )
        .is_none(),
        "store contract: get_notification of an unknown id must be None"
    );
    assert!(
        store
            .record_attempt("ld_missing.sales.0", Attempt::Sent, dead_at)
            .await
            .is_err(),
        "store contract: record_attempt of an unknown notification must fail"
    );
    assert!(
        ok(
            store.get_notification("ld_missing.sales.0").await,
            "get_notification"
        )
        .is_none(),
        "store contract: record_attempt of an unknown id must not create it"
    );
}

pub async fn sent_and_dead_are_never_claimed(store: &dyn LeadStore) {
    let a = insert(store, sample_new_lead("fin", "a", Stage::Hot, t0())).await;
    let b = insert(
        store,
        sample_new_lead("fin", "b", Stage::Hot, t0() + Duration::minutes(1)),
    )
    .await;
    let (a_ids, b_ids) = (outbox_ids(&a), outbox_ids(&b));
    // sent / dead straight from pending (a lease is not required) and after a claim
    ok(
        store.record_attempt(&a_ids[0], Attempt::Sent, t0()).await,
        "record_attempt",
    );
    ok(
        store
            .record_attempt(
                &a_ids[1],
                Attempt::Dead {
                    error: "gone".into(),
                },
                t0(),
            )
            .await,
        "record_attempt",
    );
    let claimed = claim(store, t0() + Duration::minutes(1), 10).await;
    assert_eq!(sorted(nids(&claimed)), sorted(b_ids.clone()));
    ok(
        store
            .record_attempt(&b_ids[0], Attempt::Sent, t0() + Duration::minutes(1))
            .await,
        "record_attempt",
    );
    ok(
        store
            .record_attempt(
                &b_ids[1],
                Attempt::Dead {
                    error: "gone".into(),
                },
                t0() + Duration::minutes(1),
            )
            .await,
        "record_attempt",
    );
    for now in [
        t0(),
        t0() + Duration::minutes(2),
        t0() + Duration::days(365),
    ] {
        let got = claim(store, now, 100).await;
        assert!(
            got.is_empty(),
            "store contract: Sent or Dead notifications must never be claimed again, got {:?}",
            nids(&got)
        );
    }
}

pub async fn list_notifications_by_state(store: &dyn LeadStore) {
    assert!(ok(
        store.list_notifications(None, 10).await,
        "list_notifications"
    )
    .is_empty());
    // six hot leads a minute apart → twelve notifications
    let mut leads = Vec::new();
    for i in 0..6 {
        leads.push(
            insert(
                store,
                sample_new_lead(
                    "ls",
                    &format!("{i}"),
                    Stage::Hot,
                    t0() + Duration::minutes(i),
                ),
            )
            .await,
        );
    }
    let later = t0() + Duration::hours(1);
    // lead 0 and 3 sent, lead 1 and 4 dead, 2 and 5 pending (one retried)
    for (i, lead) in leads.iter().enumerate() {
        for id in outbox_ids(lead) {
            let attempt = match i % 3 {
                0 => Some(Attempt::Sent),
                1 => Some(Attempt::Dead {
                    error: "400 bad request".into(),
                }),
                _ if i == 5 => Some(Attempt::Retry {
                    error: "timeout".into(),
                    next_attempt_at: later + Duration::minutes(1),
                }),
                _ => None,
            };
            if let Some(a) = attempt {
                ok(
                    store
                        .record_attempt(&id, a, later + Duration::seconds(i as i64))
                        .await,
                    "record_attempt",
                );
            }
        }
    }
    let by_lead = |idx: &[usize]| -> Vec<String> {
        sorted(idx.iter().flat_map(|&i| outbox_ids(&leads[i])).collect())
    };

    let check_order = |ns: &[Notification], what: &str| {
        assert!(
            ns.windows(2)
                .all(|w| (w[0].created_at, &w[0].id) >= (w[1].created_at, &w[1].id)),
            "store contract: list_notifications({what}) must be newest first (created_at, then id), got {:?}",
            ns.iter().map(|n| (n.created_at, &n.id)).collect::<Vec<_>>()
        );
    };

    let all = ok(
        store.list_notifications(None, 100).await,
        "list_notifications",
    );
    assert_eq!(all.len(), 12);
    check_order(&all, "all");

    for (state, idx) in [
        (DeliveryState::Sent, [0usize, 3]),
        (DeliveryState::Dead, [1, 4]),
        (DeliveryState::Pending, [2, 5]),
    ] {
        let got = ok(
            store.list_notifications(Some(state), 100).await,
            "list_notifications",
        );
        assert!(
            got.iter().all(|n| n.state == state),
            "store contract: list_notifications({state:?}) returned another state"
        );
        assert_eq!(
            sorted(nids(&got)),
            by_lead(&idx),
            "store contract: list_notifications({state:?}) must list exactly the notifications in that state"
        );
        check_order(&got, &format!("{state:?}"));
        // limit 2: the two of the newest lead in that state
        let top = ok(
            store.list_notifications(Some(state), 2).await,
            "list_notifications",
        );
        assert_eq!(
            sorted(nids(&top)),
            by_lead(&idx[1..]),
            "store contract: list_notifications({state:?}, 2) must return the newest two"
        );
    }
    let newest = ok(
        store.list_notifications(None, 4).await,
        "list_notifications",
    );
    assert_eq!(sorted(nids(&newest)), by_lead(&[4, 5]));
    let dead = notification(store, &outbox_ids(&leads[4])[0]).await;
    assert_eq!(dead.last_error.as_deref(), Some("400 bad request"));
}

pub async fn lead_notifications_of_one_lead(store: &dyn LeadStore) {
    let a = insert(store, sample_new_lead("ln", "a", Stage::Hot, t0())).await;
    let b = insert(store, sample_new_lead("ln", "b", Stage::Hot, t0())).await;
    let c = insert(store, sample_new_lead("ln", "c", Stage::Nurture, t0())).await;
    let got = ok(store.lead_notifications(&a.id).await, "lead_notifications");
    assert_eq!(
        sorted(nids(&got)),
        sorted(outbox_ids(&a)),
        "store contract: lead_notifications must return exactly that lead's notifications"
    );
    assert!(got.iter().all(|n| n.lead_id == a.id));
    assert_eq!(
        sorted(nids(&ok(
            store.lead_notifications(&b.id).await,
            "lead_notifications"
        ))),
        sorted(outbox_ids(&b))
    );
    assert!(ok(store.lead_notifications(&c.id).await, "lead_notifications").is_empty());
    assert!(ok(
        store.lead_notifications("ld_missing").await,
        "lead_notifications"
    )
    .is_empty());

    // reflects later state changes
    let id = &outbox_ids(&a)[1];
    ok(
        store
            .record_attempt(id, Attempt::Sent, t0() + Duration::seconds(5))
            .await,
        "record_attempt",
    );
    let got = ok(store.lead_notifications(&a.id).await, "lead_notifications");
    let n = got.iter().find(|n| &n.id == id).expect("still listed");
    assert_eq!(n.state, DeliveryState::Sent);
    assert_eq!(n.attempts, 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_leads_are_consistent() {
        let hot = sample_new_lead("s", "d", Stage::Hot, t0());
        assert_eq!(hot.lead.id, Lead::id_for("s", "d"));
        assert_eq!(hot.outbox.len(), 2);
        assert!(hot
            .outbox
            .iter()
            .all(|n| n.lead_id == hot.lead.id && n.state == DeliveryState::Pending));
        assert!(sample_new_lead("s", "d", Stage::Nurture, t0())
            .outbox
            .is_empty());
        assert_eq!(checks().len(), 15);
    }
}
