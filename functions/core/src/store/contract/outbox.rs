//! The [`Outbox`] role: notifications written with their lead, claimed when due under a
//! lease, their attempts recorded, listed by state and by lead.

use chrono::{DateTime, Duration, Utc};

use super::{checks, insert, nids, ok, sample_new_lead, sorted, t0, Check};
use crate::model::{Lead, Stage};
use crate::store::{
    Attempt, DeliveryQuery, DeliveryState, Lanes, LeadQuery, LeadStore, Leads, Notification,
    Outbox, Page, Redrive, StoreError,
};

/// Every check of this role, in the order `run_all` runs them.
pub fn checks() -> Vec<(&'static str, Check)> {
    checks![
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
    ]
}

/// Claims with a 60 s lease.
async fn claim(store: &dyn Outbox, now: DateTime<Utc>, limit: usize) -> Vec<Notification> {
    claim_leased(store, now, Duration::seconds(60), limit).await
}

async fn claim_leased(
    store: &dyn Outbox,
    now: DateTime<Utc>,
    lease: Duration,
    limit: usize,
) -> Vec<Notification> {
    ok(store.claim_due(now, lease, limit).await, "claim_due")
}

async fn notification(store: &dyn Outbox, id: &str) -> Notification {
    ok(store.get_notification(id).await, "get_notification")
        .unwrap_or_else(|| panic!("store contract: notification {id} not found"))
}

