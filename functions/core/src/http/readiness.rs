//! `POST /readiness/explain`: why a message reads as hot or nurture, rule by rule (what
//! `handoff readiness explain --json` prints), with the running configuration's rules.

use serde_json::Value;

use super::{ApiError, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::model::{Action, Business};

pub fn explain<'a>(app: &'a App, req: Request<'a>, _: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let body: Value = serde_json::from_slice(req.body).map_err(|err| {
            ApiError::bad_request(format!(
                "the body must be JSON {{\"text\": …, \"business\": …}}: {err}"
            ))
        })?;
        let Some(text) = body.get("text").and_then(Value::as_str) else {
            return Err(ApiError::bad_request(
                "text is required: the message as the buyer wrote it",
            ));
        };
        let business: Business = body
            .get("business")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ApiError::bad_request("business is required: ecommerce, b2b or services")
            })?
            .parse()
            .map_err(ApiError::bad_request)?;
        let action: Action = match body.get("action") {
            None | Some(Value::Null) => Action::ChatMessage,
            Some(Value::String(a)) => a.parse().map_err(ApiError::bad_request)?,
            Some(_) => return Err(ApiError::bad_request("action must be a string")),
        };
        if text.len() > crate::intake::MAX_BODY_BYTES {
            return Err(ApiError::payload_too_large());
        }
        let config = app.config();
        let e = crate::readiness::explain(&config.rules, business, action, text);
        Ok(Response::json(
            200,
            serde_json::to_value(e).unwrap_or(Value::Null),
        ))
    })
}
