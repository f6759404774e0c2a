//! The store port: everything handoff keeps. Implemented by the embedded store
//! (`infra/embedded`, redb) for local runs and by DynamoDB (`infra/dynamodb`) on AWS.
//! [`contract`] is one test suite every implementation must pass.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Lead, Stage};

#[cfg(any(test, feature = "contract"))]
pub mod contract;

/// Store failures. `Unavailable` and `Corrupt` map to `503 store_unavailable` at the
/// edge, so the provider retries; none of them may leave a half-written lead behind.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store unavailable: {0}")]
    Unavailable(String),
    #[error("store data is corrupt: {0}")]
    Corrupt(String),
    /// A listing cursor this store did not hand out (the caller's mistake: 400).
    #[error("invalid cursor")]
    InvalidCursor,
}

/// One notification due for one notify entry of one team, written together with the
/// lead (the outbox) and delivered asynchronously.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// `{lead_id}.{team}.{notify_index}` — unique and stable.
    pub id: String,
    pub lead_id: String,
    pub team: String,
    /// Index of the `[[team.notify]]` entry within its team.
    pub notify_index: usize,
    pub state: DeliveryState,
    pub attempts: u32,
    /// When the next attempt is due (pending) — also the lease expiry while in flight.
    pub next_attempt_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Notification {
    pub fn new(lead_id: &str, team: &str, notify_index: usize, now: DateTime<Utc>) -> Self {
        Notification {
            id: format!("{lead_id}.{team}.{notify_index}"),
            lead_id: lead_id.into(),
            team: team.into(),
            notify_index,
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Sent,
    Dead,
}

impl std::str::FromStr for DeliveryState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "pending" => Ok(Self::Pending),
            "sent" => Ok(Self::Sent),
            "dead" => Ok(Self::Dead),
            o => Err(format!(
                "unknown delivery state {o:?}, expected pending, sent or dead"
            )),
        }
    }
}

/// A lead to insert, with its outbox and raw payload.
#[derive(Debug, Clone)]
pub struct NewLead {
    pub lead: Lead,
    pub outbox: Vec<Notification>,
    /// The raw body, kept until `raw_expires_at` only (personal data).
    pub raw: Vec<u8>,
    pub raw_expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inserted {
    /// The lead and its outbox were written.
    Created(Lead),
    /// A lead with this id (same source + delivery id) already existed; nothing was
    /// written. Carries the stored lead.
    Duplicate(Lead),
}

/// A delivery refused with 400 (signed correctly, but unreadable), kept in a bounded log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedDelivery {
    pub id: String,
    pub source_id: String,
    pub received_at: DateTime<Utc>,
    pub error: String,
    pub detail: String,
    /// At most the first 2 KiB of the body, lossily decoded.
    pub excerpt: String,
}

/// Most rejected deliveries kept; older ones are dropped first.
pub const REJECTED_LOG_CAPACITY: usize = 1000;

#[derive(Debug, Clone, Default)]
pub struct LeadQuery {
    pub stage: Option<Stage>,
    /// 1..=500
    pub limit: usize,
    /// Opaque cursor from a previous page's `next`.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
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

#[async_trait]
pub trait LeadStore: Send + Sync {
    /// Writes the lead, its outbox and its raw payload atomically, unless a lead with the
    /// same id exists. Two concurrent calls with the same id: exactly one `Created`.
    async fn insert_lead(&self, new: NewLead) -> Result<Inserted, StoreError>;

    async fn get_lead(&self, id: &str) -> Result<Option<Lead>, StoreError>;

    /// Newest first (by `received_at`, then id), optionally by stage.
    async fn list_leads(&self, query: &LeadQuery) -> Result<Page<Lead>, StoreError>;

    /// The raw payload, if it has not expired at `now`.
    async fn get_raw(
        &self,
        lead_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    /// Deletes raw payloads that expired before `now`; returns how many.
    async fn purge_expired_raw(&self, now: DateTime<Utc>) -> Result<usize, StoreError>;

    /// Appends to the bounded rejected log (drops the oldest beyond
    /// [`REJECTED_LOG_CAPACITY`]).
    async fn record_rejected(&self, rejected: RejectedDelivery) -> Result<(), StoreError>;

    /// Newest first.
    async fn list_rejected(&self, limit: usize) -> Result<Vec<RejectedDelivery>, StoreError>;

    /// Pending notifications whose `next_attempt_at <= now`, oldest due first, each
    /// leased: its `next_attempt_at` moves to `now + lease` so no other worker takes it
    /// while it is being sent. (A crash mid-send makes it due again after the lease.)
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: usize,
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

    /// Notifications of one lead.
    async fn lead_notifications(&self, lead_id: &str) -> Result<Vec<Notification>, StoreError>;
}
