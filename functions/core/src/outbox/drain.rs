//! The one drain loop: claim due jobs (leased, so concurrent drains never take the same
//! one), deliver them, record each outcome.
//!
//! Jobs run concurrently up to `in_flight`, and the loop keeps claiming as slots free
//! (or when `tick` fires), so one slow delivery never holds up the jobs claimed after
//! it: it holds one slot, not a batch. And one target (a team's notify entry) never
//! holds more than [`per_lane`] of the slots: the claim passes over its due jobs while
//! it is full ([`Lanes`]), so a hanging receiver delays only its own notifications.

use std::future::Future;

use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};

use std::collections::HashMap;

use super::deliver::{lease, Dispatcher};
use crate::config::Config;
use crate::store::{Lanes, StoreError};

/// The most slots one lane may hold: half of them (at least one), so the other half is
/// always there for the other targets.
pub fn per_lane(in_flight: usize) -> usize {
    (in_flight / 2).max(1)
}

/// Runs every job due now, at most `in_flight` at once, until none is due and none is in
/// flight. `tick` is awaited while jobs are in flight (a short sleep, from the caller's
/// runtime): when it ends the loop looks for newly due jobs. Returns how many were
/// attempted. A job whose attempt cannot be recorded stays leased and is due again when
/// its lease ends: the others still run, then the drain ends with that store error.
pub async fn drain<T, F>(
    d: &Dispatcher,
    config: &Config,
    in_flight: usize,
    tick: T,
) -> Result<usize, StoreError>
where
    T: Fn() -> F,
    F: Future<Output = ()>,
{
    let in_flight = in_flight.max(1);
    let per_lane = per_lane(in_flight);
    let mut lanes: HashMap<String, usize> = HashMap::new();
    let mut running = FuturesUnordered::new();
    let mut attempted = 0;
    let mut failed: Option<StoreError> = None;
    // whether the last claim found every due job: claim again only at the next tick
    // (a full claim means more may be due: claim again as soon as a slot is free)
    let mut exhausted = false;
    loop {
        let room = in_flight - running.len();
        if room > 0 && !exhausted && failed.is_none() {
            let gate = Lanes::limited(per_lane, lanes.clone());
            match d
                .store
                .claim_due_in(d.clock.now(), lease(), room, gate)
                .await
            {
                Ok(due) => {
                    exhausted = due.len() < room;
                    for job in due {
                        *lanes.entry(Lanes::lane_of(&job.id).to_owned()).or_default() += 1;
                        running.push(async move {
                            let r = d.deliver(config, &job).await;
                            (job, r)
                        });
                    }
                }
                Err(e) if running.is_empty() => return Err(e),
                Err(e) => {
                    tracing::error!(error = %e, "cannot claim due jobs");
                    failed = Some(e);
                }
            }
        }
        if running.is_empty() {
            return match failed {
                Some(e) => Err(e),
                None => Ok(attempted),
            };
        }
        let next = running.next();
        futures_util::pin_mut!(next);
        let t = tick();
        futures_util::pin_mut!(t);
        match select(next, t).await {
            Either::Left((Some((job, r)), _)) => {
                attempted += 1;
                let lane = Lanes::lane_of(&job.id);
                if let Some(n) = lanes.get_mut(lane) {
                    if *n >= per_lane {
                        exhausted = false; // its passed-over jobs may be claimed now
                    }
                    *n -= 1;
                    if *n == 0 {
                        lanes.remove(lane);
                    }
                }
                if let Err(e) = r {
                    tracing::error!(job = %job.id, error = %e, "cannot record a delivery attempt; it will be retried after its lease");
                    failed.get_or_insert(e);
                }
            }
            Either::Left((None, _)) => {}
            Either::Right(_) => exhausted = false,
        }
    }
}
