//! Claims and the SLA: the signed claim link in every notification of a team with
//! members, claiming a lead (the first claim wins: a conditional write), and the steps
//! an unclaimed lead takes when its team's `sla` runs out — to the next member who has
//! not had it, up to `max_escalations` times, then to the fallback team.
//!
//! Every step is a conditional update of the lead ([`crate::store::Leads::update_lead`])
//! written with the jobs it starts, so a claim racing an escalation (or twenty claims
//! racing each other) settle on the stored lead: one wins, the others read the winner.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::{Config, Secret, Team};
use crate::model::{Claim, ClaimState, Lead, TimelineEntry};
use crate::outbox::Job;
use crate::store::{LeadStore, LeadUpdate, Notification, StoreError, TeamState, Updated};

/// How often a claim or an SLA step is decided again when the lead changed between
/// reading and writing it.
const TRIES: usize = 20;

/// When a job written at `now` is due: an SLA step one `sla` later, anything else now.
pub fn due_at(config: &Config, job: &Job, now: DateTime<Utc>) -> DateTime<Utc> {
    match job {
        Job::Escalate { team, .. } => {
            now + config
                .team(team)
                .and_then(|t| t.sla)
                .unwrap_or_else(Duration::zero)
        }
        Job::Release { .. } => now + config.routing.open_for,
        _ => now,
    }
}

/// `5m`, `2m 5s`, `1h 30m`, `3d 2h`: two units at most, for people.
pub fn human(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    let (days, hours, mins, secs) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    let parts: Vec<String> = [(days, "d"), (hours, "h"), (mins, "m"), (secs, "s")]
        .iter()
        .skip_while(|(n, _)| *n == 0)
        .take(2)
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.join(" ")
    }
}

/// What a claim link names. The token is the only credential the link needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken {
    pub lead_id: String,
    /// The team whose notification carried the link: its members may claim with it.
    pub team: String,
    /// The rep a per-rep message was sent to (pre-selected on the page).
    pub member: Option<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("this claim link is not valid (it was changed, or made with another secret)")]
    Invalid,
    #[error("this claim link expired at {0}; open the lead from a newer notification")]
    Expired(DateTime<Utc>),
}

fn mac(secret: &Secret, payload: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    m.update(b"handoff-claim-v1.");
    m.update(payload);
    m.finalize().into_bytes().to_vec()
}

impl ClaimToken {
    /// `{base64url(payload)}.{base64url(HMAC-SHA256)}`; the payload is
    /// `lead \n team \n member \n expiry (unix seconds)`.
    pub fn sign(&self, secret: &Secret) -> String {
        let payload = format!(
            "{}\n{}\n{}\n{}",
            self.lead_id,
            self.team,
            self.member.as_deref().unwrap_or(""),
            self.expires_at.timestamp()
        );
        format!(
            "{}.{}",
            B64.encode(payload.as_bytes()),
            B64.encode(mac(secret, payload.as_bytes()))
        )
    }

    /// The token's claims if its signature is right and it has not expired at `now`.
    pub fn verify(token: &str, secret: &Secret, now: DateTime<Utc>) -> Result<Self, TokenError> {
        let (p, m) = token.split_once('.').ok_or(TokenError::Invalid)?;
        let payload = B64.decode(p).map_err(|_| TokenError::Invalid)?;
        let given = B64.decode(m).map_err(|_| TokenError::Invalid)?;
        if !crate::http::constant_time_eq(&given, &mac(secret, &payload)) {
            return Err(TokenError::Invalid);
        }
        let text = String::from_utf8(payload).map_err(|_| TokenError::Invalid)?;
        let parts: Vec<&str> = text.split('\n').collect();
        let [lead, team, member, exp] = parts.as_slice() else {
            return Err(TokenError::Invalid);
        };
        let expires_at = exp
            .parse::<i64>()
            .ok()
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .ok_or(TokenError::Invalid)?;
        if now >= expires_at {
            return Err(TokenError::Expired(expires_at));
        }
        Ok(ClaimToken {
            lead_id: lead.to_string(),
            team: team.to_string(),
            member: (!member.is_empty()).then(|| member.to_string()),
            expires_at,
        })
    }
}

