//! The one drain loop: claim due jobs (leased, so concurrent drains never take the same
//! one), deliver them, record each outcome.

use futures_util::future::join_all;

use super::deliver::{lease, Dispatcher};
use crate::config::Config;
use crate::store::StoreError;

/// Runs every job due now, `batch` at a time (the jobs of one batch concurrently),
/// until a batch comes back short. Returns how many were attempted. A job whose attempt
/// cannot be recorded stays leased and is due again when its lease ends: the rest of its
/// batch still runs, then the drain stops with that store error.
pub async fn drain(d: &Dispatcher, config: &Config, batch: usize) -> Result<usize, StoreError> {
    let mut attempted = 0;
    loop {
        let due = d.store.claim_due(d.clock.now(), lease(), batch).await?;
        let n = due.len();
        let results = join_all(due.iter().map(|job| d.deliver(config, job))).await;
        let mut failed = None;
        for (job, r) in due.iter().zip(results) {
            if let Err(e) = r {
                tracing::error!(job = %job.id, error = %e, "cannot record a delivery attempt; it will be retried after its lease");
                failed.get_or_insert(e);
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        attempted += n;
        if n < batch {
            return Ok(attempted);
        }
    }
}
