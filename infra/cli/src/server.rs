//! The local server: the same routes as the Lambda functions, the embedded store, and a
//! delivery loop that sends the outbox (also what was pending before a restart).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use handoff_core::app::App;
use handoff_core::clock::{Clock, SystemClock};
use handoff_core::config::Config;
use handoff_core::outbox::{drain, Dispatcher};
use handoff_core::store::LeadStore;
use handoff_embedded::EmbeddedStore;
use tokio::sync::Notify;

use crate::conn::Limits;

pub struct ServeOptions {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// Running the built-in demo configuration (says so at start-up).
    pub demo: bool,
}

/// Runs until SIGINT/SIGTERM.
pub async fn serve(mut config: Config, opts: ServeOptions) -> Result<(), String> {
    if !opts.listen.ip().is_loopback() && config.server.api_token.is_none() {
        return Err(format!(
            "refusing to listen on {} without [server] api_token: leads are personal data",
            opts.listen
        ));
    }
    let embedded = EmbeddedStore::open(&opts.data_dir)
        .map_err(|e| format!("cannot open the store in {}: {e}", opts.data_dir.display()))?;
    // We hold the store exclusively: leases left by a crashed run belong to no one.
    match embedded.release_leases(SystemClock.now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            notifications = n,
            "pending notifications from the last run are due now"
        ),
        Err(e) => return Err(format!("cannot read the outbox: {e}")),
    }
    let store: Arc<dyn LeadStore> = Arc::new(embedded);
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", opts.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if config.server.public_url.is_none() {
        config.server.public_url = Some(format!("http://{addr}"));
    }

    let clock = server_clock()?;
    let wake = Arc::new(Notify::new());
    let w = wake.clone();
    let app = Arc::new(
        App::new(config, store.clone(), clock.clone())
            .with_waker(Arc::new(move || w.notify_one()))
            .open_without_token(),
    );
    let notifier = Arc::new(handoff_notify::HttpNotifier::new(Duration::from_secs(10)));
    let dispatcher = Arc::new(Dispatcher {
        store: store.clone(),
        notifier,
        clock: clock.clone(),
    });
    tokio::spawn(delivery_loop(app.clone(), dispatcher, wake));
    tokio::spawn(purge_loop(store.clone(), clock));

    let cfg = app.config();
    let ids: Vec<&str> = cfg.sources.keys().map(|s| s.as_str()).collect();
    eprintln!(
        "handoff listening on http://{addr} ({} configuration; sources: {}; data in {})",
        if opts.demo { "built-in DEMO" } else { "file" },
        ids.join(", "),
        opts.data_dir.display()
    );
    let limits = Limits::from(&cfg.server);
    drop(cfg);
    crate::conn::serve(listener, app, limits, shutdown()).await;
    Ok(())
}

/// The real clock — or, in a `test-clock` build with `HANDOFF_TEST_CLOCK` set, one that
/// starts at that instant and runs on from there.
fn server_clock() -> Result<Arc<dyn Clock>, String> {
    #[cfg(feature = "test-clock")]
    if let Ok(at) = std::env::var("HANDOFF_TEST_CLOCK") {
        let start: chrono::DateTime<chrono::Utc> = at
            .parse()
            .map_err(|e| format!("HANDOFF_TEST_CLOCK={at:?} is not an RFC 3339 instant: {e}"))?;
        tracing::warn!(%start, "TEST CLOCK: time is shifted (a test-clock build)");
        return Ok(Arc::new(OffsetClock(start - chrono::Utc::now())));
    }
    Ok(Arc::new(SystemClock))
}

/// Real time shifted by a fixed offset (`test-clock` builds only).
#[cfg(feature = "test-clock")]
struct OffsetClock(chrono::Duration);

#[cfg(feature = "test-clock")]
impl Clock for OffsetClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + self.0
    }
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down");
}

/// Runs the outbox with the shared drain loop: woken after each stored hot lead, and
/// every 250 ms for retries (and, after a restart, what was pending).
async fn delivery_loop(app: Arc<App>, dispatcher: Arc<Dispatcher>, wake: Arc<Notify>) {
    const IN_FLIGHT: usize = 32;
    let tick = || tokio::time::sleep(Duration::from_millis(250));
    loop {
        let config = app.config();
        if let Err(e) = drain(&dispatcher, &config, IN_FLIGHT, tick).await {
            tracing::error!(error = %e, "cannot run the outbox; retrying in 1 s");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        let _ = tokio::time::timeout(Duration::from_millis(250), wake.notified()).await;
    }
}

/// Deletes expired raw payloads and rejected-log entries at start-up and hourly.
async fn purge_loop(store: Arc<dyn LeadStore>, clock: Arc<dyn Clock>) {
    loop {
        match store.purge_expired_raw(clock.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "expired raw payloads deleted"),
            Err(e) => tracing::warn!(error = %e, "raw payload purge failed"),
        }
        match store.purge_expired_rejected(clock.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "expired rejected deliveries deleted"),
            Err(e) => tracing::warn!(error = %e, "rejected log purge failed"),
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}