/// The claim link of `lead` for a notification of `team` made at `now`, when the team
/// has members and a link secret is configured.
pub fn link(
    config: &Config,
    lead: &Lead,
    team: &str,
    member: Option<&str>,
    now: DateTime<Utc>,
) -> Option<(String, String)> {
    let secret = config.routing.link_secret.as_ref()?;
    let t = config.team(team).filter(|t| !t.members.is_empty())?;
    lead.claim.as_ref()?;
    let token = ClaimToken {
        lead_id: lead.id.clone(),
        team: t.name.clone(),
        member: member.map(str::to_string),
        expires_at: now + config.routing.claim_link_ttl,
    }
    .sign(secret);
    let base = config.server.public_url.as_deref().unwrap_or("");
    Some((format!("{base}/claim/{token}"), token))
}

/// Why a claim was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum ClaimRefused {
    #[error("no lead {0}")]
    NotFound(String),
    #[error("{0}")]
    NotClaimable(String),
    #[error("{0}")]
    UnknownMember(String),
    #[error("already claimed by {by} at {at}")]
    Taken { by: String, at: DateTime<Utc> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes `jobs` for lead `lead_id` without changing it otherwise (a reply to a Slack
/// click on a lead someone already has).
pub async fn add_jobs(
    store: &dyn LeadStore,
    lead_id: &str,
    jobs: Vec<Job>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for _ in 0..TRIES {
        let Some(lead) = store.get_lead(lead_id).await? else {
            return Ok(());
        };
        let mut next = lead;
        next.rev += 1;
        let outbox = jobs
            .iter()
            .map(|job| Notification::new(lead_id, job.clone(), now))
            .collect();
        match store.update_lead(LeadUpdate { lead: next, outbox }).await? {
            Updated::Changed => continue,
            _ => return Ok(()),
        }
    }
    Ok(())
}

/// The teams that have held `lead` (its current owner, then the ones before).
fn teams_of(lead: &Lead) -> Vec<String> {
    let mut v: Vec<String> = lead
        .route
        .as_ref()
        .and_then(|r| r.team.clone())
        .into_iter()
        .collect();
    if let Some(c) = &lead.claim {
        for h in &c.had {
            let t = h.split_once('/').map_or(h.as_str(), |(t, _)| t);
            if !v.iter().any(|x| x == t) {
                v.push(t.to_string());
            }
        }
    }
    v
}

/// Records `member` of `team` as the one who has lead `lead_id`: the first claim wins.
/// `team` must hold the lead now or have held it (an escalated lead can still be taken
/// by the rep it left), and `member` must be one of its members.
pub async fn claim(
    store: &dyn LeadStore,
    config: &Config,
    lead_id: &str,
    team: &str,
    member: &str,
    now: DateTime<Utc>,
    with: Vec<Job>,
) -> Result<Lead, ClaimRefused> {
    for _ in 0..TRIES {
        let lead = store
            .get_lead(lead_id)
            .await?
            .ok_or_else(|| ClaimRefused::NotFound(lead_id.to_string()))?;
        let Some(c) = lead.claim.clone() else {
            return Err(ClaimRefused::NotClaimable(format!(
                "lead {lead_id} is not claimable: no team with members owns it"
            )));
        };
        if c.state == ClaimState::Claimed {
            return Err(ClaimRefused::Taken {
                by: c.by.unwrap_or_default(),
                at: c.at.unwrap_or(now),
            });
        }
        if !teams_of(&lead).iter().any(|t| t == team) {
            return Err(ClaimRefused::NotClaimable(format!(
                "lead {lead_id} is not {team}'s to claim"
            )));
        }
        let Some(t) = config.team(team) else {
            return Err(ClaimRefused::NotClaimable(format!(
                "team {team:?} is not configured any more"
            )));
        };
        if !t.members.iter().any(|m| m.name == member) {
            return Err(ClaimRefused::UnknownMember(format!(
                "{member:?} is not a member of {team}"
            )));
        }
        let took = now - lead.received_at;
        let mut next = lead.clone();
        next.rev += 1;
        next.claim = Some(Claim {
            state: ClaimState::Claimed,
            by: Some(member.to_string()),
            at: Some(now),
            seconds_to_claim: Some(took.num_seconds().max(0)),
            team: Some(team.to_string()),
            released: false,
            ..c
        });
        next.timeline.push(TimelineEntry::new(
            now,
            "claimed",
            format!("by {team}/{member}, {} after it arrived", human(took)),
        ));
        // the claimed lead counts in the claimer's max_open until its outcome, or
        // open_for from now (the release job)
        let release = Job::Release {
            team: team.to_string(),
            member: member.to_string(),
        };
        let outbox = with
            .iter()
            .chain(std::iter::once(&release))
            .map(|job| {
                let mut n = Notification::new(lead_id, job.clone(), due_at(config, job, now));
                n.created_at = now;
                n
            })
            .collect();
        match store.update_lead(LeadUpdate { lead: next, outbox }).await? {
            Updated::Applied(l) => {
                // the open lead moves from the rep it was assigned to to the claimer
                let assigned = lead
                    .route
                    .as_ref()
                    .and_then(|r| r.team.clone().zip(r.member.clone()));
                match assigned {
                    Some((t, m)) if t == team => {
                        if m != member {
                            shift_open(store, team, Some(&m), Some(member)).await;
                        }
                    }
                    Some((t, m)) => {
                        shift_open(store, &t, Some(&m), None).await;
                        shift_open(store, team, None, Some(member)).await;
                    }
                    None => shift_open(store, team, None, Some(member)).await,
                }
                tracing::info!(
                    lead_id,
                    team,
                    member,
                    seconds = took.num_seconds(),
                    "lead claimed"
                );
                return Ok(*l);
            }
            Updated::Changed => continue,
            Updated::NotFound => return Err(ClaimRefused::NotFound(lead_id.to_string())),
        }
    }
    Err(ClaimRefused::Store(StoreError::Unavailable(format!(
        "lead {lead_id} kept changing while it was claimed"
    ))))
}

/// The release job, due `[routing] open_for` after a claim: frees the claimer's
/// `max_open` slot of lead `lead_id` unless its outcome freed it already (the flag
/// `released`, written by a conditional update, makes it happen once). Returns what was
/// done.
pub async fn release(store: &dyn LeadStore, lead_id: &str) -> Result<String, StoreError> {
    for _ in 0..TRIES {
        let Some(lead) = store.get_lead(lead_id).await? else {
            return Ok(format!("lead {lead_id} is gone"));
        };
        let Some(c) = lead
            .claim
            .clone()
            .filter(|c| c.state == ClaimState::Claimed)
        else {
            return Ok("not claimed".into());
        };
        if c.released {
            return Ok("released already (its outcome came)".into());
        }
        let mut next = lead.clone();
        next.rev += 1;
        if let Some(nc) = next.claim.as_mut() {
            nc.released = true;
        }
        match store
            .update_lead(LeadUpdate {
                lead: next,
                outbox: Vec::new(),
            })
            .await?
        {
            Updated::Applied(_) => {
                if let (Some(t), Some(m)) = (&c.team, &c.by) {
                    shift_open(store, t, Some(m), None).await;
                }
                return Ok("released: no outcome within open_for".into());
            }
            Updated::Changed => continue,
            Updated::NotFound => return Ok(format!("lead {lead_id} is gone")),
        }
    }
    Err(StoreError::Unavailable(format!(
        "lead {lead_id} kept changing while its open slot was released"
    )))
}

/// After an outcome was written with `released` set on its claim (see
/// [`crate::outcomes::record_event`]): the claimer has one open lead fewer.
pub async fn released_by_outcome(store: &dyn LeadStore, before: &Lead) {
    if let Some(c) = before
        .claim
        .as_ref()
        .filter(|c| c.state == ClaimState::Claimed && !c.released)
    {
        if let (Some(t), Some(m)) = (&c.team, &c.by) {
            shift_open(store, t, Some(m), None).await;
        }
    }
}

/// Moves one open lead of `team` from member `from` to member `to` (either may be
/// none) in the team's routing state (`max_open` counts them). Best effort: a failure
/// is logged and leaves the count as it was (the member may look busier than they are
/// until a later change).
async fn shift_open(store: &dyn LeadStore, team: &str, from: Option<&str>, to: Option<&str>) {
    for _ in 0..TRIES {
        let states = match store.team_states(&[team.to_string()]).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(team, error = %e, "open lead count not updated");
                return;
            }
        };
        let mut s: TeamState = states.get(team).cloned().unwrap_or_default();
        if let Some(f) = from {
            if let Some(n) = s.open.get_mut(f) {
                *n = n.saturating_sub(1);
            }
        }
        if let Some(t) = to {
            *s.open.entry(t.to_string()).or_insert(0) += 1;
        }
        s.version += 1;
        match store.write_team_state(team, &s).await {
            Ok(true) => return,
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(team, error = %e, "open lead count not updated");
                return;
            }
        }
    }
}

