//! Hostile input for the config loader (`Config::from_toml_str`):
//!
//! - it never panics, whatever the text;
//! - on documents built from the real keys (sources, teams, notify entries, delivery,
//!   server, readiness) with random valid and invalid values, missing fields, unknown
//!   keys, wrong types and duplicates, it returns a `Config` exactly when the document
//!   is valid by the rules of the README, and otherwise a non-empty list of problems,
//!   each located `origin:line:col` inside the document — on the lines of the offending
//!   values, as predicted here independently of the loader;
//! - a valid generated document round-trips its sources and teams.
//!
//! The TOML text is rendered from generated values, so the expected result is known
//! without asking the loader.

use std::collections::{BTreeMap, BTreeSet};

use handoff_core::config::{Config, NotifyKind, Problem};
use handoff_core::model::{Action, Business, Channel, ProviderKind};
use handoff_core::providers::standard;
use proptest::prelude::*;

const ORIGIN: &str = "prop.toml";
const VALID_WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The environment the documents are loaded with.
fn env(k: &str) -> Option<String> {
    match k {
        "SET" => Some("s3cret-0123456789".into()),
        "SET_WHSEC" => Some(VALID_WHSEC.into()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

fn load(text: &str) -> Result<Config, Vec<Problem>> {
    Config::from_toml_str(text, ORIGIN, &env)
}

// ---- generated documents ------------------------------------------------------------

/// A value as written in the document.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    S(String),
    I(i64),
}

impl Val {
    fn str(&self) -> Option<&str> {
        match self {
            Val::S(s) => Some(s),
            Val::I(_) => None,
        }
    }
}

#[derive(Debug, Clone)]
struct SourceSpec {
    id: Option<Val>,
    provider: Option<Val>,
    business: Option<Val>,
    channel: Option<Val>,
    secret: Option<Val>,
    secret_env: Option<Val>,
    action: Option<Val>,
    /// `colour = "red"`: not a source key.
    unknown_key: bool,
    /// `provider` written twice (when it is written at all): not TOML.
    duplicate_key: bool,
}

#[derive(Debug, Clone)]
struct NotifySpec {
    kind: Option<Val>,
    url: Option<Val>,
    secret: Option<Val>,
    secret_env: Option<Val>,
}

#[derive(Debug, Clone)]
struct TeamSpec {
    name: Option<Val>,
    channels: Option<Vec<String>>,
    notify: Vec<NotifySpec>,
}

#[derive(Debug, Clone)]
struct Doc {
    public_url: Option<Val>,
    ttl_hours: Option<Val>,
    api_token: Option<Val>,
    max_attempts: Option<Val>,
    backoff_initial_ms: Option<Val>,
    backoff_max_ms: Option<Val>,
    sources: Vec<SourceSpec>,
    teams: Vec<TeamSpec>,
    /// `[readiness."<business>"]` → hot actions (keys unique).
    readiness: Vec<(String, Vec<String>)>,
}

/// A TOML basic string (JSON's escapes are TOML's, except that TOML wants DEL escaped).
fn quoted(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap()
        .replace('\u{7f}', "\\u007F")
}

fn render_val(v: &Val) -> String {
    match v {
        Val::S(s) => quoted(s),
        Val::I(i) => i.to_string(),
    }
}

/// Lines being written, and the 1-based line of every key (by a path like
/// `source[0].id`).
#[derive(Default)]
struct Writer {
    lines: Vec<String>,
    at: BTreeMap<String, usize>,
}

impl Writer {
    fn line(&mut self, l: impl Into<String>) {
        self.lines.push(l.into());
    }
    /// Remembers the line just written as `path`'s.
    fn mark(&mut self, path: String) {
        self.at.insert(path, self.lines.len());
    }
    fn kv(&mut self, path: String, key: &str, v: &Option<Val>) {
        if let Some(v) = v {
            self.line(format!("{key} = {}", render_val(v)));
            self.mark(path);
        }
    }
}

/// The text, and the line of every key written.
fn render(d: &Doc) -> (String, BTreeMap<String, usize>) {
    let mut w = Writer::default();
    w.line("# generated");
    if d.public_url.is_some() || d.ttl_hours.is_some() || d.api_token.is_some() {
        w.line("[server]");
        w.kv("server.public_url".into(), "public_url", &d.public_url);
        w.kv(
            "server.raw_payload_ttl_hours".into(),
            "raw_payload_ttl_hours",
            &d.ttl_hours,
        );
        w.kv("server.api_token".into(), "api_token", &d.api_token);
    }
    if d.max_attempts.is_some() || d.backoff_initial_ms.is_some() || d.backoff_max_ms.is_some() {
        w.line("");
        w.line("[delivery]");
        w.kv(
            "delivery.max_attempts".into(),
            "max_attempts",
            &d.max_attempts,
        );
        w.kv(
            "delivery.backoff_initial_ms".into(),
            "backoff_initial_ms",
            &d.backoff_initial_ms,
        );
        w.kv(
            "delivery.backoff_max_ms".into(),
            "backoff_max_ms",
            &d.backoff_max_ms,
        );
    }
    for (i, s) in d.sources.iter().enumerate() {
        let p = |k: &str| format!("source[{i}].{k}");
        w.line("");
        w.line("[[source]]");
        w.mark(format!("source[{i}]"));
        w.kv(p("id"), "id", &s.id);
        w.kv(p("provider"), "provider", &s.provider);
        if s.duplicate_key && s.provider.is_some() {
            w.line("provider = \"standard\"");
        }
        w.kv(p("business"), "business", &s.business);
        w.kv(p("channel"), "channel", &s.channel);
        w.kv(p("secret"), "secret", &s.secret);
        w.kv(p("secret_env"), "secret_env", &s.secret_env);
        w.kv(p("action"), "action", &s.action);
        if s.unknown_key {
            w.line("colour = \"red\"");
        }
    }
    for (i, t) in d.teams.iter().enumerate() {
        w.line("");
        w.line("[[team]]");
        w.mark(format!("team[{i}]"));
        w.kv(format!("team[{i}].name"), "name", &t.name);
        if let Some(ch) = &t.channels {
            let items: Vec<String> = ch.iter().map(|c| quoted(c)).collect();
            w.line(format!("channels = [{}]", items.join(", ")));
            w.mark(format!("team[{i}].channels"));
        }
        for (j, n) in t.notify.iter().enumerate() {
            let p = |k: &str| format!("team[{i}].notify[{j}].{k}");
            w.line("[[team.notify]]");
            w.kv(p("kind"), "kind", &n.kind);
            w.kv(p("url"), "url", &n.url);
            w.kv(p("secret"), "secret", &n.secret);
            w.kv(p("secret_env"), "secret_env", &n.secret_env);
        }
    }
    for (b, hot) in &d.readiness {
        w.line("");
        w.line(format!("[readiness.{}]", quoted(b)));
        w.mark(format!("readiness.{b}"));
        let items: Vec<String> = hot.iter().map(|a| quoted(a)).collect();
        w.line(format!("hot_actions = [{}]", items.join(", ")));
        w.mark(format!("readiness.{b}.hot_actions"));
    }
    (w.lines.join("\n") + "\n", w.at)
}

// ---- the oracle: what the README's rules say about a document -----------------------

/// `Err(n)`: the document does not even deserialise, and the loader must report each
/// structural problem: every duplicate key (a TOML error; then nothing else), else one
/// per missing required key and one per table with a wrong type or an unknown key
/// (`[server]`, `[delivery]`, each source, team and notify entry read on its own).
/// `Ok(lines)`: the lines that must carry a problem (empty = valid).
fn expected_problem_lines(d: &Doc, at: &BTreeMap<String, usize>) -> Result<BTreeSet<usize>, usize> {
    // structure first
    let not_str = |v: &Option<Val>| matches!(v, Some(Val::I(_)));
    let not_int = |v: &Option<Val>| matches!(v, Some(Val::S(_)));
    let duplicates = d
        .sources
        .iter()
        .filter(|s| s.duplicate_key && s.provider.is_some())
        .count();
    if duplicates > 0 {
        return Err(duplicates);
    }
    let mut structural = 0;
    if not_str(&d.public_url) || not_str(&d.api_token) || not_int(&d.ttl_hours) {
        structural += 1;
    }
    if not_int(&d.max_attempts) || not_int(&d.backoff_initial_ms) || not_int(&d.backoff_max_ms) {
        structural += 1;
    }
    for s in &d.sources {
        let required = [&s.id, &s.provider, &s.business, &s.channel];
        let missing = required.iter().filter(|v| v.is_none()).count();
        if missing > 0 {
            structural += missing;
        } else if required.iter().any(|v| not_str(v))
            || [&s.secret, &s.secret_env, &s.action]
                .iter()
                .any(|v| not_str(v))
            || s.unknown_key
        {
            structural += 1;
        }
    }
    for t in &d.teams {
        let missing = [t.name.is_none(), t.channels.is_none()]
            .iter()
            .filter(|m| **m)
            .count();
        if missing > 0 {
            structural += missing;
        } else if not_str(&t.name) {
            structural += 1;
        }
        for n in &t.notify {
            // a missing kind, or else its first wrong type: one problem either way
            if n.kind.is_none()
                || [&n.kind, &n.url, &n.secret, &n.secret_env]
                    .iter()
                    .any(|v| not_str(v))
            {
                structural += 1;
            }
        }
    }
    if structural > 0 {
        return Err(structural);
    }

    let mut lines = BTreeSet::new();
    let line = |p: &str| *at.get(p).unwrap_or_else(|| panic!("no line for {p}"));
    let s = |v: &Option<Val>| v.as_ref().and_then(Val::str).map(str::to_string);
    let whsec_ok = |sec: &str| {
        use base64::Engine;
        let b = sec.strip_prefix("whsec_").unwrap_or(sec);
        base64::engine::general_purpose::STANDARD
            .decode(b)
            .is_ok_and(|k| !k.is_empty())
    };
    // secret / secret_env: the resolved secret, or the line of the problem
    let resolve = |secret: &Option<Val>,
                   secret_env: &Option<Val>,
                   prefix: &str|
     -> Result<Option<String>, Option<usize>> {
        match (s(secret), s(secret_env)) {
            (Some(v), None) if v.is_empty() => Err(Some(line(&format!("{prefix}.secret")))),
            (Some(v), None) => Ok(Some(v)),
            (None, Some(e)) => match env(&e) {
                Some(v) if !v.is_empty() => Ok(Some(v)),
                _ => Err(Some(line(&format!("{prefix}.secret_env")))),
            },
            (Some(_), Some(_)) => Err(Some(line(&format!("{prefix}.secret")))),
            (None, None) => Ok(None),
        }
    };
    let int = |v: &Option<Val>| match v {
        Some(Val::I(i)) => Some(*i),
        _ => None,
    };

    // [server], [delivery]
    if let Some(u) = s(&d.public_url) {
        if !(u.starts_with("http://") || u.starts_with("https://")) {
            lines.insert(line("server.public_url"));
        }
    }
    if let Some(h) = int(&d.ttl_hours) {
        if !(1..=8760).contains(&h) {
            lines.insert(line("server.raw_payload_ttl_hours"));
        }
    }
    if s(&d.api_token).is_some_and(|t| t.trim().is_empty()) {
        lines.insert(line("server.api_token"));
    }
    let ranges: [(&Option<Val>, &str, std::ops::RangeInclusive<i64>); 3] = [
        (&d.max_attempts, "delivery.max_attempts", 1..=50),
        (
            &d.backoff_initial_ms,
            "delivery.backoff_initial_ms",
            1..=3_600_000,
        ),
        (&d.backoff_max_ms, "delivery.backoff_max_ms", 1..=86_400_000),
    ];
    for (v, p, r) in ranges {
        if int(v).is_some_and(|i| !r.contains(&i)) {
            lines.insert(line(p));
        }
    }
    // both in range, the first wait larger than the cap
    if let (Some(i), Some(m)) = (int(&d.backoff_initial_ms), int(&d.backoff_max_ms)) {
        if (1..=3_600_000).contains(&i) && (1..=86_400_000).contains(&m) && i > m {
            lines.insert(line("delivery.backoff_initial_ms"));
        }
    }

    // [[source]]
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (i, src) in d.sources.iter().enumerate() {
        let p = |k: &str| format!("source[{i}].{k}");
        let id = s(&src.id).unwrap();
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            lines.insert(line(&p("id")));
        } else if !seen.insert(id.clone()) {
            // a duplicate of any earlier source, valid or not
            lines.insert(line(&p("id")));
        }
        let provider = s(&src.provider).unwrap().parse::<ProviderKind>().ok();
        let business_ok = s(&src.business).unwrap().parse::<Business>().is_ok();
        let channel_ok = s(&src.channel).unwrap().parse::<Channel>().is_ok();
        for (ok, k) in [
            (provider.is_some(), "provider"),
            (business_ok, "business"),
            (channel_ok, "channel"),
        ] {
            if !ok {
                lines.insert(line(&p(k)));
            }
        }
        if let Some(a) = s(&src.action) {
            if a.parse::<Action>().is_err() {
                lines.insert(line(&p("action")));
            }
        }
        let secret = match resolve(&src.secret, &src.secret_env, &format!("source[{i}]")) {
            Ok(None) => {
                lines.insert(line(&p("id"))); // "a signing secret is required", at the id
                None
            }
            Ok(Some(v)) => Some(v),
            Err(l) => {
                lines.extend(l);
                None
            }
        };
        let mut secret_ok = secret.is_some();
        if let (Some(provider), Some(sec)) = (provider, &secret) {
            if (provider == standard::KIND && !whsec_ok(sec))
                || (provider != standard::KIND && sec.chars().count() < 16)
            {
                secret_ok = false;
                let k = if src.secret.is_some() {
                    "secret"
                } else {
                    "secret_env"
                };
                lines.insert(line(&p(k)));
            }
        }
        // the loader keeps a source whose fields are all valid even when its Standard
        // secret is not a whsec_ one (the problem makes the whole config fail anyway)
        let _ = secret_ok;
    }
    if d.sources.is_empty() {
        lines.insert(1); // "no [[source]] is configured", at the start
    }

    // [[team]]
    let mut names: BTreeSet<String> = BTreeSet::new();
    for (i, t) in d.teams.iter().enumerate() {
        let p = |k: &str| format!("team[{i}].{k}");
        let name = s(&t.name).unwrap();
        let name_ok =
            !name.is_empty() && !name.contains('.') && name.chars().all(|c| !c.is_control());
        if !name_ok || names.contains(&name) {
            lines.insert(line(&p("name")));
        }
        let channels = t.channels.as_ref().unwrap();
        if channels.is_empty() || channels.iter().any(|c| c.parse::<Channel>().is_err()) {
            lines.insert(line(&p("channels")));
        }
        if t.notify.is_empty() {
            lines.insert(line(&p("name")));
        }
        for (j, n) in t.notify.iter().enumerate() {
            let np = |k: &str| format!("team[{i}].notify[{j}].{k}");
            let kind = match s(&n.kind).unwrap().as_str() {
                "console" => Some(NotifyKind::Console),
                "slack" => Some(NotifyKind::Slack),
                "webhook" => Some(NotifyKind::Webhook),
                _ => {
                    lines.insert(line(&np("kind")));
                    None
                }
            };
            let url = s(&n.url);
            match (kind, &url) {
                (Some(NotifyKind::Console), Some(_)) => {
                    lines.insert(line(&np("url")));
                }
                (Some(NotifyKind::Slack | NotifyKind::Webhook), None) => {
                    lines.insert(line(&np("kind")));
                }
                (_, Some(u)) if !(u.starts_with("http://") || u.starts_with("https://")) => {
                    lines.insert(line(&np("url")));
                }
                _ => {}
            }
            match resolve(&n.secret, &n.secret_env, &format!("team[{i}].notify[{j}]")) {
                Err(l) => lines.extend(l),
                Ok(Some(sec)) => {
                    if kind != Some(NotifyKind::Webhook) || !whsec_ok(&sec) {
                        lines.insert(line(&np("kind")));
                    }
                }
                Ok(None) => {}
            }
        }
        if name_ok {
            names.insert(name);
        }
    }

    // [readiness.<business>]
    for (b, hot) in &d.readiness {
        if b.parse::<Business>().is_err() {
            lines.insert(line(&format!("readiness.{b}")));
        } else if hot.iter().any(|a| a.parse::<Action>().is_err()) {
            lines.insert(line(&format!("readiness.{b}.hot_actions")));
        }
    }
    Ok(lines)
}

// ---- strategies ---------------------------------------------------------------------

const PROVIDERS: &[&str] = &["standard", "typeform", "shopify", "intercom"];
const BAD_PROVIDERS: &[&str] = &["typefrom", "Standard", "", "standard ", "svix", "ßhopify"];
const BUSINESSES: &[&str] = &["ecommerce", "b2b", "services"];
const BAD_BUSINESSES: &[&str] = &["B2B", "retail", "", "b2c", "serv\u{ed}ces"];
const CHANNELS: &[&str] = &["web_form", "cart", "live_chat", "social", "phone", "email"];
const BAD_CHANNELS: &[&str] = &["fax", "Web_Form", "", "web-form", "📞"];
const ACTIONS: &[&str] = &[
    "add_to_cart",
    "checkout_started",
    "payment_requested",
    "demo_request",
    "price_list_download",
    "proposal_request",
    "call_request",
    "quote_request",
    "newsletter_signup",
    "content_download",
    "page_view",
    "chat_message",
    "form_submission",
];
const BAD_ACTIONS: &[&str] = &["buy_now", "", "DemoRequest", "demo_request\n"];
const IDS: &[&str] = &["a", "b", "web-1", "shop_2", "A9"];
const BAD_IDS: &[&str] = &["", "has space", "dot.id", "ünï", "slash/id"];
const KINDS: &[&str] = &["console", "slack", "webhook"];
const BAD_KINDS: &[&str] = &["email", "Slack", "", "sms"];
const URLS: &[&str] = &[
    "http://127.0.0.1:9/crm",
    "https://hooks.slack.com/services/T/B/C",
];
const BAD_URLS: &[&str] = &["ftp://x", "hooks.slack.com", "", "HTTP://caps.example"];
const NAMES: &[&str] = &["web", "cart-sales", "Chat Team", "équipe"];
const BAD_NAMES: &[&str] = &["", "a.b", "tab\tname", "del\u{7f}"];
const SECRETS: &[&str] = &[
    VALID_WHSEC,
    "plain-secret",
    "",
    "whsec_!!notbase64",
    "whsec_",
];
const ENV_NAMES: &[&str] = &["SET", "SET_WHSEC", "EMPTY", "UNSET"];

fn s(x: &&str) -> Val {
    Val::S(x.to_string())
}

/// A string field: mostly valid, sometimes invalid, missing or a number.
fn field(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
) -> BoxedStrategy<Option<Val>> {
    prop_oneof![
        200 => prop::sample::select(valid).prop_map(|v| Some(s(&v))),
        12 => prop::sample::select(invalid).prop_map(|v| Some(s(&v))),
        1 => Just(None),
        1 => (-3i64..70).prop_map(|i| Some(Val::I(i))),
    ]
    .boxed()
}

/// An optional string field: usually absent.
fn optional(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
) -> BoxedStrategy<Option<Val>> {
    prop_oneof![
        60 => Just(None),
        30 => prop::sample::select(valid).prop_map(|v| Some(s(&v))),
        8 => prop::sample::select(invalid).prop_map(|v| Some(s(&v))),
        1 => (0i64..3).prop_map(|i| Some(Val::I(i))),
    ]
    .boxed()
}

fn int_field(lo: i64, hi: i64) -> BoxedStrategy<Option<Val>> {
    prop_oneof![
        60 => Just(None),
        40 => (lo..=hi).prop_map(|i| Some(Val::I(i))),
        8 => prop_oneof![Just(lo - 1), Just(hi + 1), Just(-1i64), Just(0i64), Just(i64::MAX)].prop_map(|i| Some(Val::I(i))),
        1 => Just(Some(Val::S("3".into()))),
    ]
    .boxed()
}

/// secret / secret_env as a pair (both, one, none).
fn secret_pair() -> BoxedStrategy<(Option<Val>, Option<Val>)> {
    prop_oneof![
        60 => Just((Some(s(&VALID_WHSEC)), None)),
        20 => Just((None, Some(s(&"SET_WHSEC")))),
        8 => prop::sample::select(SECRETS).prop_map(|v| (Some(s(&v)), None)),
        4 => prop::sample::select(ENV_NAMES).prop_map(|v| (None, Some(s(&v)))),
        2 => Just((None, None)),
        2 => (prop::sample::select(SECRETS), prop::sample::select(ENV_NAMES))
            .prop_map(|(a, b)| (Some(s(&a)), Some(s(&b)))),
        1 => Just((Some(Val::I(7)), None)),
    ]
    .boxed()
}

fn source_spec() -> impl Strategy<Value = SourceSpec> {
    (
        field(IDS, BAD_IDS),
        field(PROVIDERS, BAD_PROVIDERS),
        field(BUSINESSES, BAD_BUSINESSES),
        field(CHANNELS, BAD_CHANNELS),
        secret_pair(),
        optional(ACTIONS, BAD_ACTIONS),
        prop::bool::weighted(0.01),
        prop::bool::weighted(0.01),
    )
        .prop_map(
            |(
                id,
                provider,
                business,
                channel,
                (secret, secret_env),
                action,
                unknown_key,
                duplicate_key,
            )| SourceSpec {
                id,
                provider,
                business,
                channel,
                secret,
                secret_env,
                action,
                unknown_key,
                duplicate_key,
            },
        )
}

fn notify_spec() -> impl Strategy<Value = NotifySpec> {
    (
        field(KINDS, BAD_KINDS),
        optional(URLS, BAD_URLS),
        prop_oneof![
            12 => Just((None, None)),
            2 => prop::sample::select(SECRETS).prop_map(|v| (Some(s(&v)), None)),
            1 => prop::sample::select(ENV_NAMES).prop_map(|v| (None, Some(s(&v)))),
            1 => Just((Some(s(&VALID_WHSEC)), Some(s(&"SET")))),
        ],
    )
        .prop_map(|(kind, url, (secret, secret_env))| NotifySpec {
            kind,
            url,
            secret,
            secret_env,
        })
}

fn string_list(
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
) -> BoxedStrategy<Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            30 => prop::sample::select(valid),
            1 => prop::sample::select(invalid),
        ]
        .prop_map(str::to_string),
        0..4,
    )
    .boxed()
}

