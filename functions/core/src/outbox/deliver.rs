//! One attempt at one outbox job, with the retry policy: sent, retry later (with
//! backoff) or dead letter. [`super::drain`] calls it for every due job.

use std::sync::Arc;

use super::Job;
use crate::clock::Clock;
use crate::config::Config;
use crate::config::{Notify, Target};
use crate::notify::{ClaimLink, Notifier, NotifyError, Outgoing};
use crate::store::{Attempt, DeliveryState, LeadStore, Notification, StoreError};

/// How long a claimed notification is reserved for the worker sending it.
pub fn lease() -> chrono::Duration {
    chrono::Duration::seconds(60)
}

/// The Slack user id of the lead's rep, if the route names one and the member has one.
fn rep_slack_id(config: &Config, lead: &crate::model::Lead) -> Option<String> {
    let r = lead.route.as_ref()?;
    let (team, member) = (r.team.as_deref()?, r.member.as_deref()?);
    config
        .teams
        .iter()
        .find(|t| t.name == team)?
        .members
        .iter()
        .find(|m| m.name == member)?
        .slack
        .clone()
}

/// `{public_url}/leads/{id}`.
fn lead_link(config: &Config, lead: &crate::model::Lead) -> String {
    format!(
        "{}/leads/{}",
        config.server.public_url.as_deref().unwrap_or(""),
        lead.id
    )
}

pub struct Dispatcher {
    pub store: Arc<dyn LeadStore>,
    pub notifier: Arc<dyn Notifier>,
    pub clock: Arc<dyn Clock>,
}

impl Dispatcher {
    /// Sends one notification once and records the outcome: sent, retry later (with
    /// backoff) or dead letter (after `max_attempts`, a permanent error, or when its
    /// team or notify entry is no longer configured). Returns the updated record.
    pub async fn deliver(
        &self,
        config: &Config,
        n: &Notification,
    ) -> Result<Notification, StoreError> {
        if n.state != DeliveryState::Pending {
            return Ok(n.clone());
        }
        let started = self.clock.now();
        let result = match &n.job {
            Job::Notify { team, target, step } => match (
                notify_entry(config, team, target),
                self.store.get_lead(&n.lead_id).await?,
            ) {
                (None, _) => Err(NotifyError::Permanent(format!(
                    "team {team:?} has no notify entry {target:?} any more"
                ))),
                (_, None) => Err(NotifyError::Permanent(format!(
                    "lead {} not found",
                    n.lead_id
                ))),
                (Some(entry), Some(lead)) => {
                    let claim = crate::claims::link(config, &lead, team, None, started).map(
                        |(url, token)| ClaimLink {
                            url,
                            token,
                            action: entry.claim_action,
                        },
                    );
                    let out = Outgoing {
                        notification: n,
                        entry,
                        lead: &lead,
                        link: lead_link(config, &lead),
                        now: started,
                        mention: rep_slack_id(config, &lead),
                        claim,
                        escalation: crate::claims::escalation_note(&lead, *step),
                        reply: false,
                        hand_back: None,
                    };
                    self.notifier.send(&out).await
                }
            },
            Job::Escalate { team, step } => {
                match crate::claims::escalate(
                    &*self.store,
                    config,
                    &n.lead_id,
                    team,
                    *step,
                    started,
                )
                .await
                {
                    Ok(_) => Ok(()),
                    Err(e) => Err(NotifyError::Retryable(e.to_string())),
                }
            }
            Job::SlackReply { url, .. } => match self.store.get_lead(&n.lead_id).await? {
                None => Err(NotifyError::Permanent(format!(
                    "lead {} not found",
                    n.lead_id
                ))),
                Some(lead) => {
                    let entry = Notify {
                        id: "slack-reply".into(),
                        target: Target::Slack { url: url.clone() },
                        claim_action: false,
                    };
                    let out = Outgoing {
                        notification: n,
                        entry: &entry,
                        lead: &lead,
                        link: lead_link(config, &lead),
                        now: started,
                        mention: None,
                        claim: None,
                        escalation: None,
                        reply: true,
                        hand_back: None,
                    };
                    self.notifier.send(&out).await
                }
            },
            Job::Release { .. } => match crate::claims::release(&*self.store, &n.lead_id).await {
                Ok(_) => Ok(()),
                Err(e) => Err(NotifyError::Retryable(e.to_string())),
            },
            Job::HandBack {
                event,
                target,
                reason,
                ..
            } => match (
                config.marketing.notify_entry(target),
                self.store.get_lead(&n.lead_id).await?,
            ) {
                (None, _) => Err(NotifyError::Permanent(format!(
                    "[marketing] has no notify entry {target:?} any more"
                ))),
                (_, None) => Err(NotifyError::Permanent(format!(
                    "lead {} not found",
                    n.lead_id
                ))),
                (Some(entry), Some(lead)) => {
                    let out = Outgoing {
                        notification: n,
                        entry,
                        lead: &lead,
                        link: lead_link(config, &lead),
                        now: started,
                        mention: None,
                        claim: None,
                        escalation: None,
                        reply: false,
                        hand_back: Some(crate::notify::HandBackNote {
                            event: event.clone(),
                            reason: reason.clone(),
                        }),
                    };
                    self.notifier.send(&out).await
                }
            },
        };
        let now = self.clock.now();
        let attempt = match result {
            Ok(()) => Attempt::Sent,
            Err(NotifyError::Permanent(error)) => Attempt::Dead { error },
            Err(e @ (NotifyError::Retryable(_) | NotifyError::RetryAfter { .. })) => {
                let attempts = n.attempts + 1;
                let (error, asked) = match e {
                    NotifyError::RetryAfter { error, after } => (error, after),
                    other => (other.to_string(), chrono::Duration::zero()),
                };
                if attempts >= config.delivery.max_attempts() {
                    Attempt::Dead {
                        error: format!("gave up after {attempts} attempts: {error}"),
                    }
                } else {
                    // not before the receiver asked (Retry-After), and not before the backoff
                    Attempt::Retry {
                        error,
                        next_attempt_at: now
                            + config.delivery.retry_delay(attempts, &n.id).max(asked),
                    }
                }
            }
        };
        match &attempt {
            Attempt::Sent => {
                tracing::info!(notification = %n.id, lead_id = %n.lead_id, team = %n.team(), "notification sent")
            }
            Attempt::Retry {
                error,
                next_attempt_at,
            } => {
                tracing::warn!(notification = %n.id, lead_id = %n.lead_id, %error, retry_at = %next_attempt_at, "notification failed, will retry")
            }
            Attempt::Dead { error } => {
                tracing::error!(notification = %n.id, lead_id = %n.lead_id, %error, "notification is a dead letter")
            }
        }
        self.store.record_attempt(&n.id, attempt, now).await
    }
}

