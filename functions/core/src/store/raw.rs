//! The raw-payload role: the body of each lead's delivery as received, kept until it
//! expires (personal data). Payloads are written by
//! [`Leads::insert_lead`](super::Leads::insert_lead), with their lead.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;

#[async_trait]
pub trait RawPayloads: Send + Sync {
    /// The raw payload, if it has not expired at `now`.
    async fn get_raw(
        &self,
        lead_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    /// Deletes raw payloads that expired before `now`; returns how many.
    async fn purge_expired_raw(&self, now: DateTime<Utc>) -> Result<usize, StoreError>;
}
