//! `GET /deliveries` (the outbox, dead letters among it) and `GET /deliveries/rejected`.

use serde_json::json;

use super::{query, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::store::DeliveryState;

pub fn list<'a>(app: &'a App, req: Request<'a>, _: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let q = query::parse(req.query, &["state", "limit"])?;
        let state = query::opt::<DeliveryState>(q.get("state"))?;
        let limit = query::limit(q.get("limit"))?;
        let items = app.store.list_notifications(state, limit).await?;
        Ok(Response::json(200, json!({"deliveries": items})))
    })
}

pub fn rejected<'a>(app: &'a App, req: Request<'a>, _: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let q = query::parse(req.query, &["limit"])?;
        let items = app
            .store
            .list_rejected(query::limit(q.get("limit"))?)
            .await?;
        Ok(Response::json(200, json!({"rejected": items})))
    })
}