/// Runs SLA step `step` of the lead, due now: still unclaimed, it goes to the next
/// member of `team` who has not had it (steps up to `max_escalations`), else to the
/// fallback team ("SLA missed"), notified again either way. Claimed, or already past
/// this step (a re-run after a crash), nothing happens. Returns what was done.
pub async fn escalate(
    store: &dyn LeadStore,
    config: &Config,
    lead_id: &str,
    team: &str,
    step: u32,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    for _ in 0..TRIES {
        let Some(lead) = store.get_lead(lead_id).await? else {
            return Ok(format!("lead {lead_id} is gone"));
        };
        let Some(c) = lead.claim.clone() else {
            return Ok("not claimable".into());
        };
        if c.state == ClaimState::Claimed {
            return Ok(format!(
                "claimed in time by {}",
                c.by.as_deref().unwrap_or("?")
            ));
        }
        let Some(route) = lead.route.clone() else {
            return Ok("not routed".into());
        };
        if c.escalations >= step || route.team.as_deref() != Some(team) {
            return Ok("already moved on".into());
        }
        let Some(t) = config.team(team) else {
            return Ok(format!("team {team:?} is not configured any more"));
        };
        let holder = route.member.clone();
        let held = now - c.assigned_at;
        let from = match &holder {
            Some(m) => format!("{m} had it unclaimed for {}", human(held)),
            None => format!("unassigned in {team} for {}", human(held)),
        };
        let mut had = c.had.clone();
        if let Some(m) = &holder {
            had.push(format!("{team}/{m}"));
        }
        let mut next = lead.clone();
        next.rev += 1;
        let mut jobs = Vec::new();
        let mut fallback_turn: Option<(String, String)> = None;
        let detail;
        // 1. the next member of this team who has not had it
        let reassign = if step <= t.max_escalations {
            next_member(t, &lead, &had, holder.as_deref(), store, now).await?
        } else {
            None
        };
        if let Some(m) = &reassign {
            detail = format!(
                "SLA step {step} of {}: {from}; re-assigned to {m}",
                t.max_escalations
            );
            let r = next.route.as_mut().expect("routed");
            r.member = Some(m.clone());
            r.why = format!("{}; {detail}", route.why);
            notify_team(t, step, &mut jobs);
            if step < t.max_escalations || t.fallback.is_some() {
                jobs.push(Job::Escalate {
                    team: team.to_string(),
                    step: step + 1,
                });
            }
        } else if let Some(f) = t.fallback.as_deref().and_then(|f| config.team(f)) {
            // 2. the fallback team, by its own rotation
            let mut skipped = Vec::new();
            let state = store
                .team_states(std::slice::from_ref(&f.name))
                .await?
                .remove(&f.name)
                .unwrap_or_default();
            let picked = match crate::routing::pick(f, now, state, Some(&f.name), &mut skipped) {
                Some((m, s)) => {
                    if !store.write_team_state(&f.name, &s).await? {
                        continue; // another lead took a turn there meanwhile: again
                    }
                    fallback_turn = Some((f.name.clone(), m.name.clone()));
                    Some(m.name.clone())
                }
                None => None,
            };
            detail = format!(
                "SLA missed in {team}: {from}; fallback team {}: {}",
                f.name,
                picked.as_deref().unwrap_or("nobody available, unassigned")
            );
            let r = next.route.as_mut().expect("routed");
            r.team = Some(f.name.clone());
            r.member = picked;
            r.fallback_from = Some(team.to_string());
            r.why = format!("{}; {detail}", route.why);
            r.skipped.extend(skipped);
            if f.members.is_empty() {
                next.claim = None; // nobody there claims: the team is notified, as any
            }
            notify_team(f, step, &mut jobs);
        } else {
            // 3. nobody else and no fallback: the team is told the SLA was missed
            detail = format!("SLA missed in {team}: {from}; no one else to take it");
            notify_team(t, step, &mut jobs);
        }
        if let Some(nc) = next.claim.as_mut() {
            nc.escalations = step;
            nc.had = had;
            nc.assigned_at = now;
        }
        next.timeline
            .push(TimelineEntry::new(now, "escalated", detail.clone()));
        let outbox = jobs
            .into_iter()
            .map(|job| {
                let mut n = Notification::new(lead_id, job.clone(), due_at(config, &job, now));
                n.created_at = now;
                n.updated_at = now;
                n
            })
            .collect();
        match store.update_lead(LeadUpdate { lead: next, outbox }).await? {
            Updated::Applied(_) => {
                if let Some(m) = &reassign {
                    shift_open(store, team, holder.as_deref(), Some(m)).await;
                } else if fallback_turn.is_some() {
                    shift_open(store, team, holder.as_deref(), None).await;
                }
                tracing::info!(lead_id, team, step, "{detail}");
                return Ok(detail);
            }
            Updated::Changed | Updated::NotFound => {
                // claimed (or changed) meanwhile: a fallback turn taken for it is given back
                if let Some((f, m)) = fallback_turn {
                    shift_open(store, &f, Some(&m), None).await;
                }
                continue;
            }
        }
    }
    Err(StoreError::Unavailable(format!(
        "lead {lead_id} kept changing during its SLA step"
    )))
}

