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
    /// At most the first 2 KiB of the body, lossily decoded.
    pub excerpt: String,
}

/// Most rejected deliveries kept; older ones are dropped first.
pub const REJECTED_LOG_CAPACITY: usize = 1000;

#[async_trait]
pub trait RejectedLog: Send + Sync {
    /// Appends to the bounded rejected log (drops the oldest beyond
    /// [`REJECTED_LOG_CAPACITY`]).
    async fn record_rejected(&self, rejected: RejectedDelivery) -> Result<(), StoreError>;

    /// Newest first.
    async fn list_rejected(&self, limit: usize) -> Result<Vec<RejectedDelivery>, StoreError>;
}
