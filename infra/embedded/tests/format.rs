//! A data directory written by the embedded store before it recorded a format (format 1:
//! time keys of 20 digits of sign-flipped seconds and 10 of nanoseconds, no `meta`
//! table) keeps working: `open` upgrades it to RFC 3339 time keys. The old store is
//! written here directly with redb, key by key as format 1 wrote it.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use handoff_core::model::Stage;
use handoff_core::store::contract::{sample_new_lead, t0};
use handoff_core::store::{
    DeliveryState, LeadQuery, Leads, NewLead, Outbox, RawPayloads, RejectedDelivery, RejectedLog,
    StoreError,
};
use handoff_embedded::{EmbeddedStore, FILE_NAME, FORMAT};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

const LEADS: TableDefinition<&str, &[u8]> = TableDefinition::new("leads");
const LEAD_TIME: TableDefinition<&str, &str> = TableDefinition::new("lead_time");
const RAW: TableDefinition<&str, &[u8]> = TableDefinition::new("raw");
const RAW_EXPIRY: TableDefinition<&str, &str> = TableDefinition::new("raw_expiry");
const REJECTED: TableDefinition<u64, &[u8]> = TableDefinition::new("rejected");
const NOTIFICATIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("notifications");
const NOTIFICATION_DUE: TableDefinition<&str, &str> = TableDefinition::new("notification_due");
const NOTIFICATION_LEAD: TableDefinition<&str, &str> = TableDefinition::new("notification_lead");
const NOTIFICATION_TIME: TableDefinition<&str, &str> = TableDefinition::new("notification_time");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// Format 1's time key.
fn old_key(t: DateTime<Utc>) -> String {
    let secs = (t.timestamp() as u64) ^ (1 << 63);
    format!("{secs:020}{:010}", t.timestamp_subsec_nanos())
}

