//! The outbox role: the jobs written with each lead and run
//! asynchronously — claiming due ones under a lease, recording attempts, listing.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::StoreError;
pub use crate::outbox::Job;

/// One outbox item: a [`Job`] for one lead, written together with the lead and run by
/// the drain loop when due. (Named for the only job there is so far; the API lists them
/// as deliveries.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// `{lead_id}.{job key}` (for a notify job `{lead_id}.{team}.{notify id}`): unique
    /// and stable, and it starts with the lead id ([`Notification::lead_of`]).
    pub id: String,
    pub lead_id: String,
    /// What to do, flattened into the item: `"kind": "notify", "team", "target"`.
    #[serde(flatten)]
    pub job: Job,
    pub state: DeliveryState,
    pub attempts: u32,
    /// When the next attempt is due (pending) — also the lease expiry while in flight.
    pub next_attempt_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Earlier runs of attempts, oldest first, kept when the item was re-driven.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<PastRun>,
}

/// One run of attempts that ended in a dead letter and was then re-driven.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastRun {
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When the run ended (the dead letter's last update).
    pub ended_at: DateTime<Utc>,
    /// When it was re-driven.
    pub redriven_at: DateTime<Utc>,
}

/// A page request of [`Outbox::list_notifications_page`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeliveryQuery {
    pub state: Option<DeliveryState>,
    /// 1..=500
    pub limit: usize,
    /// Opaque cursor from a previous page's `next`.
    pub cursor: Option<String>,
}

/// What [`Outbox::redrive`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Redrive {
    /// The dead letter is pending again, due now, its attempts restarted.
    Redriven(Notification),
    /// Only dead letters are re-driven: this one is sent or still pending.
    NotDead(Notification),
    NotFound,
}

impl Notification {
    /// A pending item for `job` of lead `lead_id`, due at `due_at`.
    pub fn new(lead_id: &str, job: Job, due_at: DateTime<Utc>) -> Self {
        Notification {
            id: format!("{lead_id}.{}", job.key()),
            lead_id: lead_id.into(),
            job,
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: due_at,
            last_error: None,
            created_at: due_at,
            updated_at: due_at,
            history: Vec::new(),
        }
    }

    /// A dead letter made pending again at `now`: the same id (the receiver's
    /// `webhook-id`), attempts from zero, due now, the ended run kept in `history`.
    /// `None` unless it is dead.
    pub fn redriven(&self, now: DateTime<Utc>) -> Option<Notification> {
        if self.state != DeliveryState::Dead {
            return None;
        }
        let mut n = self.clone();
        n.history.push(PastRun {
            attempts: self.attempts,
            last_error: self.last_error.clone(),
            ended_at: self.updated_at,
            redriven_at: now,
        });
        n.state = DeliveryState::Pending;
        n.attempts = 0;
        n.last_error = None;
        n.next_attempt_at = now;
        n.updated_at = now;
        Some(n)
    }

    /// The lead an item id belongs to (lead ids hold no `.`); stores key items by it.
    pub fn lead_of(id: &str) -> Option<&str> {
        id.split_once('.')
            .map(|(lead, _)| lead)
            .filter(|l| !l.is_empty())
    }

    /// The team the item concerns.
    pub fn team(&self) -> &str {
        self.job.team()
    }

    /// The item after `attempt` ended at `now`, as [`Outbox::record_attempt`] stores it:
    /// one more attempt, the new state and last error, and for a retry the new due time.
    pub fn after(&self, attempt: Attempt, now: DateTime<Utc>) -> Notification {
        let mut n = self.clone();
        n.attempts = n.attempts.saturating_add(1);
        n.updated_at = now;
        match attempt {
            Attempt::Sent => {
                n.state = DeliveryState::Sent;
                n.last_error = None;
            }
            Attempt::Retry {
                error,
                next_attempt_at,
            } => {
                n.state = DeliveryState::Pending;
                n.last_error = Some(error);
                n.next_attempt_at = next_attempt_at;
            }
            Attempt::Dead { error } => {
                n.state = DeliveryState::Dead;
                n.last_error = Some(error);
            }
        }
        n
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Sent,
    Dead,
}

impl DeliveryState {
    pub const ALL: &'static [DeliveryState] = &[
        DeliveryState::Pending,
        DeliveryState::Sent,
        DeliveryState::Dead,
    ];

    /// The state's text form, as serde writes it and as the stores key it
    /// (`pending`, `sent`, `dead`); [`FromStr`](std::str::FromStr) reads it back.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Dead => "dead",
        }
    }
}

impl std::str::FromStr for DeliveryState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DeliveryState::ALL
            .iter()
            .copied()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| format!("unknown delivery state {s:?}, expected pending, sent or dead"))
    }
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    Sent,
    /// Failed; try again at `next_attempt_at`.
    Retry {
        error: String,
        next_attempt_at: DateTime<Utc>,
    },
    /// Failed for the last time: keep it as a dead letter.
    Dead {
        error: String,
    },
}

/// Which due jobs one claim may take, so one target's trouble never takes every slot:
/// at most `per_lane` jobs of one lane (one notify entry of one team: the part of the
/// item id after the lead id) running at once, counting the ones already running.
#[derive(Debug, Clone, Default)]
pub struct Lanes {
    /// 0: no limit.
    per_lane: usize,
    running: std::collections::HashMap<String, usize>,
    /// Due jobs passed over for a full lane in this claim.
    passed_over: usize,
}

