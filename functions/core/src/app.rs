//! The application the edges serve: configuration (swappable on reload), the store, the
//! clock and the delivery waker. Requests go through [`crate::http`]'s route table;
//! the pure intake step is [`crate::intake`].

use std::sync::{Arc, RwLock};

use crate::clock::Clock;
use crate::config::Config;
use crate::store::LeadStore;

pub use crate::http::{lead_answer, Request, Response, DEFAULT_LIMIT, MAX_LIMIT};
pub use crate::intake::MAX_BODY_BYTES;

/// Called after a lead with notifications was stored (wakes the local delivery loop).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

pub struct App {
    config: RwLock<Arc<Config>>,
    pub store: Arc<dyn LeadStore>,
    pub clock: Arc<dyn Clock>,
    pub waker: Option<Waker>,
    /// Whether admin routes are open when no `[server] api_token` is configured. Off by
    /// default (fail closed, as on Lambda); the local server turns it on, since it
    /// refuses to listen beyond loopback without a token.
    pub open_without_token: bool,
}

impl App {
    pub fn new(config: Config, store: Arc<dyn LeadStore>, clock: Arc<dyn Clock>) -> Self {
        App {
            config: RwLock::new(Arc::new(config)),
            store,
            clock,
            waker: None,
            open_without_token: false,
        }
    }

    pub fn with_waker(mut self, waker: Waker) -> Self {
        self.waker = Some(waker);
        self
    }

    /// Admin routes answer without a token when none is configured (local server only).
    pub fn open_without_token(mut self) -> Self {
        self.open_without_token = true;
        self
    }

    pub fn config(&self) -> Arc<Config> {
        self.config.read().unwrap().clone()
    }

    /// Swaps in a new configuration (e.g. after a reload); requests in flight keep the old.
    pub fn set_config(&self, config: Config) {
        self.set_config_arc(Arc::new(config));
    }

    pub fn set_config_arc(&self, config: Arc<Config>) {
        let mut c = self.config.write().unwrap();
        if !Arc::ptr_eq(&c, &config) {
            *c = config;
        }
    }

    /// See [`crate::http::precheck`].
    pub fn precheck(
        &self,
        method: &str,
        path: &str,
        content_length: Option<u64>,
    ) -> Option<Response> {
        crate::http::precheck(self, method, path, content_length)
    }

    /// Routes one request.
    pub async fn handle(&self, req: Request<'_>) -> Response {
        crate::http::handle(self, req).await
    }
}