fn team_spec() -> impl Strategy<Value = TeamSpec> {
    (
        prop_oneof![
            80 => prop::sample::select(NAMES).prop_map(|v| Some(s(&v))),
            6 => prop::sample::select(BAD_NAMES).prop_map(|v| Some(s(&v))),
            1 => Just(None),
        ],
        prop_oneof![80 => string_list(CHANNELS, BAD_CHANNELS).prop_map(Some), 1 => Just(None)],
        prop::collection::vec(notify_spec(), 0..3),
    )
        .prop_map(|(name, channels, notify)| TeamSpec {
            name,
            channels,
            notify,
        })
}

fn doc() -> impl Strategy<Value = Doc> {
    (
        optional(&["http://leads.example.test", "https://x.example/"], &["leads.example.test", ""]),
        int_field(1, 8760),
        optional(&["tok"], &[""]),
        int_field(1, 50),
        int_field(1, 3_600_000),
        int_field(1, 86_400_000),
        prop::collection::vec(source_spec(), 0..5),
        prop::collection::vec(team_spec(), 0..4),
        prop::collection::btree_map(
            prop_oneof![4 => prop::sample::select(BUSINESSES), 1 => prop::sample::select(&["retail", "B2B"][..])].prop_map(str::to_string),
            string_list(ACTIONS, BAD_ACTIONS),
            0..3,
        ),
    )
        .prop_map(
            |(public_url, ttl_hours, api_token, max_attempts, backoff_initial_ms, backoff_max_ms, sources, teams, readiness)| Doc {
                public_url,
                ttl_hours,
                api_token,
                max_attempts,
                backoff_initial_ms,
                backoff_max_ms,
                sources,
                teams,
                readiness: readiness.into_iter().collect(),
            },
        )
}

