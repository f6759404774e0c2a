//! Routing: which team owns a hot lead, which of its reps takes it, who else is told —
//! and why, in words.
//!
//! - **Owner team**: the first non-watch team, in file order, whose filters match the
//!   lead (its channels, and each of `businesses`, `sources`, `campaigns` that is set);
//!   else `[routing] default_team`; else none (the lead is stored unrouted).
//! - **Watch teams** that match are notified too; they own nothing.
//! - **Rep**: among the owner team's members on shift (their hours, in their zone), not
//!   away and under `max_open`, by a weighted rotation that keeps every member within one
//!   lead of its share ([`TeamState`]). Nobody
//!   available → the fallback team, and its fallback, each once; nobody anywhere → the
//!   owner team is notified with the lead unassigned.
//!
//! Everything here is pure: the store hands in each team's [`TeamState`] and writes the
//! updated one atomically with the lead, so concurrent ingests stay fair.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{Config, Member, Team};
use crate::model::Lead;
use crate::outbox::Job;

/// Why a lead went where it went, as stored on the lead and shown everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The owner team; `None`: no team matched and there is no default team.
    pub team: Option<String>,
    /// The rep; `None`: nobody was available (the team is notified, unassigned).
    pub member: Option<String>,
    pub why: String,
    /// Everyone passed over, across fallbacks, with the reason.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// The team whose members were all unavailable, when a fallback took the lead.
    #[serde(default)]
    pub fallback_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub member: String,
    pub why: String,
}

/// A team's rotation state, stored per team and updated with each lead it assigns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamState {
    /// Bumped by every write: a write is conditional on the version it read.
    pub version: u64,
    /// The members available at the last assignment (sorted): when the set changes, the
    /// rotation starts afresh, so nobody catches up for time away.
    #[serde(default)]
    pub available: Vec<String>,
    /// Leads each member has had in the current run (since the available set last
    /// changed).
    #[serde(default)]
    pub current: BTreeMap<String, i64>,
    /// Open leads (assigned, not yet claimed) per member.
    #[serde(default)]
    pub open: BTreeMap<String, u32>,
}

/// What routing decided for one lead: its route, the jobs to write with it, and the
/// team state to write (conditional on `version` of the state it was decided on).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub route: Route,
    pub jobs: Vec<Job>,
    /// `(team, new state)`; the write must find the state at `new.version - 1`.
    pub state: Option<(String, TeamState)>,
}

/// Whether `team`'s filters take `lead`, and in words which of them matched.
fn matches(team: &Team, lead: &Lead) -> Option<String> {
    if !team.channels.contains(&lead.channel) {
        return None;
    }
    let mut why = vec![format!("channel {}", lead.channel)];
    if !team.businesses.is_empty() {
        if !team.businesses.contains(&lead.business) {
            return None;
        }
        why.push(format!("business {}", lead.business));
    }
    if !team.sources.is_empty() {
        if !team.sources.contains(&lead.source_id) {
            return None;
        }
        why.push(format!("source {}", lead.source_id));
    }
    if !team.campaigns.is_empty() {
        let c = lead.utm.campaign.as_deref()?;
        if !team.campaigns.contains(c) {
            return None;
        }
        why.push(format!("campaign {c}"));
    }
    Some(why.join(", "))
}

/// The owner team and why it owns the lead.
pub fn owner<'c>(config: &'c Config, lead: &Lead) -> Option<(&'c Team, String)> {
    if let Some((t, why)) = config
        .teams
        .iter()
        .filter(|t| !t.watch)
        .find_map(|t| matches(t, lead).map(|w| (t, w)))
    {
        return Some((t, format!("team {}: {why}", t.name)));
    }
    let d = config.routing.default_team.as_deref()?;
    let t = config.teams.iter().find(|t| t.name == d)?;
    Some((
        t,
        format!(
            "team {}: the default team (no team's filters match)",
            t.name
        ),
    ))
}

