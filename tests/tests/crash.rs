//! Nothing lost in a crash: the server is killed with SIGKILL in the middle of a load
//! (32 senders still going) and restarted on the same data directory. Every delivery
//! that got a 2xx is in the store, none twice; what was written but never answered is
//! counted and is a subset of what was sent; the providers' retries of everything
//! unanswered complete the store; and every notification that was due is sent after
//! the restart — exactly once for those the store had recorded as sent before the kill,
//! at least once for the rest (duplicates across the crash are reported).
//!
//! Prints timings; asserts nothing about time.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use handoff_core::model::Stage;
use handoff_core::store::{DeliveryState, Outbox};
use handoff_tests::load::{self, Item, Kind, Plan};
use handoff_tests::*;

const TOTAL: usize = 3_000;
const SENDERS: usize = 32;
const KILL_AFTER_ANSWERS: usize = 1_500;
const SEED: u64 = 0xC4A5_11ED;

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The notify entry a notification id (`{lead}.{team}.{notify id}`) is for, as the path
/// the receiver saw it on (the console entry is not an HTTP one).
fn receiver_key(notification_id: &str) -> Option<(String, String)> {
    let (lead, rest) = notification_id.split_once('.')?;
    let (_team, target) = rest.rsplit_once('.')?;
    let path = if target.starts_with("webhook-") {
        "/crm"
    } else if target.starts_with("slack-") {
        "/slack"
    } else {
        return None;
    };
    Some((path.to_string(), lead.to_string()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_mid_load_loses_no_acknowledged_lead_and_no_due_notification() {
    let t_test = Instant::now();
    let hook = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cfg = load::config(&hook.url("/crm"), &hook.url("/slack"));
    let s = Server::start(Some(&cfg), &data);

    let plan = Arc::new(Plan::build(TOTAL, SEED, 30));
    let valid = plan.valid_leads();

    // --- the load, and the kill in the middle of it
    let answered = Arc::new(AtomicUsize::new(0));
    let firing = tokio::spawn(load::fire(
        plan.clone(),
        s.base.clone(),
        SENDERS,
        answered.clone(),
    ));
    let t_fire = Instant::now();
    while answered.load(Ordering::SeqCst) < KILL_AFTER_ANSWERS {
        assert!(!firing.is_finished(), "the load ended before the kill");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let answered_at_kill = answered.load(Ordering::SeqCst);
    let kill_wall = chrono::Utc::now();
    s.kill();
    let kill_at = t_fire.elapsed();
    let run = firing.await.unwrap();
    // whatever the dead server had put on the wire has been read by now
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before_restart = hook.received();

    let acked: Vec<usize> = (0..TOTAL)
        .filter(|&i| run.outcomes[i].acknowledged())
        .collect();
    let unanswered = run.outcomes.iter().filter(|o| o.status.is_none()).count();
    println!(
        "killed after {answered_at_kill} answers, {kill_at:.2?} into the load; {} answered in all ({} acknowledged with a 2xx), {unanswered} failed with connection errors; {} notifications had arrived",
        TOTAL - unanswered,
        acked.len(),
        before_restart.len()
    );
    assert!(unanswered > 0, "the kill hit no request");

    // every answer that did arrive is the documented one
    let mut bad = Vec::new();
    for (i, (it, o)) in plan.items.iter().zip(&run.outcomes).enumerate() {
        let Some(st) = o.status else { continue };
        let ok = match it.kind {
            Kind::Original { .. } | Kind::Redelivery { .. } => {
                o.body["lead_id"].as_str() == Some(it.lead_id.as_str())
                    && ((st == 202 && o.body["duplicate"] == false)
                        || (st == 200 && o.body["duplicate"] == true))
            }
            Kind::BadSignature { .. } => st == 401,
            Kind::Malformed { .. } => st == 400,
        };
        if !ok {
            bad.push(format!("#{i} {:?}: {st} {}", it.kind, o.body));
        }
    }
    assert!(
        bad.is_empty(),
        "{} wrong answers: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
    let acked_leads: BTreeSet<String> = acked
        .iter()
        .map(|&i| plan.items[i].lead_id.clone())
        .collect();

    // --- what the store had recorded as sent at the kill (read from a copy, so the
    //     restarted server still opens the file exactly as the kill left it)
    let snapshot = dir.path().join("snapshot");
    copy_dir(&data, &snapshot);
    let sent_before: BTreeSet<(String, String)> = {
        let store = handoff_embedded::EmbeddedStore::open(&snapshot).expect("open the copy");
        let all = store.list_notifications(None, usize::MAX).await.unwrap();
        let by_state = |st: DeliveryState| all.iter().filter(|n| n.state == st).count();
        // claimed by the delivery loop: leased far beyond any backoff of this config
        let leased: Vec<_> = all
            .iter()
            .filter(|n| {
                n.state == DeliveryState::Pending
                    && n.next_attempt_at > kill_wall + chrono::Duration::seconds(5)
            })
            .collect();
        let lease_end = leased
            .iter()
            .map(|n| (n.next_attempt_at - kill_wall).num_milliseconds() as f64 / 1000.0)
            .fold(0.0, f64::max);
        println!(
            "store at the kill: {} notifications of all three entries ({} sent, {} pending, {} dead); {} of the pending ones were claimed (in flight) with a lease running until up to {lease_end:.1} s after the kill",
            all.len(),
            by_state(DeliveryState::Sent),
            by_state(DeliveryState::Pending),
            by_state(DeliveryState::Dead),
            leased.len()
        );
        all.iter()
            .filter(|n| n.state == DeliveryState::Sent)
            .filter_map(|n| receiver_key(&n.id))
            .collect()
    };
    let counts_before = load::notification_counts(&before_restart);
    let lying: Vec<_> = sent_before
        .iter()
        .filter(|k| !counts_before.contains_key(*k))
        .take(5)
        .collect();
    assert!(
        lying.is_empty(),
        "recorded as sent but never received: {lying:?}"
    );

    // --- restart on the same data directory
    let t_restart = Instant::now();
    let s = Server::start(Some(&cfg), &data);
    let restart_time = t_restart.elapsed();
    let c = load::client();

    // every acknowledged delivery is in the store
    let mut missing = Vec::new();
    for id in &acked_leads {
        let (st, _) = get(&c, &s.url(&format!("/leads/{id}")), None).await;
        if st != 200 {
            missing.push(id.clone());
        }
    }
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    // … none twice, nothing that was not sent; the rest was written but never answered
    let leads = load::all_leads(&c, &s.base).await;
    let ids: Vec<String> = leads
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    let stored: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(stored.len(), ids.len(), "a lead is listed twice");
    let strangers: Vec<_> = stored
        .iter()
        .filter(|id| !valid.contains_key(*id))
        .collect();
    assert!(
        strangers.is_empty(),
        "stored but never sent as a valid delivery: {strangers:?}"
    );
    let unacked_stored: BTreeSet<String> = stored.difference(&acked_leads).cloned().collect();
    assert_eq!(stored.len(), acked_leads.len() + unacked_stored.len());
    println!(
        "restarted in {restart_time:.2?}: {} leads stored = {} acknowledged + {} written whose answer was lost in the kill",
        stored.len(),
        acked_leads.len(),
        unacked_stored.len()
    );

    // --- the providers retry what was never acknowledged: a 202 for what was lost
    //     before it was written, a duplicate for what was written
    let retries: Vec<Item> = valid
        .keys()
        .filter(|id| !acked_leads.contains(*id))
        .map(|id| {
            let first = plan
                .items
                .iter()
                .find(|i| &i.lead_id == id && matches!(i.kind, Kind::Original { .. }))
                .unwrap();
            first.clone()
        })
        .collect();
    let retry_plan = Arc::new(Plan {
        items: retries,
        signed_at: plan.signed_at,
    });
    let retry = load::fire(
        retry_plan.clone(),
        s.base.clone(),
        SENDERS,
        Arc::new(AtomicUsize::new(0)),
    )
    .await;
    let mut dup_on_retry = BTreeSet::new();
    for (it, o) in retry_plan.items.iter().zip(&retry.outcomes) {
        let dup = unacked_stored.contains(&it.lead_id);
        let want = if dup { 200 } else { 202 };
        assert_eq!(o.status, Some(want), "retry of {}: {}", it.lead_id, o.body);
        assert_eq!(o.body["duplicate"], dup, "{}", o.body);
        if dup {
            dup_on_retry.insert(it.lead_id.clone());
        }
    }
    assert_eq!(dup_on_retry, unacked_stored);
    let after: BTreeSet<String> = load::all_leads(&c, &s.base)
        .await
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(after.len(), valid.len());
    assert!(
        after.iter().eq(valid.keys()),
        "the store is not exactly the valid leads"
    );
    println!(
        "provider retries: {} re-sent in {:.2?} ({} created, {} duplicates); the store now holds exactly the {} valid leads",
        retry_plan.items.len(),
        retry.wall,
        retry_plan.items.len() - dup_on_retry.len(),
        dup_on_retry.len(),
        valid.len()
    );

    // --- every due notification is sent after the restart
    let hot: BTreeSet<&String> = valid
        .iter()
        .filter(|(_, s)| **s == Stage::Hot)
        .map(|(id, _)| id)
        .collect();
    let due: BTreeSet<(String, String)> = hot
        .iter()
        .flat_map(|id| ["/crm", "/slack"].map(|p| (p.to_string(), id.to_string())))
        .collect();
    let all_there = |r: &[Received]| {
        let got = load::notification_counts(r);
        due.iter().filter(|k| !got.contains_key(*k)).count()
    };
    let t_wait = Instant::now();
    let deadline = t_wait + Duration::from_secs(180);
    let mut left = all_there(&hook.received());
    while left > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        left = all_there(&hook.received());
    }
    let complete_after = t_restart.elapsed();
    // … and the outbox drains: what the dead server had claimed waits out its lease,
    // then is sent again (at least once)
    let outbox_empty = |c: reqwest::Client, url: String| async move {
        let (_, v) = get(&c, &url, None).await;
        v["deliveries"]
            .as_array()
            .is_some_and(Vec::is_empty)
            .then_some(())
    };
    let drained = eventually(Duration::from_secs(180), || {
        outbox_empty(c.clone(), s.url("/deliveries?state=pending"))
    })
    .await;
    assert!(
        drained.is_some(),
        "notifications still pending 180 s after the restart"
    );
    let drained_after = t_restart.elapsed();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = hook.received();
    let counts = load::notification_counts(&received);
    let never: Vec<_> = due
        .iter()
        .filter(|k| !counts.contains_key(*k))
        .take(10)
        .collect();
    assert!(
        never.is_empty(),
        "{left} due notifications never arrived (waited {:.0?}), e.g. {never:?}",
        t_wait.elapsed()
    );
    let strays: Vec<_> = counts
        .keys()
        .filter(|k| !due.contains(*k))
        .take(10)
        .collect();
    assert!(
        strays.is_empty(),
        "notifications for leads that are not hot: {strays:?}"
    );
    let dups: BTreeMap<&(String, String), usize> = counts
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, n)| (k, *n))
        .collect();
    // the at-least-once window: arrived before the kill, not yet recorded as sent
    let window: BTreeSet<&(String, String)> = due
        .iter()
        .filter(|k| counts_before.contains_key(*k) && !sent_before.contains(*k))
        .collect();
    println!(
        "notifications: all {} due ones had arrived {complete_after:.2?} after the restart began, the outbox was empty after {drained_after:.2?}; {} arrived in all; {} had been recorded as sent before the kill; {} had arrived before the kill without being recorded as sent (at-least-once window); duplicates across the crash: {} ({} extra copies)",
        due.len(),
        received.len(),
        sent_before.len(),
        window.len(),
        dups.len(),
        dups.values().map(|n| n - 1).sum::<usize>()
    );
    let repeated_after_sent: Vec<_> = dups.keys().filter(|k| sent_before.contains(**k)).collect();
    assert!(
        repeated_after_sent.is_empty(),
        "re-sent although recorded as sent before the kill: {repeated_after_sent:?}"
    );
    let unexplained: Vec<_> = dups
        .iter()
        .filter(|(k, n)| !window.contains(*k) || **n > 2)
        .collect();
    assert!(
        unexplained.is_empty(),
        "duplicates the kill does not explain: {unexplained:?}"
    );
    for state in ["dead", "pending"] {
        let (_, v) = get(&c, &s.url(&format!("/deliveries?state={state}")), None).await;
        assert_eq!(
            v["deliveries"].as_array().map(Vec::len),
            Some(0),
            "{state} notifications: {v}"
        );
    }
    s.stop();
    println!("crash test done in {:.2?}", t_test.elapsed());
}
