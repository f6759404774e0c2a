//! The rejected-log role: deliveries refused with 400, kept in a bounded log.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::StoreError;

/// A delivery refused with 400 (signed correctly, but unreadable), kept in a bounded log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedDelivery {
    pub id: String,
    pub source_id: String,
    pub received_at: DateTime<Utc>,
    pub error: String,
    pub detail: String,
    /// At most the first 2 KiB of the body, lossily decoded, contact details masked.
    pub excerpt: String,
    /// When the entry leaves the log (`[server] rejected_ttl` after it was received).
    /// Entries written before this field existed expire [`DEFAULT_REJECTED_TTL_DAYS`]
    /// after they were received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// The expiry of entries that carry none (written before `rejected_ttl` existed).
pub const DEFAULT_REJECTED_TTL_DAYS: i64 = 30;

impl RejectedDelivery {
    /// When this entry expires.
    pub fn expires(&self) -> DateTime<Utc> {
        self.expires_at
            .unwrap_or(self.received_at + chrono::Duration::days(DEFAULT_REJECTED_TTL_DAYS))
    }
}

/// Most rejected deliveries kept; older ones are dropped first.
pub const REJECTED_LOG_CAPACITY: usize = 1000;

#[async_trait]
pub trait RejectedLog: Send + Sync {
    /// Appends to the bounded rejected log (drops the oldest beyond
    /// [`REJECTED_LOG_CAPACITY`]).
    async fn record_rejected(&self, rejected: RejectedDelivery) -> Result<(), StoreError>;

    /// Newest first, leaving out entries expired at `now`.
    async fn list_rejected(
        &self,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<RejectedDelivery>, StoreError>;

    /// Deletes entries that expired at `now`; returns how many.
    async fn purge_expired_rejected(&self, now: DateTime<Utc>) -> Result<usize, StoreError>;
}
