//! api: the read routes on Lambda. Never public: without an API token in the
//! configuration every route but `/healthz` answers 401 (fail closed).

use handoff_core::app::{App, Response};
use handoff_lambda::http::to_lambda;
use lambda_http::Body;

pub async fn handle(app: &App, event: lambda_http::Request) -> lambda_http::Response<Body> {
    let path = event.uri().path().to_string();
    if path != "/healthz" && app.config().server.api_token.is_none() {
        return to_lambda(Response::error(
            401,
            "unauthorized",
            "no API token is configured: push one as api_token_env with handoff config push",
        ));
    }
    if event.method() != "GET" {
        return to_lambda(Response::error(
            405,
            "method_not_allowed",
            "the api is read-only",
        ));
    }
    handoff_lambda::http::handle(app, event).await
}
