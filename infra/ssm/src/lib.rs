//! Configuration in SSM Parameter Store.
//!
//! Layout under a prefix such as `/handoff/prod`:
//! - `{prefix}/config` — the configuration document (TOML, String parameter). It holds
//!   **no secrets**: every secret is referenced by name with `secret_env` /
//!   `api_token_env` (any `*_env` key).
//! - `{prefix}/secrets/{function}/{NAME}` — one SecureString per referenced name, for
//!   each function that needs it ([`Function`]: `ingest`, `api`, `dispatch`). Which
//!   functions need a name follows from where the document references it
//!   ([`readers`]): `[server] api_token_env` → api; `[[source]] secret_env` → ingest;
//!   any `*_env` of a `[[team.notify]]` or `[[marketing.notify]]` → dispatch; `[routing] link_secret_env` → api and
//!   dispatch; `[[team]] api_key_env` and `[slack] signing_secret_env` → api; any other
//!   `*_env` → all three.
//!
//! `handoff config push FILE` ([`Parameters::push`]) validates the file (resolving the
//! names from its own environment), refuses plain `secret = "…"` / `api_token = "…"`
//! values, and writes the secrets and then the document. Each function loads the document
//! and **its own** secrets path only ([`SsmConfig::current`], cached for a short time),
//! so its IAM role can be limited to that path: the ingest function can never read the
//! API token, the api function never a provider's signing secret. A name that is not the
//! function's own resolves to a random stand-in made once per process ([`stand_in`]),
//! which nobody can know, so e.g. the admin routes of the ingest function refuse every
//! token.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};

use aws_sdk_ssm::types::ParameterType;
use base64::Engine as _;
use handoff_core::config::{Config, Problem};
use tokio::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum SsmError {
    /// SSM could not be reached or refused the call.
    #[error("SSM unavailable: {0}")]
    Unavailable(String),
    /// The document is invalid, or a secret the function needs is not stored.
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

fn sdk_error<E: std::error::Error + 'static>(e: E) -> SsmError {
    unavailable(aws_sdk_ssm::error::DisplayErrorContext(e))
}

/// One of the Lambda functions: each reads the secrets under its own path only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Function {
    /// `POST /hooks/{source_id}`: the sources' signing secrets.
    Ingest,
    /// The admin routes: the API token.
    Api,
    /// Notifications: the signing secrets of `[[team.notify]]` webhooks.
    Dispatch,
}

impl Function {
    pub const ALL: [Function; 3] = [Function::Ingest, Function::Api, Function::Dispatch];

    /// The path segment (`{prefix}/secrets/{this}/`); the function's binary is
    /// `handoff-{this}` (template.yaml grants its role this path only).
    pub fn as_str(self) -> &'static str {
        match self {
            Function::Ingest => "ingest",
            Function::Api => "api",
            Function::Dispatch => "dispatch",
        }
    }
}

impl std::fmt::Display for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The functions that need the secret named by `key` (a `*_env` key) in the table at
/// `tables` (the table names from the document's root, array indices left out:
/// `["team", "notify"]` for a `[[team.notify]]` entry).
pub fn readers(tables: &[&str], key: &str) -> &'static [Function] {
    match (tables, key) {
        (["server"], "api_token_env") => &[Function::Api],
        (["source"], "secret_env") => &[Function::Ingest],
        (["team", "notify"], _) | (["marketing", "notify"], _) => &[Function::Dispatch],
        // claim links are signed in notifications and verified by the claim routes
        (["routing"], "link_secret_env") => &[Function::Api, Function::Dispatch],
        (["team"], "api_key_env") | (["slack"], "signing_secret_env") => &[Function::Api],
        // A setting added later: every function can resolve it until it is placed.
        _ => &Function::ALL,
    }
}

/// What the `*_env` keys of a document reference: each name and the functions that read
/// it, plus problems with plain secrets (`secret = "…"`) and with names that cannot be
/// a parameter name segment.
struct References {
    names: BTreeMap<String, BTreeSet<Function>>,
    plain: Vec<Problem>,
    bad_names: Vec<Problem>,
}

