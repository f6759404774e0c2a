//! Configuration: sources, teams, readiness rules and server settings, from TOML.
//!
//! Loading collects **every** problem with its location (`file:line:col: path: message`)
//! instead of stopping at the first, so `handoff config check` can list them all.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use crate::model::{Action, Business, Channel, ProviderKind};
use crate::readiness::{BusinessRules, Rules};

/// The built-in demo configuration (`handoff serve` without `--config`). Demo only:
/// its secrets are published in the README.
pub const DEMO_TOML: &str = include_str!("demo.toml");

/// A secret value. Never printed: `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub provider: ProviderKind,
    /// What its deliveries are: leads (the default) or a CRM's outcomes.
    pub purpose: SourcePurpose,
    /// For an outcomes source, which has none, `b2b` (never read).
    pub business: Business,
    /// For an outcomes source, which has none, `web_form` (never read).
    pub channel: Channel,
    pub secret: Secret,
    /// The action a form stands for when its payload does not say.
    pub default_action: Option<Action>,
    /// The region national phone numbers are read in (`"DE"`), for contacts.
    pub default_region: Option<String>,
}

/// `[[source]] purpose`: what a source's deliveries are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourcePurpose {
    /// Leads (forms, carts, chats): verified, classified, stored, routed.
    #[default]
    Leads,
    /// `lead.outcome` events from a CRM (`provider = "standard"`): each records an
    /// outcome on the lead it names ([`crate::outcomes`]).
    Outcomes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyKind {
    Console,
    Slack,
    Webhook,
}

impl NotifyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyKind::Console => "console",
            NotifyKind::Slack => "slack",
            NotifyKind::Webhook => "webhook",
        }
    }
}

/// Where one `[[team.notify]]` entry sends, typed per kind: a kind that needs a URL
/// cannot exist without one.
#[derive(Debug, Clone)]
pub enum Target {
    /// One line on the server's stdout.
    Console,
    /// A Slack incoming webhook.
    Slack { url: String },
    /// A generic webhook (CRM), signed per Standard Webhooks when it has a secret.
    Webhook { url: String, secret: Option<Secret> },
}

impl Target {
    pub fn kind(&self) -> NotifyKind {
        match self {
            Target::Console => NotifyKind::Console,
            Target::Slack { .. } => NotifyKind::Slack,
            Target::Webhook { .. } => NotifyKind::Webhook,
        }
    }
    pub fn url(&self) -> Option<&str> {
        match self {
            Target::Console => None,
            Target::Slack { url } | Target::Webhook { url, .. } => Some(url),
        }
    }
}

/// One `[[team.notify]]` entry with its stable id: the outbox addresses it by
/// `(team, id)`, so reordering entries never retargets a pending notification.
#[derive(Debug, Clone)]
pub struct Notify {
    /// The explicit `id`, or one derived from what the entry is: `console` for a console
    /// entry, `{kind}-{first 8 hex digits of SHA-256(url)}` otherwise; identical entries
    /// (same kind and URL) are numbered in order (`-2`, `-3` …).
    pub id: String,
    pub target: Target,
    /// Slack only: the message's Claim button is an interactive Block Kit button
    /// (`action_id = "claim"`) for a Slack app posting to `POST /slack/actions`, not a
    /// link (`claim_button = "action"`; needs `[slack] signing_secret_env`).
    pub claim_action: bool,
}

/// The id of an entry without an explicit one (see [`Notify::id`]).
pub fn derived_notify_id(kind: NotifyKind, url: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    match url {
        None => kind.as_str().to_string(),
        Some(u) => format!(
            "{}-{}",
            kind.as_str(),
            &hex::encode(Sha256::digest(u.as_bytes()))[..8]
        ),
    }
}

/// What a notify URL (already `http(s)://…`) must be: a host, no credentials in it, not
/// a link-local or cloud-metadata address; Slack only over https (but for a receiver on
/// loopback, for local tries).
fn check_notify_url(kind: NotifyKind, url: &str) -> Result<(), String> {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("must not carry credentials (user:password@): use a secret".into());
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    }
    .to_ascii_lowercase();
    if host.is_empty() {
        return Err("has no host".into());
    }
    let loopback = host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback());
    let link_local = host
        .parse::<std::net::Ipv4Addr>()
        .is_ok_and(|a| a.is_link_local())
        || host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|a| (a.segments()[0] & 0xffc0) == 0xfe80)
        || host == "metadata.google.internal"
        || host == "metadata";
    if link_local {
        return Err(format!(
            "points at {host}, a link-local or cloud metadata address: notifications never go there"
        ));
    }
    if kind == NotifyKind::Slack && scheme != "https" && !loopback {
        return Err("Slack webhooks are https:// (http:// only to a receiver on loopback)".into());
    }
    Ok(())
}

/// A Slack `response_url` handoff may post a message update to: an http(s) URL that
/// passes the notify URL checks for Slack (https, or loopback for local tries).
pub fn check_slack_reply_url(url: &str) -> Result<(), String> {
    if !url.starts_with("https://") && !url.starts_with("http://") {
        return Err("is not an http(s) URL".into());
    }
    check_notify_url(NotifyKind::Slack, url)
}

/// Explicit notify ids: 1–40 of `a-z 0-9 _ -`, starting with a letter or digit.
fn valid_notify_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        && !id.starts_with(['_', '-'])
}

#[derive(Debug, Clone)]
pub struct Team {
    pub name: String,
    pub channels: BTreeSet<Channel>,
    pub notify: Vec<Notify>,
    /// Optional filters: all the given ones must match (empty: any).
    pub businesses: BTreeSet<Business>,
    pub sources: BTreeSet<String>,
    pub campaigns: BTreeSet<String>,
    /// Notified of the leads it matches, owns none (a manager's channel, say).
    pub watch: bool,
    pub timezone: chrono_tz::Tz,
    pub hours: crate::schedule::Hours,
    /// Unclaimed this long → escalate (acted on by the claims issue).
    pub sla: Option<chrono::Duration>,
    pub max_escalations: u32,
    /// Takes the leads nobody here can take, and the end of escalation.
    pub fallback: Option<String>,
    pub members: Vec<Member>,
    /// The team's own API key (`api_key_env`): a bearer token that acts for this team
    /// only (claims, its leads).
    pub api_key: Option<Secret>,
}

/// A rep of a team (`[[team.member]]`).
#[derive(Debug, Clone)]
pub struct Member {
    /// Unique within the team.
    pub name: String,
    pub weight: u32,
    /// The member's own, else the team's.
    pub timezone: chrono_tz::Tz,
    /// The member's own, else the team's.
    pub hours: crate::schedule::Hours,
    /// Dates in the member's time zone, inclusive.
    pub away: Vec<crate::schedule::DateRange>,
    /// Most open leads (assigned, not yet claimed) at once.
    pub max_open: Option<u32>,
    pub slack: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// `[qualification.<business>]`: when a contact is marketing-qualified (MQL): its
/// leads' scores within `mql_window` add up to `mql_score`, or one of `mql_actions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualification {
    pub mql_score: u32,
    pub mql_window: chrono::Duration,
    pub mql_actions: BTreeSet<Action>,
}

impl Default for Qualification {
    fn default() -> Self {
        Qualification {
            mql_score: 60,
            mql_window: chrono::Duration::days(30),
            mql_actions: BTreeSet::new(),
        }
    }
}

/// What `[marketing] send` hands back to marketing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HandBack {
    /// Leads that are not (yet) for sales.
    Nurture,
    /// Contacts that became marketing-qualified.
    Mql,
    /// Leads sales rejected (with the reason).
    Rejected,
    /// Leads sales lost (with the reason).
    Lost,
}

impl HandBack {
    pub const ALL: [HandBack; 4] = [
        HandBack::Nurture,
        HandBack::Mql,
        HandBack::Rejected,
        HandBack::Lost,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            HandBack::Nurture => "nurture",
            HandBack::Mql => "mql",
            HandBack::Rejected => "rejected",
            HandBack::Lost => "lost",
        }
    }
}

/// `[marketing]`: the leads handed back to marketing, and where they go.
#[derive(Debug, Clone, Default)]
pub struct Marketing {
    pub send: BTreeSet<HandBack>,
    pub notify: Vec<Notify>,
}

impl Marketing {
    /// The notify entry `id` of `[[marketing.notify]]`.
    pub fn notify_entry(&self, id: &str) -> Option<&Notify> {
        self.notify.iter().find(|n| n.id == id)
    }
}

/// `[outcomes]`: the reasons sales may give for a rejected or a lost lead. A list
/// written here replaces the default one (it does not extend it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeLists {
    pub rejected_reasons: Vec<String>,
    pub lost_reasons: Vec<String>,
}

impl Default for OutcomeLists {
    fn default() -> Self {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        OutcomeLists {
            rejected_reasons: v(&[
                "not_a_buyer",
                "no_budget",
                "wrong_contact",
                "duplicate",
                "spam",
            ]),
            lost_reasons: v(&["price", "competitor", "timing", "no_decision"]),
        }
    }
}

/// `[routing]`.
#[derive(Debug, Clone)]
pub struct RoutingConfig {
    /// Signs claim links; required once any team has members.
    pub link_secret: Option<Secret>,
    pub claim_link_ttl: chrono::Duration,
    /// Owner of the leads no team matches.
    pub default_team: Option<String>,
    /// A hot lead of a contact with another hot lead this recent is a touch of it: same
    /// owner, no new notification. Zero turns merging off.
    pub merge_window: chrono::Duration,
    /// A hot lead goes to the member who claimed the contact's previous lead this recent
    /// (when available). Zero turns it off.
    pub sticky: chrono::Duration,
    /// A lead a member claimed counts in their `max_open` until its outcome is recorded,
    /// or this long after the claim.
    pub open_for: chrono::Duration,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        RoutingConfig {
            link_secret: None,
            claim_link_ttl: chrono::Duration::hours(24),
            default_team: None,
            merge_window: chrono::Duration::minutes(10),
            sticky: chrono::Duration::days(30),
            open_for: chrono::Duration::days(7),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Bearer token for the read routes; `None` leaves them open (loopback only).
    pub api_token: Option<Secret>,
    /// Base URL used in links to leads (e.g. in Slack messages). When unset, the local
    /// server uses its own listen address and the Lambda functions relative links.
    pub public_url: Option<String>,
    /// How long raw payloads are kept (`raw_payload_ttl`, default 72 h).
    pub raw_payload_ttl: chrono::Duration,
    /// How long refused deliveries stay in the rejected log (`rejected_ttl`, default 30 d).
    pub rejected_ttl: chrono::Duration,
    /// Local server: the longest a client may take to send its request headers.
    pub header_timeout: chrono::Duration,
    /// Local server: the longest a client may take to send its request body.
    pub body_timeout: chrono::Duration,
    /// Local server: an idle keep-alive connection is closed after this long.
    pub idle_timeout: chrono::Duration,
    /// Local server: connections open at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            api_token: None,
            public_url: None,
            raw_payload_ttl: chrono::Duration::hours(72),
            rejected_ttl: chrono::Duration::days(30),
            header_timeout: chrono::Duration::seconds(10),
            body_timeout: chrono::Duration::seconds(30),
            idle_timeout: chrono::Duration::seconds(60),
            max_connections: 1024,
        }
    }
}

/// Notification retry policy: the wait before each retry. A notification gets one
/// attempt plus one per schedule entry, then it is a dead letter.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryPolicy {
    /// `schedule[k]` is the wait after the (k+1)-th failed attempt.
    pub schedule: Vec<chrono::Duration>,
    /// Spread each wait by up to ±[`JITTER_PERCENT`] (per item and attempt), so a burst
    /// of failures does not come back as a burst. On for `schedule` and the default;
    /// off for the older doubling keys (`backoff_*_ms`), which keep their exact waits.
    pub jitter: bool,
}

/// The default retry schedule, after the first attempt (as Svix does): 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over about 27 h 35 min.
pub const DEFAULT_SCHEDULE: [&str; 7] = ["5s", "5m", "30m", "2h", "5h", "10h", "10h"];

