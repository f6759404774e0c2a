//! dispatch λ: wiring only.

use std::sync::Arc;
use std::time::Duration;

use handoff_core::clock::SystemClock;
use handoff_core::outbox::Dispatcher;
use handoff_dispatch::{dead_letters_metric, handle_batch, sweep, Invocation};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let w = Arc::new(handoff_lambda::Wiring::from_env(handoff_lambda::Function::Dispatch).await?);
    // The stage the DeadLetters metric is reported for (template.yaml: !Ref Stage).
    let stage: Arc<str> = std::env::var("HANDOFF_STAGE")
        .map_err(|_| "environment variable HANDOFF_STAGE is not set")?
        .into();
    let dispatcher = Arc::new(Dispatcher {
        store: w.store.clone(),
        notifier: Arc::new(handoff_notify::HttpNotifier::new(Duration::from_secs(10))),
        clock: Arc::new(SystemClock),
    });
    run(service_fn(move |event: LambdaEvent<Value>| {
        let (w, d, stage) = (w.clone(), dispatcher.clone(), stage.clone());
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
                    // The DeadLetters metric (one EMF line on stdout). A failed count is
                    // no reason to retry the sweep: the alarm keeps its state a minute.
                    let dead =
                        match dead_letters_metric(d.store.as_ref(), &stage, d.clock.now()).await {
                            Ok((count, line)) => {
                                println!("{line}");
                                Some(count)
                            }
                            Err(e) => {
                                tracing::error!(error = %e, "cannot count the dead letters");
                                None
                            }
                        };
                    Ok(serde_json::json!({ "attempted": n, "dead_letters": dead }))
                }
            }
        }
    }))
    .await
}