fn notify_team(t: &Team, step: u32, jobs: &mut Vec<Job>) {
    jobs.extend(t.notify.iter().map(|n| Job::Notify {
        team: t.name.clone(),
        target: n.id.clone(),
        step,
    }));
}

/// The first member of `t` after the current holder, in file order and wrapping round,
/// who is available now and has not had the lead.
async fn next_member(
    t: &Team,
    _lead: &Lead,
    had: &[String],
    holder: Option<&str>,
    store: &dyn LeadStore,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let state = store
        .team_states(std::slice::from_ref(&t.name))
        .await?
        .remove(&t.name)
        .unwrap_or_default();
    let start = holder
        .and_then(|h| t.members.iter().position(|m| m.name == h))
        .map_or(0, |i| i + 1);
    let n = t.members.len();
    for k in 0..n {
        let m = &t.members[(start + k) % n];
        let tag = format!("{}/{}", t.name, m.name);
        if Some(m.name.as_str()) == holder || had.contains(&tag) {
            continue;
        }
        if crate::routing::available(m, now, &state).is_ok() {
            return Ok(Some(m.name.clone()));
        }
    }
    Ok(None)
}

/// What an escalated notification says about its step: the lead's latest escalation.
pub fn escalation_note(lead: &Lead, step: u32) -> Option<String> {
    if step == 0 {
        return None;
    }
    lead.timeline
        .iter()
        .rev()
        .find(|e| e.event == "escalated")
        .map(|e| e.detail.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::new("a-link-secret-of-32-characters!!")
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn tokens_round_trip_and_refuse_tampering_and_age() {
        let t = ClaimToken {
            lead_id: "ld_abc".into(),
            team: "chat-sales".into(),
            member: Some("ana".into()),
            expires_at: at("2026-12-04T12:00:00Z"),
        };
        let s = t.sign(&secret());
        assert_eq!(
            ClaimToken::verify(&s, &secret(), at("2026-12-04T11:59:59Z")),
            Ok(t.clone())
        );
        assert_eq!(
            ClaimToken::verify(&s, &secret(), at("2026-12-04T12:00:00Z")),
            Err(TokenError::Expired(t.expires_at))
        );
        let other = Secret::new("another-secret-of-32-characters!");
        assert_eq!(
            ClaimToken::verify(&s, &other, at("2026-12-04T11:00:00Z")),
            Err(TokenError::Invalid)
        );
        // another team in the payload, the old MAC: refused
        let forged_payload = B64.encode("ld_abc\nmanagers\nana\n1796385600");
        let mac_part = s.split_once('.').unwrap().1;
        assert_eq!(
            ClaimToken::verify(
                &format!("{forged_payload}.{mac_part}"),
                &secret(),
                at("2026-12-04T11:00:00Z")
            ),
            Err(TokenError::Invalid)
        );
        for junk in ["", ".", "abc", "a.b", "%%%.%%%"] {
            assert_eq!(
                ClaimToken::verify(junk, &secret(), at("2026-12-04T11:00:00Z")),
                Err(TokenError::Invalid),
                "{junk:?}"
            );
        }
        let team_link = ClaimToken {
            member: None,
            ..t.clone()
        };
        assert_eq!(
            ClaimToken::verify(
                &team_link.sign(&secret()),
                &secret(),
                at("2026-12-04T11:00:00Z")
            )
            .unwrap()
            .member,
            None
        );
    }

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(human(Duration::seconds(0)), "0s");
        assert_eq!(human(Duration::seconds(2)), "2s");
        assert_eq!(human(Duration::seconds(125)), "2m 5s");
        assert_eq!(human(Duration::seconds(300)), "5m");
        assert_eq!(human(Duration::seconds(5400)), "1h 30m");
        assert_eq!(human(Duration::seconds(3 * 86_400 + 7_260)), "3d 2h");
        assert_eq!(human(Duration::seconds(-5)), "0s");
    }
}
