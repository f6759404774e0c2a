//! dispatch: sends the outbox.
//!
//! Two kinds of invocation:
//! - **DynamoDB Stream batches.** Only `INSERT`s of outbox notification items matter (the
//!   template's filter passes only those; anything else is skipped here too). Each record
//!   is handled on its own: its notification is re-read (consistently) from the table and
//!   given its **first** attempt only (still pending, never tried, due), so a retried
//!   batch never re-sends what already went out. A failed attempt is recorded with its
//!   retry time and the record reported as done: later attempts belong to the sweep, on
//!   the backoff schedule (retrying from the stream would spend every attempt in seconds
//!   and hold up the shard for every team). Only a record whose image is unreadable, or
//!   whose attempt could not be read or recorded, is reported in `batchItemFailures`;
//!   Lambda retries from it (bounded, with bisect) and finally hands it to the
//!   on-failure queue.
//! - **The scheduled sweep** (EventBridge, every minute): claims due pending
//!   notifications (with a lease, so concurrent sweeps never double-send) and delivers
//!   them: retries after backoff, and anything a stream retry gave up on. After
//!   `max_attempts` a notification is a dead letter in the table. Each sweep then
//!   counts the dead letters and writes the count as a CloudWatch metric
//!   ([`dead_letters_metric`]), which the template's `DeadLettersAlarm` watches.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use chrono::{DateTime, Utc};
use handoff_core::config::Config;
use handoff_core::outbox::Dispatcher;
use handoff_core::store::{DeliveryState, Outbox, StoreError};
use serde_json::{json, Value};

/// The notification a stream record's new image holds (`Ok(None)`: another item type).
pub fn notification_id(record: &EventRecord) -> Result<Option<String>, StoreError> {
    let image = serde_json::to_value(&record.change.new_image)
        .map_err(|e| StoreError::Corrupt(format!("stream image: {e}")))?;
    Ok(handoff_dynamodb::notification_from_stream_json(&image)?.map(|n| n.id))
}

/// Handles one stream batch; returns the records to retry.
pub async fn handle_batch(
    dispatcher: &Dispatcher,
    config: &Config,
    event: Event,
) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    for record in &event.records {
        if record.event_name != "INSERT" {
            continue;
        }
        let failed = match notification_id(record) {
            Ok(None) => false,
            Ok(Some(id)) => deliver_by_id(dispatcher, config, &id).await,
            Err(e) => {
                tracing::error!(error = %e, "unreadable stream record");
                true
            }
        };
        if failed {
            let mut f = DynamoDbBatchItemFailure::default();
            f.item_identifier = record.change.sequence_number.clone();
            response.batch_item_failures.push(f);
        }
    }
    response
}

/// Gives a notification its first attempt if it is pending, untried and due; `true`
/// only when the store could not be read or the attempt not recorded (the record must
/// be retried). A failed send is recorded with its retry time and is the sweep's.
async fn deliver_by_id(dispatcher: &Dispatcher, config: &Config, id: &str) -> bool {
    match dispatcher.store.get_notification(id).await {
        Ok(Some(n))
            if n.state == DeliveryState::Pending
                && n.attempts == 0
                && n.next_attempt_at <= dispatcher.clock.now() =>
        {
            match dispatcher.deliver(config, &n).await {
                Ok(_) => false,
                Err(e) => {
                    tracing::error!(notification = %id, error = %e, "cannot record the attempt");
                    true
                }
            }
        }
        Ok(Some(_)) => false, // sent, dead, or already tried: the sweep's
        Ok(None) => {
            tracing::warn!(notification = %id, "notification not found");
            false
        }
        Err(e) => {
            tracing::error!(notification = %id, error = %e, "store unavailable");
            true
        }
    }
}

/// The scheduled sweep: runs every job due now with the shared drain loop, at most
/// `in_flight` at once. Returns how many were attempted.
pub async fn sweep(
    dispatcher: &Dispatcher,
    config: &Config,
    in_flight: usize,
) -> Result<usize, StoreError> {
    let tick = || tokio::time::sleep(std::time::Duration::from_millis(250));
    handoff_core::outbox::drain(dispatcher, config, in_flight, tick).await
}

