//! Nothing lost under load: 10,000 deliveries at 32 concurrent senders against the local
//! server — hot and nurture leads across all four providers, 10% redeliveries (some
//! racing their original), 5% bad signatures, 5% malformed bodies. Afterwards every
//! answer has its documented status, the store holds exactly the valid unique leads,
//! every hot lead reached each HTTP notify entry exactly once, and the malformed
//! deliveries are in the rejected log.
//!
//! Prints throughput and latencies; asserts nothing about time.

// moto variant: tests/tests/aws_load.rs runs a smaller plan on the DynamoDB store

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use handoff_core::model::Stage;
use handoff_tests::load::{self, Kind, Plan};
use handoff_tests::*;

/// Deliveries per run; `HANDOFF_LOAD_DELIVERIES` overrides it (e.g. for a quick try).
const TOTAL: usize = 10_000;
const SENDERS: usize = 32;
const SEED: u64 = 0x1EAD_5EED;
/// Share of the redeliveries queued right behind their original.
const RACING_PCT: u64 = 30;

/// Collects mismatches so one run reports all of them, not just the first.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, ok: bool, msg: impl FnOnce() -> String) {
        if !ok {
            self.0.push(msg());
        }
    }
    fn assert_none(&self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{what}: {} problem(s), the first ones:\n{}",
            self.0.len(),
            self.0
                .iter()
                .take(25)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_deliveries_at_32_senders_lose_nothing() {
    let t_test = Instant::now();
    let hook = Receiver::start(0, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        Some(&load::config(&hook.url("/crm"), &hook.url("/slack"))),
        &dir.path().join("data"),
    );

    let total: usize = std::env::var("HANDOFF_LOAD_DELIVERIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(TOTAL);
    let t_plan = Instant::now();
    let plan = Arc::new(Plan::build(total, SEED, RACING_PCT));
    let plan_time = t_plan.elapsed();
    let valid = plan.valid_leads();
    let hot: BTreeSet<&String> = valid
        .iter()
        .filter(|(_, s)| **s == Stage::Hot)
        .map(|(id, _)| id)
        .collect();
    let n_racing = plan.count(|k| matches!(k, Kind::Redelivery { racing: true, .. }));
    let n_later = plan.count(|k| matches!(k, Kind::Redelivery { racing: false, .. }));
    let n_bad = plan.count(|k| matches!(k, Kind::BadSignature { .. }));
    let n_mal = plan.count(|k| matches!(k, Kind::Malformed { .. }));
    let mut per_source: BTreeMap<&str, usize> = BTreeMap::new();
    for it in plan.items.iter().filter(|i| i.is_valid()) {
        *per_source.entry(it.source).or_default() += 1;
    }
    println!(
        "plan: {total} deliveries ({} unique valid leads: {} hot, {} nurture; {n_racing} racing + {n_later} later redeliveries; {n_bad} bad signatures; {n_mal} malformed), per source {per_source:?}, built and self-checked in {:.2?}",
        valid.len(),
        hot.len(),
        valid.len() - hot.len(),
        plan_time
    );

    let t_fire = Instant::now();
    let run = load::fire(
        plan.clone(),
        s.base.clone(),
        SENDERS,
        Arc::new(AtomicUsize::new(0)),
    )
    .await;
    println!(
        "sent {total} at {SENDERS} senders in {:.2?}: {:.0} deliveries/s; all: {}",
        run.wall,
        total as f64 / run.wall.as_secs_f64(),
        load::latency_line(&mut run.outcomes.iter().map(|o| o.latency).collect::<Vec<_>>())
    );
    for (name, f) in [
        (
            "first deliveries",
            (|k: &Kind| matches!(k, Kind::Original { .. })) as fn(&Kind) -> bool,
        ),
        ("redeliveries", |k| matches!(k, Kind::Redelivery { .. })),
        ("bad signatures", |k| matches!(k, Kind::BadSignature { .. })),
        ("malformed", |k| matches!(k, Kind::Malformed { .. })),
    ] {
        let mut l: Vec<Duration> = plan
            .items
            .iter()
            .zip(&run.outcomes)
            .filter(|(i, _)| f(&i.kind))
            .map(|(_, o)| o.latency)
            .collect();
        println!("  {name}: {}", load::latency_line(&mut l));
    }

    // 1. every answer is the documented one
    let mut f = Failures::default();
    let racing_originals: BTreeSet<usize> = plan
        .items
        .iter()
        .filter_map(|i| match i.kind {
            Kind::Redelivery { of, racing: true } => Some(of),
            _ => None,
        })
        .collect();
    let mut race_winners = [0usize; 2]; // [original first, copy first]
    for (i, (it, o)) in plan.items.iter().zip(&run.outcomes).enumerate() {
        let what = || format!("#{i} {} {} {:?}", it.source, it.delivery_id, it.kind);
        let same_lead = |o: &load::Outcome| o.body["lead_id"].as_str() == Some(it.lead_id.as_str());
        match it.kind {
            Kind::Original { stage } => {
                f.check(
                    same_lead(o) && o.body["stage"].as_str() == Some(stage.as_str()),
                    || format!("{}: lead/stage {:?} {}", what(), o.status, o.body),
                );
                if !racing_originals.contains(&i) {
                    f.check(
                        o.status == Some(202) && o.body["duplicate"] == false,
                        || format!("{}: want 202, got {:?} {}", what(), o.status, o.body),
                    );
                }
            }
            Kind::Redelivery { of, racing } => {
                f.check(same_lead(o), || {
                    format!("{}: lead {:?} {}", what(), o.status, o.body)
                });
                if racing {
                    let first = &run.outcomes[of];
                    let pair = (first.status, o.status);
                    let one_created =
                        matches!(pair, (Some(202), Some(200)) | (Some(200), Some(202)));
                    let dup = if pair.0 == Some(200) { first } else { o };
                    f.check(one_created && dup.body["duplicate"] == true, || {
                        format!(
                            "{}: racing pair answered {:?} / {:?}: {} / {}",
                            what(),
                            first.status,
                            o.status,
                            first.body,
                            o.body
                        )
                    });
                    race_winners[usize::from(pair.0 != Some(202))] += 1;
                } else {
                    f.check(o.status == Some(200) && o.body["duplicate"] == true, || {
                        format!(
                            "{}: want 200 duplicate, got {:?} {}",
                            what(),
                            o.status,
                            o.body
                        )
                    });
                }
            }
            Kind::BadSignature { .. } => f.check(
                o.status == Some(401) && o.body["error"] == "invalid_signature",
                || format!("{}: want 401, got {:?} {}", what(), o.status, o.body),
            ),
            Kind::Malformed { .. } => f.check(
                o.status == Some(400) && o.body["error"] == "malformed_payload",
                || format!("{}: want 400, got {:?} {}", what(), o.status, o.body),
            ),
        }
        if o.status.is_none() {
            f.0.push(format!("{}: no answer: {:?}", what(), o.error));
        }
    }
    println!(
        "racing pairs: the original was created first in {}, its copy in {}",
        race_winners[0], race_winners[1]
    );
    f.assert_none("answers");

    // 2. the store holds exactly the valid unique leads
    let c = load::client();
    let t_list = Instant::now();
    let leads = load::all_leads(&c, &s.base).await;
    let list_time = t_list.elapsed();
    let mut seen = BTreeSet::new();
    let mut f = Failures::default();
    for l in &leads {
        let id = l["id"].as_str().unwrap_or("?").to_string();
        f.check(seen.insert(id.clone()), || {
            format!("lead {id} listed twice")
        });
        match valid.get(&id) {
            None => {
                f.0.push(format!("lead {id} was never sent as a valid delivery: {l}"))
            }
            Some(stage) => f.check(l["stage"].as_str() == Some(stage.as_str()), || {
                format!("lead {id}: stage {} != {stage}", l["stage"])
            }),
        }
    }
    for id in valid.keys() {
        f.check(seen.contains(id), || {
            format!("lead {id} is missing from the store")
        });
    }
    f.assert_none("store");
    assert_eq!(leads.len(), valid.len());
    println!(
        "store: {} leads, listed in {} pages in {list_time:.2?}",
        leads.len(),
        leads.len().div_ceil(500)
    );

    // 3. each hot lead reached each HTTP notify entry exactly once, nurture leads none
    let want = 2 * hot.len();
    let got = load::wait_received(&hook, want, Duration::from_secs(120)).await;
    let drained = t_fire.elapsed();
    tokio::time::sleep(Duration::from_millis(1500)).await; // anything extra would show now
    let received = hook.received();
    println!(
        "notifications: {got}/{want} received {drained:.2?} after the first delivery was sent, {} in all after a further 1.5 s",
        received.len()
    );
    let counts = load::notification_counts(&received);
    let mut f = Failures::default();
    for id in &hot {
        for path in ["/crm", "/slack"] {
            let n = counts
                .get(&(path.to_string(), id.to_string()))
                .copied()
                .unwrap_or(0);
            f.check(n == 1, || {
                format!("hot lead {id}: {n} notification(s) on {path}")
            });
        }
    }
    for ((path, id), n) in &counts {
        f.check(hot.contains(id), || {
            format!("{n} notification(s) on {path} for {id}, which is not a hot lead")
        });
    }
    // the webhook entry's derived id: kind + the first 8 hex digits of SHA-256(url)
    let crm_entry = documented_notify_id("webhook", &hook.url("/crm"));
    for r in received.iter().filter(|r| r.path == "/crm") {
        let id = load::notified_lead(r).unwrap_or_default();
        f.check(
            r.header("webhook-id") == Some(format!("{id}.web.{crm_entry}").as_str()),
            || format!("/crm for {id}: webhook-id {:?}", r.header("webhook-id")),
        );
    }
    f.assert_none("notifications");
    assert_eq!(received.len(), want);
    // nothing dead; nothing left pending (the last attempts are recorded just after
    // the receiver answered)
    for state in ["dead", "pending"] {
        let url = s.url(&format!("/deliveries?state={state}"));
        let empty = eventually(Duration::from_secs(10), || async {
            let (_, v) = get(&c, &url, None).await;
            v["deliveries"]
                .as_array()
                .is_some_and(Vec::is_empty)
                .then_some(())
        })
        .await;
        let (_, v) = get(&c, &url, None).await;
        assert!(empty.is_some(), "{state} notifications: {v}");
    }

    // 4. the malformed deliveries are in the rejected log (it keeps the newest 1000;
    //    a page holds at most 500)
    let (st, rej) = get(&c, &s.url("/deliveries/rejected?limit=500"), None).await;
    assert_eq!(st, 200);
    let rej = rej["rejected"].as_array().cloned().unwrap_or_default();
    // Each malformed delivery is logged once, under its source, found by its delivery
    // id (every malformed body carries it); excerpts mask contact details, so the
    // plan's contact values (x{n}@example.com, "Nobody {n}") never appear.
    let expected: Vec<(String, String)> = plan
        .items
        .iter()
        .filter(|i| matches!(i.kind, Kind::Malformed { .. }))
        .map(|i| (i.source.to_string(), i.delivery_id.clone()))
        .collect();
    let logged: Vec<(String, String)> = rej
        .iter()
        .map(|r| {
            assert_eq!(r["error"], "malformed_payload", "{r}");
            (
                r["source_id"].as_str().unwrap_or("?").to_string(),
                r["excerpt"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect();
    for (_, excerpt) in &logged {
        assert!(
            !excerpt.contains("@example.com") || excerpt.contains("***@example.com"),
            "an e-mail in a rejected excerpt: {excerpt}"
        );
        assert!(
            !excerpt.contains("Nobody "),
            "a name in a rejected excerpt: {excerpt}"
        );
    }
    // the excerpt of (source, delivery id), where the id stands in the first 2 KiB
    let found = |src: &str, did: &str| {
        logged
            .iter()
            .filter(|(s, e)| s == src && e.contains(did))
            .count()
    };
    let in_excerpt = |did: &str| {
        plan.items
            .iter()
            .find(|i| i.delivery_id == did)
            .is_some_and(|i| {
                String::from_utf8_lossy(&i.body[..i.body.len().min(2048)]).contains(did)
            })
    };
    if n_mal <= 500 {
        assert_eq!(logged.len(), expected.len(), "rejected log size");
        let missing: Vec<_> = expected
            .iter()
            .filter(|(src, did)| in_excerpt(did) && found(src, did) != 1)
            .take(5)
            .collect();
        assert!(
            missing.is_empty(),
            "not in the rejected log once: {missing:?}"
        );
    } else {
        // one page shows the newest 500 of them
        assert_eq!(logged.len(), 500, "rejected log page");
        let strays: Vec<_> = logged
            .iter()
            .filter(|(src, e)| {
                !expected
                    .iter()
                    .any(|(s, did)| s == src && e.contains(did.as_str()))
            })
            .take(5)
            .collect();
        assert!(
            strays.is_empty(),
            "logged but never sent malformed: {strays:?}"
        );
    }
    println!("rejected log: checked against the {n_mal} malformed deliveries sent");

    s.stop();
    println!("load test done in {:.2?}", t_test.elapsed());
}
