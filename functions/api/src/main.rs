//! api λ: wiring only (the admin read routes and `/healthz` on the shared route table).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    handoff_api::run().await
}
