//! What only the embedded store does: releasing a crashed run's leases at start-up.

use chrono::Duration;
use handoff_core::model::Stage;
use handoff_core::store::contract::{sample_new_lead, t0};
use handoff_core::store::{Attempt, Leads, Outbox};
use handoff_embedded::EmbeddedStore;

#[tokio::test(flavor = "multi_thread")]
async fn leases_of_a_crashed_run_are_released_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path()).unwrap();
    store
        .insert_lead(sample_new_lead("s", "d1", Stage::Hot, t0()))
        .await
        .unwrap();
    store
        .insert_lead(sample_new_lead("s", "d2", Stage::Hot, t0()))
        .await
        .unwrap();
    // four notifications: claim them all (as a worker about to send), send one
    let claimed = store
        .claim_due(t0(), Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 4);
    store
        .record_attempt(&claimed[0].id, Attempt::Sent, t0())
        .await
        .unwrap();
    assert!(store
        .claim_due(t0(), Duration::seconds(60), 10)
        .await
        .unwrap()
        .is_empty());
    drop(store); // the crash

    let store = EmbeddedStore::open(dir.path()).unwrap();
    let now = t0() + Duration::seconds(1);
    assert_eq!(store.release_leases(now).await.unwrap(), 3);
    let due = store
        .claim_due(now, Duration::seconds(60), 10)
        .await
        .unwrap();
    let mut ids: Vec<_> = due.iter().map(|n| n.id.clone()).collect();
    ids.sort();
    let mut expected: Vec<_> = claimed[1..].iter().map(|n| n.id.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected, "the three unsent ones, not the sent one");
}
