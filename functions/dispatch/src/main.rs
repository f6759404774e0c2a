//! dispatch λ: wiring only.

use std::sync::Arc;
use std::time::Duration;

use handoff_core::clock::SystemClock;
use handoff_core::outbox::Dispatcher;
use handoff_dispatch::{handle_batch, sweep, Invocation};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let w = Arc::new(handoff_lambda::Wiring::from_env(handoff_lambda::Function::Dispatch).await?);
    let dispatcher = Arc::new(Dispatcher {
        store: w.store.clone(),
        notifier: Arc::new(handoff_notify::HttpNotifier::new(Duration::from_secs(10))),
        clock: Arc::new(SystemClock),
    });
    run(service_fn(move |event: LambdaEvent<Value>| {
        let (w, d) = (w.clone(), dispatcher.clone());
        async move {
            w.refresh().await;
            let config = w.app.config();
            match Invocation::from_json(event.payload)? {
                Invocation::Stream(batch) => {
                    let r = handle_batch(&d, &config, batch).await;
                    Ok::<Value, Error>(serde_json::to_value(r)?)
                }
                Invocation::Sweep => {
                    let n = sweep(&d, &config, 25).await?;
                    Ok(serde_json::json!({ "attempted": n }))
                }
            }
        }
    }))
    .await
}