/// What a valid source is expected to load as.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    provider: ProviderKind,
    business: Business,
    channel: Channel,
    secret: String,
    action: Option<Action>,
}

/// Valid documents only: unique ids, valid values, the right kind of secret.
fn valid_doc() -> impl Strategy<Value = (Doc, BTreeMap<String, Expected>)> {
    let source = (
        prop::sample::select(PROVIDERS),
        prop::sample::select(BUSINESSES),
        prop::sample::select(CHANNELS),
        prop::option::of(prop::sample::select(ACTIONS)),
        prop::bool::ANY,
    );
    let team = (
        prop::sample::select(NAMES),
        prop::collection::btree_set(prop::sample::select(CHANNELS), 1..4),
        prop::collection::vec(prop::sample::select(KINDS), 1..4),
    );
    (
        prop::collection::btree_set("[a-zA-Z0-9_-]{1,64}", 1..6),
        prop::collection::vec(source, 6),
        prop::collection::vec(team, 0..4),
    )
        .prop_map(|(ids, sources, teams)| {
            let mut expected = BTreeMap::new();
            let mut specs = Vec::new();
            for (id, (provider, business, channel, action, from_env)) in
                ids.into_iter().zip(sources)
            {
                let standard = provider == "standard";
                let (secret, secret_env, value) = match (standard, from_env) {
                    (true, false) => (Some(s(&VALID_WHSEC)), None, VALID_WHSEC),
                    (true, true) => (None, Some(s(&"SET_WHSEC")), VALID_WHSEC),
                    (false, false) => (
                        Some(s(&"plain-secret-0123456789")),
                        None,
                        "plain-secret-0123456789",
                    ),
                    (false, true) => (None, Some(s(&"SET")), "s3cret-0123456789"),
                };
                expected.insert(
                    id.clone(),
                    Expected {
                        provider: provider.parse().unwrap(),
                        business: business.parse().unwrap(),
                        channel: channel.parse().unwrap(),
                        secret: value.to_string(),
                        action: action.map(|a| a.parse().unwrap()),
                    },
                );
                specs.push(SourceSpec {
                    id: Some(Val::S(id)),
                    provider: Some(s(&provider)),
                    business: Some(s(&business)),
                    channel: Some(s(&channel)),
                    secret,
                    secret_env,
                    action: action.map(|a| s(&a)),
                    unknown_key: false,
                    duplicate_key: false,
                });
            }
            let mut seen = BTreeSet::new();
            let teams = teams
                .into_iter()
                .filter(|(name, _, _)| seen.insert(*name))
                .map(|(name, channels, kinds)| TeamSpec {
                    name: Some(s(&name)),
                    channels: Some(channels.into_iter().map(str::to_string).collect()),
                    notify: kinds
                        .into_iter()
                        .enumerate()
                        .map(|(j, k)| NotifySpec {
                            kind: Some(s(&k)),
                            url: (k != "console").then(|| s(&URLS[j % URLS.len()])),
                            secret: (k == "webhook").then(|| s(&VALID_WHSEC)),
                            secret_env: None,
                        })
                        .collect(),
                })
                .collect();
            let doc = Doc {
                public_url: None,
                ttl_hours: None,
                api_token: None,
                max_attempts: Some(Val::I(3)),
                backoff_initial_ms: None,
                backoff_max_ms: None,
                sources: specs,
                teams,
                readiness: vec![],
            };
            (doc, expected)
        })
}

