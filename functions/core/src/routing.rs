//! Routing: which team owns a hot lead, which of its reps takes it, who else is told —
//! and why, in words.
//!
//! - **Owner team**: the first non-watch team, in file order, whose filters match the
//!   lead (its channels, and each of `businesses`, `sources`, `campaigns` that is set);
//!   else `[routing] default_team`; else none (the lead is stored unrouted).
//! - **Watch teams** that match are notified too; they own nothing.
//! - **Rep**: among the owner team's members on shift (their hours, in their zone), not
//!   away and under `max_open`, by smooth weighted round robin ([`TeamState`]). Nobody
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
    /// Smooth weighted round robin's current weights.
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

/// Smooth weighted round robin over `available` (name, weight), from `state`: each adds
/// its weight to its current weight, the largest current wins (the first on a tie) and
/// gives back the total. Starting from zero, after `n` picks every member has had
/// within one of `n × weight / total`.
fn rotate(state: &mut TeamState, available: &[(&str, u32)]) -> usize {
    let mut names: Vec<String> = available.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    if state.available != names {
        state.available = names;
        state.current.clear();
    }
    let total: i64 = available.iter().map(|(_, w)| i64::from(*w)).sum();
    let mut best = 0;
    let mut best_current = i64::MIN;
    for (i, (name, w)) in available.iter().enumerate() {
        let c = state.current.entry(name.to_string()).or_insert(0);
        *c += i64::from(*w);
        if *c > best_current {
            best_current = *c;
            best = i;
        }
    }
    if let Some(c) = state.current.get_mut(available[best].0) {
        *c -= total;
    }
    best
}

/// Routes hot lead `lead` at `now`, given the stored state of the teams
/// [`teams_to_read`] names (a team missing from `states` is fresh).
pub fn decide(
    config: &Config,
    lead: &Lead,
    now: DateTime<Utc>,
    states: &BTreeMap<String, TeamState>,
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
    let mut skipped = Vec::new();
    let mut chosen: Option<(&Team, &Member, TeamState)> = None;
    let teams = chain(config, owner_team);
    for t in &teams {
        if t.members.is_empty() {
            continue;
        }
        let state = states.get(&t.name).cloned().unwrap_or_default();
        let mut available: Vec<(&str, u32)> = Vec::new();
        let mut who: Vec<&Member> = Vec::new();
        for m in &t.members {
            let open = state.open.get(&m.name).copied().unwrap_or(0);
            let verdict = on_duty(m, now).and_then(|()| match m.max_open {
                Some(max) if open >= max => Err(format!("at capacity ({open} open)")),
                _ => Ok(()),
            });
            match verdict {
                Ok(()) => {
                    available.push((m.name.as_str(), m.weight));
                    who.push(m);
                }
                Err(why) => skipped.push(Skipped {
                    member: if t.name == owner_team.name {
                        m.name.clone()
                    } else {
                        format!("{}/{}", t.name, m.name)
                    },
                    why,
                }),
            }
        }
        if available.is_empty() {
            continue;
        }
        let mut next = state;
        let i = rotate(&mut next, &available);
        let m = who[i];
        *next.open.entry(m.name.clone()).or_insert(0) += 1;
        next.version += 1;
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