fn references(text: &str, origin: &str) -> Result<References, Vec<Problem>> {
    let value: toml::Table = toml::from_str(text).map_err(|e: toml::de::Error| {
        vec![Problem {
            location: origin.to_string(),
            path: String::new(),
            message: e.message().to_string(),
        }]
    })?;
    let mut refs = References {
        names: BTreeMap::new(),
        plain: Vec::new(),
        bad_names: Vec::new(),
    };
    fn walk<'a>(
        v: &'a toml::Value,
        tables: &mut Vec<&'a str>,
        path: String,
        origin: &str,
        refs: &mut References,
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
                        (k, toml::Value::String(name)) if k.ends_with("_env") => {
                            if !valid_name(name) {
                                refs.bad_names.push(Problem {
                                    location: origin.to_string(),
                                    path: p.clone(),
                                    message: format!(
                                        "{name:?}: a secret's name must be 1-128 of A-Z a-z 0-9 _ . - (it names an SSM parameter)"
                                    ),
                                });
                            }
                            refs.names
                                .entry(name.clone())
                                .or_default()
                                .extend(readers(tables, k));
                        }
                        ("secret" | "api_token", _) => refs.plain.push(Problem {
                            location: origin.to_string(),
                            path: p.clone(),
                            message: format!(
                                "config push keeps secrets out of the document: use {k}_env = \"NAME\" and set NAME in the environment"
                            ),
                        }),
                        _ => {
                            tables.push(k.as_str());
                            walk(v, tables, p, origin, refs);
                            tables.pop();
                        }
                    }
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, tables, format!("{path}[{i}]"), origin, refs);
                }
            }
            _ => {}
        }
    }
    walk(
        &toml::Value::Table(value),
        &mut Vec::new(),
        String::new(),
        origin,
        &mut refs,
    );
    Ok(refs)
}

fn valid_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Names referenced by `*_env` keys with the functions that read them, or the problems
/// that keep `push` from storing the document (plain secrets, unusable names).
fn secret_names(
    text: &str,
    origin: &str,
) -> Result<BTreeMap<String, BTreeSet<Function>>, Vec<Problem>> {
    let mut refs = references(text, origin)?;
    refs.plain.append(&mut refs.bad_names);
    if refs.plain.is_empty() {
        Ok(refs.names)
    } else {
        Err(refs.plain)
    }
}

/// The value a function uses for a secret that is not its own: `whsec_` + base64 of 32
/// bytes from the operating system's CSPRNG, made on first use and kept for the life of
/// the process (so reloads do not change it). Nobody knows it, so nothing signed or
/// presented from outside can match it; the `whsec_` form passes every check the
/// configuration makes of a secret (Standard Webhooks keys, the API token).
pub fn stand_in(name: &str) -> Result<String, SsmError> {
    static STAND_INS: StdMutex<BTreeMap<String, String>> = StdMutex::new(BTreeMap::new());
    let mut map = STAND_INS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(v) = map.get(name) {
        return Ok(v.clone());
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)
        .map_err(|e| unavailable(format!("no random source for a stand-in secret: {e}")))?;
    let v = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    );
    map.insert(name.to_string(), v.clone());
    Ok(v)
}

/// What `push` stored.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub config: Config,
    pub document: String,
    /// Every SecureString written (`{prefix}/secrets/{function}/{NAME}`).
    pub secrets: Vec<String>,
    /// Secrets of the layout before per-function paths (`{prefix}/secrets/{NAME}`) that
    /// are still stored: no function reads them any more; delete them once the
    /// functions run the new layout.
    pub old_layout: Vec<String>,
}

/// The parameters under one prefix, as the administrator sees them (`config push`).
#[derive(Clone)]
pub struct Parameters {
    client: aws_sdk_ssm::Client,
    prefix: String,
}

impl Parameters {
    /// `prefix` like `/handoff/prod` (the template's `HANDOFF_SSM_PREFIX`).
    pub fn new(client: aws_sdk_ssm::Client, prefix: &str) -> Self {
        Parameters {
            client,
            prefix: prefix.trim_end_matches('/').to_string(),
        }
    }

    pub fn document_name(&self) -> String {
        format!("{}/config", self.prefix)
    }

    /// `{prefix}/secrets/{function}`: the only path `function` reads secrets from.
    pub fn secrets_path(&self, function: Function) -> String {
        format!("{}/secrets/{function}", self.prefix)
    }

    pub fn secret_name(&self, function: Function, name: &str) -> String {
        format!("{}/{name}", self.secrets_path(function))
    }

