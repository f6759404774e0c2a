//! `GET /deliveries` (the outbox, dead letters among it) and `GET /deliveries/rejected`.

use serde_json::json;

use super::{query, ApiError, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::store::{DeliveryQuery, DeliveryState, Redrive};

pub fn list<'a>(app: &'a App, req: Request<'a>, _: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let q = query::parse(req.query, &["state", "limit", "cursor"])?;
        let page = app
            .store
            .list_notifications_page(&DeliveryQuery {
                state: query::opt::<DeliveryState>(q.get("state"))?,
                limit: query::limit(q.get("limit"))?,
                // `cursor=` (empty) is the first page, as no cursor is
                cursor: q.get("cursor").filter(|c| !c.is_empty()).cloned(),
            })
            .await?;
        Ok(Response::json(
            200,
            json!({"deliveries": page.items, "next": page.next}),
        ))
    })
}

pub fn rejected<'a>(app: &'a App, req: Request<'a>, _: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let q = query::parse(req.query, &["limit"])?;
        let items = app
            .store
            .list_rejected(query::limit(q.get("limit"))?, app.clock.now())
            .await?;
        Ok(Response::json(200, json!({"rejected": items})))
    })
}

/// `POST /deliveries/{id}/redrive`: a dead letter is pending again under the same id (the
/// receiver's `webhook-id`), due now, its attempts restarted and the ended run kept in
/// `history`. A sent or still pending one is 409; an unknown id 404.
pub fn redrive<'a>(app: &'a App, _: Request<'a>, p: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let id = p.get("id");
        match app.store.redrive(id, app.clock.now()).await? {
            Redrive::Redriven(n) => {
                tracing::info!(notification = %n.id, lead_id = %n.lead_id, "dead letter re-driven");
                if let Some(w) = &app.waker {
                    w();
                }
                Ok(Response::json(200, json!({"delivery": n, "redriven": true})))
            }
            Redrive::NotDead(n) => Err(ApiError::new(
                409,
                "not_dead",
                match n.state {
                    DeliveryState::Sent => format!("delivery {id} was sent: there is nothing to re-drive"),
                    _ => format!(
                        "delivery {id} is still pending (next attempt at {}): only dead letters are re-driven",
                        n.next_attempt_at.to_rfc3339()
                    ),
                },
            )),
            Redrive::NotFound => Err(ApiError::not_found(format!("no delivery {id}"))),
        }
    })
}
