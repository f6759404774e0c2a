//! api: the admin routes on Lambda. Never public: the route table's `Admin` policy fails
//! closed on Lambda, so without an API token in the configuration every route but
//! `/healthz` answers 401. It reads the API token only (`{prefix}/secrets/api/`).

pub use handoff_lambda::http::handle;

/// Runs the api function on the shared HTTP handler, with the api function's secrets.
pub async fn run() -> Result<(), lambda_http::Error> {
    handoff_lambda::http::run(handoff_lambda::Function::Api).await
}