    /// Validates `text` with secrets from `env`, then stores each referenced secret
    /// (SecureString) under every function that reads it, and then the document.
    /// Nothing is written when the file has a problem.
    pub async fn push(
        &self,
        text: &str,
        origin: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Pushed, SsmError> {
        let names = secret_names(text, origin).map_err(SsmError::Invalid)?;
        let config = Config::from_toml_str(text, origin, env).map_err(SsmError::Invalid)?;
        let mut secrets = Vec::new();
        for (name, functions) in &names {
            let value = env(name).unwrap_or_default();
            for f in functions {
                let at = self.secret_name(*f, name);
                self.client
                    .put_parameter()
                    .name(&at)
                    .value(&value)
                    .r#type(ParameterType::SecureString)
                    .overwrite(true)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                secrets.push(at);
            }
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
            .map_err(sdk_error)?;
        // Only a hint for the upgrade: what is stored already is stored.
        let old_layout = self.old_layout().await.unwrap_or_default();
        Ok(Pushed {
            config,
            document: self.document_name(),
            secrets,
            old_layout,
        })
    }

    /// Parameters directly under `{prefix}/secrets` (names only, not decrypted).
    async fn old_layout(&self) -> Result<Vec<String>, SsmError> {
        let mut out = Vec::new();
        let mut pages = self
            .client
            .get_parameters_by_path()
            .path(format!("{}/secrets", self.prefix))
            .recursive(false)
            .with_decryption(false)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(sdk_error)?;
            out.extend(
                page.parameters
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| p.name),
            );
        }
        out.sort();
        Ok(out)
    }

    /// The secrets stored for `function`, by name (decrypted).
    async fn secrets_of(&self, function: Function) -> Result<BTreeMap<String, String>, SsmError> {
        let path = self.secrets_path(function);
        let below = format!("{path}/");
        let mut secrets = BTreeMap::new();
        let mut pages = self
            .client
            .get_parameters_by_path()
            .path(&path)
            .recursive(false)
            .with_decryption(true)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(sdk_error)?;
            for p in page.parameters.unwrap_or_default() {
                if let (Some(n), Some(v)) = (p.name, p.value) {
                    if let Some(name) = n.strip_prefix(&below) {
                        secrets.insert(name.to_string(), v);
                    }
                }
            }
        }
        Ok(secrets)
    }
}

/// The configuration of one function, from SSM under one prefix, with a reload cache.
pub struct SsmConfig {
    parameters: Parameters,
    function: Function,
    ttl: Duration,
    cache: Mutex<Option<(Instant, Arc<Config>)>>,
}

impl SsmConfig {
    /// `prefix` like `/handoff/prod`; `function` whose secrets are read; `ttl` how long
    /// a loaded configuration is reused.
    pub fn new(
        client: aws_sdk_ssm::Client,
        prefix: &str,
        function: Function,
        ttl: Duration,
    ) -> Self {
        SsmConfig {
            parameters: Parameters::new(client, prefix),
            function,
            ttl,
            cache: Mutex::new(None),
        }
    }

    pub fn function(&self) -> Function {
        self.function
    }

    pub fn parameters(&self) -> &Parameters {
        &self.parameters
    }

