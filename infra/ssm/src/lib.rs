//! Configuration in SSM Parameter Store.
//!
//! Layout under a prefix such as `/handoff/prod`:
//! - `{prefix}/config` — the configuration document (TOML, String parameter). It holds
//!   **no secrets**: every secret is referenced by name with `secret_env` /
//!   `api_token_env`.
//! - `{prefix}/secrets/{NAME}` — one SecureString per referenced name.
//!
//! `handoff config push FILE` validates the file (resolving the names from its own
//! environment), refuses plain `secret = "…"` / `api_token = "…"` values, and writes the
//! secrets and then the document. The functions load both with [`SsmConfig::current`],
//! which caches for a short time, so sources, teams and rules change without a rebuild.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_ssm::types::ParameterType;
use handoff_core::config::{Config, Problem};
use tokio::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum SsmError {
    /// SSM could not be reached or refused the call.
    #[error("SSM unavailable: {0}")]
    Unavailable(String),
    /// The document is invalid.
    #[error("invalid configuration: {}", join(.0))]
    Invalid(Vec<Problem>),
}

fn join(p: &[Problem]) -> String {
    p.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

fn unavailable(e: impl std::fmt::Display) -> SsmError {
    SsmError::Unavailable(e.to_string())
}

/// Names referenced by `secret_env` / `api_token_env`, and problems for plain secrets.
fn secret_names(text: &str, origin: &str) -> Result<BTreeSet<String>, Vec<Problem>> {
    let value: toml::Table = toml::from_str(text).map_err(|e: toml::de::Error| {
        vec![Problem {
            location: origin.to_string(),
            path: String::new(),
            message: e.message().to_string(),
        }]
    })?;
    let mut names = BTreeSet::new();
    let mut problems = Vec::new();
    fn walk(
        v: &toml::Value,
        path: String,
        origin: &str,
        names: &mut BTreeSet<String>,
        problems: &mut Vec<Problem>,
    ) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    match (k.as_str(), v) {
                        ("secret_env" | "api_token_env", toml::Value::String(s)) => {
                            names.insert(s.clone());
                        }
                        ("secret" | "api_token", _) => problems.push(Problem {
                            location: origin.to_string(),
                            path: p.clone(),
                            message: format!(
                                "config push keeps secrets out of the document: use {k}_env = \"NAME\" and set NAME in the environment"
                            ),
                        }),
                        _ => walk(v, p, origin, names, problems),
                    }
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, format!("{path}[{i}]"), origin, names, problems);
                }
            }
            _ => {}
        }
    }
    walk(
        &toml::Value::Table(value),
        String::new(),
        origin,
        &mut names,
        &mut problems,
    );
    if problems.is_empty() {
        Ok(names)
    } else {
        Err(problems)
    }
}

/// What `push` stored.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub config: Config,
    pub document: String,
    pub secrets: Vec<String>,
}

/// Configuration in SSM under one prefix, with a reload cache.
pub struct SsmConfig {
    client: aws_sdk_ssm::Client,
    prefix: String,
    ttl: Duration,
    cache: Mutex<Option<(Instant, Arc<Config>)>>,
}

impl SsmConfig {
    /// `prefix` like `/handoff/prod`; `ttl` how long a loaded configuration is reused.
    pub fn new(client: aws_sdk_ssm::Client, prefix: &str, ttl: Duration) -> Self {
        SsmConfig {
            client,
            prefix: prefix.trim_end_matches('/').to_string(),
            ttl,
            cache: Mutex::new(None),
        }
    }

    pub fn document_name(&self) -> String {
        format!("{}/config", self.prefix)
    }

    pub fn secret_name(&self, name: &str) -> String {
        format!("{}/secrets/{name}", self.prefix)
    }

