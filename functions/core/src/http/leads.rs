//! `GET /leads` and `GET /leads/{id}`.

use serde_json::{json, Value};

use super::{query, ApiError, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::model::Stage;
use crate::store::LeadQuery;

pub fn list<'a>(app: &'a App, req: Request<'a>, _: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let q = query::parse(req.query, &["stage", "limit", "cursor", "routed"])?;
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
        let mut v = serde_json::to_value(&lead).unwrap_or(Value::Null);
        v["notifications"] = serde_json::to_value(notifications).unwrap_or(Value::Null);
        Ok(Response::json(200, v))
    })
}
