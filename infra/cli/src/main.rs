use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use handoff_core::config::Config;

/// handoff: a webhook lead router. Verifies signed webhooks from forms, carts and chat
/// widgets, decides which leads are ready for sales, stores them and notifies the team.
#[derive(Parser)]
#[command(name = "handoff", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the local server with its embedded store and delivery loop.
    Serve(ServeArgs),
    /// Build a correctly signed delivery in a source's provider format and post it.
    Send(handoff::send::SendArgs),
    /// Configuration commands.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Args)]
struct ServeArgs {
    /// Configuration file (TOML). Without it, the built-in demo configuration runs.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:3000")]
    listen: SocketAddr,
    /// Directory of the embedded store.
    #[arg(long, value_name = "DIR", default_value = ".handoff")]
    data_dir: PathBuf,
    /// Log as JSON lines.
    #[arg(long)]
    json_logs: bool,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate a configuration file: list every problem (exit 1) or print a summary.
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

fn load_config(path: &std::path::Path) -> Result<Config, ExitCode> {
    Config::load(path).map_err(|problems| {
        for p in &problems {
            eprintln!("{p}");
        }
        eprintln!("{} problem(s) in {}", problems.len(), path.display());
        ExitCode::from(1)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Config(ConfigCommand::Check { file }) => match load_config(&file) {
            Ok(c) => {
                println!("{}: ok\n{}", file.display(), c.summary());
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Command::Serve(a) => {
            handoff::init_logs(a.json_logs);
            let (config, demo) = match &a.config {
                Some(path) => match load_config(path) {
                    Ok(c) => (c, false),
                    Err(code) => return code,
                },
                None => (Config::demo(), true),
            };
            let opts = handoff::server::ServeOptions {
                listen: a.listen,
                data_dir: a.data_dir,
                demo,
            };
            let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
            match rt.block_on(handoff::server::serve(config, opts)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("handoff serve: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Send(a) => {
            let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
            rt.block_on(handoff::send::run(a))
        }
    }
}