// ---- checks -------------------------------------------------------------------------

/// Every problem is located `origin:line:col` inside `text`; returns the lines.
fn located_lines(text: &str, problems: &[Problem]) -> Result<BTreeSet<usize>, TestCaseError> {
    prop_assert!(!problems.is_empty(), "an error without problems");
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = BTreeSet::new();
    for p in problems {
        let rest = p.location.strip_prefix(&format!("{ORIGIN}:"));
        prop_assert!(
            rest.is_some(),
            "location {:?} does not start with {ORIGIN}:",
            p.location
        );
        let mut parts = rest.unwrap().split(':');
        let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        let col: usize = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
        prop_assert!(parts.next().is_none(), "location {:?}", p.location);
        prop_assert!(
            (1..=lines.len()).contains(&line),
            "line {line} outside the document's {} lines: {p}",
            lines.len()
        );
        let width = lines[line - 1].chars().count();
        prop_assert!(
            (1..=width + 1).contains(&col),
            "col {col} outside line {line} ({width} chars): {p}"
        );
        prop_assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
        out.insert(line);
    }
    Ok(out)
}

fn check_any_text(text: &str) -> Result<(), TestCaseError> {
    if let Err(problems) = load(text) {
        located_lines(text, &problems)?;
    }
    Ok(())
}

