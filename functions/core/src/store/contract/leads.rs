//! The [`Leads`] role: insert once per id (with outbox and raw payload), get, list
//! newest first with paging.

use chrono::Duration;

use super::{checks, ids, insert, join_all, nids, ok, sample_new_lead, sorted, t0, Check};
use crate::model::{Lead, Stage};
use crate::store::{Inserted, Job, LeadQuery, LeadStore, Leads, NewLead, Notification, Page};

/// Every check of this role, in the order `run_all` runs them.
pub fn checks() -> Vec<(&'static str, Check)> {
    checks![
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
    ]
}

/// Newest first: by `received_at`, then id, both descending.
fn newest_first(mut leads: Vec<Lead>) -> Vec<String> {
    leads.sort_by(|a, b| (b.received_at, &b.id).cmp(&(a.received_at, &a.id)));
    ids(&leads)
}

async fn all_leads(store: &dyn Leads, stage: Option<Stage>) -> Vec<Lead> {
    let page = ok(
        store
            .list_leads(&LeadQuery {
                stage,
                limit: 500,
                cursor: None,
                unrouted: false,
                claim: None,
                team: None,
                outcome: None,
                contact: None,
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
async fn all_pages(store: &dyn Leads, stage: Option<Stage>, limit: usize) -> Vec<Vec<Lead>> {
    let mut pages = Vec::new();
    let mut cursor = None;
    for _ in 0..1000 {
        let Page { items, next } = ok(
            store
                .list_leads(&LeadQuery {
                    stage,
                    limit,
                    cursor: cursor.clone(),
                    unrouted: false,
                    claim: None,
                    team: None,
                    outcome: None,
                    contact: None,
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
        Job::notify("other-team", "webhook-3"),
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

pub async fn get_lead_found_and_missing(store: &dyn Leads) {
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
                    cursor: None,
                    unrouted: false,
                    claim: None,
                    team: None,
                    outcome: None,
                    contact: None,
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
async fn seed_mixed(store: &dyn Leads, n: usize) -> Vec<Lead> {
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

pub async fn list_leads_newest_first(store: &dyn Leads) {
    let page = ok(
        store
            .list_leads(&LeadQuery {
                stage: None,
                limit: 50,
                cursor: None,
                unrouted: false,
                claim: None,
                team: None,
                outcome: None,
                contact: None,
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

pub async fn list_leads_by_stage(store: &dyn Leads) {
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

pub async fn list_leads_limit_and_paging(store: &dyn Leads) {
    let mut leads = seed_mixed(store, 11).await;

    let first = ok(
        store
            .list_leads(&LeadQuery {
                stage: None,
                limit: 4,
                cursor: None,
                unrouted: false,
                claim: None,
                team: None,
                outcome: None,
                contact: None,
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
                unrouted: false,
                claim: None,
                team: None,
                outcome: None,
                contact: None,
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
                unrouted: false,
                claim: None,
                team: None,
                outcome: None,
                contact: None,
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

/// A cursor continues only the listing that handed it out: garbage, and a cursor of
/// another stage's listing, are `InvalidCursor` (the caller's mistake: 400), never a
/// store fault (503) or a page of the wrong listing.
pub async fn list_leads_refuses_foreign_cursors(store: &dyn Leads) {
    for (i, stage) in [Stage::Hot, Stage::Hot, Stage::Nurture, Stage::Nurture]
        .into_iter()
        .enumerate()
    {
        let new = sample_new_lead(
            "web",
            &format!("fc-{i}"),
            stage,
            t0() + Duration::seconds(i as i64),
        );
        insert(store, new).await;
    }
    let page = |stage, cursor: Option<String>| LeadQuery {
        stage,
        limit: 1,
        cursor,
        unrouted: false,
        claim: None,
        team: None,
        outcome: None,
        contact: None,
    };
    let hot = ok(
        store.list_leads(&page(Some(Stage::Hot), None)).await,
        "list_leads (hot)",
    );
    let cursor = hot
        .next
        .expect("store contract: a full page of hot leads has a next cursor");
    let next = ok(
        store
            .list_leads(&page(Some(Stage::Hot), Some(cursor.clone())))
            .await,
        "list_leads (hot, next page)",
    );
    assert_eq!(
        next.items.len(),
        1,
        "store contract: the hot cursor continues the hot listing"
    );
    for (stage, what) in [(Some(Stage::Nurture), "nurture"), (None, "all")] {
        match store.list_leads(&page(stage, Some(cursor.clone()))).await {
            Err(crate::store::StoreError::InvalidCursor) => {}
            other => panic!(
                "store contract: a hot listing's cursor on the {what} listing must be InvalidCursor, got {:?}",
                other.map(|p| ids(&p.items))
            ),
        }
    }
    for bad in ["zz-not-a-cursor", "00", "e30", "%%%"] {
        match store.list_leads(&page(None, Some(bad.into()))).await {
            Err(crate::store::StoreError::InvalidCursor) => {}
            other => panic!(
                "store contract: cursor {bad:?} must be InvalidCursor, got {:?}",
                other.map(|p| ids(&p.items))
            ),
        }
    }
}

fn state(version: u64, member: &str) -> crate::store::TeamState {
    let mut st = crate::store::TeamState {
        version,
        ..Default::default()
    };
    st.open.insert(member.to_string(), version as u32);
    st
}

fn with_state(delivery: &str, version: u64) -> NewLead {
    let mut n = sample_new_lead("rot", delivery, Stage::Hot, t0());
    n.team_state = Some(("sales".into(), state(version, "ana")));
    n
}

pub async fn team_state_is_written_with_the_lead_at_the_version_read(store: &dyn LeadStore) {
    let teams = vec!["sales".to_string(), "other".to_string()];
    assert!(ok(store.team_states(&teams).await, "team_states").is_empty());
    insert(store, with_state("a", 1)).await;
    let got = ok(store.team_states(&teams).await, "team_states");
    assert_eq!(
        got.get("sales"),
        Some(&state(1, "ana")),
        "store contract: insert_lead must write the team state with the lead"
    );
    assert!(!got.contains_key("other"));
    // written by someone else meanwhile: nothing of this lead is written
    let stale = with_state("b", 1);
    let b_id = stale.lead.id.clone();
    assert_eq!(
        ok(store.insert_lead(stale).await, "insert_lead"),
        Inserted::StateChanged,
        "store contract: a team state written at a version already taken must be StateChanged"
    );
    assert_eq!(
        ok(store.get_lead(&b_id).await, "get_lead"),
        None,
        "store contract: after StateChanged the lead must not be stored"
    );
    insert(store, with_state("b", 2)).await;
    // a duplicate writes no state
    assert!(matches!(
        ok(store.insert_lead(with_state("a", 3)).await, "insert_lead"),
        Inserted::Duplicate(_)
    ));
    assert_eq!(
        ok(store.team_states(&teams).await, "team_states")
            .get("sales")
            .map(|s| s.version),
        Some(2),
        "store contract: a duplicate must not write the team state"
    );
    // racing writers of the same version: exactly one wins
    const N: usize = 8;
    let futs = (0..N)
        .map(|i| store.insert_lead(with_state(&format!("race-{i}"), 3)))
        .collect();
    let results: Vec<Inserted> = join_all(futs)
        .await
        .into_iter()
        .map(|r| ok(r, "concurrent insert_lead"))
        .collect();
    let created = results
        .iter()
        .filter(|r| matches!(r, Inserted::Created(_)))
        .count();
    assert_eq!(
        created, 1,
        "store contract: of {N} concurrent writes of one team state version exactly one may win"
    );
    assert!(results
        .iter()
        .all(|r| matches!(r, Inserted::Created(_) | Inserted::StateChanged)));
}

pub async fn unrouted_hot_leads_are_listed_apart(store: &dyn LeadStore) {
    let route = |team: Option<&str>| crate::routing::Route {
        team: team.map(str::to_string),
        member: None,
        why: "test".into(),
        skipped: Vec::new(),
        fallback_from: None,
    };
    let mut unrouted = sample_new_lead("ur", "1", Stage::Hot, t0());
    unrouted.lead.route = Some(route(None));
    let mut owned = sample_new_lead("ur", "2", Stage::Hot, t0() + Duration::seconds(1));
    owned.lead.route = Some(route(Some("sales")));
    let nurture = sample_new_lead("ur", "3", Stage::Nurture, t0() + Duration::seconds(2));
    let want = unrouted.lead.id.clone();
    for n in [unrouted, owned, nurture] {
        insert(store, n).await;
    }
    let page = ok(
        store
            .list_leads(&LeadQuery {
                stage: None,
                limit: 10,
                cursor: None,
                unrouted: true,
                claim: None,
                team: None,
                outcome: None,
                contact: None,
            })
            .await,
        "list_leads (unrouted)",
    );
    assert_eq!(
        ids(&page.items),
        [want],
        "store contract: the unrouted listing must hold the hot leads no team owns, only"
    );
    assert_eq!(page.next, None);
    assert_eq!(
        page.items[0].route,
        Some(route(None)),
        "store contract: a lead's route must be stored"
    );
}

fn claimable(delivery: &str, team: &str, at_offset: i64) -> NewLead {
    let mut n = sample_new_lead(
        "cl",
        delivery,
        Stage::Hot,
        t0() + Duration::seconds(at_offset),
    );
    n.lead.route = Some(crate::routing::Route {
        team: Some(team.into()),
        member: Some("ana".into()),
        why: "test".into(),
        skipped: Vec::new(),
        fallback_from: None,
    });
    n.lead.claim = Some(crate::model::Claim::unclaimed(t0()));
    n
}

fn claimed_by(lead: &Lead, who: &str) -> Lead {
    let mut next = lead.clone();
    next.rev += 1;
    let c = next.claim.as_mut().expect("claimable");
    c.state = crate::model::ClaimState::Claimed;
    c.by = Some(who.into());
    c.at = Some(t0() + Duration::seconds(30));
    next.timeline.push(crate::model::TimelineEntry::new(
        t0() + Duration::seconds(30),
        "claimed",
        format!("by {who}"),
    ));
    next
}

pub async fn update_lead_is_conditional_and_writes_its_jobs(store: &dyn LeadStore) {
    use crate::store::{LeadUpdate, Updated};
    let n = claimable("u1", "sales", 0);
    let id = n.lead.id.clone();
    insert(store, n).await;
    let stored = ok(store.get_lead(&id).await, "get_lead").expect("stored");
    assert_eq!(stored.rev, 0, "store contract: a new lead is at rev 0");
    let reply = Notification::new(
        &id,
        Job::SlackReply {
            team: "sales".into(),
            url: "https://hooks.slack.com/actions/T1/1/x".into(),
        },
        t0(),
    );
    let reply_id = reply.id.clone();
    let won = claimed_by(&stored, "ana");
    match ok(
        store
            .update_lead(LeadUpdate {
                lead: won.clone(),
                outbox: vec![reply],
            })
            .await,
        "update_lead",
    ) {
        Updated::Applied(l) => assert_eq!(*l, won),
        other => panic!("store contract: update_lead at rev+1 must apply, got {other:?}"),
    }
    assert_eq!(
        ok(store.get_lead(&id).await, "get_lead"),
        Some(won.clone()),
        "store contract: update_lead must store the new value"
    );
    let jobs = ok(store.lead_notifications(&id).await, "lead_notifications");
    assert!(
        jobs.iter().any(|j| j.id == reply_id),
        "store contract: update_lead must write its outbox jobs with it: {:?}",
        nids(&jobs)
    );
    // a second writer who read rev 0 loses and writes nothing
    let late = claimed_by(&stored, "bo");
    let late_job = Notification::new(&id, Job::notify("sales", "late"), t0());
    let late_job_id = late_job.id.clone();
    assert_eq!(
        ok(
            store
                .update_lead(LeadUpdate {
                    lead: late,
                    outbox: vec![late_job],
                })
                .await,
            "update_lead"
        ),
        Updated::Changed,
        "store contract: update_lead from a stale rev must be Changed"
    );
    assert_eq!(ok(store.get_lead(&id).await, "get_lead"), Some(won));
    assert!(
        !ok(store.lead_notifications(&id).await, "lead_notifications")
            .iter()
            .any(|j| j.id == late_job_id),
        "store contract: a refused update_lead must write none of its jobs"
    );
    let mut ghost = claimed_by(&stored, "cy");
    ghost.id = "ld_not_stored".into();
    assert_eq!(
        ok(
            store
                .update_lead(LeadUpdate {
                    lead: ghost,
                    outbox: Vec::new(),
                })
                .await,
            "update_lead"
        ),
        Updated::NotFound
    );
    // racing writers of the same rev: exactly one wins
    let n = claimable("u2", "sales", 1);
    let id2 = n.lead.id.clone();
    insert(store, n).await;
    let base = ok(store.get_lead(&id2).await, "get_lead").expect("stored");
    const N: usize = 8;
    let futs = (0..N)
        .map(|i| {
            store.update_lead(LeadUpdate {
                lead: claimed_by(&base, &format!("rep{i}")),
                outbox: Vec::new(),
            })
        })
        .collect();
    let results: Vec<Updated> = join_all(futs)
        .await
        .into_iter()
        .map(|r| ok(r, "concurrent update_lead"))
        .collect();
    let applied = results
        .iter()
        .filter(|r| matches!(r, Updated::Applied(_)))
        .count();
    assert_eq!(
        applied, 1,
        "store contract: of {N} concurrent updates from one rev exactly one may apply: {results:?}"
    );
}

pub async fn write_team_state_is_conditional_on_its_version(store: &dyn LeadStore) {
    let teams = vec!["sales".to_string()];
    assert!(
        ok(
            store.write_team_state("sales", &state(1, "ana")).await,
            "write_team_state"
        ),
        "store contract: version 1 over no state must be written"
    );
    assert!(
        !ok(
            store.write_team_state("sales", &state(1, "bo")).await,
            "write_team_state"
        ),
        "store contract: a version already taken must be refused"
    );
    assert!(
        !ok(
            store.write_team_state("sales", &state(3, "bo")).await,
            "write_team_state"
        ),
        "store contract: a version that skips one must be refused"
    );
    assert_eq!(
        ok(store.team_states(&teams).await, "team_states").get("sales"),
        Some(&state(1, "ana"))
    );
    assert!(ok(
        store.write_team_state("sales", &state(2, "bo")).await,
        "write_team_state"
    ));
    assert_eq!(
        ok(store.team_states(&teams).await, "team_states").get("sales"),
        Some(&state(2, "bo"))
    );
}

pub async fn claim_and_team_filters_list_what_is_waiting(store: &dyn LeadStore) {
    use crate::store::LeadUpdate;
    let a = claimable("f1", "sales", 0);
    let b = claimable("f2", "sales", 1);
    let c = claimable("f3", "chat", 2);
    let nurture = sample_new_lead("cl", "f4", Stage::Nurture, t0() + Duration::seconds(3));
    let (a_id, b_id, c_id) = (a.lead.id.clone(), b.lead.id.clone(), c.lead.id.clone());
    for n in [a, b, c, nurture] {
        insert(store, n).await;
    }
    let stored = ok(store.get_lead(&a_id).await, "get_lead").expect("stored");
    ok(
        store
            .update_lead(LeadUpdate {
                lead: claimed_by(&stored, "ana"),
                outbox: Vec::new(),
            })
            .await,
        "update_lead",
    );
    let list = |claim, team: Option<&str>, limit| LeadQuery {
        stage: None,
        limit,
        cursor: None,
        unrouted: false,
        claim,
        team: team.map(str::to_string),
        outcome: None,
        contact: None,
    };
    use crate::model::ClaimState::{Claimed, Unclaimed};
    for (q, want, what) in [
        (
            list(Some(Unclaimed), Some("sales"), 50),
            vec![b_id.clone()],
            "unclaimed of sales",
        ),
        (
            list(Some(Unclaimed), None, 50),
            vec![c_id.clone(), b_id.clone()],
            "unclaimed",
        ),
        (list(Some(Claimed), None, 50), vec![a_id.clone()], "claimed"),
        (list(None, Some("chat"), 50), vec![c_id.clone()], "of chat"),
        (
            list(None, Some("nobody"), 50),
            vec![],
            "of a team owning nothing",
        ),
    ] {
        let page = ok(store.list_leads(&q).await, "list_leads (filtered)");
        assert_eq!(ids(&page.items), want, "store contract: leads {what}");
        assert_eq!(page.next, None, "store contract: leads {what}: one page");
    }
    // paging through a filtered listing loses nothing and repeats nothing
    let mut seen = Vec::new();
    let mut cursor = None;
    for _ in 0..10 {
        let mut q = list(Some(Unclaimed), None, 1);
        q.cursor = cursor;
        let page = ok(store.list_leads(&q).await, "list_leads (filtered, paged)");
        seen.extend(ids(&page.items));
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(
        seen,
        vec![c_id, b_id],
        "store contract: paged unclaimed leads"
    );
}

/// An outcome written with `update_lead` comes back exactly (the amount a decimal
/// string), a later one replaces it, and `outcome=` lists by the latest.
pub async fn outcomes_are_kept_exactly_and_filter_the_list(store: &dyn LeadStore) {
    use crate::model::{Outcome, OutcomeState};
    use crate::store::{LeadUpdate, Updated};
    let a = claimable("oc1", "sales", 0);
    let b = claimable("oc2", "sales", 1);
    let (a_id, b_id) = (a.lead.id.clone(), b.lead.id.clone());
    insert(store, a).await;
    insert(store, b).await;
    let set = |lead: &Lead, state, amount: Option<&str>| {
        let mut next = lead.clone();
        next.rev += 1;
        next.outcome = Some(Outcome {
            state,
            reason: (state == OutcomeState::Lost).then(|| "price".to_string()),
            amount: amount.map(str::to_string),
            currency: amount.map(|_| "EUR".to_string()),
            by: Some("ana".into()),
            note: None,
            at: t0() + Duration::seconds(60),
            via: "api".into(),
        });
        next
    };
    let stored = ok(store.get_lead(&a_id).await, "get_lead").expect("stored");
    let won = set(&stored, OutcomeState::Won, Some("1200.10"));
    let r = ok(
        store
            .update_lead(LeadUpdate {
                lead: won,
                outbox: Vec::new(),
            })
            .await,
        "update_lead",
    );
    assert!(matches!(r, Updated::Applied(_)), "store contract: {r:?}");
    let back = ok(store.get_lead(&a_id).await, "get_lead").expect("stored");
    let o = back
        .outcome
        .clone()
        .expect("store contract: the outcome is kept");
    assert_eq!(
        (o.state, o.amount.as_deref(), o.currency.as_deref()),
        (OutcomeState::Won, Some("1200.10"), Some("EUR")),
        "store contract: an outcome comes back exactly as written"
    );
    let stored_b = ok(store.get_lead(&b_id).await, "get_lead").expect("stored");
    ok(
        store
            .update_lead(LeadUpdate {
                lead: set(&stored_b, OutcomeState::Accepted, None),
                outbox: Vec::new(),
            })
            .await,
        "update_lead",
    );
    let stored_b = ok(store.get_lead(&b_id).await, "get_lead").expect("stored");
    ok(
        store
            .update_lead(LeadUpdate {
                lead: set(&stored_b, OutcomeState::Lost, None),
                outbox: Vec::new(),
            })
            .await,
        "update_lead",
    );
    let list = |outcome| LeadQuery {
        stage: None,
        limit: 50,
        cursor: None,
        unrouted: false,
        claim: None,
        team: None,
        outcome: Some(outcome),
        contact: None,
    };
    let listed = |page: crate::store::Page<Lead>| {
        let mut v: Vec<String> = page
            .items
            .into_iter()
            .map(|l| l.id)
            .filter(|i| i == &a_id || i == &b_id)
            .collect();
        v.sort();
        v
    };
    let won = ok(
        store.list_leads(&list(OutcomeState::Won)).await,
        "list_leads",
    );
    assert_eq!(
        listed(won),
        vec![a_id.clone()],
        "store contract: outcome=won"
    );
    let lost = ok(
        store.list_leads(&list(OutcomeState::Lost)).await,
        "list_leads",
    );
    assert_eq!(
        listed(lost),
        vec![b_id.clone()],
        "store contract: the later outcome (lost) replaces the earlier (accepted)"
    );
    let accepted = ok(
        store.list_leads(&list(OutcomeState::Accepted)).await,
        "list_leads",
    );
    assert!(
        listed(accepted).is_empty(),
        "store contract: outcome=accepted"
    );
}

/// `contact=` lists one contact's leads across sources, newest first, and still after
/// an update of one of them (the index entry moves with the lead).
pub async fn a_contacts_leads_are_listed_newest_first(store: &dyn LeadStore) {
    use crate::store::LeadUpdate;
    let mut mine = Vec::new();
    for (k, source) in ["form", "cart", "chat"].iter().enumerate() {
        let mut n = sample_new_lead(source, "ct", Stage::Hot, t0() + Duration::seconds(k as i64));
        n.lead.contact_id = Some("ct_contract_one".into());
        mine.push(n.lead.id.clone());
        insert(store, n).await;
    }
    let mut other = sample_new_lead("form", "ct-other", Stage::Nurture, t0());
    other.lead.contact_id = Some("ct_contract_two".into());
    insert(store, other).await;
    let list = |stage| LeadQuery {
        limit: 10,
        stage,
        contact: Some("ct_contract_one".into()),
        ..Default::default()
    };
    let page = ok(store.list_leads(&list(None)).await, "list_leads");
    let want: Vec<String> = mine.iter().rev().cloned().collect();
    assert_eq!(
        ids(&page.items),
        want,
        "store contract: contact= lists that contact's leads, newest first"
    );
    let stored = ok(store.get_lead(&mine[0]).await, "get_lead").expect("stored");
    let mut next = stored.clone();
    next.rev += 1;
    ok(
        store
            .update_lead(LeadUpdate {
                lead: next,
                outbox: Vec::new(),
            })
            .await,
        "update_lead",
    );
    let page = ok(store.list_leads(&list(None)).await, "list_leads");
    assert_eq!(
        ids(&page.items),
        want,
        "store contract: still listed after an update"
    );
    let page = ok(
        store.list_leads(&list(Some(Stage::Nurture))).await,
        "list_leads",
    );
    assert!(
        page.items.is_empty(),
        "store contract: contact= with a stage keeps that stage's only"
    );
    let one = ok(
        store
            .list_leads(&LeadQuery {
                limit: 1,
                ..list(None)
            })
            .await,
        "list_leads",
    );
    assert_eq!(
        ids(&one.items),
        vec![mine[2].clone()],
        "store contract: the latest first"
    );
}
