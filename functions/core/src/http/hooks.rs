//! `POST /hooks/{source_id}`: [`crate::intake`] decides, this stores — the lead with its
//! outbox and raw payload in one write, or the refusal in the rejected log.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{ApiError, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::intake::{intake, Intake, IntakeError};
use crate::mask::printable;
use crate::model::Lead;
use crate::store::{Inserted, NewLead, RejectedDelivery};

/// Every log line of one delivery carries its source id, and once known its delivery
/// id and lead id (the `ingest` span's fields).
pub fn post<'a>(app: &'a App, req: Request<'a>, p: Params<'a>) -> HandlerFuture<'a> {
    use tracing::Instrument;
    let source_id = p.get("source_id");
    let span = tracing::info_span!(
        "ingest",
        source_id,
        delivery_id = tracing::field::Empty,
        lead_id = tracing::field::Empty
    );
    Box::pin(async move { Ok(ingest(app, source_id, &req).await) }.instrument(span))
}

async fn ingest(app: &App, source_id: &str, req: &Request<'_>) -> Response {
    let config = app.config();
    let now = app.clock.now();
    let Some(taken) = intake_off_the_runtime(&config, source_id, req, now).await else {
        // the provider retries a 503: nothing is lost
        return ApiError::new(
            503,
            "unavailable",
            "the delivery could not be processed; try again",
        )
        .into();
    };
    let (lead, outbox, state) = match taken {
        Ok(Intake::Lead {
            lead,
            outbox,
            state,
        }) => (lead, outbox, state),
        Ok(Intake::Outcome { delivery_id, event }) => {
            return outcome_event(app, source_id, req.body, now, &delivery_id, event).await
        }
        Ok(Intake::Ignored { reason }) => {
            tracing::info!(source_id, reason = %printable(&reason), "delivery ignored");
            return Response::json(200, json!({"ignored": true, "reason": reason}));
        }
        Err(IntakeError::UnknownSource(_)) => return unknown_source(source_id),
        Err(IntakeError::PayloadTooLarge) => return Response::payload_too_large(),
        Err(IntakeError::InvalidSignature(e)) => {
            tracing::warn!(source_id, error = %printable(&e.to_string()), "invalid signature");
            return ApiError::new(401, "invalid_signature", e.to_string()).into();
        }
        Err(IntakeError::Malformed(e)) => {
            tracing::warn!(source_id, error = %printable(&e.to_string()), "malformed payload");
            reject(
                app,
                source_id,
                req.body,
                now,
                "malformed_payload",
                &e.to_string(),
            )
            .await;
            return ApiError::new(400, "malformed_payload", e.to_string()).into();
        }
    };
    let delivery_id = printable(&lead.delivery_id).into_owned();
    let span = tracing::Span::current();
    span.record("delivery_id", delivery_id.as_str());
    span.record("lead_id", lead.id.as_str());
    let raw_expires_at = now + config.server.raw_payload_ttl;
    // the contact's earlier leads: a hot lead right after another is a touch of it (no
    // second notification); a returning contact goes back to the rep who claimed them
    let (lead, outbox, state, sticky) = if lead.stage == crate::model::Stage::Hot {
        let prior = match crate::contacts::prior(&*app.store, &config, &lead, now).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(source_id, delivery_id = %delivery_id, error = %e, "store unavailable");
                return ApiError::store_unavailable().into();
            }
        };
        match prior.touch_of {
            Some(first) => {
                let mut lead = lead;
                crate::contacts::make_touch(&mut lead, &first, config.routing.merge_window);
                (lead, Vec::new(), None, None)
            }
            None => (lead, outbox, state, prior.sticky),
        }
    } else if lead.contact_id.is_some()
        && config
            .marketing
            .send
            .contains(&crate::config::HandBack::Mql)
    {
        // a nurture lead that makes its contact marketing-qualified: lead.mql to marketing
        let earlier = match app
            .store
            .list_leads(&crate::store::LeadQuery {
                limit: 200,
                contact: lead.contact_id.clone(),
                ..Default::default()
            })
            .await
        {
            Ok(p) => p.items,
            Err(e) => {
                tracing::error!(source_id, delivery_id = %delivery_id, error = %e, "store unavailable");
                return ApiError::store_unavailable().into();
            }
        };
        let earlier: Vec<Lead> = earlier.into_iter().filter(|l| l.id != lead.id).collect();
        let mut outbox = outbox;
        if let Some(why) = crate::contacts::turns_mql(&config, &earlier, &lead) {
            for job in crate::outbox::hand_back(
                &config,
                crate::config::HandBack::Mql,
                Some(&why),
                lead.received_at,
            ) {
                outbox.push(crate::store::Notification::new(&lead.id, job, now));
            }
        }
        (lead, outbox, state, None)
    } else {
        (lead, outbox, state, None)
    };
    // a lead its team assigns to a rep: decided again on the stored rotation state, and
    // written with the new state only if nobody assigned one meanwhile
    let teams = if state.is_some() {
        crate::routing::teams_to_read(&config, &lead)
    } else {
        Vec::new()
    };
    let mut attempt = (lead, outbox, state);
    let mut inserted = None;
    for tries in 0..ROUTING_TRIES {
        if tries > 0 {
            // another ingest assigned a lead meanwhile: back off a little (jittered by
            // the lead id, so racing ingests spread out) and decide again
            // full jitter: anywhere in 0..cap, cap doubling from 4 ms to 128 ms
            use sha2::Digest;
            let h = Sha256::digest(format!("{}.{tries}", attempt.0.id));
            let cap = 4u64 << tries.min(5);
            let ms = u64::from(u16::from_le_bytes([h[0], h[1]])) % cap;
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        if !teams.is_empty() {
            let states = match app.store.team_states(&teams).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(source_id, delivery_id = %delivery_id, error = %e, "store unavailable");
                    return ApiError::store_unavailable().into();
                }
            };
            let mut lead = attempt.0.clone();
            let (outbox, state) =
                crate::intake::route(&config, &mut lead, now, &states, sticky.as_ref());
            attempt = (lead, outbox, state);
        }
        let new = NewLead {
            lead: attempt.0.clone(),
            outbox: attempt.1.clone(),
            raw: req.body.to_vec(),
            raw_expires_at,
            team_state: attempt.2.clone(),
        };
        match app.store.insert_lead(new).await {
            Ok(Inserted::StateChanged) => continue,
            other => {
                inserted = Some(other);
                break;
            }
        }
    }
    let (new_lead, outbox) = (attempt.0, attempt.1);
    let notify = !outbox.is_empty();
    let Some(inserted) = inserted else {
        tracing::error!(source_id, delivery_id = %delivery_id, "routing state kept changing");
        return ApiError::store_unavailable().into();
    };
    match inserted {
        Ok(Inserted::Created(lead)) => {
            tracing::info!(source_id, delivery_id = %delivery_id, lead_id = %lead.id, stage = %lead.stage, score = lead.score, contact = %lead.contact.masked(), "lead stored");
            if notify {
                if let Some(w) = &app.waker {
                    w();
                }
            }
            Response::json(202, lead_answer(&lead, false))
        }
        Ok(Inserted::Duplicate(stored)) if same_event(&stored, &new_lead) => {
            tracing::info!(source_id, delivery_id = %delivery_id, lead_id = %stored.id, "duplicate delivery");
            Response::json(200, lead_answer(&stored, true))
        }
        Ok(Inserted::Duplicate(stored)) => {
            // A reused delivery id with another event: answering "duplicate" would drop
            // the new event silently (a hot request behind a newsletter signup, say).
            tracing::warn!(source_id, delivery_id = %delivery_id, lead_id = %stored.id, "delivery id reused for another event");
            let detail = format!(
                "delivery id {delivery_id:?} was already used for another event (lead {}); send a new delivery id",
                stored.id
            );
            reject(
                app,
                source_id,
                req.body,
                now,
                "idempotency_conflict",
                &detail,
            )
            .await;
            ApiError::new(409, "idempotency_conflict", detail).into()
        }
        // (the loop above retries these; not reached)
        Ok(Inserted::StateChanged) => ApiError::store_unavailable().into(),
        Err(e) => {
            tracing::error!(source_id, delivery_id = %delivery_id, error = %e, "store unavailable");
            ApiError::store_unavailable().into()
        }
    }
}