/// Text pieces a config is made of, to build TOML-ish noise.
const PIECES: &[&str] = &[
    "[[source]]\n",
    "[[team]]\n",
    "[[team.notify]]\n",
    "[server]\n",
    "[delivery]\n",
    "[readiness.b2b]\n",
    "[source]\n",
    "id = ",
    "provider = ",
    "channels = ",
    "kind = ",
    "secret = ",
    "max_attempts = ",
    "hot_actions = ",
    "\"standard\"",
    "\"web_form\"",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\n",
    "\r\n",
    " ",
    "\t",
    "#",
    "é",
    "ß",
    "📞",
    "\u{0}",
    "\u{7f}",
    "\u{feff}",
    "\\",
    "\\u00e9",
    "\\U0001F4DE",
    "1979-05-27T07:32:00Z",
    "1e400",
    "0x7f",
    "-0",
    "inf",
    "nan",
    "true",
];

fn toml_noise() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<char>().prop_map(String::from),
        ],
        0..60,
    )
    .prop_map(|v| v.concat())
}

/// A valid document with random edits: characters cut, inserted or replaced.
fn mutated_valid_doc() -> impl Strategy<Value = String> {
    (
        valid_doc(),
        prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<char>()), 1..6),
    )
        .prop_map(|((doc, _), edits)| {
            let mut chars: Vec<char> = render(&doc).0.chars().collect();
            for (at, op, c) in edits {
                if chars.is_empty() {
                    chars.push(c);
                    continue;
                }
                let i = at.index(chars.len());
                match op {
                    0 => {
                        chars.remove(i);
                    }
                    1 => chars.insert(i, c),
                    _ => chars[i] = c,
                }
            }
            chars.into_iter().collect()
        })
}

