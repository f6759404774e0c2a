//! The store contract suite: the checks every store must pass, so the embedded store and
//! the DynamoDB store can never drift apart. One module per role of the store port
//! ([`leads`], [`outbox`], [`rejected`], [`raw`]), each with its own `checks()`.
//!
//! Use [`run_all`] with a factory of fresh, empty stores, or call the checks one by
//! one (each takes a fresh, empty store) to get one test per check:
//!
//! ```ignore
//! #[tokio::test(flavor = "multi_thread")]
//! async fn contract() {
//!     handoff_core::store::contract::run_all(|| async { MyStore::new_empty().await }).await;
//! }
//!
//! #[tokio::test(flavor = "multi_thread")]
//! async fn outbox_claim_due_leases() {
//!     handoff_core::store::contract::outbox::claim_due_leases(&MyStore::new_empty().await).await;
//! }
//! ```
//!
//! Every check uses fixed timestamps (no clock, no sleeps) and panics with a message
//! naming the check and the broken promise. A check takes the narrowest role it needs
//! (`&dyn RejectedLog`, `&dyn Leads`) or, where roles meet (an outbox is written by
//! `insert_lead`), the whole `&dyn LeadStore`.
//!
//! Where the traits leave an order open, the suite pins it down:
//! - `list_notifications` is newest first by `created_at` (then id), not by `updated_at`;
//! - `get_raw` at exactly `raw_expires_at` finds nothing (the payload has expired).

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{Inserted, Job, LeadStore, Leads, NewLead, Notification, StoreError};
use crate::model::{Action, Business, Channel, Contact, Lead, Reason, Stage, Utm};

pub mod leads;
pub mod outbox;
pub mod raw;
pub mod rejected;

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
        truncated: Vec::new(),
        route: None,
        claim: None,
        timeline: Vec::new(),
        outcome: None,
        touch_of: None,
        contact_id: None,
        phone_unparsed: false,
        rev: 0,
    };
    let outbox = if hot {
        vec![
            Notification::new(&id, Job::notify("sales", "console"), received_at),
            Notification::new(&id, Job::notify("key-accounts", "console"), received_at),
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
        team_state: None,
        lead,
        outbox,
        raw,
        raw_expires_at: received_at + Duration::days(7),
    }
}

/// Every role's checks, by role name, in the order [`run_all`] runs them.
pub fn roles() -> Vec<(&'static str, Vec<(&'static str, Check)>)> {
    vec![
        ("leads", leads::checks()),
        ("outbox", outbox::checks()),
        ("rejected", rejected::checks()),
        ("raw", raw::checks()),
    ]
}

/// Runs every role's checks, each against a store freshly made by `fresh` (which must
/// be empty).
pub async fn run_all<F, Fut, S>(fresh: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
    S: LeadStore + 'static,
{
    for (role, checks) in roles() {
        for (name, check) in checks {
            let store = fresh().await;
            eprintln!("store contract: {role}::{name}");
            check(&store).await;
        }
    }
}

pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
/// One check: takes a fresh, empty store.
pub type Check = for<'a> fn(&'a dyn LeadStore) -> CheckFuture<'a>;

/// `checks![a, b]`: the `(name, Check)` list of a role module's check functions, each
/// of which may take any role the store has (`&dyn Leads`, `&dyn LeadStore` …).
macro_rules! checks {
    ($($name:ident),+ $(,)?) => {
        vec![$((
            stringify!($name),
            (|s: &dyn $crate::store::LeadStore| -> $crate::store::contract::CheckFuture<'_> {
                Box::pin($name(s))
            }) as $crate::store::contract::Check,
        )),+]
    };
}
use checks;

// ---------------------------------------------------------------------------------
// helpers

#[track_caller]
fn ok<T>(r: Result<T, StoreError>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("store contract: {what} failed: {e}"),
    }
}

async fn insert(store: &dyn Leads, new: NewLead) -> Lead {
    let id = new.lead.id.clone();
    match ok(store.insert_lead(new).await, "insert_lead") {
        Inserted::Created(l) => l,
        Inserted::Duplicate(_) => {
            panic!("store contract: insert_lead of new lead {id} answered Duplicate")
        }
        Inserted::StateChanged => {
            panic!("store contract: insert_lead of new lead {id} without a team state answered StateChanged")
        }
    }
}

/// Polls all futures concurrently on the current task (no runtime needed here), so
/// their store calls are in flight at the same time.
async fn join_all<'a, T>(futs: Vec<Pin<Box<dyn Future<Output = T> + Send + 'a>>>) -> Vec<T> {
    futures_util::future::join_all(futs).await
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DeliveryState;

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
        let names: Vec<(&str, usize)> = roles()
            .iter()
            .map(|(role, checks)| (*role, checks.len()))
            .collect();
        assert_eq!(
            names,
            [("leads", 14), ("outbox", 10), ("rejected", 3), ("raw", 1)]
        );
    }
}