    /// Validates `text` with secrets from `env`, then stores the secrets (SecureString)
    /// and the document. Nothing is written when the file has a problem.
    pub async fn push(
        &self,
        text: &str,
        origin: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Pushed, SsmError> {
        let names = secret_names(text, origin).map_err(SsmError::Invalid)?;
        let config = Config::from_toml_str(text, origin, env).map_err(SsmError::Invalid)?;
        let mut secrets = Vec::new();
        for name in &names {
            let value = env(name).unwrap_or_default();
            self.client
                .put_parameter()
                .name(self.secret_name(name))
                .value(value)
                .r#type(ParameterType::SecureString)
                .overwrite(true)
                .send()
                .await
                .map_err(|e| unavailable(aws_sdk_ssm::error::DisplayErrorContext(e)))?;
            secrets.push(self.secret_name(name));
        }
        self.client
            .put_parameter()
            .name(self.document_name())
            .value(text)
            .r#type(ParameterType::String)
            .tier(aws_sdk_ssm::types::ParameterTier::IntelligentTiering)
            .overwrite(true)
            .send()
            .await
            .map_err(|e| unavailable(aws_sdk_ssm::error::DisplayErrorContext(e)))?;
        Ok(Pushed {
            config,
            document: self.document_name(),
            secrets,
        })
    }

    /// Reads the document and its secrets and validates them (no cache).
    pub async fn load(&self) -> Result<Config, SsmError> {
        let doc = self
            .client
            .get_parameter()
            .name(self.document_name())
            .send()
            .await
            .map_err(|e| unavailable(aws_sdk_ssm::error::DisplayErrorContext(e)))?;
        let text = doc
            .parameter
            .and_then(|p| p.value)
            .ok_or_else(|| unavailable("the config parameter has no value"))?;
        let mut secrets = BTreeMap::new();
        let path = format!("{}/secrets/", self.prefix);
        let mut pages = self
            .client
            .get_parameters_by_path()
            .path(&path)
            .recursive(true)
            .with_decryption(true)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| unavailable(aws_sdk_ssm::error::DisplayErrorContext(e)))?;
            for p in page.parameters.unwrap_or_default() {
                if let (Some(n), Some(v)) = (p.name, p.value) {
                    secrets.insert(n.trim_start_matches(&path).to_string(), v);
                }
            }
        }
        Config::from_toml_str(&text, &self.document_name(), &|k| secrets.get(k).cloned())
            .map_err(SsmError::Invalid)
    }

    /// The configuration, reloaded when the cached one is older than the ttl. When a
    /// reload fails but an older configuration is cached, that one is kept (and the
    /// failure logged), so an SSM hiccup does not stop ingestion.
    pub async fn current(&self) -> Result<Arc<Config>, SsmError> {
        let mut cache = self.cache.lock().await;
        if let Some((at, c)) = cache.as_ref() {
            if at.elapsed() < self.ttl {
                return Ok(c.clone());
            }
        }
        match self.load().await {
            Ok(c) => {
                let c = Arc::new(c);
                *cache = Some((Instant::now(), c.clone()));
                Ok(c)
            }
            Err(e) => match cache.as_ref() {
                Some((_, old)) => {
                    tracing::error!(error = %e, "configuration reload failed; keeping the previous one");
                    Ok(old.clone())
                }
                None => Err(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_refuses_plain_secrets_and_lists_referenced_names() {
        let text = "[server]\napi_token_env = \"TOKEN\"\n[[source]]\nid = \"a\"\nsecret_env = \"A\"\n[[source]]\nid = \"b\"\nsecret = \"plain\"\n";
        let errs = secret_names(text, "f.toml").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path, "source[1].secret");
        let ok = "[server]\napi_token_env = \"TOKEN\"\n[[source]]\nid = \"a\"\nsecret_env = \"A\"\n[[team]]\n[[team.notify]]\nsecret_env = \"HOOK\"\n";
        let names = secret_names(ok, "f.toml").unwrap();
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            ["A", "HOOK", "TOKEN"]
        );
    }
}