/// The entry a notify job addresses: by its stable id, or (items of the previous
/// version, target `#<index>`) by position.
fn notify_entry<'c>(config: &'c Config, team: &str, target: &str) -> Option<&'c Notify> {
    let team = config.team(team)?;
    match target.strip_prefix('#') {
        Some(i) => team.notify.get(i.parse::<usize>().ok()?),
        None => team.notify_entry(target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Stage;

    #[test]
    fn the_rep_is_mentioned_by_the_slack_id_of_the_team_member() {
        let text = r#"
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
[[team.notify]]
kind = "console"
[[team.member]]
name = "ana"
slack = "U0123ABCD"
[[team.member]]
name = "bo"
"#;
        let config = Config::from_toml_str(text, "t.toml", &|_| None).unwrap();
        let mut lead = crate::store::contract::sample_new_lead(
            "chat",
            "m-1",
            Stage::Hot,
            crate::store::contract::t0(),
        )
        .lead;
        let route = |member: Option<&str>| crate::routing::Route {
            team: Some("chat-sales".into()),
            member: member.map(str::to_string),
            why: String::new(),
            skipped: Vec::new(),
            fallback_from: None,
        };
        lead.route = Some(route(Some("ana")));
        assert_eq!(rep_slack_id(&config, &lead).as_deref(), Some("U0123ABCD"));
        lead.route = Some(route(Some("bo")));
        assert_eq!(rep_slack_id(&config, &lead), None, "bo has no Slack id");
        lead.route = Some(route(None));
        assert_eq!(rep_slack_id(&config, &lead), None, "unassigned");
        lead.route = None;
        assert_eq!(rep_slack_id(&config, &lead), None);
    }
}
