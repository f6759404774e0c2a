//! A bare `lambda_runtime` function that echoes its event: what the Lambda start
//! benchmark (`tests/benches/lambda_start.rs`) measures handoff's functions against.

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(|event: LambdaEvent<Value>| async move {
        Ok::<Value, Error>(event.payload)
    }))
    .await
}
