//! ingest λ: wiring only (`POST /hooks/{source_id}` on the shared route table).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    handoff_lambda::http::run().await
}