proptest! {
    // PROPTEST_CASES=100000 for a long run
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1024),
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_panics_on_arbitrary_strings(text in any::<String>()) {
        check_any_text(&text)?;
    }

    #[test]
    fn never_panics_on_toml_noise(text in toml_noise()) {
        check_any_text(&text)?;
    }

    #[test]
    fn never_panics_on_edited_configs(text in mutated_valid_doc()) {
        check_any_text(&text)?;
    }

    #[test]
    fn generated_documents_are_judged_by_the_rules(d in doc()) {
        let (text, at) = render(&d);
        let expected = expected_problem_lines(&d, &at);
        match (load(&text), expected) {
            (Ok(_), Ok(lines)) => prop_assert!(lines.is_empty(), "accepted, but problems were expected on lines {lines:?}:\n{text}"),
            (Ok(_), Err(_)) => prop_assert!(false, "accepted a document that does not deserialise:\n{text}"),
            (Err(problems), expected) => {
                let got = located_lines(&text, &problems)?;
                let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                match expected {
                    Err(n) => prop_assert_eq!(problems.len(), n, "{:#?}\n{}", shown, text),
                    Ok(lines) => {
                        prop_assert!(!lines.is_empty(), "rejected a valid document: {shown:#?}\n{text}");
                        prop_assert_eq!(&got, &lines, "problem lines: {:#?}\n{}", shown, text);
                    }
                }
            }
        }
    }

    #[test]
    fn valid_documents_round_trip_their_sources_and_teams((d, expected) in valid_doc()) {
        let (text, at) = render(&d);
        prop_assert_eq!(expected_problem_lines(&d, &at), Ok(BTreeSet::new()));
        let c = match load(&text) {
            Ok(c) => c,
            Err(p) => {
                let shown: Vec<String> = p.iter().map(|p| p.to_string()).collect();
                return Err(TestCaseError::fail(format!("rejected: {shown:#?}\n{text}")));
            }
        };
        let got: BTreeMap<String, Expected> = c
            .sources
            .iter()
            .map(|(id, s)| {
                prop_assert_eq!(id, &s.id);
                Ok((
                    id.clone(),
                    Expected {
                        provider: s.provider,
                        business: s.business,
                        channel: s.channel,
                        secret: s.secret.expose().to_string(),
                        action: s.default_action,
                    },
                ))
            })
            .collect::<Result<_, TestCaseError>>()?;
        prop_assert_eq!(got, expected);
        prop_assert_eq!(c.teams.len(), d.teams.len());
        for (t, spec) in c.teams.iter().zip(&d.teams) {
            prop_assert_eq!(Some(t.name.as_str()), spec.name.as_ref().and_then(Val::str));
            let want: BTreeSet<Channel> = spec.channels.as_ref().unwrap().iter().map(|c| c.parse().unwrap()).collect();
            prop_assert_eq!(&t.channels, &want);
            prop_assert_eq!(t.notify.len(), spec.notify.len());
            for (n, ns) in t.notify.iter().zip(&spec.notify) {
                prop_assert_eq!(Some(n.target.kind().as_str()), ns.kind.as_ref().and_then(Val::str));
                prop_assert_eq!(n.target.url(), ns.url.as_ref().and_then(Val::str));
                let secret = match &n.target {
                    handoff_core::config::Target::Webhook { secret, .. } => secret.as_ref(),
                    _ => None,
                };
                prop_assert_eq!(secret.map(|s| s.expose()), ns.secret.as_ref().and_then(Val::str));
            }
        }
        prop_assert_eq!(c.delivery.max_attempts(), 3);
    }
}