/// Whether `m` can take a lead at `now`: on shift and not away (capacity is the state's).
pub fn on_duty(m: &Member, now: DateTime<Utc>) -> Result<(), String> {
    let local = now.with_timezone(&m.timezone);
    if let Some(a) = m.away.iter().find(|a| a.contains(local.date_naive())) {
        return Err(format!("away until {}", a.to));
    }
    if !m.hours.contains(local.naive_local()) {
        return Err(format!(
            "off shift ({})",
            crate::schedule::local_label(now, m.timezone)
        ));
    }
    Ok(())
}

/// The teams a lead can fall to, in order: the owner, its fallback, that one's … (each
/// once: configuration refuses cycles, and a repeat ends the chain anyway).
pub fn chain<'c>(config: &'c Config, owner: &'c Team) -> Vec<&'c Team> {
    let mut out = vec![owner];
    let mut next = owner.fallback.as_deref();
    while let Some(name) = next {
        match config.teams.iter().find(|t| t.name == name) {
            Some(t) if !out.iter().any(|o| o.name == t.name) => {
                out.push(t);
                next = t.fallback.as_deref();
            }
            _ => break,
        }
    }
    out
}

/// The teams whose state a decision for `lead` reads.
pub fn teams_to_read(config: &Config, lead: &Lead) -> Vec<String> {
    match owner(config, lead) {
        Some((t, _)) => chain(config, t)
            .into_iter()
            .filter(|t| !t.members.is_empty())
            .map(|t| t.name.clone())
            .collect(),
        None => Vec::new(),
    }
}

/// Weighted rotation over `available` (name, weight) by Tijdeman's algorithm for the
/// "chairman assignment" problem: member `i` with share `pᵢ = wᵢ / W` has had `cᵢ` of
/// this run's `n − 1` leads; lead `n` goes, among the members still owed at least
/// `1/(2k−2)` of a lead (`n·pᵢ − cᵢ ≥ 1/(2k−2)`, `k` members), to the one with the
/// earliest deadline `(cᵢ + 1 − 1/(2k−2)) / pᵢ` (the first on a tie). After every lead of a run, every member's count is
/// within `1 − 1/(2k−2)` — less than one lead — of `n × pᵢ`. (Smooth weighted round robin
/// is not: with weights 19:19:1:1:3 it falls more than a lead behind.) A change of the
/// available set starts a new run, so nobody catches up for time away.
fn rotate(state: &mut TeamState, available: &[(&str, u32)]) -> usize {
    let mut names: Vec<String> = available.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    if state.available != names {
        state.available = names;
        state.current.clear();
    }
    let k = available.len() as i128;
    if k == 1 {
        *state.current.entry(available[0].0.to_string()).or_insert(0) += 1;
        return 0;
    }
    let total: i128 = available.iter().map(|(_, w)| i128::from(*w)).sum();
    let count = |n: &str| i128::from(state.current.get(n).copied().unwrap_or(0));
    let n: i128 = available.iter().map(|(m, _)| count(m)).sum::<i128>() + 1;
    // eligible: owed at least 1/(2k−2) of a lead after this one (n·pᵢ − cᵢ ≥ 1/(2k−2)),
    // scaled by 2(k−1)·W; the sum of what is owed is one lead, so someone always is
    let eligible = |m: &str, w: u32| 2 * (k - 1) * (n * i128::from(w) - count(m) * total) >= total;
    // deadline (cᵢ + 1 − 1/(2k−2)) / wᵢ, scaled by 2(k−1): (2(k−1)(cᵢ+1) − 1) / wᵢ
    let deadline = |m: &str| 2 * (k - 1) * (count(m) + 1) - 1;
    let mut best: Option<usize> = None;
    for (i, (m, w)) in available.iter().enumerate() {
        if !eligible(m, *w) {
            continue;
        }
        best = match best {
            Some(b) => {
                let (bm, bw) = available[b];
                // deadline_i < deadline_b ⇔ d_i·w_b < d_b·w_i
                if deadline(m) * i128::from(bw) < deadline(bm) * i128::from(*w) {
                    Some(i)
                } else {
                    Some(b)
                }
            }
            None => Some(i),
        };
    }
    let best = best.unwrap_or(0);
    *state
        .current
        .entry(available[best].0.to_string())
        .or_insert(0) += 1;
    best
}

