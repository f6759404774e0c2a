//! `handoff deliveries list` and `handoff deliveries redrive`: the outbox of a running
//! server (local or on AWS) over its HTTP API.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::Value;

/// Where the server is and how to authenticate: every command that talks to a running
/// server takes these.
#[derive(Args, Debug, Clone)]
pub struct Remote {
    /// Base URL of the server (the local server, or the API's URL on AWS).
    #[arg(long, value_name = "BASE_URL", default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// The admin token (`[server] api_token`).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "HANDOFF_API_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
}

impl Remote {
    pub(crate) fn request(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        let url = format!("{}{path}", self.url.trim_end_matches('/'));
        let req = client.request(method, url);
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum DeliveriesCommand {
    /// List outbox deliveries, newest first: id, state, attempts, team, last error.
    List {
        /// pending, sent or dead
        #[arg(long)]
        state: Option<String>,
        /// Only this team's.
        #[arg(long)]
        team: Option<String>,
        #[command(flatten)]
        remote: Remote,
    },
    /// Send dead letters again under their ids (attempts restart; the ended run is kept
    /// in the delivery's history). Exit 1 if any could not be re-driven.
    Redrive {
        /// Delivery ids.
        #[arg(
            value_name = "ID",
            required_unless_present = "all_dead",
            conflicts_with = "all_dead"
        )]
        ids: Vec<String>,
        /// Every dead letter (of --team, if given).
        #[arg(long)]
        all_dead: bool,
        #[arg(long, requires = "all_dead")]
        team: Option<String>,
        #[command(flatten)]
        remote: Remote,
    },
}

pub async fn run(cmd: DeliveriesCommand) -> ExitCode {
    let client = reqwest::Client::new();
    match cmd {
        DeliveriesCommand::List {
            state,
            team,
            remote,
        } => match list(&client, &remote, state.as_deref(), team.as_deref()).await {
            Ok(items) => {
                let mut out = std::io::stdout();
                for d in &items {
                    let _ = writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}",
                        d["id"].as_str().unwrap_or("?"),
                        d["state"].as_str().unwrap_or("?"),
                        d["attempts"],
                        d["team"].as_str().unwrap_or("-"),
                        d["last_error"].as_str().unwrap_or("")
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(1)
            }
        },
        DeliveriesCommand::Redrive {
            ids,
            all_dead,
            team,
            remote,
        } => {
            let ids = if all_dead {
                match list(&client, &remote, Some("dead"), team.as_deref()).await {
                    Ok(items) => items
                        .iter()
                        .filter_map(|d| d["id"].as_str().map(str::to_string))
                        .collect(),
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::from(1);
                    }
                }
            } else {
                ids
            };
            let mut failed = 0;
            for id in &ids {
                let path = format!("/deliveries/{}/redrive", encode(id));
                match remote
                    .request(&client, reqwest::Method::POST, &path)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => println!("{id}\tredriven"),
                    Ok(r) => {
                        failed += 1;
                        let status = r.status();
                        let v: Value = r.json().await.unwrap_or(Value::Null);
                        eprintln!(
                            "{id}\t{status} {}: {}",
                            v["error"].as_str().unwrap_or(""),
                            v["detail"].as_str().unwrap_or("")
                        );
                    }
                    Err(e) => {
                        failed += 1;
                        eprintln!("{id}\tcannot reach {}: {e}", remote.url);
                    }
                }
            }
            if all_dead && ids.is_empty() {
                println!("no dead letters");
            }
            if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// Every delivery `GET /deliveries` lists (following `next`, 500 a page), optionally
/// one team's.
async fn list(
    client: &reqwest::Client,
    remote: &Remote,
    state: Option<&str>,
    team: Option<&str>,
) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/deliveries?limit=500".to_string();
        if let Some(s) = state {
            path.push_str(&format!("&state={}", encode(s)));
        }
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", encode(c)));
        }
        let r = remote
            .request(client, reqwest::Method::GET, &path)
            .send()
            .await
            .map_err(|e| format!("cannot reach {}: {e}", remote.url))?;
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(format!(
                "{status} {}: {}",
                v["error"].as_str().unwrap_or(""),
                v["detail"].as_str().unwrap_or("")
            ));
        }
        out.extend(
            v["deliveries"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|d| team.is_none_or(|t| d["team"].as_str() == Some(t))),
        );
        match v["next"].as_str() {
            Some(n) if !n.is_empty() => cursor = Some(n.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Percent-encodes a path segment or query value (ids hold `.`, `-`, `_` and
/// alphanumerics, but a typo should not make another URL).
pub(crate) fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
