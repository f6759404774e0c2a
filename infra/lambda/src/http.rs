//! The HTTP edge for Lambda: an API Gateway HTTP API (v2) event through the shared
//! edge ([`handoff_edge::handle`]) and back as a `lambda_http` response. The logic lives
//! in `handoff-core`.

use handoff_core::app::App;
use lambda_http::{Body, RequestExt};

/// Handles one HTTP API event with the shared handler.
pub async fn handle(app: &App, event: lambda_http::Request) -> lambda_http::Response<Body> {
    let path = event.raw_http_path().to_string();
    let (parts, bytes) = handoff_edge::handle(app, &path, event).await.into_parts();
    let text = handoff_edge::is_text(
        parts
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
    );
    let body = match (bytes.is_empty(), text) {
        (true, _) => Body::Empty,
        (false, true) => match String::from_utf8(bytes.to_vec()) {
            Ok(s) => Body::Text(s),
            Err(e) => Body::Binary(e.into_bytes()),
        },
        (false, false) => Body::Binary(bytes.to_vec()),
    };
    lambda_http::Response::from_parts(parts, body)
}

/// Runs an HTTP Lambda (ingest, api) on the shared handler: the wiring is built once
/// per container, the configuration refreshed (cached) before each event.
pub async fn run(function: crate::Function) -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let w = std::sync::Arc::new(crate::Wiring::from_env(function).await?);
    lambda_http::run(lambda_http::service_fn(move |event| {
        let w = w.clone();
        async move {
            w.refresh().await;
            Ok::<_, lambda_http::Error>(handle(&w.app, event).await)
        }
    }))
    .await
}