/// Whether member `m` of a team can take a lead at `now` given the team's stored state:
/// on shift, not away, under `max_open`.
pub fn available(m: &Member, now: DateTime<Utc>, state: &TeamState) -> Result<(), String> {
    let open = state.open.get(&m.name).copied().unwrap_or(0);
    on_duty(m, now).and_then(|()| match m.max_open {
        Some(max) if open >= max => Err(format!("at capacity ({open} open)")),
        _ => Ok(()),
    })
}

/// The member of team `t` who takes the next lead by weighted rotation among those
/// available at `now`, and the team state after it (version bumped, the member's open
/// leads counted); `None` if nobody is available. Everyone passed over is added to
/// `skipped` (named `{prefix}/{member}` when a prefix is given).
pub fn pick<'t>(
    t: &'t Team,
    now: DateTime<Utc>,
    state: TeamState,
    prefix: Option<&str>,
    skipped: &mut Vec<Skipped>,
) -> Option<(&'t Member, TeamState)> {
    let mut avail: Vec<(&str, u32)> = Vec::new();
    let mut who: Vec<&Member> = Vec::new();
    for m in &t.members {
        match available(m, now, &state) {
            Ok(()) => {
                avail.push((m.name.as_str(), m.weight));
                who.push(m);
            }
            Err(why) => skipped.push(Skipped {
                member: match prefix {
                    Some(p) => format!("{p}/{}", m.name),
                    None => m.name.clone(),
                },
                why,
            }),
        }
    }
    if avail.is_empty() {
        return None;
    }
    let mut next = state;
    let i = rotate(&mut next, &avail);
    let m = who[i];
    *next.open.entry(m.name.clone()).or_insert(0) += 1;
    next.version += 1;
    Some((m, next))
}

/// The member who claimed a contact's previous lead: a new hot lead of the contact goes
/// back to them when they are available ([`decide_with`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sticky {
    pub team: String,
    pub member: String,
    /// The earlier lead they claimed, and when.
    pub lead_id: String,
    pub claimed_at: DateTime<Utc>,
}

/// Routes hot lead `lead` at `now`, given the stored state of the teams
/// [`teams_to_read`] names (a team missing from `states` is fresh).
pub fn decide(
    config: &Config,
    lead: &Lead,
    now: DateTime<Utc>,
    states: &BTreeMap<String, TeamState>,
) -> Decision {
    decide_with(config, lead, now, states, None)
}