/// Four hot leads (two notifications each) due at t0-3m, t0-2m, t0-1m, t0+5m.
async fn seed_due(store: &dyn Leads) -> [Lead; 4] {
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

/// A dead letter re-driven is pending again under the same id, due now, attempts from
/// zero, its ended run in `history`, and claimable; a sent or pending item is `NotDead`
/// (unchanged), a missing one `NotFound`.
pub async fn redrive_restarts_only_dead_letters(store: &dyn LeadStore) {
    let lead = insert(store, sample_new_lead("rd", "rd-1", Stage::Hot, t0())).await;
    let outbox = ok(
        store.lead_notifications(&lead.id).await,
        "lead_notifications",
    );
    let (dead_id, sent_id) = {
        let mut ids = nids(&outbox);
        ids.sort();
        (ids[0].clone(), ids[1].clone())
    };
    let died = t0() + Duration::minutes(1);
    for _ in 0..2 {
        ok(
            store
                .record_attempt(
                    &dead_id,
                    Attempt::Retry {
                        error: "receiver answered 503".into(),
                        next_attempt_at: died,
                    },
                    died,
                )
                .await,
            "record_attempt (retry)",
        );
    }
    ok(
        store
            .record_attempt(
                &dead_id,
                Attempt::Dead {
                    error: "gave up after 3 attempts".into(),
                },
                died,
            )
            .await,
        "record_attempt (dead)",
    );
    ok(
        store.record_attempt(&sent_id, Attempt::Sent, died).await,
        "record_attempt (sent)",
    );

    let now = t0() + Duration::hours(3);
    let n = match ok(store.redrive(&dead_id, now).await, "redrive (dead)") {
        Redrive::Redriven(n) => n,
        other => panic!("store contract: a dead letter must be Redriven, got {other:?}"),
    };
    let stored = notification(store, &dead_id).await;
    assert_eq!(
        stored, n,
        "store contract: redrive must store what it returns"
    );
    assert_eq!(
        n.id, dead_id,
        "store contract: a re-driven item keeps its id"
    );
    assert_eq!(
        (
            n.state,
            n.attempts,
            n.next_attempt_at,
            n.last_error.as_deref()
        ),
        (DeliveryState::Pending, 0, now, None),
        "store contract: a re-driven item is pending, due now, attempts restarted"
    );
    assert_eq!(n.history.len(), 1, "store contract: the ended run is kept");
    assert_eq!(
        (
            n.history[0].attempts,
            n.history[0].last_error.as_deref(),
            n.history[0].ended_at,
            n.history[0].redriven_at
        ),
        (3, Some("gave up after 3 attempts"), died, now),
        "store contract: history holds the ended run"
    );
    let claimed = claim(store, now, 10).await;
    assert_eq!(
        nids(&claimed),
        vec![dead_id.clone()],
        "store contract: a re-driven item is due again (and only it)"
    );
    let dead = ok(
        store
            .list_notifications(Some(DeliveryState::Dead), 10)
            .await,
        "list dead",
    );
    assert!(
        !nids(&dead).contains(&dead_id),
        "store contract: a re-driven item is no longer listed as dead"
    );

    for (id, what) in [(&dead_id, "pending"), (&sent_id, "sent")] {
        let before = notification(store, id).await;
        match ok(store.redrive(id, now).await, "redrive (not dead)") {
            Redrive::NotDead(n) => {
                assert_eq!(n, before, "store contract: a {what} item is unchanged")
            }
            other => {
                panic!("store contract: redrive of a {what} item must be NotDead, got {other:?}")
            }
        }
        assert_eq!(notification(store, id).await, before);
    }
    assert_eq!(
        ok(
            store.redrive("ld_missing.sales.console", now).await,
            "redrive (missing)"
        ),
        Redrive::NotFound
    );
}

pub async fn claim_due_in_passes_over_full_lanes(store: &dyn LeadStore) {
    // three due leads, each with a job in the same two lanes (its two notify entries)
    let [l0, l1, l2, _] = seed_due(store).await;
    let ids: Vec<Vec<String>> = [&l0, &l1, &l2].iter().map(|l| outbox_ids(l)).collect();
    let (full, open) = (Lanes::lane_of(&ids[0][0]), Lanes::lane_of(&ids[0][1]));
    assert_ne!(full, open, "the sample lead's two jobs are in two lanes");
    assert!(ids.iter().all(|j| Lanes::lane_of(&j[0]) == full));

    // lane `full` already has its one slot taken: only the other lane's oldest is claimed
    let running = std::collections::HashMap::from([(full.to_owned(), 1)]);
    let got = ok(
        store
            .claim_due_in(t0(), Duration::seconds(60), 10, Lanes::limited(1, running))
            .await,
        "claim_due_in",
    );
    assert_eq!(
        nids(&got),
        [ids[0][1].clone()],
        "store contract: claim_due_in must pass over the due jobs of a full lane and take \
         at most per_lane of another, oldest first"
    );
    // two per lane, none running: two of each lane, oldest first (the leased one is not due)
    let got = ok(
        store
            .claim_due_in(
                t0(),
                Duration::seconds(60),
                10,
                Lanes::limited(2, Default::default()),
            )
            .await,
        "claim_due_in",
    );
    assert_eq!(
        sorted(nids(&got)),
        sorted(vec![
            ids[0][0].clone(),
            ids[1][0].clone(),
            ids[1][1].clone(),
            ids[2][1].clone(),
        ]),
        "store contract: claim_due_in must take at most per_lane of each lane"
    );
    // the passed-over job was not leased: it is still due
    let left = claim(store, t0(), 10).await;
    assert_eq!(nids(&left), [ids[2][0].clone()]);
}

pub async fn list_notifications_page_follows_cursors_and_refuses_foreign_ones(
    store: &dyn LeadStore,
) {
    // five hot leads a minute apart → ten notifications; the first lead's are sent
    let mut leads = Vec::new();
    for i in 0..5 {
        let new = sample_new_lead(
            "pg",
            &format!("{i}"),
            Stage::Hot,
            t0() + Duration::minutes(i),
        );
        leads.push(insert(store, new).await);
    }
    for id in outbox_ids(&leads[0]) {
        ok(
            store
                .record_attempt(&id, Attempt::Sent, t0() + Duration::hours(1))
                .await,
            "record_attempt",
        );
    }
    let page = |state, limit, cursor: Option<String>| async move {
        store
            .list_notifications_page(&DeliveryQuery {
                state,
                limit,
                cursor,
            })
            .await
    };
    for (state, total) in [(None, 10), (Some(DeliveryState::Pending), 8)] {
        let whole = ok(
            store.list_notifications(state, 100).await,
            "list_notifications",
        );
        assert_eq!(whole.len(), total);
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut sizes = Vec::new();
        for _ in 0..10 {
            let Page { items, next } = ok(
                page(state, 3, cursor.clone()).await,
                "list_notifications_page",
            );
            sizes.push(items.len());
            seen.extend(items);
            match next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        assert_eq!(
            nids(&seen),
            nids(&whole),
            "store contract: following `next` must list every notification once, newest first ({state:?})"
        );
        let want: Vec<usize> = (0..total).step_by(3).map(|i| (total - i).min(3)).collect();
        assert_eq!(
            sizes, want,
            "store contract: pages of 3 until the last; no `next` after it ({state:?})"
        );
    }
    // a cursor names its listing
    let pending = ok(
        page(Some(DeliveryState::Pending), 1, None).await,
        "list_notifications_page",
    )
    .next
    .expect("a next page");
    let leads_cursor = ok(
        store
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
            .await,
        "list_leads",
    )
    .next
    .expect("a next page of leads");
    for (what, state, cursor) in [
        (
            "the pending listing's cursor on the dead listing",
            Some(DeliveryState::Dead),
            pending.clone(),
        ),
        (
            "the pending listing's cursor on the whole listing",
            None,
            pending.clone(),
        ),
        ("a leads cursor", None, leads_cursor.clone()),
        ("a made-up cursor", None, "zz-not-a-cursor".to_string()),
    ] {
        match page(state, 5, Some(cursor)).await {
            Err(StoreError::InvalidCursor) => {}
            other => panic!("store contract: {what} must be InvalidCursor, got {other:?}"),
        }
    }
    // and a deliveries cursor is no leads cursor
    match store
        .list_leads(&LeadQuery {
            stage: None,
            limit: 5,
            cursor: Some(pending),
            unrouted: false,
            claim: None,
            team: None,
            outcome: None,
            contact: None,
        })
        .await
    {
        Err(StoreError::InvalidCursor) => {}
        other => panic!(
            "store contract: a deliveries cursor on the leads must be InvalidCursor, got {other:?}"
        ),
    }
}

/// `count_dead`: exactly the notifications in state dead (none of the sent, pending or
/// retried ones), and one fewer after a redrive.
pub async fn count_dead_counts_dead_letters_only(store: &dyn LeadStore) {
    assert_eq!(
        ok(store.count_dead().await, "count_dead"),
        0,
        "store contract: an empty store has no dead letters"
    );
    // four hot leads, two notifications each: lead 0 dead, 1 sent, 2 one dead and one
    // retried, 3 untouched
    let mut leads = Vec::new();
    for i in 0..4 {
        leads.push(
            insert(
                store,
                sample_new_lead(
                    "cd",
                    &format!("{i}"),
                    Stage::Hot,
                    t0() + Duration::minutes(i),
                ),
            )
            .await,
        );
    }
    let later = t0() + Duration::hours(1);
    let dead = || Attempt::Dead {
        error: "gave up".into(),
    };
    let ids: Vec<Vec<String>> = leads.iter().map(outbox_ids).collect();
    for (id, attempt) in [
        (&ids[0][0], dead()),
        (&ids[0][1], dead()),
        (&ids[1][0], Attempt::Sent),
        (&ids[1][1], Attempt::Sent),
        (&ids[2][0], dead()),
        (
            &ids[2][1],
            Attempt::Retry {
                error: "timeout".into(),
                next_attempt_at: later + Duration::minutes(5),
            },
        ),
    ] {
        ok(
            store.record_attempt(id, attempt, later).await,
            "record_attempt",
        );
    }
    assert_eq!(
        ok(store.count_dead().await, "count_dead"),
        3,
        "store contract: count_dead must count exactly the dead letters"
    );
    match ok(store.redrive(&ids[0][0], later).await, "redrive") {
        Redrive::Redriven(_) => {}
        other => panic!("store contract: redrive of a dead letter, got {other:?}"),
    }
    assert_eq!(
        ok(store.count_dead().await, "count_dead"),
        2,
        "store contract: a re-driven dead letter is no longer counted"
    );
}