/// A CRM's `lead.outcome` event: the lead it names (by id, or the contact's latest
/// lead), the outcome checked and recorded once per delivery id. Refusals are 4xx (so
/// the CRM does not retry what cannot succeed) and are kept in the rejected log.
async fn outcome_event(
    app: &App,
    source_id: &str,
    body: &[u8],
    now: chrono::DateTime<chrono::Utc>,
    delivery_id: &str,
    event: crate::outcomes::OutcomeEvent,
) -> Response {
    use crate::outcomes::{OutcomeRefused, Recorded};
    let delivery = printable(delivery_id).into_owned();
    tracing::Span::current().record("delivery_id", delivery.as_str());
    let refuse = |status: u16, code: &'static str, detail: String| async move {
        tracing::warn!(source_id, delivery_id = %delivery, error = code, "outcome event refused");
        reject(app, source_id, body, now, code, &detail).await;
        Response::from(ApiError::new(status, code, detail))
    };
    let lead = match (&event.lead_id, &event.contact) {
        (Some(id), _) => match app.store.get_lead(id).await {
            Ok(Some(l)) => l,
            Ok(None) => {
                return refuse(422, "unknown_lead", format!("no lead {id} is stored here")).await
            }
            Err(e) => return ApiError::from(e).into(),
        },
        (None, Some(c)) => match crate::contacts::latest_lead(app, source_id, c).await {
            Ok(Some(l)) => l,
            Ok(None) => {
                return refuse(
                    422,
                    "unknown_contact",
                    "no lead of this contact is stored here".to_string(),
                )
                .await
            }
            Err(e) => return ApiError::from(e).into(),
        },
        (None, None) => unreachable!("OutcomeEvent::parse requires lead_id or contact"),
    };
    let config = app.config();
    let via = format!("crm:{source_id}");
    let outcome = match event.input().check(&config.outcomes, &via, None, now) {
        Ok(o) => o,
        Err(problems) => return refuse(400, "invalid_outcome", problems.join("; ")).await,
    };
    let event_id = format!("{source_id}:{delivery_id}");
    match crate::outcomes::record_event(&*app.store, &config, &lead.id, outcome, Some(&event_id))
        .await
    {
        Ok(Recorded::Applied(l)) => {
            if let Some(w) = &app.waker {
                w();
            }
            Response::json(
                200,
                json!({"lead_id": l.id, "outcome": l.outcome, "duplicate": false}),
            )
        }
        Ok(Recorded::Duplicate(l)) => Response::json(
            200,
            json!({"lead_id": l.id, "outcome": l.outcome, "duplicate": true}),
        ),
        Err(OutcomeRefused::NotFound(id)) => {
            refuse(422, "unknown_lead", format!("no lead {id} is stored here")).await
        }
        Err(OutcomeRefused::Conflict(d)) => refuse(409, "idempotency_conflict", d).await,
        Err(OutcomeRefused::Store(e)) => ApiError::from(e).into(),
    }
}