/// [`decide`], with the contact's `sticky` member first: if they are a member of the
/// owner team and available, the lead is theirs without a turn of the rotation (its
/// fairness holds for the leads it assigns); their open leads still count it.
pub fn decide_with(
    config: &Config,
    lead: &Lead,
    now: DateTime<Utc>,
    states: &BTreeMap<String, TeamState>,
    sticky: Option<&Sticky>,
) -> Decision {
    let watchers: Vec<&Team> = config
        .teams
        .iter()
        .filter(|t| t.watch && matches(t, lead).is_some())
        .collect();
    let notify = |t: &Team, jobs: &mut Vec<Job>| {
        jobs.extend(t.notify.iter().map(|n| Job::notify(&t.name, &n.id)));
    };
    let mut jobs = Vec::new();
    let Some((owner_team, matched)) = owner(config, lead) else {
        for w in &watchers {
            notify(w, &mut jobs);
        }
        return Decision {
            route: Route {
                team: None,
                member: None,
                why: "no team's filters match and there is no default team: unrouted".into(),
                skipped: Vec::new(),
                fallback_from: None,
            },
            jobs,
            state: None,
        };
    };
    if let Some(st) = sticky.filter(|st| st.team == owner_team.name) {
        let state = states.get(&owner_team.name).cloned().unwrap_or_default();
        if let Some(m) = owner_team.members.iter().find(|m| m.name == st.member) {
            if available(m, now, &state).is_ok() {
                let mut next = state;
                *next.open.entry(m.name.clone()).or_insert(0) += 1;
                next.version += 1;
                notify(owner_team, &mut jobs);
                for w in &watchers {
                    notify(w, &mut jobs);
                }
                let ago = crate::claims::human(now - st.claimed_at);
                return Decision {
                    route: Route {
                        team: Some(owner_team.name.clone()),
                        member: Some(m.name.clone()),
                        why: format!(
                            "{matched}; {} again: they claimed this contact's lead {} {ago} ago (sticky, no rotation turn)",
                            m.name, st.lead_id
                        ),
                        skipped: Vec::new(),
                        fallback_from: None,
                    },
                    jobs,
                    state: Some((owner_team.name.clone(), next)),
                };
            }
        }
    }
    let mut skipped = Vec::new();
    let mut chosen: Option<(&Team, &Member, TeamState)> = None;
    let teams = chain(config, owner_team);
    for t in &teams {
        if t.members.is_empty() {
            continue;
        }
        let state = states.get(&t.name).cloned().unwrap_or_default();
        let prefix = (t.name != owner_team.name).then_some(t.name.as_str());
        let Some((m, next)) = pick(t, now, state, prefix, &mut skipped) else {
            continue;
        };
        chosen = Some((t, m, next));
        break;
    }
    let (route, state) = match chosen {
        Some((t, m, next)) => {
            let fallback = t.name != owner_team.name;
            let how = if t.members.len() == 1 {
                format!("{} (the only member)", m.name)
            } else {
                format!("{} by weighted rotation (weight {})", m.name, m.weight)
            };
            let why = if fallback {
                format!(
                    "{matched}; nobody there was available; fallback team {}: {how}",
                    t.name
                )
            } else {
                format!("{matched}; {how}")
            };
            notify(t, &mut jobs);
            (
                Route {
                    team: Some(t.name.clone()),
                    member: Some(m.name.clone()),
                    why,
                    skipped,
                    fallback_from: fallback.then(|| owner_team.name.clone()),
                },
                Some((t.name.clone(), next)),
            )
        }
        None => {
            notify(owner_team, &mut jobs);
            let why = if teams.iter().all(|t| t.members.is_empty()) {
                format!("{matched}; the team has no members")
            } else {
                format!("{matched}; nobody available in any team: unassigned")
            };
            (
                Route {
                    team: Some(owner_team.name.clone()),
                    member: None,
                    why,
                    skipped,
                    fallback_from: None,
                },
                None,
            )
        }
    };
    for w in &watchers {
        notify(w, &mut jobs);
    }
    Decision { route, jobs, state }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::model::{Business, Channel, Stage};

    const TEXT: &str = r#"
[routing]
link_secret = "a-link-secret-of-32-characters!!"

[[source]]
id = "chat"
provider = "intercom"
business = "services"
channel = "live_chat"
secret = "ic-secret-0123456789"

[[team]]
name = "chat-sales"
channels = ["live_chat"]
businesses = ["services"]
timezone = "Europe/Berlin"
hours = ["mon-fri 09:00-18:00"]
fallback = "night-desk"
[[team.notify]]
kind = "console"
[[team.member]]
name = "ana"
weight = 2
[[team.member]]
name = "bo"
away = ["2026-12-01/2026-12-10"]
[[team.member]]
name = "cy"
timezone = "Asia/Tokyo"
max_open = 1

[[team]]
name = "managers"
channels = ["live_chat", "phone"]
watch = true
[[team.notify]]
kind = "console"

[[team]]
name = "night-desk"
channels = ["phone"]
[[team.notify]]
kind = "console"
[[team.member]]
name = "dee"
hours = ["daily 18:00-09:00"]
timezone = "Europe/Berlin"
"#;

    fn config(text: &str) -> Config {
        Config::from_toml_str(text, "r.toml", &|_| None).unwrap()
    }

    fn lead(channel: Channel, business: Business) -> Lead {
        let mut l = crate::store::contract::sample_new_lead(
            "chat",
            "r-1",
            Stage::Hot,
            at("2026-12-04T10:00:00Z"),
        )
        .lead;
        l.channel = channel;
        l.business = business;
        l
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn teams_notified(d: &Decision) -> Vec<String> {
        d.jobs.iter().map(|j| j.team().to_string()).collect()
    }

    #[test]
    fn a_sticky_member_takes_the_lead_without_a_rotation_turn_when_available() {
        let c = config(TEXT);
        let now = at("2026-12-04T10:00:00Z");
        let l = lead(Channel::LiveChat, Business::Services);
        let sticky = |member: &str| Sticky {
            team: "chat-sales".into(),
            member: member.into(),
            lead_id: "ld_before".into(),
            claimed_at: now - chrono::Duration::days(3),
        };
        // ana is on shift: hers, the rotation's run untouched, her open leads counted
        let d = decide_with(&c, &l, now, &BTreeMap::new(), Some(&sticky("ana")));
        assert_eq!(d.route.member.as_deref(), Some("ana"));
        assert!(
            d.route.why.ends_with(
                "ana again: they claimed this contact's lead ld_before 3d ago (sticky, no rotation turn)"
            ),
            "{}",
            d.route.why
        );
        assert_eq!(teams_notified(&d), ["chat-sales", "managers"]);
        let (_, state) = d.state.unwrap();
        assert!(state.current.is_empty(), "no rotation turn: {state:?}");
        assert_eq!(state.open.get("ana"), Some(&1));
        // bo is away: the rotation decides, as without a sticky member
        let plain = decide(&c, &l, now, &BTreeMap::new());
        let d = decide_with(&c, &l, now, &BTreeMap::new(), Some(&sticky("bo")));
        assert_eq!(d.route, plain.route);
        // another team's member is no one here
        let mut other = sticky("ana");
        other.team = "night-desk".into();
        assert_eq!(
            decide_with(&c, &l, now, &BTreeMap::new(), Some(&other)).route,
            plain.route
        );
    }

    #[test]
    fn the_owner_takes_the_lead_by_rotation_and_says_why() {
        let c = config(TEXT);
        // Friday 2026-12-04 11:00 in Berlin (10:00 UTC), 19:00 in Tokyo
        let d = decide(
            &c,
            &lead(Channel::LiveChat, Business::Services),
            at("2026-12-04T10:00:00Z"),
            &BTreeMap::new(),
        );
        assert_eq!(d.route.team.as_deref(), Some("chat-sales"));
        assert_eq!(d.route.member.as_deref(), Some("ana"));
        assert_eq!(
            d.route.why,
            "team chat-sales: channel live_chat, business services; ana by weighted rotation (weight 2)"
        );
        // bo is away; cy in Tokyo is off shift (her hours are the team's, in her zone)
        assert_eq!(
            d.route.skipped,
            vec![
                Skipped {
                    member: "bo".into(),
                    why: "away until 2026-12-10".into()
                },
                Skipped {
                    member: "cy".into(),
                    why: "off shift (Fri 19:00 Asia/Tokyo)".into()
                },
            ]
        );
        assert_eq!(d.route.fallback_from, None);
        // the owner and the watching managers are notified; nobody else
        assert_eq!(teams_notified(&d), ["chat-sales", "managers"]);
        let (team, state) = d.state.unwrap();
        assert_eq!(
            (team.as_str(), state.version, state.open["ana"]),
            ("chat-sales", 1, 1)
        );
    }

    #[test]
    fn capacity_and_filters_are_respected() {
        let c = config(TEXT);
        // 09:00 Friday in Tokyo (00:00 UTC) is cy's shift; ana and bo are off or away
        let t = at("2026-12-04T00:30:00Z");
        let l = lead(Channel::LiveChat, Business::Services);
        let d = decide(&c, &l, t, &BTreeMap::new());
        // Berlin is at night: the night desk? No — cy is on shift in Tokyo
        assert_eq!(d.route.member.as_deref(), Some("cy"), "{:?}", d.route);
        assert_eq!(d.route.why, "team chat-sales: channel live_chat, business services; cy by weighted rotation (weight 1)");
        // cy at her cap of one open lead: nobody in chat-sales, the night desk takes it
        let mut full = TeamState::default();
        full.open.insert("cy".into(), 1);
        let states = BTreeMap::from([("chat-sales".to_string(), full)]);
        let d = decide(&c, &l, t, &states);
        assert_eq!(d.route.team.as_deref(), Some("night-desk"));
        assert_eq!(d.route.member.as_deref(), Some("dee"));
        assert_eq!(d.route.fallback_from.as_deref(), Some("chat-sales"));
        assert!(
            d.route.skipped.contains(&Skipped {
                member: "cy".into(),
                why: "at capacity (1 open)".into()
            }),
            "{:?}",
            d.route.skipped
        );
        assert!(
            d.route.why.contains(
                "nobody there was available; fallback team night-desk: dee (the only member)"
            ),
            "{}",
            d.route.why
        );
        assert_eq!(teams_notified(&d), ["night-desk", "managers"]);
        // another business does not match chat-sales's filter: no owner, unrouted
        let d = decide(
            &c,
            &lead(Channel::LiveChat, Business::B2b),
            t,
            &BTreeMap::new(),
        );
        assert_eq!(d.route.team, None);
        assert!(d.route.why.contains("unrouted"));
        assert_eq!(
            teams_notified(&d),
            ["managers"],
            "watchers still hear of it"
        );
        assert_eq!(d.state, None);
    }

    #[test]
    fn nobody_anywhere_leaves_the_owner_notified_and_unassigned() {
        let c = config(TEXT);
        // Saturday 12:00 Berlin: chat-sales is off (mon-fri), the night desk is off (18-09)
        let t = at("2026-12-05T11:00:00Z");
        let d = decide(
            &c,
            &lead(Channel::LiveChat, Business::Services),
            t,
            &BTreeMap::new(),
        );
        assert_eq!(d.route.team.as_deref(), Some("chat-sales"));
        assert_eq!(d.route.member, None);
        assert!(
            d.route
                .why
                .ends_with("nobody available in any team: unassigned"),
            "{}",
            d.route.why
        );
        let names: Vec<&str> = d.route.skipped.iter().map(|s| s.member.as_str()).collect();
        assert_eq!(names, ["ana", "bo", "cy", "night-desk/dee"]);
        assert_eq!(teams_notified(&d), ["chat-sales", "managers"]);
        assert_eq!(d.state, None);
    }

    #[test]
    fn a_default_team_owns_what_no_team_matches() {
        let text = TEXT.replace(
            "link_secret = \"a-link-secret-of-32-characters!!\"",
            "link_secret = \"a-link-secret-of-32-characters!!\"\ndefault_team = \"night-desk\"",
        );
        let c = config(&text);
        let d = decide(
            &c,
            &lead(Channel::Email, Business::B2b),
            at("2026-12-04T20:00:00Z"),
            &BTreeMap::new(),
        );
        assert_eq!(d.route.team.as_deref(), Some("night-desk"));
        assert_eq!(d.route.member.as_deref(), Some("dee"));
        assert!(
            d.route.why.starts_with("team night-desk: the default team"),
            "{}",
            d.route.why
        );
    }

    fn counts(weights: &[u32], n: usize) -> Vec<Vec<u32>> {
        let names: Vec<String> = (0..weights.len()).map(|i| format!("m{i}")).collect();
        let available: Vec<(&str, u32)> = names
            .iter()
            .map(String::as_str)
            .zip(weights.iter().copied())
            .collect();
        let mut state = TeamState::default();
        let mut got = vec![0u32; weights.len()];
        let mut history = Vec::new();
        for _ in 0..n {
            got[rotate(&mut state, &available)] += 1;
            history.push(got.clone());
        }
        history
    }

    #[test]
    fn three_two_one_over_300_is_150_100_50() {
        let h = counts(&[3, 2, 1], 300);
        assert_eq!(h[299], [150, 100, 50]);
        // and smooth: the first six are not a block of one member
        let first: Vec<u32> = h[5].clone();
        assert_eq!(first, [3, 2, 1]);
    }

    proptest! {
        /// Over any run with a constant set of available members, every member's count
        /// stays within one of its share, after every lead.
        #[test]
        fn every_prefix_is_within_one_of_the_share(weights in prop::collection::vec(1u32..20, 1..8), n in 1usize..400) {
            let total: u32 = weights.iter().sum();
            for (k, got) in counts(&weights, n).iter().enumerate() {
                let picks = (k + 1) as f64;
                for (i, w) in weights.iter().enumerate() {
                    let share = picks * f64::from(*w) / f64::from(total);
                    let c = f64::from(got[i]);
                    prop_assert!((c - share).abs() < 1.0 + 1e-9, "weights {weights:?}: after {} picks member {i} has {c}, share {share}", k + 1);
                }
            }
        }

        /// Availability changing at random: within every run of leads with one set of
        /// available members, each member's count since the run began stays within one
        /// of its share of that run.
        #[test]
        fn every_run_of_a_changing_availability_is_fair(
            weights in prop::collection::vec(1u32..12, 2..7),
            runs in prop::collection::vec((any::<u64>(), 1usize..60), 1..8),
        ) {
            let names: Vec<String> = (0..weights.len()).map(|i| format!("m{i}")).collect();
            let mut state = TeamState::default();
            // a run is a stretch of leads with one available set: the same set twice in a
            // row is one run
            let mut previous: Option<u64> = None;
            let mut got = Vec::new();
            let mut done = 0usize;
            for (mask, len) in runs {
                let mask = mask & ((1 << weights.len()) - 1);
                let available: Vec<(&str, u32)> = names
                    .iter()
                    .zip(&weights)
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, (n, w))| (n.as_str(), *w))
                    .collect();
                if available.is_empty() {
                    continue;
                }
                let total: u32 = available.iter().map(|(_, w)| w).sum();
                if previous != Some(mask) {
                    got = vec![0u32; available.len()];
                    done = 0;
                }
                previous = Some(mask);
                for _ in 0..len {
                    got[rotate(&mut state, &available)] += 1;
                    done += 1;
                    let k = done;
                    for (i, (_, w)) in available.iter().enumerate() {
                        let share = k as f64 * f64::from(*w) / f64::from(total);
                        prop_assert!((f64::from(got[i]) - share).abs() < 1.0 + 1e-9,
                            "run of {available:?}: after {k} leads member {i} has {}, share {share}", got[i]);
                    }
                }
            }
        }

        /// A change of the available set restarts the rotation: nobody catches up.
        #[test]
        fn a_changed_set_starts_afresh(weights in prop::collection::vec(1u32..10, 2..6), before in 1usize..50) {
            let names: Vec<String> = (0..weights.len()).map(|i| format!("m{i}")).collect();
            let all: Vec<(&str, u32)> = names.iter().map(String::as_str).zip(weights.iter().copied()).collect();
            let mut state = TeamState::default();
            for _ in 0..before {
                rotate(&mut state, &all[1..]);
            }
            let pick = rotate(&mut state, &all);
            let mut fresh = TeamState::default();
            let fresh_pick = rotate(&mut fresh, &all);
            prop_assert_eq!(pick, fresh_pick);
            prop_assert_eq!(&state.current, &fresh.current);
        }
    }
}