/// How far jitter moves a wait, either way.
pub const JITTER_PERCENT: i64 = 20;

impl DeliveryPolicy {
    /// The policy the older keys describe: `max_attempts` attempts, the waits doubling
    /// from `initial`, capped at `max`; no jitter.
    pub fn doubling(max_attempts: u32, initial: chrono::Duration, max: chrono::Duration) -> Self {
        let schedule = (1..max_attempts.max(1))
            .map(|attempts| {
                let factor = 1i64 << attempts.saturating_sub(1).min(20);
                let ms = initial.num_milliseconds().saturating_mul(factor);
                chrono::Duration::milliseconds(ms.min(max.num_milliseconds()))
            })
            .collect();
        DeliveryPolicy {
            schedule,
            jitter: false,
        }
    }

    /// Attempts before a notification becomes a dead letter (≥ 1).
    pub fn max_attempts(&self) -> u32 {
        self.schedule.len() as u32 + 1
    }

    /// The wait after `attempts` failed attempts, before jitter (the last entry beyond
    /// the schedule's end).
    pub fn backoff(&self, attempts: u32) -> chrono::Duration {
        let i = (attempts.max(1) as usize - 1).min(self.schedule.len().saturating_sub(1));
        self.schedule
            .get(i)
            .copied()
            .unwrap_or_else(chrono::Duration::zero)
    }

    /// The wait after `attempts` failed attempts of item `key`, with this policy's
    /// jitter: the same key and attempt always get the same wait.
    pub fn retry_delay(&self, attempts: u32, key: &str) -> chrono::Duration {
        let base = self.backoff(attempts);
        if !self.jitter {
            return base;
        }
        use sha2::{Digest, Sha256};
        let d = Sha256::digest(format!("{key}\0{attempts}").as_bytes());
        let r = u16::from_be_bytes([d[0], d[1]]) as i64; // 0..=65535
        let per_mille = (r * 2 * JITTER_PERCENT * 10) / 65535 - JITTER_PERCENT * 10; // ±200‰
        base + chrono::Duration::milliseconds(base.num_milliseconds() * per_mille / 1000)
    }

    /// The time from the first attempt to the last, before jitter.
    pub fn span(&self) -> chrono::Duration {
        self.schedule
            .iter()
            .fold(chrono::Duration::zero(), |a, d| a + *d)
    }
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            schedule: DEFAULT_SCHEDULE
                .iter()
                .map(|d| parse_duration(d).expect("the default schedule parses"))
                .collect(),
            jitter: true,
        }
    }
}

/// A duration setting: a whole number and a unit, `ms`, `s`, `m`, `h` or `d`
/// (`"250ms"`, `"90s"`, `"5m"`, `"72h"`, `"30d"`); at most 365 days.
pub fn parse_duration(s: &str) -> Result<chrono::Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let bad = || {
        format!("{s:?} is not a duration: write a number and a unit, e.g. \"90s\", \"5m\", \"72h\", \"30d\"")
    };
    let n: i64 = num.parse().map_err(|_| bad())?;
    let ms = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(bad()),
    };
    let total = n.checked_mul(ms).ok_or_else(bad)?;
    if total > 365 * 86_400_000 {
        return Err(format!("{s:?} is longer than 365 days"));
    }
    Ok(chrono::Duration::milliseconds(total))
}

/// What a `[[team]]` adds to channels and notify entries: filters, hours, escalation
/// and members, each checked.
struct TeamExtras {
    businesses: BTreeSet<Business>,
    sources: BTreeSet<String>,
    campaigns: BTreeSet<String>,
    timezone: chrono_tz::Tz,
    hours: crate::schedule::Hours,
    sla: Option<chrono::Duration>,
    max_escalations: u32,
    members: Vec<Member>,
}

fn hours_of(
    p: &mut Problems<'_>,
    v: &Option<Spanned<Vec<Spanned<String>>>>,
    path: &str,
) -> Option<crate::schedule::Hours> {
    let v = v.as_ref()?;
    let mut ok = true;
    for (j, line) in v.get_ref().iter().enumerate() {
        if let Err(e) = crate::schedule::Hours::parse(&[line.get_ref().as_str()]) {
            p.at(line.span(), format!("{path}.hours[{j}]"), e);
            ok = false;
        }
    }
    if v.get_ref().is_empty() {
        p.at(
            v.span(),
            format!("{path}.hours"),
            "lists no hours (leave it out for always)",
        );
        return None;
    }
    let lines: Vec<&str> = v.get_ref().iter().map(|l| l.get_ref().as_str()).collect();
    ok.then(|| crate::schedule::Hours::parse(&lines).ok())
        .flatten()
}

fn zone_of(p: &mut Problems<'_>, v: &Option<Spanned<String>>, path: &str) -> Option<chrono_tz::Tz> {
    let v = v.as_ref()?;
    match crate::schedule::zone(v.get_ref()) {
        Ok(z) => Some(z),
        Err(e) => {
            p.at(v.span(), format!("{path}.timezone"), e);
            None
        }
    }
}

fn team_extras(
    p: &mut Problems<'_>,
    t: &RawTeam,
    path: &str,
    sources: &BTreeMap<String, Source>,
    _env: &dyn Fn(&str) -> Option<String>,
) -> TeamExtras {
    let mut businesses = BTreeSet::new();
    if let Some(list) = &t.businesses {
        for (j, b) in list.get_ref().iter().enumerate() {
            if let Some(b) = parse_enum::<Business>(p, b, format!("{path}.businesses[{j}]")) {
                businesses.insert(b);
            }
        }
    }
    let mut source_ids = BTreeSet::new();
    if let Some(list) = &t.sources {
        for (j, id) in list.get_ref().iter().enumerate() {
            if !sources.contains_key(id.get_ref()) {
                p.at(
                    id.span(),
                    format!("{path}.sources[{j}]"),
                    format!("no source {:?} is configured", id.get_ref()),
                );
            }
            source_ids.insert(id.get_ref().clone());
        }
    }
    let mut campaigns = BTreeSet::new();
    if let Some(list) = &t.campaigns {
        for (j, c) in list.get_ref().iter().enumerate() {
            if c.get_ref().trim().is_empty() {
                p.at(c.span(), format!("{path}.campaigns[{j}]"), "is empty");
            }
            campaigns.insert(c.get_ref().clone());
        }
    }
    let timezone = zone_of(p, &t.timezone, path).unwrap_or(chrono_tz::UTC);
    let hours = hours_of(p, &t.hours, path).unwrap_or_default();
    // from a second (tests, demos) to a week
    let second = chrono::Duration::seconds(1);
    let week = chrono::Duration::days(7);
    let sla = duration_in(p, &t.sla, &format!("{path}.sla"), second, week);
    let max_escalations = match &t.max_escalations {
        Some(n) if !(0..=10).contains(n.get_ref()) => {
            p.at(
                n.span(),
                format!("{path}.max_escalations"),
                "must be between 0 and 10",
            );
            2
        }
        Some(n) => *n.get_ref() as u32,
        None => 2,
    };
    if t.watch {
        if let Some(m) = t.member.first() {
            p.at(
                m.name.span(),
                format!("{path}.member"),
                "a watch team owns no leads, so it has no members",
            );
        }
        if let Some(f) = &t.fallback {
            p.at(
                f.span(),
                format!("{path}.fallback"),
                "a watch team owns no leads, so it has no fallback",
            );
        }
    }
    let mut members: Vec<Member> = Vec::new();
    for (j, m) in t.member.iter().enumerate() {
        let mpath = format!("{path}.member[{j}]");
        let name = m.name.get_ref().trim().to_string();
        if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
            p.at(
                m.name.span(),
                format!("{mpath}.name"),
                "must be 1-64 printable characters",
            );
            continue;
        }
        if members.iter().any(|x| x.name == name) {
            p.at(
                m.name.span(),
                format!("{mpath}.name"),
                format!("duplicate member name {name:?} in this team"),
            );
            continue;
        }
        let weight = match &m.weight {
            Some(w) if !(1..=1000).contains(w.get_ref()) => {
                p.at(
                    w.span(),
                    format!("{mpath}.weight"),
                    "must be between 1 and 1000",
                );
                1
            }
            Some(w) => *w.get_ref() as u32,
            None => 1,
        };
        let max_open = match &m.max_open {
            Some(n) if !(1..=10_000).contains(n.get_ref()) => {
                p.at(
                    n.span(),
                    format!("{mpath}.max_open"),
                    "must be between 1 and 10000",
                );
                None
            }
            Some(n) => Some(*n.get_ref() as u32),
            None => None,
        };
        let mut away = Vec::new();
        if let Some(list) = &m.away {
            for (k, a) in list.get_ref().iter().enumerate() {
                match crate::schedule::DateRange::parse(a.get_ref()) {
                    Ok(r) => away.push(r),
                    Err(e) => p.at(a.span(), format!("{mpath}.away[{k}]"), e),
                }
            }
        }
        let text = |v: &Option<Spanned<String>>| v.as_ref().map(|v| v.get_ref().trim().to_string());
        if let Some(v) = &m.slack {
            let id = v.get_ref();
            let ok = id.len() >= 9
                && id.len() <= 20
                && (id.starts_with('U') || id.starts_with('W'))
                && id
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if !ok {
                p.at(
                    v.span(),
                    format!("{mpath}.slack"),
                    "must be a Slack user id such as \"U0123ABCD\"",
                );
            }
        }
        if let Some(v) = &m.email {
            let e = v.get_ref();
            let one = e.split('@').count() == 2
                && e.split('@').all(|part| !part.is_empty())
                && !e
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == ',');
            if !one || e.len() > 320 {
                p.at(
                    v.span(),
                    format!("{mpath}.email"),
                    "is not one e-mail address",
                );
            }
        }
        if let Some(v) = &m.phone {
            let ph = v.get_ref();
            let digits = ph.chars().filter(char::is_ascii_digit).count();
            if !ph.starts_with('+')
                || !(8..=15).contains(&digits)
                || ph
                    .chars()
                    .skip(1)
                    .any(|c| !(c.is_ascii_digit() || c == ' '))
            {
                p.at(
                    v.span(),
                    format!("{mpath}.phone"),
                    "must be an international number such as \"+34600111222\"",
                );
            }
        }
        members.push(Member {
            name,
            weight,
            timezone: zone_of(p, &m.timezone, &mpath).unwrap_or(timezone),
            hours: hours_of(p, &m.hours, &mpath).unwrap_or_else(|| hours.clone()),
            away,
            max_open,
            slack: text(&m.slack),
            email: text(&m.email),
            phone: text(&m.phone),
        });
    }
    TeamExtras {
        businesses,
        sources: source_ids,
        campaigns,
        timezone,
        hours,
        sla,
        max_escalations,
        members,
    }
}