/// The CloudWatch namespace of handoff's own metrics (template.yaml `DeadLettersAlarm`).
pub const METRIC_NAMESPACE: &str = "handoff";
/// How many dead letters the table holds, as of the last sweep; dimension `Stage`.
pub const DEAD_LETTERS_METRIC: &str = "DeadLetters";

/// One CloudWatch Embedded Metric Format line: metric [`DEAD_LETTERS_METRIC`] = `count`
/// in [`METRIC_NAMESPACE`], dimension `Stage` = `stage`, at `at`. Written to stdout as a
/// log line of its own, CloudWatch Logs turns it into the metric (no SDK call, no
/// `cloudwatch:PutMetricData` permission). Holds a number and the stage name only.
pub fn dead_letters_emf(stage: &str, count: u64, at: DateTime<Utc>) -> String {
    json!({
        "_aws": {
            "Timestamp": at.timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": METRIC_NAMESPACE,
                "Dimensions": [["Stage"]],
                "Metrics": [{"Name": DEAD_LETTERS_METRIC, "Unit": "Count"}],
            }],
        },
        "Stage": stage,
        DEAD_LETTERS_METRIC: count,
    })
    .to_string()
}

/// Counts the store's dead letters ([`Outbox::count_dead`]) and returns the count and
/// its metric line ([`dead_letters_emf`]) for the sweep to print.
pub async fn dead_letters_metric(
    store: &dyn Outbox,
    stage: &str,
    at: DateTime<Utc>,
) -> Result<(u64, String), StoreError> {
    let count = store.count_dead().await?;
    Ok((count, dead_letters_emf(stage, count, at)))
}

/// What an invocation is: a stream batch or anything else (the schedule).
pub enum Invocation {
    Stream(Event),
    Sweep,
}

impl Invocation {
    pub fn from_json(v: Value) -> Result<Invocation, serde_json::Error> {
        if v.get("Records").is_some() {
            Ok(Invocation::Stream(serde_json::from_value(v)?))
        } else {
            Ok(Invocation::Sweep)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_dead_letter_metric_is_one_emf_line() {
        let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let line = dead_letters_emf("prod", 3, at);
        assert!(!line.contains('\n'), "one log event: {line}");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            v,
            json!({
                "_aws": {
                    "Timestamp": 1_767_323_045_000i64,
                    "CloudWatchMetrics": [{
                        "Namespace": "handoff",
                        "Dimensions": [["Stage"]],
                        "Metrics": [{"Name": "DeadLetters", "Unit": "Count"}],
                    }],
                },
                "Stage": "prod",
                "DeadLetters": 3,
            })
        );
        // EMF: every dimension and metric the directive names is a member of the root,
        // dimensions as strings, metric values as numbers
        let directive = &v["_aws"]["CloudWatchMetrics"][0];
        for d in directive["Dimensions"][0].as_array().unwrap() {
            assert!(v[d.as_str().unwrap()].is_string(), "{d}");
        }
        for m in directive["Metrics"].as_array().unwrap() {
            assert!(v[m["Name"].as_str().unwrap()].is_u64(), "{m}");
        }
        assert!(v["_aws"]["Timestamp"].is_i64());
    }

    #[test]
    fn the_template_alarm_watches_this_metric() {
        let template = include_str!("../../../template.yaml");
        let alarm = template
            .split("\n  DeadLettersAlarm:\n")
            .nth(1)
            .expect("template.yaml has DeadLettersAlarm")
            .split("\n\n")
            .next()
            .unwrap();
        assert!(
            alarm.contains(&format!("Namespace: {METRIC_NAMESPACE}\n")),
            "{alarm}"
        );
        assert!(
            alarm.contains(&format!("MetricName: {DEAD_LETTERS_METRIC}\n")),
            "{alarm}"
        );
        assert!(
            alarm.contains("{Name: Stage, Value: !Ref Stage}"),
            "{alarm}"
        );
        assert!(
            template.contains("HANDOFF_STAGE: !Ref Stage"),
            "the function learns the stage it reports"
        );
    }
}
