//! ingest λ: wiring only. Builds the configuration and the store once per container,
//! then serves HTTP API v2 events with the shared handler.

use std::sync::Arc;

use handoff_core::app::App;
use handoff_core::clock::SystemClock;
use handoff_core::config::Config;
use lambda_http::{run, service_fn, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = match std::env::var("HANDOFF_CONFIG_FILE") {
        Ok(path) => Config::load(path.as_ref()).map_err(|p| {
            let lines: Vec<String> = p.iter().map(|x| x.to_string()).collect();
            Error::from(lines.join("\n"))
        })?,
        Err(_) => Config::demo(),
    };
    let dir = std::env::var("HANDOFF_DATA_DIR").unwrap_or_else(|_| "/tmp/handoff".into());
    let store = handoff_embedded::EmbeddedStore::open(dir.as_ref())?;
    let app = Arc::new(App::new(config, Arc::new(store), Arc::new(SystemClock)));
    run(service_fn(move |event| {
        let app = app.clone();
        async move { Ok::<_, Error>(handoff_ingest::handle(&app, event).await) }
    }))
    .await
}