/// The `[[…notify]]` entries of one owner (a team, or `[marketing]`), each checked:
/// kind, url, secret, id (stable, unique in the owner), claim button.
fn notify_entries(
    p: &mut Problems<'_>,
    raws: &[RawNotify],
    path: &str,
    name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<Notify> {
    let mut notify = Vec::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for (j, n) in raws.iter().enumerate() {
        let npath = format!("{path}.notify[{j}]");
        let kind = match n.kind.get_ref().as_str() {
            "console" => Some(NotifyKind::Console),
            "slack" => Some(NotifyKind::Slack),
            "webhook" => Some(NotifyKind::Webhook),
            other => {
                p.at(
                    n.kind.span(),
                    format!("{npath}.kind"),
                    format!(
                        "unknown notify kind {other:?}, expected one of: console, slack, webhook"
                    ),
                );
                None
            }
        };
        let url = match (&kind, &n.url) {
            (Some(NotifyKind::Console), Some(u)) => {
                p.at(u.span(), format!("{npath}.url"), "console takes no url");
                None
            }
            (Some(NotifyKind::Slack | NotifyKind::Webhook), None) => {
                p.at(
                    n.kind.span(),
                    format!("{npath}.url"),
                    format!("{} needs a url", n.kind.get_ref()),
                );
                None
            }
            (_, Some(u))
                if !(u.get_ref().starts_with("http://") || u.get_ref().starts_with("https://")) =>
            {
                p.at(
                    u.span(),
                    format!("{npath}.url"),
                    "must start with http:// or https://",
                );
                None
            }
            (Some(k), Some(u)) => match check_notify_url(*k, u.get_ref()) {
                Ok(()) => Some(u.get_ref().clone()),
                Err(e) => {
                    p.at(u.span(), format!("{npath}.url"), e);
                    None
                }
            },
            (_, u) => u.as_ref().map(|u| u.get_ref().clone()),
        };
        let secret = resolve_secret(
            p,
            &n.secret,
            &n.secret_env,
            &npath,
            n.kind.span(),
            env,
            false,
        );
        if let Some(sec) = &secret {
            if kind != Some(NotifyKind::Webhook) {
                p.at(
                    n.kind.span(),
                    format!("{npath}.secret"),
                    "only webhook notifications are signed",
                );
            } else if let Err(e) = crate::signing::check_secret(sec.expose()) {
                p.at(n.kind.span(), format!("{npath}.secret"), e);
            }
        }
        let target = match (kind, url) {
            (Some(NotifyKind::Console), _) => Some(Target::Console),
            (Some(NotifyKind::Slack), Some(url)) => Some(Target::Slack { url }),
            (Some(NotifyKind::Webhook), Some(url)) => Some(Target::Webhook { url, secret }),
            _ => None,
        };
        let id = match &n.id {
            Some(id) if !valid_notify_id(id.get_ref()) => {
                p.at(
                    id.span(),
                    format!("{npath}.id"),
                    "must be 1-40 of a-z, 0-9, _ and -, starting with a letter or digit",
                );
                None
            }
            Some(id) if ids.contains(id.get_ref()) => {
                p.at(
                    id.span(),
                    format!("{npath}.id"),
                    format!("duplicate notify id {:?} in team {name:?}", id.get_ref()),
                );
                None
            }
            Some(id) => Some(id.get_ref().clone()),
            None => target.as_ref().map(|t| {
                let base = derived_notify_id(t.kind(), t.url());
                let mut id = base.clone();
                let mut k = 1;
                while ids.contains(&id) {
                    k += 1;
                    id = format!("{base}-{k}");
                }
                id
            }),
        };
        if let Some(id) = &id {
            ids.insert(id.clone());
        }
        let claim_action = match n.claim_button.as_ref().map(|b| (b, b.get_ref().as_str())) {
            None | Some((_, "link")) => false,
            Some((_, "action")) if kind == Some(NotifyKind::Slack) => true,
            Some((b, "action")) => {
                p.at(
                    b.span(),
                    format!("{npath}.claim_button"),
                    "only Slack messages have an action button",
                );
                false
            }
            Some((b, other)) => {
                p.at(
                    b.span(),
                    format!("{npath}.claim_button"),
                    format!("{other:?}: expected \"link\" or \"action\""),
                );
                false
            }
        };
        if let (Some(id), Some(target)) = (id, target) {
            notify.push(Notify {
                id,
                target,
                claim_action,
            });
        }
    }
    notify
}

/// `[outcomes]`: each list, when written, replaces the default; a reason is a short
/// snake_case word (it is a report's column and an API value), once per list.
fn outcomes_section(p: &mut Problems<'_>, raw: &RawOutcomes) -> OutcomeLists {
    let mut lists = OutcomeLists::default();
    for (key, given, out) in [
        (
            "outcomes.rejected_reasons",
            &raw.rejected_reasons,
            &mut lists.rejected_reasons,
        ),
        (
            "outcomes.lost_reasons",
            &raw.lost_reasons,
            &mut lists.lost_reasons,
        ),
    ] {
        let Some(given) = given else { continue };
        if given.get_ref().is_empty() {
            p.at(
                given.span(),
                key,
                "must name at least one reason (leave the key out for the defaults)",
            );
            continue;
        }
        let mut v: Vec<String> = Vec::new();
        for (i, r) in given.get_ref().iter().enumerate() {
            let w = r.get_ref();
            let ok = !w.is_empty()
                && w.len() <= 40
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !ok {
                p.at(
                    r.span(),
                    format!("{key}[{i}]"),
                    format!("{w:?} must be 1 to 40 of a-z, 0-9 and _ (e.g. \"no_budget\")"),
                );
            } else if v.contains(w) {
                p.at(
                    r.span(),
                    format!("{key}[{i}]"),
                    format!("{w:?} is listed twice"),
                );
            } else {
                v.push(w.clone());
            }
        }
        *out = v;
    }
    lists
}

/// `[routing]`, and what needs every team: fallbacks and the default team exist, are no
/// watch teams, and fallbacks form no cycle; members need a link secret.
fn routing_section(
    p: &mut Problems<'_>,
    raw: &RawConfig,
    teams: &[Team],
    env: &dyn Fn(&str) -> Option<String>,
) -> RoutingConfig {
    let r = &raw.routing;
    let mut routing = RoutingConfig {
        link_secret: resolve_secret(
            p,
            &r.link_secret,
            &r.link_secret_env,
            "routing.link_secret",
            0..0,
            env,
            false,
        ),
        ..RoutingConfig::default()
    };
    if let Some(sec) = &routing.link_secret {
        if sec.expose().len() < 32 {
            let span = r
                .link_secret
                .as_ref()
                .or(r.link_secret_env.as_ref())
                .map(|v| v.span())
                .unwrap_or(0..0);
            p.at(
                span,
                "routing.link_secret",
                "must be at least 32 characters (it signs claim links)",
            );
        }
    }
    let minute = chrono::Duration::minutes(1);
    if let Some(ttl) = duration_in(
        p,
        &r.claim_link_ttl,
        "routing.claim_link_ttl",
        minute,
        chrono::Duration::days(30),
    ) {
        routing.claim_link_ttl = ttl;
    }
    if let Some(d) = duration_in(
        p,
        &r.merge_window,
        "routing.merge_window",
        chrono::Duration::zero(),
        chrono::Duration::days(1),
    ) {
        routing.merge_window = d;
    }
    if let Some(d) = duration_in(
        p,
        &r.sticky,
        "routing.sticky",
        chrono::Duration::zero(),
        chrono::Duration::days(365),
    ) {
        routing.sticky = d;
    }
    if let Some(d) = duration_in(
        p,
        &r.open_for,
        "routing.open_for",
        chrono::Duration::seconds(1),
        chrono::Duration::days(365),
    ) {
        routing.open_for = d;
    }
    let find = |name: &str| teams.iter().find(|t| t.name == name);
    if let Some(d) = &r.default_team {
        match find(d.get_ref()) {
            None => p.at(
                d.span(),
                "routing.default_team",
                format!("no team {:?} is configured", d.get_ref()),
            ),
            Some(t) if t.watch => p.at(
                d.span(),
                "routing.default_team",
                format!("{:?} is a watch team: it owns no leads", d.get_ref()),
            ),
            Some(_) => routing.default_team = Some(d.get_ref().clone()),
        }
    }
    for (i, t) in raw.team.iter().enumerate() {
        let Some(f) = &t.fallback else { continue };
        let path = format!("team[{i}].fallback");
        match find(f.get_ref()) {
            None => p.at(
                f.span(),
                path,
                format!("no team {:?} is configured", f.get_ref()),
            ),
            Some(ft) if ft.watch => p.at(
                f.span(),
                path,
                format!("{:?} is a watch team: it owns no leads", f.get_ref()),
            ),
            Some(_) => {
                // follow the chain from here: a cycle comes back to a team already seen
                let mut seen = vec![t.name.get_ref().clone()];
                let mut next = Some(f.get_ref().clone());
                while let Some(n) = next {
                    if seen.contains(&n) {
                        seen.push(n);
                        p.at(
                            f.span(),
                            path.clone(),
                            format!("fallbacks form a cycle: {}", seen.join(" → ")),
                        );
                        break;
                    }
                    seen.push(n.clone());
                    next = find(&n).and_then(|t| t.fallback.clone());
                }
            }
        }
    }
    if routing.link_secret.is_none() {
        if let Some((i, t)) = raw
            .team
            .iter()
            .enumerate()
            .find(|(_, t)| !t.member.is_empty())
        {
            p.at(
                t.member[0].name.span(),
                format!("team[{i}].member"),
                "teams with members need [routing] link_secret_env (it signs their claim links)",
            );
        }
    }
    routing
}

/// Channels no owning team covers (and no default team catches): a warning each.
fn uncovered_channels(
    p: &mut Problems<'_>,
    _raw: &RawConfig,
    teams: &[Team],
    routing: &RoutingConfig,
) -> Vec<Problem> {
    if routing.default_team.is_some() {
        return Vec::new();
    }
    let covered: BTreeSet<Channel> = teams
        .iter()
        .filter(|t| !t.watch)
        .flat_map(|t| t.channels.iter().copied())
        .collect();
    Channel::ALL
        .iter()
        .filter(|c| !covered.contains(c))
        .map(|c| p.warning("routing", format!("no team takes {c} leads: they are stored unrouted (set [routing] default_team to catch them)")))
        .collect()
}

/// The document's structure, every problem of it reported: syntax errors (the parser
/// recovers and goes on), then `[server]`, `[delivery]`, each `[[source]]`, each
/// `[[team]]` and each of its `[[team.notify]]` read on its own, every missing
/// required key named. `None` when anything was wrong (the problems are in `p`).
fn parse_raw(p: &mut Problems<'_>) -> Option<RawConfig> {
    use toml::de::{DeTable, DeValue};
    let (root, errors) = DeTable::parse_recoverable(p.text);
    if !errors.is_empty() {
        for e in errors {
            p.at(e.span().unwrap_or(0..0), "", e.message().trim().to_string());
        }
        return None;
    }
    let span = root.span();
    let mut root = root.into_inner();
    let server = root.remove("server");
    let delivery = root.remove("delivery");
    let routing = root.remove("routing");
    let sources = root.remove("source");
    let teams = root.remove("team");
    let marketing = root.remove("marketing");
    let before = p.list.len();
    // what is left: [readiness.*] and any unknown top-level key
    let mut raw: RawConfig = de_table(p, Spanned::new(span, DeValue::Table(root)), "")?;
    if let Some(v) = server {
        raw.server = de_table(p, v, "server").unwrap_or_default();
    }
    if let Some(v) = delivery {
        raw.delivery = de_table(p, v, "delivery").unwrap_or_default();
    }
    if let Some(v) = routing {
        raw.routing = de_table(p, v, "routing").unwrap_or_default();
    }
    if let Some(v) = marketing {
        let span = v.span();
        match v.into_inner() {
            DeValue::Table(mut t) => {
                let notify = t.remove("notify");
                let mut m: RawMarketing =
                    de_table(p, Spanned::new(span, DeValue::Table(t)), "marketing")
                        .unwrap_or_default();
                for (j, n) in elements(p, notify, "marketing.notify")
                    .into_iter()
                    .enumerate()
                {
                    let npath = format!("marketing.notify[{j}]");
                    if required(p, &n, &npath, &["kind"]) {
                        m.notify.extend(de_table::<RawNotify>(p, n, &npath));
                    }
                }
                raw.marketing = m;
            }
            _ => p.at(span, "marketing", "must be a table"),
        }
    }
    for (i, v) in elements(p, sources, "source").into_iter().enumerate() {
        let path = format!("source[{i}]");
        // an outcomes source (a CRM) has no business or channel
        let outcomes = v
            .get_ref()
            .as_table()
            .and_then(|t| t.get("purpose"))
            .and_then(|x| x.get_ref().as_str())
            == Some("outcomes");
        let keys: &[&str] = if outcomes {
            &["id", "provider"]
        } else {
            &["id", "provider", "business", "channel"]
        };
        if required(p, &v, &path, keys) {
            raw.source.extend(de_table::<RawSource>(p, v, &path));
        }
    }
    for (i, v) in elements(p, teams, "team").into_iter().enumerate() {
        let path = format!("team[{i}]");
        let team_span = v.span();
        let DeValue::Table(mut t) = v.into_inner() else {
            p.at(team_span, &path, "must be a table");
            continue;
        };
        let notify = t.remove("notify");
        let member = t.remove("member");
        let v = Spanned::new(team_span, DeValue::Table(t));
        let team_ok = required(p, &v, &path, &["name", "channels"]);
        let team = if team_ok {
            de_table::<RawTeam>(p, v, &path)
        } else {
            None
        };
        let mut entries = Vec::new();
        for (j, n) in elements(p, notify, &format!("{path}.notify"))
            .into_iter()
            .enumerate()
        {
            let npath = format!("{path}.notify[{j}]");
            if required(p, &n, &npath, &["kind"]) {
                entries.extend(de_table::<RawNotify>(p, n, &npath));
            }
        }
        let mut members = Vec::new();
        for (j, m) in elements(p, member, &format!("{path}.member"))
            .into_iter()
            .enumerate()
        {
            let mpath = format!("{path}.member[{j}]");
            if required(p, &m, &mpath, &["name"]) {
                members.extend(de_table::<RawMember>(p, m, &mpath));
            }
        }
        if let Some(mut team) = team {
            team.notify = entries;
            team.member = members;
            raw.team.push(team);
        }
    }
    (p.list.len() == before).then_some(raw)
}

/// The elements of an array of tables (`[[source]]`), or a problem when it is not one.
fn elements<'i>(
    p: &mut Problems<'_>,
    v: Option<Spanned<toml::de::DeValue<'i>>>,
    path: &str,
) -> Vec<Spanned<toml::de::DeValue<'i>>> {
    let Some(v) = v else { return Vec::new() };
    let span = v.span();
    match v.into_inner() {
        toml::de::DeValue::Array(a) => a.into_iter().collect(),
        other => {
            p.at(
                span,
                path,
                format!(
                    "must be an array of tables ([[{path}]]), not {}",
                    other.type_str()
                ),
            );
            Vec::new()
        }
    }
}

