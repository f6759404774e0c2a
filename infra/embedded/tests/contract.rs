//! The store contract suite against a fresh embedded store per check, plus what only
//! a file-backed store promises: the data survives closing and reopening it.

use std::sync::Mutex;

use handoff_core::model::Stage;
use handoff_core::store::contract::{self, sample_new_lead, t0};
use handoff_core::store::{
    Attempt, DeliveryState, Inserted, LeadQuery, Leads, Outbox, RawPayloads, RejectedDelivery,
    RejectedLog,
};
use handoff_embedded::EmbeddedStore;
use tempfile::TempDir;

/// A fresh store in its own temporary directory (kept alive by the caller).
fn fresh() -> (EmbeddedStore, TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = EmbeddedStore::open(dir.path()).expect("open embedded store");
    (store, dir)
}

/// One test per check, in a module per role (`leads::insert_then_duplicate` …), so a
/// failure names the role and the check.
macro_rules! contract_tests {
    ($($role:ident: [$($check:ident),+ $(,)?]),+ $(,)?) => {
        $(mod $role {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $check() {
                    let (store, _dir) = super::fresh();
                    super::contract::$role::$check(&store).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn run_all_passes() {
    let dirs = Mutex::new(Vec::new());
    contract::run_all(|| {
        let (store, dir) = fresh();
        dirs.lock().unwrap().push(dir);
        async move { store }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let hot = sample_new_lead("shop", "keep", Stage::Hot, t0());
    let nurture = sample_new_lead("shop", "keep-2", Stage::Nurture, t0());
    let n0 = hot.outbox[0].id.clone();
    {
        let store = EmbeddedStore::open(dir.path()).unwrap();
        assert!(matches!(
            store.insert_lead(hot.clone()).await.unwrap(),
            Inserted::Created(_)
        ));
        store.insert_lead(nurture.clone()).await.unwrap();
        store
            .record_attempt(
                &n0,
                Attempt::Dead {
                    error: "410".into(),
                },
                t0(),
            )
            .await
            .unwrap();
        store
            .record_rejected(RejectedDelivery {
                id: "rj_1".into(),
                source_id: "shop".into(),
                received_at: t0(),
                error: "malformed_payload".into(),
                detail: "missing field `action`".into(),
                excerpt: "{}".into(),
                expires_at: None,
            })
            .await
            .unwrap();
    }
    assert!(dir.path().join(handoff_embedded::FILE_NAME).exists());

    let store = EmbeddedStore::open(dir.path()).unwrap();
    assert_eq!(
        store.get_lead(&hot.lead.id).await.unwrap(),
        Some(hot.lead.clone())
    );
    assert!(matches!(
        store.insert_lead(hot.clone()).await.unwrap(),
        Inserted::Duplicate(l) if l == hot.lead
    ));
    let page = store
        .list_leads(&LeadQuery {
            stage: None,
            limit: 10,
            cursor: None,
            unrouted: false,
            claim: None,
            team: None,
            outcome: None,
            contact: None,
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(
        store.get_raw(&hot.lead.id, t0()).await.unwrap(),
        Some(hot.raw.clone())
    );
    assert_eq!(
        store.get_notification(&n0).await.unwrap().unwrap().state,
        DeliveryState::Dead
    );
    let due = store
        .claim_due(t0(), chrono::Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(
        due.len(),
        1,
        "the pending notification is still due after reopening"
    );
    assert_eq!(store.list_rejected(10, t0()).await.unwrap().len(), 1);
}

#[test]
fn open_creates_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b/store");
    EmbeddedStore::open(&nested).unwrap();
    assert!(nested.join(handoff_embedded::FILE_NAME).exists());
}
