//! The `handoff` command line: `serve` (the local server), `send`, `deliveries`, `lead`, `config check`,
//! `readiness explain`.

pub mod conn;
pub mod deliveries;
pub mod lead;
pub mod send;
pub mod server;

/// Installs the log subscriber: human-readable on a terminal, JSON when `json`;
/// honours `RUST_LOG` (default `info`). Logs go to stderr; console notifications to stdout.
/// Colours only when stderr is a terminal: a log file or collector gets plain text, with
/// no escape codes at all (those a sender slips into a field are escaped anyway).
pub fn init_logs(json: bool) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = if json {
        b.json().try_init()
    } else {
        b.try_init()
    };
}