/// Whether the table `v` has every key in `keys`; each missing one is a problem.
fn required(
    p: &mut Problems<'_>,
    v: &Spanned<toml::de::DeValue<'_>>,
    path: &str,
    keys: &[&str],
) -> bool {
    let Some(t) = v.get_ref().as_table() else {
        p.at(v.span(), path, "must be a table");
        return false;
    };
    let mut ok = true;
    for k in keys {
        if !t.contains_key(*k) {
            p.at(v.span(), path, format!("missing field `{k}`"));
            ok = false;
        }
    }
    ok
}

/// One table deserialised on its own; its first problem (a wrong type, an unknown key)
/// is reported at its place.
fn de_table<T: serde::de::DeserializeOwned>(
    p: &mut Problems<'_>,
    v: Spanned<toml::de::DeValue<'_>>,
    path: &str,
) -> Option<T> {
    let span = v.span();
    let toml::de::DeValue::Table(t) = v.into_inner() else {
        p.at(span.clone(), path, "must be a table");
        return None;
    };
    match T::deserialize(toml::de::Deserializer::from(Spanned::new(span.clone(), t))) {
        Ok(t) => Some(t),
        Err(e) => {
            let at = e.span().unwrap_or(span);
            let msg = e.message().trim().to_string();
            p.at(at, path, msg);
            None
        }
    }
}

/// An optional duration key, checked to lie in `min..=max` (a problem otherwise).
fn duration_in(
    p: &mut Problems<'_>,
    v: &Option<Spanned<String>>,
    path: &str,
    min: chrono::Duration,
    max: chrono::Duration,
) -> Option<chrono::Duration> {
    let v = v.as_ref()?;
    match parse_duration(v.get_ref()) {
        Ok(d) if d >= min && d <= max => Some(d),
        Ok(_) => {
            p.at(
                v.span(),
                path,
                format!("must be between {} and {}", human(min), human(max)),
            );
            None
        }
        Err(e) => {
            p.at(v.span(), path, e);
            None
        }
    }
}

/// `90s`, `5m`, `72h`, `30d`: the largest unit that divides the duration.
fn human(d: chrono::Duration) -> String {
    let ms = d.num_milliseconds();
    for (unit, size) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
    ] {
        if ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

#[derive(Debug, Clone)]
pub struct Config {
    pub server: ServerConfig,
    pub delivery: DeliveryPolicy,
    pub routing: RoutingConfig,
    pub outcomes: OutcomeLists,
    pub marketing: Marketing,
    /// Per business type, the MQL definition (the default where none is written).
    pub qualification: BTreeMap<Business, Qualification>,
    /// `[slack]`: the signing secret of the Slack app whose Claim buttons post to
    /// `POST /slack/actions`.
    pub slack_signing_secret: Option<Secret>,
    pub sources: BTreeMap<String, Source>,
    pub teams: Vec<Team>,
    pub rules: Rules,
    /// Not errors, but worth a look (`config check` prints them, exit 0): channels no
    /// team covers.
    pub warnings: Vec<Problem>,
}

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `file:line:col`, or just `file` when no position is known.
    pub location: String,
    /// TOML path, e.g. `source[1].provider`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.location, self.message)
        } else {
            write!(f, "{}: {}: {}", self.location, self.path, self.message)
        }
    }
}

