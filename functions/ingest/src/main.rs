//! ingest λ: wiring only (`POST /hooks/{source_id}` on the shared route table). It reads
//! the sources' signing secrets only (`{prefix}/secrets/ingest/`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    handoff_lambda::http::run(handoff_lambda::Function::Ingest).await
}
