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
    /// The outbox of a running server: list deliveries, re-drive dead letters.
    #[command(subcommand)]
    Deliveries(handoff::deliveries::DeliveriesCommand),
    /// A lead on a running server: record its outcome.
    #[command(subcommand)]
    Lead(handoff::lead::LeadCommand),
    /// Configuration commands.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Readiness: why a message reads as hot or nurture.
    #[command(subcommand)]
    Readiness(ReadinessCommand),
}

#[derive(Subcommand)]
enum ReadinessCommand {
    /// Print the decision on one message and every rule that fired or was overruled:
    /// the phrase rules (and what became of each), the model's score and the words that
    /// moved it most.
    Explain {
        /// The message, as the buyer wrote it.
        #[arg(value_name = "MESSAGE")]
        message: String,
        /// The business type of the source it came to: ecommerce, b2b or services.
        #[arg(long)]
        business: handoff_core::model::Business,
        /// The action that carried it (a hot action is hot whatever the text says).
        #[arg(long, default_value = "chat_message")]
        action: handoff_core::model::Action,
        /// The message's language, shown with the decision only: the phrase rules and
        /// the model read every language at once, so none has to be named.
        #[arg(long, value_name = "ISO 639-1")]
        lang: Option<String>,
        /// Use this configuration's readiness rules ([readiness.<business>]).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Print JSON (what POST /readiness/explain answers).
        #[arg(long)]
        json: bool,
    },
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
    /// Validate a file and store it in SSM Parameter Store for the Lambda functions:
    /// the document at {prefix}/config, each secret_env / api_token_env value from this
    /// environment as a SecureString at {prefix}/secrets/{function}/NAME for each function
    /// that reads it (ingest: sources, api: the API token, dispatch: notify entries).
    /// Needs `--features aws`.
    Push {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Parameter prefix, e.g. /handoff/prod (the template's HANDOFF_SSM_PREFIX).
        #[arg(long, env = "HANDOFF_SSM_PREFIX", default_value = "/handoff/prod")]
        prefix: String,
    },
}

#[cfg(feature = "aws")]
fn push(file: &std::path::Path, prefix: &str) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: cannot read: {e}", file.display());
            return ExitCode::from(1);
        }
    };
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    rt.block_on(async {
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let ssm = handoff_ssm::Parameters::new(aws_sdk_ssm::Client::new(&sdk), prefix);
        let origin = file.display().to_string();
        match ssm.push(&text, &origin, &|k| std::env::var(k).ok()).await {
            Ok(p) => {
                println!("{origin}: ok, stored as {}", p.document);
                for s in &p.secrets {
                    println!("  secret {s} (SecureString)");
                }
                if !p.old_layout.is_empty() {
                    println!(
                        "  {} secret(s) of the layout before per-function paths are no longer read; \
                         delete them once the functions are upgraded (sam deploy):",
                        p.old_layout.len()
                    );
                    for s in &p.old_layout {
                        println!("    aws ssm delete-parameter --name {s}");
                    }
                }
                println!("{}", p.config.summary());
                ExitCode::SUCCESS
            }
            Err(handoff_ssm::SsmError::Invalid(problems)) => {
                for p in &problems {
                    eprintln!("{p}");
                }
                eprintln!(
                    "{} problem(s) in {origin}; nothing was stored",
                    problems.len()
                );
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(1)
            }
        }
    })
}

#[cfg(not(feature = "aws"))]
fn push(_file: &std::path::Path, _prefix: &str) -> ExitCode {
    eprintln!("this handoff was built without AWS support: cargo build -p handoff --features aws");
    ExitCode::from(2)
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
                for w in &c.warnings {
                    eprintln!("warning: {w}");
                }
                println!("{}: ok\n{}", file.display(), c.summary());
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Command::Config(ConfigCommand::Push { file, prefix }) => push(&file, &prefix),
        Command::Readiness(ReadinessCommand::Explain {
            message,
            business,
            action,
            lang,
            config,
            json,
        }) => {
            let rules = match &config {
                Some(path) => match load_config(path) {
                    Ok(c) => c.rules,
                    Err(code) => return code,
                },
                None => handoff_core::readiness::Rules::default(),
            };
            let e = handoff_core::readiness::explain(&rules, business, action, &message);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&e).expect("an explanation serialises")
                );
            } else {
                if let Some(l) = &lang {
                    println!("language: {l} (read with every language's rules at once)");
                }
                print!("{}", e.render());
            }
            ExitCode::SUCCESS
        }
        Command::Serve(a) => {
            handoff::init_logs(a.json_logs);
            let (config, demo) = match &a.config {
                Some(path) => match load_config(path) {
                    Ok(c) => {
                        for w in &c.warnings {
                            tracing::warn!("{w}");
                        }
                        (c, false)
                    }
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
        Command::Deliveries(c) => {
            let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
            rt.block_on(handoff::deliveries::run(c))
        }
        Command::Lead(c) => {
            let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
            rt.block_on(handoff::lead::run(c))
        }
    }
}