    /// Reads the document and this function's secrets and validates them (no cache).
    /// A name the function reads that is not stored at its path is an error naming the
    /// parameter (e.g. after an upgrade, before `handoff config push` ran again); the
    /// other functions' names resolve to [`stand_in`]s.
    pub async fn load(&self) -> Result<Config, SsmError> {
        let origin = self.parameters.document_name();
        let doc = self
            .parameters
            .client
            .get_parameter()
            .name(&origin)
            .send()
            .await
            .map_err(sdk_error)?;
        let text = doc
            .parameter
            .and_then(|p| p.value)
            .ok_or_else(|| unavailable("the config parameter has no value"))?;
        let names = references(&text, &origin).map_err(SsmError::Invalid)?.names;
        let stored = self.parameters.secrets_of(self.function).await?;
        let mut values = BTreeMap::new();
        let mut missing = Vec::new();
        for (name, functions) in names {
            if !functions.contains(&self.function) {
                values.insert(name.clone(), stand_in(&name)?);
            } else if let Some(v) = stored.get(&name) {
                values.insert(name, v.clone());
            } else {
                missing.push(Problem {
                    location: origin.clone(),
                    path: String::new(),
                    message: format!(
                        "secret {name} is not stored at {} (the {} function reads its secrets there only): run `handoff config push` with {name} set",
                        self.parameters.secret_name(self.function, &name),
                        self.function,
                    ),
                });
            }
        }
        if !missing.is_empty() {
            return Err(SsmError::Invalid(missing));
        }
        Config::from_toml_str(&text, &origin, &|k| values.get(k).cloned())
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

    fn readers_of(names: &BTreeMap<String, BTreeSet<Function>>, name: &str) -> Vec<Function> {
        names[name].iter().copied().collect()
    }

    #[test]
    fn push_refuses_plain_secrets_and_lists_referenced_names() {
        let text = "[server]\napi_token_env = \"TOKEN\"\n[[source]]\nid = \"a\"\nsecret_env = \"A\"\n[[source]]\nid = \"b\"\nsecret = \"plain\"\n";
        let errs = secret_names(text, "f.toml").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path, "source[1].secret");
        let ok = "[server]\napi_token_env = \"TOKEN\"\n[[source]]\nid = \"a\"\nsecret_env = \"A\"\n[[team]]\n[[team.notify]]\nsecret_env = \"HOOK\"\n";
        let names = secret_names(ok, "f.toml").unwrap();
        assert_eq!(
            names.keys().map(String::as_str).collect::<Vec<_>>(),
            ["A", "HOOK", "TOKEN"]
        );
    }

    #[test]
    fn each_secret_goes_to_the_functions_that_read_it() {
        let text = r#"
[server]
api_token_env = "TOKEN"
[routing]
link_secret_env = "LINKS"
[[source]]
id = "a"
secret_env = "A"
[[source]]
id = "b"
secret_env = "SHARED"
[slack]
signing_secret_env = "SLACK"
[later]
new_env = "NEW"
[[team]]
name = "t"
api_key_env = "TEAMKEY"
[[team.notify]]
secret_env = "HOOK"
[[team.notify]]
secret_env = "SHARED"
other_env = "OTHER"
"#;
        let names = secret_names(text, "f.toml").unwrap();
        use Function::*;
        assert_eq!(readers_of(&names, "TOKEN"), [Api]);
        assert_eq!(readers_of(&names, "A"), [Ingest]);
        assert_eq!(readers_of(&names, "HOOK"), [Dispatch]);
        assert_eq!(readers_of(&names, "OTHER"), [Dispatch]);
        // referenced by a source and a notify entry: both functions
        assert_eq!(readers_of(&names, "SHARED"), [Ingest, Dispatch]);
        assert_eq!(readers_of(&names, "LINKS"), [Api, Dispatch]);
        assert_eq!(readers_of(&names, "TEAMKEY"), [Api]);
        assert_eq!(readers_of(&names, "SLACK"), [Api]);
        // a key no rule places yet: every function
        assert_eq!(readers_of(&names, "NEW"), [Ingest, Api, Dispatch]);
    }

    #[test]
    fn a_name_that_is_no_parameter_segment_is_refused() {
        for bad in ["../api/TOKEN", "A/B", "", "has space"] {
            let text = format!("[[source]]\nid = \"a\"\nsecret_env = {bad:?}\n");
            let errs = secret_names(&text, "f.toml").unwrap_err();
            assert_eq!(errs.len(), 1, "{bad:?}");
            assert_eq!(errs[0].path, "source[0].secret_env", "{bad:?}");
        }
        assert!(secret_names("[[source]]\nsecret_env = \"Ok_1.a-b\"\n", "f").is_ok());
    }

    #[test]
    fn stand_ins_are_random_per_name_stable_and_valid_secrets() {
        let a = stand_in("STAND_IN_TEST_A").unwrap();
        let b = stand_in("STAND_IN_TEST_B").unwrap();
        assert_ne!(a, b);
        assert_eq!(
            a,
            stand_in("STAND_IN_TEST_A").unwrap(),
            "made once per process"
        );
        let key = base64::engine::general_purpose::STANDARD
            .decode(a.strip_prefix("whsec_").unwrap())
            .unwrap();
        assert_eq!(key.len(), 32);
        assert_ne!(key, [0u8; 32]);
        handoff_core::signing::check_secret(&a).unwrap();
    }
}
