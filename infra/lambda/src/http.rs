//! The HTTP edge for Lambda: converts an API Gateway HTTP API (v2) request into the
//! shared [`handoff_core::app::Request`] and back. The logic lives in `handoff-core`.

use handoff_core::app::{App, Request, Response};
use handoff_core::model::Headers;
use lambda_http::{Body, RequestExt};

/// Handles one HTTP API event with the shared handler.
pub async fn handle(app: &App, event: lambda_http::Request) -> lambda_http::Response<Body> {
    let method = event.method().as_str().to_string();
    let path = event.raw_http_path().to_string();
    let query = event.uri().query().map(str::to_string);
    let content_length = event
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(r) = app.precheck(&method, &path, content_length) {
        return to_lambda(r);
    }
    let headers: Headers = event
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?.to_string())))
        .collect();
    let body: &[u8] = match event.body() {
        Body::Empty => &[],
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => &[],
    };
    let r = app
        .handle(Request {
            method: &method,
            path: &path,
            query: query.as_deref(),
            headers: &headers,
            body,
        })
        .await;
    to_lambda(r)
}

pub fn to_lambda(r: Response) -> lambda_http::Response<Body> {
    lambda_http::Response::builder()
        .status(r.status)
        .header("content-type", "application/json")
        .body(Body::Text(r.body.to_string()))
        .expect("valid response")
}
