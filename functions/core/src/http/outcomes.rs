//! `POST /leads/{id}/outcome`: what sales made of a lead, from a tool or a CRM user
//! (the admin token, or the key of the team that owns the lead).

use serde_json::json;

use super::{ApiError, Caller, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::outcomes::{OutcomeInput, OutcomeRefused};

/// A refused outcome as the API answers it.
pub fn refusal(err: OutcomeRefused) -> ApiError {
    match err {
        OutcomeRefused::NotFound(id) => ApiError::not_found(format!("no lead {id}")),
        OutcomeRefused::Conflict(d) => ApiError::new(409, "idempotency_conflict", d),
        OutcomeRefused::Store(s) => s.into(),
    }
}

/// Every problem of an outcome, in one 400.
pub fn invalid(problems: Vec<String>) -> ApiError {
    ApiError::new(400, "invalid_outcome", problems.join("; "))
}

/// `{"outcome", "reason", "amount", "currency", "by", "note"}`.
pub fn post<'a>(app: &'a App, req: Request<'a>, p: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let id = p.get("id");
        let input: OutcomeInput = serde_json::from_slice(req.body).map_err(|err| {
            ApiError::new(
                400,
                "invalid_outcome",
                format!(
                    "the body must be JSON {{\"outcome\", \"reason\", \"amount\", \"currency\", \
                     \"by\", \"note\"}}: {err}"
                ),
            )
        })?;
        let lead = app
            .store
            .get_lead(id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no lead {id}")))?;
        let owner = lead.route.as_ref().and_then(|r| r.team.clone());
        let who = match super::caller(app, &req) {
            Some(Caller::Admin) => "admin".to_string(),
            Some(Caller::Team(t)) if owner.as_deref() == Some(t.as_str()) => t,
            Some(Caller::Team(t)) => {
                return Err(ApiError::new(
                    403,
                    "forbidden",
                    match owner {
                        Some(o) => format!("the key of team {t} cannot report on a lead {o} owns"),
                        None => format!("the key of team {t} cannot report on a lead no team owns"),
                    },
                ))
            }
            None => {
                return Err(ApiError::unauthorized(
                    "send Authorization: Bearer <api token or team key>",
                ))
            }
        };
        let config = app.config();
        let outcome = input
            .check(&config.outcomes, "api", Some(&who), app.clock.now())
            .map_err(invalid)?;
        let lead = crate::outcomes::record(&*app.store, &config, id, outcome)
            .await
            .map_err(refusal)?;
        // a rejected or lost lead may have hand-back jobs to send
        if let Some(w) = &app.waker {
            w();
        }
        Ok(Response::json(
            200,
            json!({"id": lead.id, "outcome": lead.outcome}),
        ))
    })
}