// ---- raw (as written) -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    server: RawServer,
    #[serde(default)]
    delivery: RawDelivery,
    #[serde(default)]
    routing: RawRouting,
    #[serde(default)]
    slack: RawSlack,
    #[serde(default)]
    outcomes: RawOutcomes,
    #[serde(default)]
    marketing: RawMarketing,
    #[serde(default)]
    source: Vec<RawSource>,
    #[serde(default)]
    team: Vec<RawTeam>,
    #[serde(default)]
    readiness: BTreeMap<Spanned<String>, RawRules>,
    #[serde(default)]
    qualification: BTreeMap<Spanned<String>, RawQualification>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQualification {
    mql_score: Option<Spanned<i64>>,
    mql_window: Option<Spanned<String>>,
    mql_actions: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServer {
    api_token: Option<Spanned<String>>,
    api_token_env: Option<Spanned<String>>,
    public_url: Option<Spanned<String>>,
    raw_payload_ttl_hours: Option<Spanned<i64>>,
    raw_payload_ttl: Option<Spanned<String>>,
    rejected_ttl: Option<Spanned<String>>,
    header_timeout: Option<Spanned<String>>,
    body_timeout: Option<Spanned<String>>,
    idle_timeout: Option<Spanned<String>>,
    max_connections: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDelivery {
    schedule: Option<Spanned<Vec<Spanned<String>>>>,
    max_attempts: Option<Spanned<i64>>,
    backoff_initial_ms: Option<Spanned<i64>>,
    backoff_max_ms: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Spanned<String>,
    provider: Spanned<String>,
    purpose: Option<Spanned<String>>,
    default_region: Option<Spanned<String>>,
    business: Option<Spanned<String>>,
    channel: Option<Spanned<String>>,
    secret: Option<Spanned<String>>,
    secret_env: Option<Spanned<String>>,
    action: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeam {
    name: Spanned<String>,
    channels: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    notify: Vec<RawNotify>,
    #[serde(default)]
    member: Vec<RawMember>,
    businesses: Option<Spanned<Vec<Spanned<String>>>>,
    sources: Option<Spanned<Vec<Spanned<String>>>>,
    campaigns: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    watch: bool,
    timezone: Option<Spanned<String>>,
    hours: Option<Spanned<Vec<Spanned<String>>>>,
    sla: Option<Spanned<String>>,
    max_escalations: Option<Spanned<i64>>,
    fallback: Option<Spanned<String>>,
    api_key: Option<Spanned<String>>,
    api_key_env: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMarketing {
    send: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(skip)]
    notify: Vec<RawNotify>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOutcomes {
    rejected_reasons: Option<Spanned<Vec<Spanned<String>>>>,
    lost_reasons: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSlack {
    signing_secret: Option<Spanned<String>>,
    signing_secret_env: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    name: Spanned<String>,
    weight: Option<Spanned<i64>>,
    timezone: Option<Spanned<String>>,
    hours: Option<Spanned<Vec<Spanned<String>>>>,
    away: Option<Spanned<Vec<Spanned<String>>>>,
    max_open: Option<Spanned<i64>>,
    slack: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    phone: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRouting {
    link_secret: Option<Spanned<String>>,
    link_secret_env: Option<Spanned<String>>,
    claim_link_ttl: Option<Spanned<String>>,
    default_team: Option<Spanned<String>>,
    merge_window: Option<Spanned<String>>,
    sticky: Option<Spanned<String>>,
    open_for: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotify {
    id: Option<Spanned<String>>,
    kind: Spanned<String>,
    url: Option<Spanned<String>>,
    secret: Option<Spanned<String>>,
    secret_env: Option<Spanned<String>>,
    claim_button: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    hot_actions: Spanned<Vec<Spanned<String>>>,
    #[serde(default = "yes")]
    text: bool,
}

fn yes() -> bool {
    true
}

/// Collects problems with positions computed from byte spans.
struct Problems<'a> {
    origin: &'a str,
    text: &'a str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    /// A warning: located in the file only, not counted as a problem.
    fn warning(&self, path: impl Into<String>, msg: impl Into<String>) -> Problem {
        Problem {
            location: self.origin.to_string(),
            path: path.into(),
            message: msg.into(),
        }
    }

    fn at(
        &mut self,
        span: std::ops::Range<usize>,
        path: impl Into<String>,
        msg: impl Into<String>,
    ) {
        let (line, col) = line_col(self.text, span.start);
        self.list.push(Problem {
            location: format!("{}:{line}:{col}", self.origin),
            path: path.into(),
            message: msg.into(),
        });
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn parse_enum<T: std::str::FromStr<Err = String>>(
    p: &mut Problems<'_>,
    v: &Spanned<String>,
    path: String,
) -> Option<T> {
    match v.get_ref().parse::<T>() {
        Ok(t) => Some(t),
        Err(e) => {
            p.at(v.span(), path, e);
            None
        }
    }
}

/// Resolves `secret` / `secret_env` (exactly one).
fn resolve_secret(
    p: &mut Problems<'_>,
    secret: &Option<Spanned<String>>,
    secret_env: &Option<Spanned<String>>,
    path: &str,
    whole: std::ops::Range<usize>,
    env: &dyn Fn(&str) -> Option<String>,
    required: bool,
) -> Option<Secret> {
    match (secret, secret_env) {
        (Some(s), None) => {
            if s.get_ref().trim().is_empty() {
                p.at(s.span(), format!("{path}.secret"), "is empty");
                None
            } else {
                Some(Secret::new(s.get_ref().clone()))
            }
        }
        (None, Some(e)) => match env(e.get_ref()) {
            Some(v) if !v.trim().is_empty() => Some(Secret::new(v)),
            _ => {
                p.at(
                    e.span(),
                    format!("{path}.secret_env"),
                    format!("environment variable {} is not set", e.get_ref()),
                );
                None
            }
        },
        (Some(s), Some(_)) => {
            p.at(s.span(), path, "set either secret or secret_env, not both");
            None
        }
        (None, None) => {
            if required {
                p.at(
                    whole,
                    path,
                    "a signing secret is required: set secret or secret_env",
                );
            }
            None
        }
    }
}

impl Config {
    /// The built-in demo configuration.
    pub fn demo() -> Config {
        Config::from_toml_str(DEMO_TOML, "<demo>", &|_| None).expect("demo config is valid")
    }

    /// The text of the built-in demo configuration (tests build on it).
    pub fn demo_text() -> &'static str {
        DEMO_TOML
    }

    /// Reads and validates a file; environment variables come from the process.
    pub fn load(path: &std::path::Path) -> Result<Config, Vec<Problem>> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![Problem {
                location: origin.clone(),
                path: String::new(),
                message: format!("cannot read: {e}"),
            }]
        })?;
        Config::from_toml_str(&text, &origin, &|k| std::env::var(k).ok())
    }

    /// Parses and validates `text`; `origin` names it in problem locations; `env`
    /// resolves `*_env` settings.
    pub fn from_toml_str(
        text: &str,
        origin: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, Vec<Problem>> {
        let mut p = Problems {
            origin,
            text,
            list: Vec::new(),
        };
        let Some(raw) = parse_raw(&mut p) else {
            return Err(p.list);
        };

        // [server]
        let api_token = resolve_secret(
            &mut p,
            &raw.server.api_token,
            &raw.server.api_token_env,
            "server.api_token",
            0..0,
            env,
            false,
        );
        let public_url = match &raw.server.public_url {
            Some(u)
                if !(u.get_ref().starts_with("http://") || u.get_ref().starts_with("https://")) =>
            {
                p.at(
                    u.span(),
                    "server.public_url",
                    "must start with http:// or https://",
                );
                None
            }
            Some(u) => Some(u.get_ref().trim_end_matches('/').to_string()),
            None => None,
        };
        let ttl_hours = match &raw.server.raw_payload_ttl_hours {
            Some(h) if !(1..=24 * 365).contains(h.get_ref()) => {
                p.at(
                    h.span(),
                    "server.raw_payload_ttl_hours",
                    "must be between 1 and 8760",
                );
                None
            }
            Some(h) => Some(chrono::Duration::hours(*h.get_ref())),
            None => None,
        };
        let mut server = ServerConfig {
            api_token: None,
            public_url: None,
            ..ServerConfig::default()
        };
        let hour = chrono::Duration::hours(1);
        let second = chrono::Duration::seconds(1);
        let year = chrono::Duration::days(365);
        if let Some(t) = &raw.server.raw_payload_ttl {
            if raw.server.raw_payload_ttl_hours.is_some() {
                p.at(
                    t.span(),
                    "server.raw_payload_ttl",
                    "set either raw_payload_ttl or raw_payload_ttl_hours, not both",
                );
            }
        }
        server.raw_payload_ttl = ttl_hours
            .or_else(|| {
                duration_in(
                    &mut p,
                    &raw.server.raw_payload_ttl,
                    "server.raw_payload_ttl",
                    hour,
                    year,
                )
            })
            .unwrap_or(server.raw_payload_ttl);
        server.rejected_ttl = duration_in(
            &mut p,
            &raw.server.rejected_ttl,
            "server.rejected_ttl",
            hour,
            year,
        )
        .unwrap_or(server.rejected_ttl);
        let hour_max = chrono::Duration::hours(1);
        server.header_timeout = duration_in(
            &mut p,
            &raw.server.header_timeout,
            "server.header_timeout",
            second,
            hour_max,
        )
        .unwrap_or(server.header_timeout);
        server.body_timeout = duration_in(
            &mut p,
            &raw.server.body_timeout,
            "server.body_timeout",
            second,
            hour_max,
        )
        .unwrap_or(server.body_timeout);
        server.idle_timeout = duration_in(
            &mut p,
            &raw.server.idle_timeout,
            "server.idle_timeout",
            second,
            hour_max,
        )
        .unwrap_or(server.idle_timeout);
        match &raw.server.max_connections {
            Some(n) if !(1..=65_536).contains(n.get_ref()) => p.at(
                n.span(),
                "server.max_connections",
                "must be between 1 and 65536",
            ),
            Some(n) => server.max_connections = *n.get_ref() as usize,
            None => {}
        }

        // [delivery]
        let mut delivery = DeliveryPolicy::default();
        let mut int_in = |v: &Option<Spanned<i64>>,
                          path: &str,
                          range: std::ops::RangeInclusive<i64>|
         -> Option<i64> {
            let v = v.as_ref()?;
            if range.contains(v.get_ref()) {
                Some(*v.get_ref())
            } else {
                p.at(
                    v.span(),
                    path,
                    format!("must be between {} and {}", range.start(), range.end()),
                );
                None
            }
        };
        let legacy_attempts = int_in(&raw.delivery.max_attempts, "delivery.max_attempts", 1..=50);
        let legacy_initial = int_in(
            &raw.delivery.backoff_initial_ms,
            "delivery.backoff_initial_ms",
            1..=3_600_000,
        );
        let legacy_max = int_in(
            &raw.delivery.backoff_max_ms,
            "delivery.backoff_max_ms",
            1..=86_400_000,
        );
        let legacy_set = raw.delivery.max_attempts.is_some()
            || raw.delivery.backoff_initial_ms.is_some()
            || raw.delivery.backoff_max_ms.is_some();
        if let Some(schedule) = &raw.delivery.schedule {
            if legacy_set {
                p.at(
                    schedule.span(),
                    "delivery.schedule",
                    "set either schedule or max_attempts / backoff_initial_ms / backoff_max_ms, not both",
                );
            }
            let mut waits = Vec::new();
            for (j, d) in schedule.get_ref().iter().enumerate() {
                match parse_duration(d.get_ref()) {
                    Ok(w) if w > chrono::Duration::zero() => waits.push(w),
                    Ok(_) => p.at(
                        d.span(),
                        format!("delivery.schedule[{j}]"),
                        "must be longer than 0",
                    ),
                    Err(e) => p.at(d.span(), format!("delivery.schedule[{j}]"), e),
                }
            }
            if schedule.get_ref().len() > 49 {
                p.at(
                    schedule.span(),
                    "delivery.schedule",
                    "has more than 49 retries",
                );
            }
            delivery = DeliveryPolicy {
                schedule: waits,
                jitter: true,
            };
        } else if legacy_set {
            if let (Some(i), Some(m), Some(span)) = (
                legacy_initial,
                legacy_max,
                raw.delivery.backoff_initial_ms.as_ref().map(|v| v.span()),
            ) {
                if i > m {
                    p.at(
                        span,
                        "delivery.backoff_initial_ms",
                        format!("is larger than backoff_max_ms ({m})"),
                    );
                }
            }
            // the older keys, with their older defaults for the ones not set
            delivery = DeliveryPolicy::doubling(
                legacy_attempts.map_or(5, |n| n as u32),
                chrono::Duration::milliseconds(legacy_initial.unwrap_or(2_000)),
                chrono::Duration::milliseconds(legacy_max.unwrap_or(300_000)),
            );
        }

        // [[source]]
        let mut sources = BTreeMap::new();
        let mut seen_ids = BTreeSet::new();
        for (i, s) in raw.source.iter().enumerate() {
            let path = format!("source[{i}]");
            let id = s.id.get_ref().clone();
            let id_ok = !id.is_empty()
                && id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !id_ok {
                p.at(
                    s.id.span(),
                    format!("{path}.id"),
                    "must be 1-64 characters of a-z, A-Z, 0-9, - and _",
                );
            } else if !seen_ids.insert(id.clone()) {
                p.at(
                    s.id.span(),
                    format!("{path}.id"),
                    format!("duplicate source id {id:?}"),
                );
            }
            let provider =
                parse_enum::<ProviderKind>(&mut p, &s.provider, format!("{path}.provider"));
            let purpose = match s.purpose.as_ref().map(|v| (v, v.get_ref().as_str())) {
                None | Some((_, "leads")) => Some(SourcePurpose::Leads),
                Some((_, "outcomes")) => Some(SourcePurpose::Outcomes),
                Some((v, other)) => {
                    p.at(
                        v.span(),
                        format!("{path}.purpose"),
                        format!("unknown purpose {other:?}, expected leads or outcomes"),
                    );
                    None
                }
            };
            if purpose == Some(SourcePurpose::Outcomes)
                && provider.is_some_and(|k| k.as_str() != crate::providers::standard::KIND.as_str())
            {
                p.at(
                    s.provider.span(),
                    format!("{path}.provider"),
                    "an outcomes source takes provider = \"standard\" (signed lead.outcome events)",
                );
            }
            let (business, channel) = if purpose == Some(SourcePurpose::Outcomes) {
                for (key, given) in [("business", &s.business), ("channel", &s.channel)] {
                    if let Some(v) = given {
                        p.at(
                            v.span(),
                            format!("{path}.{key}"),
                            "an outcomes source has no business or channel (its events name leads)",
                        );
                    }
                }
                (Some(Business::B2b), Some(Channel::WebForm))
            } else {
                (
                    s.business.as_ref().and_then(|b| {
                        parse_enum::<Business>(&mut p, b, format!("{path}.business"))
                    }),
                    s.channel
                        .as_ref()
                        .and_then(|c| parse_enum::<Channel>(&mut p, c, format!("{path}.channel"))),
                )
            };
            let default_action = s
                .action
                .as_ref()
                .and_then(|a| parse_enum::<Action>(&mut p, a, format!("{path}.action")));
            let default_region = match &s.default_region {
                Some(r) if crate::contacts::is_region(r.get_ref()) => Some(r.get_ref().clone()),
                Some(r) => {
                    p.at(
                        r.span(),
                        format!("{path}.default_region"),
                        format!(
                            "{:?} is not a region code phone numbers know (ISO 3166-1 alpha-2, e.g. \"DE\")",
                            r.get_ref()
                        ),
                    );
                    None
                }
                None => None,
            };
            let secret = resolve_secret(
                &mut p,
                &s.secret,
                &s.secret_env,
                &path,
                s.id.span(),
                env,
                true,
            );
            if let (Some(provider), Some(sec)) = (provider, &secret) {
                if let Err(e) = provider.check_secret(sec.expose()) {
                    let span = s
                        .secret
                        .as_ref()
                        .or(s.secret_env.as_ref())
                        .map(|v| v.span())
                        .unwrap_or(0..0);
                    p.at(span, format!("{path}.secret"), e);
                }
            }
            if let (
                true,
                Some(provider),
                Some(purpose),
                Some(business),
                Some(channel),
                Some(secret),
            ) = (id_ok, provider, purpose, business, channel, secret)
            {
                sources.entry(id.clone()).or_insert(Source {
                    id,
                    provider,
                    purpose,
                    business,
                    channel,
                    secret,
                    default_action,
                    default_region,
                });
            }
        }
        if raw.source.is_empty() {
            p.at(
                0..0,
                "source",
                "no [[source]] is configured: nothing could post webhooks",
            );
        }

        // [[team]]
        let mut teams: Vec<Team> = Vec::new();
        for (i, t) in raw.team.iter().enumerate() {
            let path = format!("team[{i}]");
            let name = t.name.get_ref().clone();
            let name_ok =
                !name.is_empty() && !name.contains('.') && name.chars().all(|c| !c.is_control());
            if !name_ok {
                p.at(
                    t.name.span(),
                    format!("{path}.name"),
                    "must be non-empty and contain no '.'",
                );
            } else if teams.iter().any(|x| x.name == name) {
                p.at(
                    t.name.span(),
                    format!("{path}.name"),
                    format!("duplicate team name {name:?}"),
                );
            }
            let mut channels = BTreeSet::new();
            for (j, c) in t.channels.get_ref().iter().enumerate() {
                if let Some(c) = parse_enum::<Channel>(&mut p, c, format!("{path}.channels[{j}]")) {
                    channels.insert(c);
                }
            }
            if t.channels.get_ref().is_empty() {
                p.at(
                    t.channels.span(),
                    format!("{path}.channels"),
                    "lists no channel",
                );
            }
            if t.notify.is_empty() {
                p.at(
                    t.name.span(),
                    format!("{path}.notify"),
                    "has no [[team.notify]] entry",
                );
            }
            let notify = notify_entries(&mut p, &t.notify, &path, &name, env);
            let extra = team_extras(&mut p, t, &path, &sources, env);
            let api_key = resolve_secret(
                &mut p,
                &t.api_key,
                &t.api_key_env,
                &format!("{path}.api_key"),
                t.name.span(),
                env,
                false,
            );
            if let Some(k) = &api_key {
                if k.expose().len() < 16 {
                    p.at(
                        t.name.span(),
                        format!("{path}.api_key"),
                        "must be at least 16 characters",
                    );
                }
            }
            if name_ok {
                teams.push(Team {
                    name,
                    channels,
                    notify,
                    businesses: extra.businesses,
                    sources: extra.sources,
                    campaigns: extra.campaigns,
                    watch: t.watch,
                    timezone: extra.timezone,
                    hours: extra.hours,
                    sla: extra.sla,
                    max_escalations: extra.max_escalations,
                    fallback: t.fallback.as_ref().map(|f| f.get_ref().clone()),
                    members: extra.members,
                    api_key,
                });
            }
        }
        let routing = routing_section(&mut p, &raw, &teams, env);
        let slack_signing_secret = resolve_secret(
            &mut p,
            &raw.slack.signing_secret,
            &raw.slack.signing_secret_env,
            "slack.signing_secret",
            0..0,
            env,
            false,
        );
        if slack_signing_secret.is_none() {
            if let Some((i, _)) = teams
                .iter()
                .enumerate()
                .find(|(_, t)| t.notify.iter().any(|n| n.claim_action))
            {
                p.at(0..0, format!("team[{i}].notify.claim_button"), "claim_button = \"action\" needs [slack] signing_secret_env (it verifies the button's requests)");
            }
        }
        // a key names one team (or the admin): two holders of one key would be one
        let mut keys: Vec<(&str, &str)> = Vec::new();
        if let Some(t) = &api_token {
            keys.push(("the admin api_token", t.expose()));
        }
        for t in &teams {
            if let Some(k) = &t.api_key {
                if let Some((who, _)) = keys.iter().find(|(_, v)| *v == k.expose()) {
                    p.at(
                        0..0,
                        format!("team {:?}.api_key", t.name),
                        format!("is the same as {who}'s: every key must be its own"),
                    );
                }
                keys.push((t.name.as_str(), k.expose()));
            }
        }
        let warnings = uncovered_channels(&mut p, &raw, &teams, &routing);

        // [readiness.<business>]
        let mut rules = Rules::default();
        for (b, r) in &raw.readiness {
            let path = format!("readiness.{}", b.get_ref());
            let Some(business) = parse_enum::<Business>(&mut p, b, path.clone()) else {
                continue;
            };
            let mut hot = BTreeSet::new();
            for (j, a) in r.hot_actions.get_ref().iter().enumerate() {
                if let Some(a) = parse_enum::<Action>(&mut p, a, format!("{path}.hot_actions[{j}]"))
                {
                    hot.insert(a);
                }
            }
            rules.replace(
                business,
                BusinessRules {
                    hot_actions: hot,
                    text: r.text,
                },
            );
        }

        let outcomes = outcomes_section(&mut p, &raw.outcomes);
        let mut qualification: BTreeMap<Business, Qualification> = Business::ALL
            .iter()
            .map(|b| (*b, Qualification::default()))
            .collect();
        for (b, q) in &raw.qualification {
            let path = format!("qualification.{}", b.get_ref());
            let Some(business) = parse_enum::<Business>(&mut p, b, path.clone()) else {
                continue;
            };
            let mut def = Qualification::default();
            if let Some(sc) = &q.mql_score {
                match u32::try_from(*sc.get_ref()) {
                    Ok(v) if (1..=10_000).contains(&v) => def.mql_score = v,
                    _ => p.at(
                        sc.span(),
                        format!("{path}.mql_score"),
                        "must be 1 to 10000 (points: each lead adds its score)",
                    ),
                }
            }
            if let Some(w) = duration_in(
                &mut p,
                &q.mql_window,
                &format!("{path}.mql_window"),
                chrono::Duration::hours(1),
                chrono::Duration::days(365),
            ) {
                def.mql_window = w;
            }
            if let Some(list) = &q.mql_actions {
                for (j, a) in list.get_ref().iter().enumerate() {
                    if let Some(a) =
                        parse_enum::<Action>(&mut p, a, format!("{path}.mql_actions[{j}]"))
                    {
                        def.mql_actions.insert(a);
                    }
                }
            }
            qualification.insert(business, def);
        }
        let marketing = {
            let m = &raw.marketing;
            let notify = notify_entries(&mut p, &m.notify, "marketing", "marketing", env);
            let mut send = BTreeSet::new();
            if let Some(list) = &m.send {
                for (i, x) in list.get_ref().iter().enumerate() {
                    match HandBack::ALL.iter().find(|h| h.as_str() == x.get_ref()) {
                        Some(h) => {
                            send.insert(*h);
                        }
                        None => p.at(
                            x.span(),
                            format!("marketing.send[{i}]"),
                            format!("{:?}: expected nurture, mql, rejected or lost", x.get_ref()),
                        ),
                    }
                }
                if m.notify.is_empty() {
                    p.at(
                        list.span(),
                        "marketing.notify",
                        "[marketing] send needs a [[marketing.notify]] entry to send to",
                    );
                }
            } else if !m.notify.is_empty() {
                p.at(
                    0..0,
                    "marketing.send",
                    "[[marketing.notify]] needs [marketing] send = [\"nurture\", \"mql\", \"rejected\", \"lost\"] (any of them)",
                );
            }
            Marketing { send, notify }
        };

        if !p.list.is_empty() {
            return Err(p.list);
        }
        Ok(Config {
            outcomes,
            marketing,
            qualification,
            server: ServerConfig {
                api_token,
                public_url,
                ..server
            },
            delivery,
            routing,
            slack_signing_secret,
            sources,
            teams,
            rules,
            warnings,
        })
    }

    /// A one-paragraph summary for `config check`.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} source(s), {} team(s), {} notify target(s); read routes {}",
            self.sources.len(),
            self.teams.len(),
            self.teams.iter().map(|t| t.notify.len()).sum::<usize>(),
            if self.server.api_token.is_some() {
                "need a bearer token"
            } else {
                "are open (loopback only)"
            },
        );
        for src in self.sources.values() {
            if src.purpose == SourcePurpose::Outcomes {
                s.push_str(&format!(
                    "\n  source {}: {} / outcomes (lead.outcome events from a CRM)",
                    src.id, src.provider
                ));
                continue;
            }
            s.push_str(&format!(
                "\n  source {}: {} / {} / {}",
                src.id, src.provider, src.business, src.channel
            ));
        }
        for t in &self.teams {
            let ch: Vec<_> = t.channels.iter().map(|c| c.as_str()).collect();
            let kinds: Vec<_> = t.notify.iter().map(|n| n.target.kind().as_str()).collect();
            s.push_str(&format!(
                "\n  team {}: channels [{}] → {}",
                t.name,
                ch.join(", "),
                kinds.join(", ")
            ));
        }
        // the shared definition, in words: what is an MQL, what is hot (SQL)
        let businesses: BTreeSet<Business> = self
            .sources
            .values()
            .filter(|s| s.purpose == SourcePurpose::Leads)
            .map(|s| s.business)
            .collect();
        for b in businesses {
            let q = self.qualification.get(&b).cloned().unwrap_or_default();
            let r = self.rules.for_business(b);
            let hot: Vec<&str> = r.hot_actions.iter().map(|a| a.as_str()).collect();
            let mut line = format!(
                "\n  {b}: a lead is hot (sales-qualified) on {}{}; a contact is an MQL at {} points within {} (each lead adds its score)",
                if hot.is_empty() { "no action".to_string() } else { hot.join(", ") },
                if r.text { ", or a message asking to buy (price, quote, demo, visit, start)" } else { "" },
                q.mql_score,
                human(q.mql_window)
            );
            if !q.mql_actions.is_empty() {
                let a: Vec<&str> = q.mql_actions.iter().map(|a| a.as_str()).collect();
                line.push_str(&format!(", or on {}", a.join(", ")));
            }
            s.push_str(&line);
        }
        let unrouted: Vec<_> = self
            .sources
            .values()
            .filter(|s| s.purpose == SourcePurpose::Leads)
            .filter(|s| !self.teams.iter().any(|t| t.channels.contains(&s.channel)))
            .map(|s| s.id.as_str())
            .collect();
        if !unrouted.is_empty() {
            s.push_str(&format!(
                "\n  warning: no team takes the channel of source(s) {}: their hot leads notify no one",
                unrouted.join(", ")
            ));
        }
        s
    }

    pub fn team(&self, name: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.name == name)
    }
}

impl Team {
    /// The notify entry with this id.
    pub fn notify_entry(&self, id: &str) -> Option<&Notify> {
        self.notify.iter().find(|n| n.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Vec<Problem>> {
        Config::from_toml_str(text, "t.toml", &|k| {
            (k == "SET").then(|| "s3cret-0123456789".to_string())
        })
    }

    fn team_with(notify: &str) -> String {
        format!(
            "[[source]]\nid = \"w\"\nprovider = \"typeform\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"tf-secret-0123456789\"\n\
             [[team]]\nname = \"web\"\nchannels = [\"web_form\"]\n{notify}"
        )
    }

    #[test]
    fn notify_entries_get_stable_ids_from_what_they_are() {
        let a = "[[team.notify]]\nkind = \"slack\"\nurl = \"https://hooks.slack.test/A\"\n";
        let b = "[[team.notify]]\nkind = \"webhook\"\nurl = \"https://crm.test/h\"\n";
        let c = "[[team.notify]]\nkind = \"console\"\n";
        let ids = |text: String| -> Vec<String> {
            load(&text).unwrap().teams[0]
                .notify
                .iter()
                .map(|n| n.id.clone())
                .collect()
        };
        let one = ids(team_with(&format!("{a}{b}{c}")));
        // SHA-256("https://hooks.slack.test/A") and ("https://crm.test/h"), first 8 hex digits
        use sha2::{Digest, Sha256};
        let h = |u: &str| hex::encode(Sha256::digest(u.as_bytes()))[..8].to_string();
        assert_eq!(
            one,
            [
                format!("slack-{}", h("https://hooks.slack.test/A")),
                format!("webhook-{}", h("https://crm.test/h")),
                "console".to_string()
            ]
        );
        let mut reordered = ids(team_with(&format!("{c}{b}{a}")));
        reordered.reverse();
        assert_eq!(
            reordered, one,
            "an entry's id does not depend on its position"
        );
        // identical entries are numbered in order
        assert_eq!(ids(team_with(&format!("{c}{c}"))), ["console", "console-2"]);
        // an explicit id wins
        let named =
            "[[team.notify]]\nid = \"crm\"\nkind = \"webhook\"\nurl = \"https://crm.test/h\"\n";
        assert_eq!(ids(team_with(named)), ["crm"]);
        let cfg = load(&team_with(named)).unwrap();
        assert!(matches!(
            &cfg.teams[0].notify_entry("crm").unwrap().target,
            Target::Webhook { url, secret: None } if url == "https://crm.test/h"
        ));
    }

    #[test]
    fn notify_urls_that_would_leak_or_reach_the_wrong_place_are_refused() {
        let entry = |kind: &str, url: &str| {
            format!("[[team.notify]]\nkind = \"{kind}\"\nurl = \"{url}\"\n")
        };
        for (kind, url, says) in [
            ("slack", "http://hooks.slack.com/services/T/B/C", "https://"),
            ("webhook", "https://user:pw@crm.example/h", "credentials"),
            (
                "webhook",
                "http://169.254.169.254/latest/meta-data",
                "link-local",
            ),
            ("webhook", "http://[fe80::1]/x", "link-local"),
            ("webhook", "http://metadata.google.internal/x", "metadata"),
            ("webhook", "https:///path-only", "no host"),
            ("slack", "https://", "no host"),
        ] {
            let problems = load(&team_with(&entry(kind, url))).unwrap_err();
            assert!(
                problems
                    .iter()
                    .any(|p| p.to_string().contains("team[0].notify[0].url")
                        && p.to_string().contains(says)),
                "{url}: {problems:?}"
            );
        }
        for (kind, url) in [
            ("slack", "http://127.0.0.1:9/slack"),
            ("slack", "http://localhost:9/slack"),
            ("slack", "https://hooks.slack.com/services/T/B/C"),
            ("webhook", "http://127.0.0.1:9/crm"),
            ("webhook", "https://crm.example:8443/h?x=a@b"),
        ] {
            assert!(load(&team_with(&entry(kind, url))).is_ok(), "{url}");
        }
    }

    #[test]
    fn a_blank_api_token_is_refused() {
        let base = team_with("[[team.notify]]\nkind = \"console\"\n");
        let problems = load(&format!("[server]\napi_token = \"  \"\n{base}")).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.to_string().contains("api_token") && p.to_string().contains("is empty")),
            "{problems:?}"
        );
    }

    #[test]
    fn explicit_notify_ids_are_checked() {
        let named = |id: &str| format!("[[team.notify]]\nid = \"{id}\"\nkind = \"console\"\n");
        for bad in ["", "Crm", "-x", "a.b", "a b", &"x".repeat(41)] {
            let problems = load(&team_with(&named(bad))).unwrap_err();
            assert!(
                problems
                    .iter()
                    .any(|p| p.to_string().contains("team[0].notify[0].id: must be 1-40")),
                "{bad:?}: {problems:?}"
            );
        }
        let problems = load(&team_with(&format!("{}{}", named("crm"), named("crm")))).unwrap_err();
        assert!(
            problems.iter().any(|p| p
                .to_string()
                .contains("team[0].notify[1].id: duplicate notify id \"crm\" in team \"web\"")),
            "{problems:?}"
        );
    }

    #[test]
    fn demo_config_is_valid_and_covers_every_channel() {
        let c = Config::demo();
        for id in ["demo-b2b", "demo-form", "demo-shop", "demo-chat"] {
            assert!(c.sources.contains_key(id), "{id}");
        }
        for ch in Channel::ALL {
            assert!(
                c.teams.iter().any(|t| t.channels.contains(ch)),
                "{ch} has no team"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = r#"
[[source]]
id = "a"
provider = "typefrom"
business = "b2b"
channel = "web_form"
secret_env = "UNSET"

[[team]]
name = "x"
channels = ["web_form", "fax"]
[[team.notify]]
kind = "slack"
"#;
        let errs = load(text).unwrap_err();
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            msgs.iter().any(|m| m
                .starts_with("t.toml:4:12: source[0].provider: unknown providerkind \"typefrom\"")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("t.toml:7:") && m.contains("UNSET is not set")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("team[0].channels[1]") && m.contains("\"fax\"")),
            "{msgs:#?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("team[0].notify[0].url: slack needs a url")),
            "{msgs:#?}"
        );
        assert_eq!(errs.len(), 4, "{msgs:#?}");
    }

    #[test]
    fn a_duplicate_id_is_reported_even_when_the_first_source_is_invalid() {
        let src = "[[source]]\nid = \"a\"\nprovider = \"typefrom\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"tf-secret-0123456789\"\n";
        let errs = load(&format!("{src}{}", src.replace("typefrom", "typeform"))).unwrap_err();
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(errs.len(), 2, "{msgs:#?}");
        assert!(
            msgs[1].contains("source[1].id: duplicate source id \"a\""),
            "{msgs:#?}"
        );
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let errs = load("[[source]]\nid = \n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].location.starts_with("t.toml:2:"), "{:?}", errs[0]);
    }

    #[test]
    fn readiness_rules_replace_the_defaults_per_business() {
        let text = r#"
[[source]]
id = "a"
provider = "typeform"
business = "ecommerce"
channel = "web_form"
secret_env = "SET"

[readiness.ecommerce]
hot_actions = ["payment_requested"]
"#;
        let c = load(text).unwrap();
        assert_eq!(c.sources["a"].secret.expose(), "s3cret-0123456789");
        let r = c.rules.for_business(Business::Ecommerce);
        assert_eq!(r.hot_actions.len(), 1);
        assert!(r.text);
        // other business types keep their defaults
        assert!(c
            .rules
            .for_business(Business::B2b)
            .hot_actions
            .contains(&Action::DemoRequest));
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let c = Config::demo();
        let dbg = format!("{c:?}");
        for s in c.sources.values() {
            assert!(!dbg.contains(s.secret.expose()));
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let p = DeliveryPolicy::doubling(
            5,
            chrono::Duration::milliseconds(100),
            chrono::Duration::milliseconds(350),
        );
        assert_eq!(p.backoff(1).num_milliseconds(), 100);
        assert_eq!(p.backoff(2).num_milliseconds(), 200);
        assert_eq!(p.backoff(3).num_milliseconds(), 350);
        assert_eq!(p.backoff(40).num_milliseconds(), 350);
        assert_eq!(p.max_attempts(), 5);
        assert_eq!(
            p.retry_delay(2, "x"),
            p.backoff(2),
            "no jitter on the doubling keys"
        );
    }

    #[test]
    fn the_default_schedule_keeps_trying_for_more_than_a_day_with_jitter() {
        let p = DeliveryPolicy::default();
        let secs: Vec<i64> = p.schedule.iter().map(|d| d.num_seconds()).collect();
        assert_eq!(secs, [5, 300, 1800, 7200, 18000, 36000, 36000]);
        assert_eq!(p.max_attempts(), 8);
        assert!(p.span() >= chrono::Duration::hours(24), "{:?}", p.span());
        let mut seen = BTreeSet::new();
        for i in 0..200 {
            let key = format!("ld_{i}.sales.console");
            let d = p.retry_delay(1, &key).num_milliseconds();
            assert!((4_000..=6_000).contains(&d), "{d} ms is not 5 s ± 20%");
            assert_eq!(
                p.retry_delay(1, &key).num_milliseconds(),
                d,
                "stable per key"
            );
            seen.insert(d);
        }
        assert!(
            seen.len() > 100,
            "jitter spreads the waits: {} distinct",
            seen.len()
        );
    }

    #[test]
    fn durations_are_a_number_and_a_unit() {
        let ms = |s: &str| parse_duration(s).map(|d| d.num_milliseconds());
        assert_eq!(ms("250ms"), Ok(250));
        assert_eq!(ms("90s"), Ok(90_000));
        assert_eq!(ms("5m"), Ok(300_000));
        assert_eq!(ms("72h"), Ok(259_200_000));
        assert_eq!(ms("30d"), Ok(2_592_000_000));
        for bad in [
            "",
            "5",
            "m",
            "5 m",
            "-5s",
            "1.5h",
            "5w",
            "366d",
            "99999999999999999999s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_schedule_is_configured_as_strings_and_not_together_with_the_older_keys() {
        let base = team_with("[[team.notify]]\nkind = \"console\"\n");
        let cfg = load(&format!(
            "[delivery]\nschedule = [\"1s\", \"90s\", \"2h\"]\n{base}"
        ))
        .unwrap();
        assert_eq!(cfg.delivery.max_attempts(), 4);
        assert_eq!(cfg.delivery.backoff(2), chrono::Duration::seconds(90));
        assert!(cfg.delivery.jitter);
        let old = load(&format!(
            "[delivery]\nmax_attempts = 3\nbackoff_initial_ms = 50\n{base}"
        ))
        .unwrap();
        assert_eq!(old.delivery.max_attempts(), 3);
        assert_eq!(
            old.delivery.retry_delay(2, "x"),
            chrono::Duration::milliseconds(100)
        );
        let both = load(&format!(
            "[delivery]\nschedule = [\"5s\"]\nmax_attempts = 3\n{base}"
        ))
        .unwrap_err();
        assert!(
            both.iter().any(|p| p
                .to_string()
                .contains("delivery.schedule: set either schedule or max_attempts")),
            "{both:?}"
        );
        let bad = load(&format!(
            "[delivery]\nschedule = [\"5s\", \"soon\", \"0s\"]\n{base}"
        ))
        .unwrap_err();
        let text: String = bad.iter().map(|p| format!("{p}\n")).collect();
        assert!(
            text.contains("delivery.schedule[1]") && text.contains("not a duration"),
            "{text}"
        );
        assert!(
            text.contains("delivery.schedule[2]: must be longer than 0"),
            "{text}"
        );
    }

    #[test]
    fn server_durations_are_strings_with_defaults_and_ranges() {
        let base = team_with("[[team.notify]]\nkind = \"console\"\n");
        let d = load(&base).unwrap().server;
        assert_eq!(d.raw_payload_ttl, chrono::Duration::hours(72));
        assert_eq!(d.rejected_ttl, chrono::Duration::days(30));
        assert_eq!(d.header_timeout, chrono::Duration::seconds(10));
        assert_eq!(d.body_timeout, chrono::Duration::seconds(30));
        assert_eq!(d.idle_timeout, chrono::Duration::seconds(60));
        assert_eq!(d.max_connections, 1024);

        let set = load(&format!(
            "[server]\nraw_payload_ttl = \"5d\"\nrejected_ttl = \"7d\"\nheader_timeout = \"3s\"\n\
             body_timeout = \"20s\"\nidle_timeout = \"2m\"\nmax_connections = 64\n{base}"
        ))
        .unwrap()
        .server;
        assert_eq!(set.raw_payload_ttl, chrono::Duration::days(5));
        assert_eq!(set.rejected_ttl, chrono::Duration::days(7));
        assert_eq!(set.header_timeout, chrono::Duration::seconds(3));
        assert_eq!(set.body_timeout, chrono::Duration::seconds(20));
        assert_eq!(set.idle_timeout, chrono::Duration::minutes(2));
        assert_eq!(set.max_connections, 64);
        let legacy = load(&format!("[server]\nraw_payload_ttl_hours = 10\n{base}"))
            .unwrap()
            .server;
        assert_eq!(legacy.raw_payload_ttl, chrono::Duration::hours(10));

        let bad = load(&format!(
            "[server]\nraw_payload_ttl = \"2d\"\nraw_payload_ttl_hours = 10\nrejected_ttl = \"30\"\n\
             header_timeout = \"2h\"\nmax_connections = 0\n{base}"
        ))
        .unwrap_err();
        let text: String = bad.iter().map(|p| format!("{p}\n")).collect();
        for want in [
            "server.raw_payload_ttl: set either raw_payload_ttl or raw_payload_ttl_hours",
            "server.rejected_ttl: \"30\" is not a duration",
            "server.header_timeout: must be between 1s and 1h",
            "server.max_connections: must be between 1 and 65536",
        ] {
            assert!(text.contains(want), "missing {want:?} in:\n{text}");
        }
    }

    #[test]
    fn every_structural_problem_is_reported_not_only_the_first() {
        let text = "[server]\npublic_url = 5\n\
                    [delivery]\nmax_attempts = \"three\"\n\
                    [[source]]\nid = \"a\"\nprovider = \"typeform\"\n\
                    [[source]]\nid = \"b\"\nprovider = \"typeform\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"tf-secret-0123456789\"\ncolour = \"red\"\n\
                    [[team]]\nchannels = [\"web_form\"]\n\
                    [[team.notify]]\nurl = \"https://x.test\"\n";
        let problems: Vec<String> = load(text)
            .unwrap_err()
            .iter()
            .map(|p| p.to_string())
            .collect();
        let want = [
            "t.toml:2:14: server: invalid type: integer `5`, expected a string",
            "delivery: invalid type: string \"three\", expected i64",
            "source[0]: missing field `business`",
            "source[0]: missing field `channel`",
            "source[1]: unknown field `colour`",
            "team[0]: missing field `name`",
            "team[0].notify[0]: missing field `kind`",
        ];
        assert_eq!(problems.len(), want.len(), "{problems:#?}");
        for w in want {
            assert!(
                problems.iter().any(|p| p.contains(w)),
                "missing {w:?} in {problems:#?}"
            );
        }
    }

    #[test]
    fn provider_secrets_shorter_than_the_minimum_are_refused_naming_the_provider() {
        for provider in ["typeform", "shopify", "intercom"] {
            let text = format!(
                "[[source]]\nid = \"w\"\nprovider = \"{provider}\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"fifteen-chars!!\"\n"
            );
            let problems = load(&text).unwrap_err();
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(
                problems[0].to_string(),
                format!("t.toml:6:10: source[0].secret: is 15 characters long; {provider} secrets must have at least 16")
            );
            let ok = text.replace("fifteen-chars!!", "sixteen-chars!!!");
            assert!(load(&ok).is_ok(), "{provider}");
        }
    }

    const ROUTING_OK: &str = r#"
[routing]
link_secret_env = "LINK"
claim_link_ttl = "12h"
default_team = "inbound"

[[source]]
id = "demo-chat"
provider = "intercom"
business = "services"
channel = "live_chat"
secret = "ic-secret-0123456789"

[[team]]
name = "chat-sales"
channels = ["live_chat"]
businesses = ["services"]
sources = ["demo-chat"]
campaigns = ["spring-sale"]
timezone = "Europe/Berlin"
hours = ["mon-fri 09:00-18:00", "sat 10:00-14:00"]
sla = "5m"
max_escalations = 1
fallback = "night-desk"
[[team.notify]]
kind = "console"
[[team.member]]
name = "ana"
weight = 2
timezone = "Europe/Madrid"
hours = ["mon-thu 08:00-16:00"]
away = ["2026-12-24/2026-12-31"]
max_open = 20
slack = "U0123ABCD"
email = "ana@example.com"
phone = "+34600111222"
[[team.member]]
name = "bo"

[[team]]
name = "managers"
channels = ["live_chat"]
watch = true
[[team.notify]]
kind = "console"

[[team]]
name = "night-desk"
channels = ["phone"]
[[team.notify]]
kind = "console"
[[team.member]]
name = "cy"

[[team]]
name = "inbound"
channels = ["web_form"]
[[team.notify]]
kind = "console"
"#;

    fn load_with_link(text: &str) -> Result<Config, Vec<Problem>> {
        Config::from_toml_str(text, "t.toml", &|k| match k {
            "LINK" => Some("a-link-secret-of-32-characters!!".into()),
            _ => None,
        })
    }

    #[test]
    fn routing_teams_and_members_are_read_with_their_defaults() {
        let c = load_with_link(ROUTING_OK).unwrap();
        assert_eq!(c.routing.claim_link_ttl, chrono::Duration::hours(12));
        assert_eq!(c.routing.default_team.as_deref(), Some("inbound"));
        assert!(c.routing.link_secret.is_some());
        let chat = &c.teams[0];
        assert_eq!(chat.timezone, chrono_tz::Europe::Berlin);
        assert_eq!(chat.sla, Some(chrono::Duration::minutes(5)));
        assert_eq!(chat.max_escalations, 1);
        assert_eq!(chat.fallback.as_deref(), Some("night-desk"));
        assert!(chat.sources.contains("demo-chat") && chat.campaigns.contains("spring-sale"));
        let (ana, bo) = (&chat.members[0], &chat.members[1]);
        assert_eq!((ana.weight, ana.max_open), (2, Some(20)));
        assert_eq!(ana.timezone, chrono_tz::Europe::Madrid);
        assert_eq!(ana.away.len(), 1);
        assert_eq!(ana.slack.as_deref(), Some("U0123ABCD"));
        // a member without their own zone and hours has the team's
        assert_eq!((bo.weight, bo.timezone), (1, chrono_tz::Europe::Berlin));
        assert_eq!(bo.hours, chat.hours);
        assert!(c.teams[1].watch);
        let inbound = &c.teams[3];
        assert_eq!(
            (inbound.timezone, inbound.max_escalations),
            (chrono_tz::UTC, 2)
        );
        assert!(inbound.hours.is_always() && inbound.members.is_empty());
        // the default team takes every channel: nothing to warn about
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn marketing_hand_back_is_checked() {
        const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let source = format!(
            "[[source]]\nid = \"w\"\nprovider = \"standard\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"{WHSEC}\"\n"
        );
        let ok = format!(
            "{source}[marketing]\nsend = [\"nurture\", \"lost\"]\n[[marketing.notify]]\nkind = \"webhook\"\nurl = \"https://mkt.example.test/in\"\nsecret = \"{WHSEC}\"\n"
        );
        let c = load(&ok).unwrap();
        assert_eq!(
            c.marketing.send.iter().copied().collect::<Vec<_>>(),
            [HandBack::Nurture, HandBack::Lost]
        );
        assert_eq!(c.marketing.notify.len(), 1);
        let msgs = |t: &str| -> String {
            load(t)
                .unwrap_err()
                .iter()
                .map(|p| format!("{p}\n"))
                .collect()
        };
        let e = msgs(&ok.replace("\"lost\"]", "\"won\"]"));
        assert!(
            e.contains("marketing.send[1]: \"won\": expected nurture, mql, rejected or lost"),
            "{e}"
        );
        let e = msgs(&format!("{source}[marketing]\nsend = [\"nurture\"]\n"));
        assert!(e.contains("needs a [[marketing.notify]] entry"), "{e}");
        let e = msgs(&format!(
            "{source}[[marketing.notify]]\nkind = \"console\"\n"
        ));
        assert!(
            e.contains("marketing.send: [[marketing.notify]] needs [marketing] send"),
            "{e}"
        );
        let e = msgs(&ok.replace("https://mkt.example.test/in", "ftp://x"));
        assert!(
            e.contains("marketing.notify[0].url: must start with http://"),
            "{e}"
        );
    }

    #[test]
    fn outcome_sources_regions_and_reason_lists() {
        const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let ok = format!(
            "[outcomes]\nlost_reasons = [\"price\", \"budget_cut\"]\n\n\
             [[source]]\nid = \"w\"\nprovider = \"standard\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\n\
             secret = \"{WHSEC}\"\ndefault_region = \"DE\"\n\n\
             [[source]]\nid = \"crm\"\nprovider = \"standard\"\npurpose = \"outcomes\"\nsecret = \"{WHSEC}\"\n"
        );
        let c = load(&ok).unwrap();
        assert_eq!(c.sources["crm"].purpose, SourcePurpose::Outcomes);
        assert_eq!(c.sources["w"].purpose, SourcePurpose::Leads);
        assert_eq!(c.sources["w"].default_region.as_deref(), Some("DE"));
        assert_eq!(c.outcomes.lost_reasons, ["price", "budget_cut"]);
        assert_eq!(
            c.outcomes.rejected_reasons,
            OutcomeLists::default().rejected_reasons,
            "an unwritten list keeps its default"
        );
        assert!(
            c.summary().contains("source crm: standard / outcomes"),
            "{}",
            c.summary()
        );
        assert!(
            c.summary().contains(
                "b2b: a lead is hot (sales-qualified) on demo_request, price_list_download, proposal_request, call_request, quote_request, \
                 or a message asking to buy (price, quote, demo, visit, start); a contact is an MQL at 60 points within 30d"
            ),
            "{}",
            c.summary()
        );
        let q = load(&format!("{ok}[qualification.b2b]\nmql_score = 45\nmql_window = \"14d\"\nmql_actions = [\"content_download\"]\n")).unwrap();
        assert!(
            q.summary().contains(
                "MQL at 45 points within 14d (each lead adds its score), or on content_download"
            ),
            "{}",
            q.summary()
        );
        let e = format!(
            "{:?}",
            load(&format!(
                "{ok}[qualification.b2b]\nmql_score = 0\nmql_actions = [\"dance\"]\n"
            ))
            .unwrap_err()
        );
        assert!(
            e.contains("mql_score") && e.contains("mql_actions[0]"),
            "{e}"
        );

        let bad = ok
            .replace("[\"price\", \"budget_cut\"]", "[\"Price!\", \"x\", \"x\"]")
            .replace("default_region = \"DE\"", "default_region = \"XX\"")
            .replace("purpose = \"outcomes\"", "purpose = \"outcomes\"\nchannel = \"cart\"")
            + "\n[[source]]\nid = \"t\"\nprovider = \"typeform\"\npurpose = \"outcomes\"\nsecret = \"tf-secret-0123456789\"\n\
               \n[[source]]\nid = \"u\"\nprovider = \"standard\"\npurpose = \"deals\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"{WHSEC}\"\n"
                .replace("{WHSEC}", WHSEC)
                .as_str();
        let text: String = load(&bad)
            .unwrap_err()
            .iter()
            .map(|p| format!("{p}\n"))
            .collect();
        for want in [
            "outcomes.lost_reasons[0]: \"Price!\" must be 1 to 40 of a-z",
            "outcomes.lost_reasons[2]: \"x\" is listed twice",
            "source[0].default_region: \"XX\" is not a region code",
            "source[1].channel: an outcomes source has no business or channel",
            "source[2].provider: an outcomes source takes provider = \"standard\"",
            "source[3].purpose: unknown purpose \"deals\"",
        ] {
            assert!(text.contains(want), "{want}\n in:\n{text}");
        }
        let empty = ok.replace("[\"price\", \"budget_cut\"]", "[]");
        assert!(
            format!("{:?}", load(&empty).unwrap_err()).contains("must name at least one reason")
        );
    }

    #[test]
    fn routing_problems_are_each_reported() {
        let bad = ROUTING_OK
            .replace("\"Europe/Berlin\"", "\"Europe/Atlantis\"")
            .replace("\"sat 10:00-14:00\"", "\"sat 10-14\"")
            .replace("default_team = \"inbound\"", "default_team = \"nobody\"")
            .replace("name = \"bo\"", "name = \"ana\"")
            .replace(
                "channels = [\"phone\"]",
                "channels = [\"phone\"]\nfallback = \"chat-sales\"",
            )
            .replace(
                "sources = [\"demo-chat\"]",
                "sources = [\"demo-chat\", \"nope\"]",
            )
            .replace(
                "away = [\"2026-12-24/2026-12-31\"]",
                "away = [\"2026-12-31/2026-12-24\"]",
            );
        let text: String = load_with_link(&bad)
            .unwrap_err()
            .iter()
            .map(|p| format!("{p}\n"))
            .collect();
        for want in [
            "team[0].timezone: \"Europe/Atlantis\" is not an IANA time zone",
            "team[0].hours[1]: \"sat 10-14\" is not working hours",
            "routing.default_team: no team \"nobody\" is configured",
            "team[0].member[1].name: duplicate member name \"ana\"",
            "team[0].sources[1]: no source \"nope\" is configured",
            "team[0].member[0].away[0]: \"2026-12-31/2026-12-24\" ends before it starts",
            "fallbacks form a cycle: chat-sales → night-desk → chat-sales",
        ] {
            assert!(text.contains(want), "missing {want:?} in:\n{text}");
        }
        // members need the link secret
        let no_link = Config::from_toml_str(ROUTING_OK, "t.toml", &|_| None).unwrap_err();
        assert!(
            no_link.iter().any(|p| p
                .to_string()
                .contains("team[0].member: teams with members need [routing] link_secret_env")
                || p.to_string()
                    .contains("routing.link_secret_env: environment variable LINK is not set")),
            "{no_link:?}"
        );
        // a watch team has no members; a fallback must exist
        let watch = ROUTING_OK
            .replace("watch = true\n", "watch = true\nfallback = \"inbound\"\n")
            .replace("fallback = \"night-desk\"", "fallback = \"ghost\"");
        let text: String = load_with_link(&watch)
            .unwrap_err()
            .iter()
            .map(|p| format!("{p}\n"))
            .collect();
        assert!(
            text.contains("a watch team owns no leads, so it has no fallback"),
            "{text}"
        );
        assert!(
            text.contains("team[0].fallback: no team \"ghost\" is configured"),
            "{text}"
        );
    }

    #[test]
    fn channels_no_team_takes_are_a_warning_not_an_error() {
        let text = ROUTING_OK.replace("default_team = \"inbound\"\n", "");
        let c = load_with_link(&text).unwrap();
        let w: Vec<String> = c.warnings.iter().map(|p| p.to_string()).collect();
        // live_chat, phone and web_form are taken; cart, social and email are not
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(
            w.iter().any(|x| x.contains("no team takes cart leads")),
            "{w:?}"
        );
    }
}
