//! The [`RawPayloads`](crate::store::RawPayloads) role: a lead's raw payload until it
//! expires, and purging the expired ones.

use chrono::Duration;

use super::{checks, insert, ok, sample_new_lead, t0, Check};
use crate::model::Stage;
use crate::store::LeadStore;

/// Every check of this role, in the order `run_all` runs them.
pub fn checks() -> Vec<(&'static str, Check)> {
    checks![raw_payload_expiry_and_purge]
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
