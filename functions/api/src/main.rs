//! api λ: wiring only.

use lambda_http::{run, service_fn, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let w = std::sync::Arc::new(handoff_lambda::Wiring::from_env().await?);
    run(service_fn(move |event| {
        let w = w.clone();
        async move {
            w.refresh().await;
            Ok::<_, Error>(handoff_api::handle(&w.app, event).await)
        }
    }))
    .await
}
