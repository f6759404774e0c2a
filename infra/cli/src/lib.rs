//! The `handoff` command line: `serve` (the local server), `send`, `config check`.

pub mod send;
pub mod server;

/// Installs the log subscriber: human-readable on a terminal, JSON when `json`;
/// honours `RUST_LOG` (default `info`). Logs go to stderr; console notifications to stdout.
pub fn init_logs(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        b.json().try_init()
    } else {
        b.try_init()
    };
}