/// Writes the leads (with their outboxes and raw payloads) and the rejected log exactly
/// as format 1 did, every index included.
fn write_format_1(dir: &Path, leads: &[NewLead], rejected: &[RejectedDelivery]) {
    let db = Database::create(dir.join(FILE_NAME)).unwrap();
    let tx = db.begin_write().unwrap();
    {
        let mut lead_table = tx.open_table(LEADS).unwrap();
        let mut lead_time = tx.open_table(LEAD_TIME).unwrap();
        let mut raw = tx.open_table(RAW).unwrap();
        let mut raw_expiry = tx.open_table(RAW_EXPIRY).unwrap();
        let mut log = tx.open_table(REJECTED).unwrap();
        let mut notifications = tx.open_table(NOTIFICATIONS).unwrap();
        let mut due = tx.open_table(NOTIFICATION_DUE).unwrap();
        let mut by_lead = tx.open_table(NOTIFICATION_LEAD).unwrap();
        let mut by_time = tx.open_table(NOTIFICATION_TIME).unwrap();
        for new in leads {
            let lead = &new.lead;
            let id = lead.id.as_str();
            lead_table
                .insert(id, serde_json::to_vec(lead).unwrap().as_slice())
                .unwrap();
            for scope in ["all", lead.stage.as_str()] {
                let key = format!("{scope}|{}|{id}", old_key(lead.received_at));
                lead_time.insert(key.as_str(), id).unwrap();
            }
            let expiry = old_key(new.raw_expires_at);
            let value = [expiry.as_bytes(), &new.raw].concat();
            raw.insert(id, value.as_slice()).unwrap();
            raw_expiry
                .insert(format!("{expiry}|{id}").as_str(), id)
                .unwrap();
            for n in &new.outbox {
                let nid = n.id.as_str();
                notifications
                    .insert(nid, serde_json::to_vec(n).unwrap().as_slice())
                    .unwrap();
                if n.state == DeliveryState::Pending {
                    let key = format!("{}|{nid}", old_key(n.next_attempt_at));
                    due.insert(key.as_str(), nid).unwrap();
                }
                by_lead
                    .insert(format!("{}|{nid}", n.lead_id).as_str(), nid)
                    .unwrap();
                for scope in ["all", n.state.as_str()] {
                    let key = format!("{scope}|{}|{nid}", old_key(n.created_at));
                    by_time.insert(key.as_str(), nid).unwrap();
                }
            }
        }
        for (seq, r) in rejected.iter().enumerate() {
            log.insert(seq as u64, serde_json::to_vec(r).unwrap().as_slice())
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn ids_of(page: &[handoff_core::model::Lead]) -> Vec<String> {
    page.iter().map(|l| l.id.clone()).collect()
}

async fn all_leads(store: &EmbeddedStore, stage: Option<Stage>, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .list_leads(&LeadQuery {
                stage,
                limit,
                cursor,
                unrouted: false,
                claim: None,
                team: None,
                outcome: None,
                contact: None,
            })
            .await
            .unwrap();
        out.extend(ids_of(&page.items));
        match page.next {
            Some(next) => cursor = Some(next),
            None => return out,
        }
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_format_1_store_is_upgraded_and_lists_and_claims_correctly() {
    let dir = tempfile::tempdir().unwrap();
    // a: hot, 3 min ago, one notification sent; d: hot, 2 min ago, one dead;
    // b: nurture, 1 min ago, raw payload expiring in an hour; c: hot, due in 10 min
    let mut a = sample_new_lead("shop", "a", Stage::Hot, t0() - Duration::minutes(3));
    a.outbox[1].state = DeliveryState::Sent;
    a.outbox[1].attempts = 1;
    let mut d = sample_new_lead("shop", "d", Stage::Hot, t0() - Duration::minutes(2));
    d.outbox[1].state = DeliveryState::Dead;
    d.outbox[1].attempts = 5;
    d.outbox[1].last_error = Some("410".into());
    let mut b = sample_new_lead("shop", "b", Stage::Nurture, t0() - Duration::minutes(1));
    b.raw_expires_at = t0() + Duration::hours(1);
    let c = sample_new_lead("shop", "c", Stage::Hot, t0() + Duration::minutes(10));
    let rejected = RejectedDelivery {
        id: "rj_1".into(),
        source_id: "shop".into(),
        received_at: t0() - Duration::minutes(5),
        error: "malformed_payload".into(),
        detail: "missing field `action`".into(),
        excerpt: "{}".into(),
        expires_at: None,
    };
    write_format_1(
        dir.path(),
        &[a.clone(), d.clone(), b.clone(), c.clone()],
        std::slice::from_ref(&rejected),
    );

    let store = EmbeddedStore::open(dir.path()).expect("open a format 1 store");
    let id = |n: &NewLead| n.lead.id.clone();
    assert_eq!(
        all_leads(&store, None, 500).await,
        [id(&c), id(&b), id(&d), id(&a)],
        "old leads, newest first"
    );
    // a lead written now sorts among the old ones by time (it would sort after all of
    // them if the old index keys had been kept next to the new ones)
    let e = sample_new_lead("shop", "e", Stage::Hot, t0());
    store.insert_lead(e.clone()).await.unwrap();
    let want = [id(&c), id(&e), id(&b), id(&d), id(&a)];
    assert_eq!(all_leads(&store, None, 500).await, want);
    assert_eq!(
        all_leads(&store, None, 2).await,
        want,
        "paging visits old and new leads in order"
    );
    assert_eq!(
        all_leads(&store, Some(Stage::Hot), 1).await,
        [id(&c), id(&e), id(&d), id(&a)]
    );
    assert_eq!(all_leads(&store, Some(Stage::Nurture), 500).await, [id(&b)]);

    // raw payloads keep their expiry
    assert_eq!(
        store.get_raw(&id(&b), t0()).await.unwrap(),
        Some(b.raw.clone())
    );
    assert_eq!(
        store
            .get_raw(&id(&b), t0() + Duration::hours(1))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.get_raw(&id(&a), t0()).await.unwrap(),
        Some(a.raw.clone())
    );
    assert_eq!(
        store
            .purge_expired_raw(t0() + Duration::minutes(90))
            .await
            .unwrap(),
        1,
        "only b's payload has expired"
    );
    assert_eq!(store.get_raw(&id(&b), t0()).await.unwrap(), None);
    assert_eq!(
        store.get_raw(&id(&e), t0()).await.unwrap(),
        Some(e.raw.clone())
    );

    // the outbox: pending ones due by now, oldest first; sent, dead and later ones not
    let lease = Duration::seconds(60);
    let claimed = store.claim_due(t0(), lease, 10).await.unwrap();
    let claimed: Vec<String> = claimed.into_iter().map(|n| n.id).collect();
    assert_eq!(claimed.len(), 4, "{claimed:?}");
    assert_eq!(claimed[0], a.outbox[0].id);
    assert_eq!(claimed[1], d.outbox[0].id);
    assert_eq!(
        sorted(claimed[2..].to_vec()),
        sorted(e.outbox.iter().map(|n| n.id.clone()).collect())
    );
    assert!(store.claim_due(t0(), lease, 10).await.unwrap().is_empty());
    let later = store
        .claim_due(t0() + Duration::minutes(10), lease, 10)
        .await
        .unwrap();
    let mut want_later: Vec<String> = c.outbox.iter().map(|n| n.id.clone()).collect();
    want_later.extend(claimed.iter().cloned());
    assert_eq!(
        sorted(later.into_iter().map(|n| n.id).collect()),
        sorted(want_later)
    );

    let listed = |state| {
        let store = store.clone();
        async move {
            store
                .list_notifications(state, 100)
                .await
                .unwrap()
                .into_iter()
                .map(|n| n.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed(Some(DeliveryState::Sent)).await,
        [a.outbox[1].id.clone()]
    );
    assert_eq!(
        listed(Some(DeliveryState::Dead)).await,
        [d.outbox[1].id.clone()]
    );
    let all = listed(None).await;
    assert_eq!(all.len(), 8);
    assert!(
        all[..2].iter().all(|n| c.outbox.iter().any(|o| &o.id == n))
            && all[6..].iter().all(|n| a.outbox.iter().any(|o| &o.id == n)),
        "notifications newest first: {all:?}"
    );
    assert_eq!(store.lead_notifications(&id(&a)).await.unwrap().len(), 2);
    assert_eq!(store.list_rejected(10, t0()).await.unwrap(), [rejected]);

    // the format is recorded and every index key is now a time key
    drop(store);
    {
        let db = Database::open(dir.path().join(FILE_NAME)).unwrap();
        let tx = db.begin_read().unwrap();
        let meta = tx.open_table(META).unwrap();
        assert_eq!(meta.get("format").unwrap().map(|v| v.value()), Some(FORMAT));
        for table in [LEAD_TIME, RAW_EXPIRY, NOTIFICATION_DUE, NOTIFICATION_TIME] {
            for entry in tx.open_table(table).unwrap().iter().unwrap() {
                let (key, _) = entry.unwrap();
                let key = key.value();
                assert!(
                    !key.split('|')
                        .any(|part| part.len() == 30 && part.bytes().all(|b| b.is_ascii_digit())),
                    "format 1 key left behind: {key}"
                );
            }
        }
        let raw = tx.open_table(RAW).unwrap();
        let v = raw.get(id(&a).as_str()).unwrap().unwrap();
        assert!(v.value().starts_with(b"2025-03-21T08:57:00.000000000Z"));
    }
    let store = EmbeddedStore::open(dir.path()).expect("reopen the upgraded store");
    assert_eq!(all_leads(&store, None, 3).await, want);
}

#[test]
fn a_store_of_a_newer_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(EmbeddedStore::open(dir.path()).unwrap());
    {
        let db = Database::open(dir.path().join(FILE_NAME)).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(META)
            .unwrap()
            .insert("format", FORMAT + 1)
            .unwrap();
        tx.commit().unwrap();
    }
    match EmbeddedStore::open(dir.path()) {
        Err(StoreError::Unavailable(m)) => assert!(m.contains("newer handoff"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}