/// A claim stops looking past this many due jobs of full lanes (it looks again at the
/// next claim), so a large backlog for one target costs a bounded scan.
pub const MAX_PASSED_OVER: usize = 4096;

impl Lanes {
    /// No lane limit (one attempt at a time, tools, tests).
    pub fn unlimited() -> Self {
        Lanes::default()
    }

    /// At most `per_lane` (at least 1) running per lane; `running` counts the jobs
    /// already running, by lane.
    pub fn limited(per_lane: usize, running: std::collections::HashMap<String, usize>) -> Self {
        Lanes {
            per_lane: per_lane.max(1),
            running,
            passed_over: 0,
        }
    }

    /// The lane of item `id`: its job key (`{team}.{notify id}`).
    pub fn lane_of(id: &str) -> &str {
        id.split_once('.').map_or(id, |(_, lane)| lane)
    }

    /// Takes a slot for item `id` if its lane has one (counts it as running).
    pub fn admit(&mut self, id: &str) -> bool {
        if self.per_lane == 0 {
            return true;
        }
        let lane = Self::lane_of(id);
        let n = self.running.get(lane).copied().unwrap_or(0);
        if n >= self.per_lane {
            self.passed_over += 1;
            return false;
        }
        self.running.insert(lane.to_owned(), n + 1);
        true
    }

    /// Whether the claim should stop looking ([`MAX_PASSED_OVER`]).
    pub fn looked_far_enough(&self) -> bool {
        self.passed_over >= MAX_PASSED_OVER
    }
}

/// The outbox. Notifications are written by [`Leads::insert_lead`](super::Leads::insert_lead),
/// atomically with their lead.
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Pending notifications whose `next_attempt_at <= now`, oldest due first, each
    /// leased: its `next_attempt_at` moves to `now + lease` so no other worker takes it
    /// while it is being sent. (A crash mid-send makes it due again after the lease.)
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError> {
        self.claim_due_in(now, lease, limit, Lanes::unlimited())
            .await
    }

    /// [`Outbox::claim_due`], taking only jobs whose lane has room in `lanes`: due jobs
    /// of a full lane are passed over (not leased) and the claim goes on to later ones.
    async fn claim_due_in(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: usize,
        lanes: Lanes,
    ) -> Result<Vec<Notification>, StoreError>;

    async fn get_notification(&self, id: &str) -> Result<Option<Notification>, StoreError>;

    /// Records the end of an attempt: increments `attempts`, sets the state
    /// (`Sent`, `Pending` for retry, `Dead`), `last_error`, `next_attempt_at` and `updated_at = now`.
    async fn record_attempt(
        &self,
        id: &str,
        attempt: Attempt,
        now: DateTime<Utc>,
    ) -> Result<Notification, StoreError>;

    /// Notifications in `state` (all if None), newest first, at most `limit`.
    async fn list_notifications(
        &self,
        state: Option<DeliveryState>,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError>;

    /// One page of [`Outbox::list_notifications`], newest (created) first, and a cursor
    /// to the next page when there is one. A cursor from another listing (another state,
    /// the leads) is [`StoreError::InvalidCursor`].
    async fn list_notifications_page(
        &self,
        query: &DeliveryQuery,
    ) -> Result<super::Page<Notification>, StoreError>;

    /// Makes dead letter `id` pending again, due at `now` ([`Notification::redriven`]).
    async fn redrive(&self, id: &str, now: DateTime<Utc>) -> Result<Redrive, StoreError>;

    /// How many dead letters the store holds (what the dead-letter alarm watches). On a
    /// store whose state index is eventually consistent (DynamoDB) the count may lag a
    /// moment behind `record_attempt` / `redrive`. The default lists them all; the
    /// stores count without reading the items.
    async fn count_dead(&self) -> Result<u64, StoreError> {
        Ok(self
            .list_notifications(Some(DeliveryState::Dead), usize::MAX)
            .await?
            .len() as u64)
    }

    /// Notifications of one lead.
    async fn lead_notifications(&self, lead_id: &str) -> Result<Vec<Notification>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_name_their_lead() {
        assert_eq!(Notification::lead_of("ld_0123.sales.0"), Some("ld_0123"));
        assert_eq!(
            Notification::lead_of("ld_0123.team.with.dots.2"),
            Some("ld_0123")
        );
        assert_eq!(Notification::lead_of("nodot"), None);
        assert_eq!(Notification::lead_of(".x"), None);
        let n = Notification::new("ld_1", Job::notify("sales", "slack-0a1b2c3d"), Utc::now());
        assert_eq!(n.id, "ld_1.sales.slack-0a1b2c3d");
        assert_eq!(Notification::lead_of(&n.id), Some("ld_1"));
    }

    #[test]
    fn delivery_state_text_round_trips_and_matches_serde() {
        for &state in DeliveryState::ALL {
            assert_eq!(state.as_str().parse::<DeliveryState>(), Ok(state));
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{}\"", state.as_str())
            );
        }
        let e = "done".parse::<DeliveryState>().unwrap_err();
        assert!(e.contains("pending, sent or dead"), "{e}");
    }
}
