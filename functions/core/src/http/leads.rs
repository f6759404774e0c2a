//! `GET /leads` and `GET /leads/{id}`.

use serde_json::{json, Value};

use super::{query, ApiError, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::model::Stage;
use crate::model::TimelineEntry;
use crate::outbox::Job;
use crate::store::{DeliveryState, LeadQuery, Notification};

pub fn list<'a>(app: &'a App, req: Request<'a>, _: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let q = query::parse(
            req.query,
            &[
                "stage", "limit", "cursor", "routed", "claim", "team", "outcome",
            ],
        )?;
        let outcome = query::opt::<crate::model::OutcomeState>(q.get("outcome"))?;
        let claim = query::opt::<crate::model::ClaimState>(q.get("claim"))?;
        let team = q.get("team").filter(|t| !t.is_empty()).cloned();
        if let Some(t) = &team {
            if app.config().team(t).is_none() {
                return Err(ApiError::bad_request(format!(
                    "no team {t:?} is configured"
                )));
            }
        }
        let stage = query::opt::<Stage>(q.get("stage"))?;
        let unrouted = match q.get("routed").map(String::as_str) {
            None => false,
            Some("false") if stage != Some(Stage::Nurture) => true,
            Some("false") => {
                return Err(ApiError::bad_request(
                    "routed=false lists hot leads no team owns; nurture leads are not routed",
                ))
            }
            Some(_) => {
                return Err(ApiError::bad_request(
                    "routed takes false (hot leads no team owns)",
                ))
            }
        };
        let query = LeadQuery {
            stage,
            limit: query::limit(q.get("limit"))?,
            // `cursor=` (empty) is the first page, as no cursor is
            cursor: q.get("cursor").filter(|c| !c.is_empty()).cloned(),
            unrouted,
            claim,
            team,
            outcome,
            contact: None,
        };
        let page = app.store.list_leads(&query).await?;
        Ok(Response::json(
            200,
            json!({"leads": page.items, "next": page.next}),
        ))
    })
}

/// The lead with its notifications. Both reads must succeed: a lead shown without its
/// notifications would claim that nothing was sent.
pub fn get<'a>(app: &'a App, _: Request<'a>, p: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let id = p.get("id");
        let lead = app
            .store
            .get_lead(id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no lead {id}")))?;
        let notifications = app.store.lead_notifications(id).await?;
        let mut lead = lead;
        lead.timeline.extend(notified(&notifications));
        // its touches (the same contact's hot leads within the merge window), read off
        // the contact's leads: the first lead is not written again for them
        let mut touches = Vec::new();
        if let (Some(c), None) = (&lead.contact_id, &lead.touch_of) {
            let page = app
                .store
                .list_leads(&crate::store::LeadQuery {
                    limit: 100,
                    contact: Some(c.clone()),
                    ..Default::default()
                })
                .await?;
            for t in page
                .items
                .iter()
                .filter(|t| t.touch_of.as_deref() == Some(id))
            {
                lead.timeline.push(TimelineEntry::new(
                    t.received_at,
                    "touch",
                    format!(
                        "{} via {} ({}): counted, not notified again",
                        t.action, t.source_id, t.id
                    ),
                ));
                touches.push(t.id.clone());
            }
        }
        // stable: what happened at one instant keeps its order (received before routed)
        lead.timeline.sort_by_key(|e| e.at);
        let mut v = serde_json::to_value(&lead).unwrap_or(Value::Null);
        v["notifications"] = serde_json::to_value(notifications).unwrap_or(Value::Null);
        if !touches.is_empty() {
            v["touches"] = serde_json::to_value(touches).unwrap_or(Value::Null);
        }
        Ok(Response::json(200, v))
    })
}

/// The timeline's `notified` entries, read off the lead's deliveries (a delivery's
/// outcome is written once, by the outbox, so the lead is not written again for it).
fn notified(notifications: &[Notification]) -> Vec<TimelineEntry> {
    notifications
        .iter()
        .filter_map(|n| {
            let what = match &n.job {
                Job::Notify { team, target, step } if *step > 0 => {
                    format!("{team} via {target} (SLA step {step})")
                }
                Job::Notify { team, target, .. } => format!("{team} via {target}"),
                Job::SlackReply { team, .. } => format!("{team}: Slack message updated"),
                // a step that ran is on the stored timeline; one that gave up is shown
                Job::Escalate { team, step } if n.state == DeliveryState::Dead => {
                    format!("{team}: SLA step {step} did not run")
                }
                Job::Escalate { .. } | Job::Release { .. } => return None,
                Job::HandBack { event, target, .. } => {
                    format!("marketing via {target} (lead.{event})")
                }
            };
            match n.state {
                DeliveryState::Sent => Some(TimelineEntry::new(n.updated_at, "notified", what)),
                DeliveryState::Dead => Some(TimelineEntry::new(
                    n.updated_at,
                    "not_notified",
                    format!(
                        "{what}: gave up after {} attempts: {}",
                        n.attempts,
                        n.last_error.as_deref().unwrap_or("?")
                    ),
                )),
                DeliveryState::Pending => None,
            }
        })
        .collect()
}
