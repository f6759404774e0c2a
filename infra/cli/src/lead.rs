//! `handoff lead outcome ID STATE …`: report what became of a lead to a running server
//! (local or on AWS) over `POST /leads/{id}/outcome`.

use std::process::ExitCode;

use clap::Subcommand;
use serde_json::{json, Value};

use crate::deliveries::{encode, Remote};

#[derive(Subcommand, Debug)]
pub enum LeadCommand {
    /// Record a lead's outcome: accepted, rejected (--reason), won (--amount,
    /// --currency) or lost (--reason). A later outcome replaces an earlier one; both stay
    /// on the lead's timeline. Prints the outcome as stored; exit 1 if it was refused.
    Outcome {
        /// The lead's id (ld_…).
        #[arg(value_name = "ID")]
        id: String,
        /// accepted, rejected, won or lost.
        #[arg(value_name = "OUTCOME")]
        outcome: String,
        /// For rejected and lost: one of the configured reasons ([outcomes]).
        #[arg(long)]
        reason: Option<String>,
        /// For won: the amount as a decimal (1200, 99.90), kept exactly as written.
        #[arg(long)]
        amount: Option<String>,
        /// For won: an ISO 4217 code (EUR, USD, …).
        #[arg(long)]
        currency: Option<String>,
        /// Who reports it (default: the caller, "admin" or the team of the key).
        #[arg(long)]
        by: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        remote: Remote,
    },
}

pub async fn run(cmd: LeadCommand) -> ExitCode {
    let client = reqwest::Client::new();
    match cmd {
        LeadCommand::Outcome {
            id,
            outcome,
            reason,
            amount,
            currency,
            by,
            note,
            remote,
        } => {
            let mut body = json!({"outcome": outcome});
            for (k, v) in [
                ("reason", reason),
                ("amount", amount),
                ("currency", currency),
                ("by", by),
                ("note", note),
            ] {
                if let Some(v) = v {
                    body[k] = Value::String(v);
                }
            }
            let path = format!("/leads/{}/outcome", encode(&id));
            let sent = remote
                .request(&client, reqwest::Method::POST, &path)
                .json(&body)
                .send()
                .await;
            match sent {
                Ok(r) => {
                    let status = r.status();
                    let v: Value = r.json().await.unwrap_or(Value::Null);
                    if status.is_success() {
                        let o = &v["outcome"];
                        let mut line = format!("{id}\t{}", o["state"].as_str().unwrap_or("?"));
                        for k in ["reason", "amount", "currency", "by", "at"] {
                            if let Some(x) = o[k].as_str() {
                                line.push_str(&format!("\t{k}={x}"));
                            }
                        }
                        println!("{line}");
                        ExitCode::SUCCESS
                    } else {
                        eprintln!(
                            "{id}\t{status} {}: {}",
                            v["error"].as_str().unwrap_or(""),
                            v["detail"].as_str().unwrap_or("")
                        );
                        ExitCode::from(1)
                    }
                }
                Err(e) => {
                    eprintln!("cannot reach {}: {e}", remote.url);
                    ExitCode::from(1)
                }
            }
        }
    }
}