/// How often a lead is routed again when its team's rotation state changed between
/// reading and writing (each try is one read and one conditional write).
const ROUTING_TRIES: usize = 50;

/// Bodies larger than this are verified, parsed and classified on tokio's blocking
/// pool: an adversarial 256 KiB body costs tens of milliseconds of CPU (measured: about
/// 40 ms for 125,000 unclosed HTML tags in a release build), which must not stall the
/// runtime threads that serve every other request.
pub const OFFLOAD_BODY_BYTES: usize = 16 * 1024;

/// [`intake`], on the blocking pool for a large body; `None` if that task failed.
async fn intake_off_the_runtime(
    config: &std::sync::Arc<crate::config::Config>,
    source_id: &str,
    req: &Request<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Result<Intake, IntakeError>> {
    if req.body.len() <= OFFLOAD_BODY_BYTES || tokio::runtime::Handle::try_current().is_err() {
        return Some(intake(config, source_id, req.headers, req.body, now));
    }
    let (config, source, headers, body) = (
        config.clone(),
        source_id.to_string(),
        req.headers.clone(),
        req.body.to_vec(),
    );
    match tokio::task::spawn_blocking(move || intake(&config, &source, &headers, &body, now)).await
    {
        Ok(r) => Some(r),
        // intake does not panic (it is fuzzed); should it, the sender is asked to retry
        Err(e) => {
            tracing::error!(source_id, error = %e, "intake task failed");
            None
        }
    }
}

/// Keeps a refused delivery in the bounded rejected log (a failure to do so is logged;
/// the refusal stands).
async fn reject(
    app: &App,
    source_id: &str,
    body: &[u8],
    now: chrono::DateTime<chrono::Utc>,
    error: &str,
    detail: &str,
) {
    let rejected = RejectedDelivery {
        id: format!(
            "rj_{}",
            &hex::encode(Sha256::digest([body, now.to_rfc3339().as_bytes()].concat()))[..20]
        ),
        source_id: source_id.to_string(),
        received_at: now,
        error: error.into(),
        detail: detail.into(),
        // contact details masked: the rejected log is kept longer than raw payloads
        excerpt: crate::mask::excerpt(body, 2048),
        expires_at: Some(now + app.config().server.rejected_ttl),
    };
    if let Err(se) = app.store.record_rejected(rejected).await {
        tracing::error!(source_id, error = %se, "could not record a rejected delivery");
    }
}

/// Whether a redelivery carries the event already stored: the same action, contact,
/// message, channel, campaign and time (re-serialised or re-signed bodies included).
/// Readiness is not compared: a change of rules re-classifies, it is no new event.
fn same_event(stored: &Lead, new: &Lead) -> bool {
    (
        stored.action,
        &stored.contact,
        &stored.message,
        stored.channel,
        &stored.utm,
        stored.occurred_at,
    ) == (
        new.action,
        &new.contact,
        &new.message,
        new.channel,
        &new.utm,
        new.occurred_at,
    )
}

pub(super) fn unknown_source(id: &str) -> Response {
    let shown: String = id.chars().take(64).collect();
    ApiError::new(
        404,
        "unknown_source",
        format!("no source {shown:?} is configured"),
    )
    .into()
}

/// The body of `202`/`200` answers to a webhook.
pub fn lead_answer(lead: &Lead, duplicate: bool) -> Value {
    let mut v = json!({
        "lead_id": lead.id,
        "stage": lead.stage,
        "score": lead.score,
        "reasons": lead.reasons,
        "duplicate": duplicate,
    });
    if !lead.truncated.is_empty() {
        v["truncated"] = json!(lead.truncated);
    }
    v
}
