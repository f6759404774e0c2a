//! The [`RejectedLog`] role: the bounded log of rejected deliveries, newest first.

use chrono::{DateTime, Duration, Utc};

use super::{checks, ok, t0, Check};
use crate::store::{RejectedDelivery, RejectedLog, REJECTED_LOG_CAPACITY};

/// Every check of this role, in the order `run_all` runs them.
pub fn checks() -> Vec<(&'static str, Check)> {
    checks![
        rejected_log_newest_first,
        rejected_log_is_bounded,
        rejected_entries_expire
    ]
}

fn rejected(n: usize, at: DateTime<Utc>) -> RejectedDelivery {
    RejectedDelivery {
        id: format!("rj_{n:05}"),
        source_id: "shop".into(),
        received_at: at,
        error: "malformed_payload".into(),
        detail: format!("missing field `action` (#{n})"),
        excerpt: format!(r#"{{"n":{n}}}"#),
        expires_at: Some(at + Duration::days(30)),
    }
}

pub async fn rejected_log_newest_first(store: &dyn RejectedLog) {
    assert!(ok(store.list_rejected(10, t0()).await, "list_rejected").is_empty());
    let all: Vec<RejectedDelivery> = (0..3)
        .map(|i| rejected(i, t0() + Duration::seconds(i as i64)))
        .collect();
    for r in &all {
        ok(store.record_rejected(r.clone()).await, "record_rejected");
    }
    let got = ok(store.list_rejected(10, t0()).await, "list_rejected");
    let want: Vec<RejectedDelivery> = all.iter().rev().cloned().collect();
    assert_eq!(
        got, want,
        "store contract: list_rejected must return the rejected deliveries unchanged, newest first"
    );
    assert_eq!(
        ok(store.list_rejected(2, t0()).await, "list_rejected"),
        want[..2].to_vec(),
        "store contract: list_rejected(limit) must return the newest `limit`"
    );
}

pub async fn rejected_log_is_bounded(store: &dyn RejectedLog) {
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
        store.list_rejected(REJECTED_LOG_CAPACITY + 100, t0()).await,
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

pub async fn rejected_entries_expire(store: &dyn RejectedLog) {
    let hour = Duration::hours(1);
    let mut short = rejected(0, t0());
    short.expires_at = Some(t0() + hour);
    let mut long = rejected(1, t0() + Duration::seconds(1));
    long.expires_at = Some(t0() + Duration::hours(3));
    // written before entries carried an expiry: 30 days after it was received
    let mut legacy = rejected(2, t0() + Duration::seconds(2));
    legacy.expires_at = None;
    for r in [&short, &long, &legacy] {
        ok(store.record_rejected(r.clone()).await, "record_rejected");
    }
    let ids = |list: Vec<RejectedDelivery>| list.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(ok(
            store.list_rejected(10, t0() + Duration::hours(2)).await,
            "list_rejected"
        )),
        [legacy.id.clone(), long.id.clone()],
        "store contract: list_rejected must leave out entries expired at `now`"
    );
    assert_eq!(
        ok(
            store.list_rejected(1, t0() + Duration::hours(2)).await,
            "list_rejected"
        )
        .len(),
        1,
        "store contract: list_rejected(limit) counts only unexpired entries"
    );
    assert_eq!(
        ok(
            store
                .purge_expired_rejected(t0() + Duration::hours(2))
                .await,
            "purge_expired_rejected"
        ),
        1,
        "store contract: purge_expired_rejected must delete exactly the expired entries"
    );
    // the purged entry is gone even for a reader whose clock is behind
    assert_eq!(
        ids(ok(store.list_rejected(10, t0()).await, "list_rejected")),
        [legacy.id.clone(), long.id.clone()],
        "store contract: a purged rejected entry must be gone"
    );
    let month = Duration::days(31);
    assert_eq!(
        ok(
            store.purge_expired_rejected(t0() + month).await,
            "purge_expired_rejected"
        ),
        2,
        "store contract: an entry without expires_at expires 30 days after it was received"
    );
    assert!(ok(store.list_rejected(10, t0()).await, "list_rejected").is_empty());
}
