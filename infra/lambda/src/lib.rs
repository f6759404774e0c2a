//! Shared by the Lambda functions: the HTTP edge ([`http::handle`]) and [`Wiring`], the
//! clients and configuration built once per container at init.

use std::sync::Arc;
use std::time::Duration;

use handoff_core::app::App;
use handoff_core::clock::SystemClock;
use handoff_core::store::LeadStore;
use handoff_dynamodb::DynamoStore;
use handoff_ssm::SsmConfig;

pub mod http;

pub use handoff_ssm::Function;

/// What a function builds at init.
pub struct Wiring {
    pub app: Arc<App>,
    pub store: Arc<dyn LeadStore>,
    pub config: Arc<SsmConfig>,
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("environment variable {name} is not set"))
}

impl Wiring {
    /// From the environment: `HANDOFF_TABLE`, `HANDOFF_SSM_PREFIX`,
    /// `HANDOFF_CONFIG_TTL_SECS` (default 30) and the SDK's own settings. `function` is
    /// the function being wired (its `main.rs` says which): it reads the secrets under
    /// `{prefix}/secrets/{function}/` only, the one path its IAM role may read.
    pub async fn from_env(function: Function) -> Result<Wiring, String> {
        let table = env("HANDOFF_TABLE")?;
        let prefix = env("HANDOFF_SSM_PREFIX")?;
        let ttl = std::env::var("HANDOFF_CONFIG_TTL_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30);
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let store: Arc<dyn LeadStore> =
            Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table));
        let config = Arc::new(SsmConfig::new(
            aws_sdk_ssm::Client::new(&sdk),
            &prefix,
            function,
            Duration::from_secs(ttl),
        ));
        Self::new(store, config).await
    }

    /// From a store and a configuration source (tests pass moto-backed ones).
    pub async fn new(store: Arc<dyn LeadStore>, config: Arc<SsmConfig>) -> Result<Wiring, String> {
        let current = config.current().await.map_err(|e| e.to_string())?;
        let app = Arc::new(App::new(
            (*current).clone(),
            store.clone(),
            Arc::new(SystemClock),
        ));
        Ok(Wiring { app, store, config })
    }

    /// Picks up a changed configuration (cached for the ttl) before an invocation.
    pub async fn refresh(&self) {
        match self.config.current().await {
            Ok(c) => self.app.set_config_arc(c),
            Err(e) => {
                tracing::error!(error = %e, "configuration unavailable; keeping the current one")
            }
        }
    }
}
