//! The outbox: jobs written with the lead they concern (in the same store write) and
//! run later, due-time first, by one drain loop ([`drain`]) that both the local server
//! and the dispatch Lambda's sweep use.
//!
//! A job is a tagged [`Job`]: today only `notify` (send one hot lead to one notify entry
//! of one team). Escalations and reminders land here as new variants, due at the time
//! they are written for, and run by the same loop with the same retry policy.

use serde::{Deserialize, Deserializer, Serialize};

mod deliver;
mod drain;

pub use deliver::{lease, Dispatcher};
pub use drain::drain;

/// What an outbox item asks for. Serialised flat into the item (`"kind": "notify"`,
/// then the variant's fields), so a stored item reads as one record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Send the lead to notify entry `target` (its stable id, see
    /// [`crate::config::Notify::id`]) of team `team`. `step` is the SLA step the
    /// message belongs to (0: the lead's arrival; 1…: an escalation).
    Notify {
        team: String,
        target: String,
        #[serde(default, skip_serializing_if = "is_zero")]
        step: u32,
    },
    /// SLA step `step` (1…) of a lead owned by `team`: due `sla` after the previous
    /// step; if the lead is still unclaimed then, it moves on ([`crate::claims`]).
    Escalate { team: String, step: u32 },
    /// Update the Slack message whose Claim button `team`'s rep pressed, through the
    /// `response_url` Slack gave with the click (to show who has the lead now).
    SlackReply { team: String, url: String },
    /// A claimed lead stops counting in `member`'s `max_open` (`[routing] open_for`
    /// after the claim), unless its outcome released it already.
    Release { team: String, member: String },
    /// Hand the lead back to marketing (`[marketing]`): post `lead.{event}` (`nurture`,
    /// `mql`, `rejected`, `lost`) with `reason` to `[[marketing.notify]]` entry `target`.
    /// `at` (unix milliseconds of the event) keeps two hand-backs of one lead apart.
    HandBack {
        event: String,
        target: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        at: i64,
    },
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Items written before jobs were tagged have no `kind` and address their notify entry
/// by position (`notify_index`): they read as a notify job whose target is `#<index>`,
/// which [`Dispatcher`] resolves by position (`#` is never part of an entry id).
impl<'de> Deserialize<'de> for Job {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Job, D::Error> {
        use serde::de::Error;
        use serde_json::Value;
        #[derive(Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        enum Tagged {
            Notify {
                team: String,
                target: String,
                #[serde(default)]
                step: u32,
            },
            Escalate {
                team: String,
                step: u32,
            },
            SlackReply {
                team: String,
                url: String,
            },
            HandBack {
                event: String,
                target: String,
                #[serde(default)]
                reason: Option<String>,
                at: i64,
            },
            Release {
                team: String,
                member: String,
            },
        }
        let mut fields = serde_json::Map::deserialize(d)?;
        if !fields.contains_key("kind") {
            if let Some(i) = fields.get("notify_index").and_then(Value::as_u64) {
                fields.insert("kind".into(), "notify".into());
                fields.insert("target".into(), format!("#{i}").into());
            }
        }
        fields.remove("notify_index");
        match Tagged::deserialize(Value::Object(fields)).map_err(D::Error::custom)? {
            Tagged::Notify { team, target, step } => Ok(Job::Notify { team, target, step }),
            Tagged::Escalate { team, step } => Ok(Job::Escalate { team, step }),
            Tagged::SlackReply { team, url } => Ok(Job::SlackReply { team, url }),
            Tagged::Release { team, member } => Ok(Job::Release { team, member }),
            Tagged::HandBack {
                event,
                target,
                reason,
                at,
            } => Ok(Job::HandBack {
                event,
                target,
                reason,
                at,
            }),
        }
    }
}

/// What a hand-back job's `team()` is: marketing is no team, but its jobs are listed
/// and filtered like a team's.
pub const MARKETING: &str = "marketing";

/// The hand-back jobs of `event` for `lead` at `at`, one per `[[marketing.notify]]`
/// entry, when `[marketing] send` names it; none otherwise.
pub fn hand_back(
    config: &crate::config::Config,
    event: crate::config::HandBack,
    reason: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<Job> {
    if !config.marketing.send.contains(&event) {
        return Vec::new();
    }
    config
        .marketing
        .notify
        .iter()
        .map(|n| Job::HandBack {
            event: event.as_str().to_string(),
            target: n.id.clone(),
            reason: reason.map(str::to_string),
            at: at.timestamp_millis(),
        })
        .collect()
}

impl Job {
    /// The part of the item id after the lead id: unique per lead and job.
    pub fn key(&self) -> String {
        match self {
            Job::Notify {
                team,
                target,
                step: 0,
            } => format!("{team}.{target}"),
            Job::Notify { team, target, step } => format!("{team}.{target}.step{step}"),
            Job::Escalate { team, step } => format!("{team}.sla{step}"),
            Job::SlackReply { team, url } => {
                use sha2::Digest;
                let h = hex::encode(sha2::Sha256::digest(url.as_bytes()));
                format!("{team}.slack-reply-{}", &h[..12])
            }
            Job::HandBack {
                event, target, at, ..
            } => format!("marketing.{event}.{target}.{at}"),
            Job::Release { team, member } => format!("{team}.release.{member}"),
        }
    }
    pub fn notify(team: &str, target: &str) -> Job {
        Job::Notify {
            team: team.into(),
            target: target.into(),
            step: 0,
        }
    }
    /// The team the job concerns.
    pub fn team(&self) -> &str {
        match self {
            Job::Notify { team, .. }
            | Job::Escalate { team, .. }
            | Job::SlackReply { team, .. }
            | Job::Release { team, .. } => team,
            Job::HandBack { .. } => MARKETING,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jobs_serialise_flat_with_their_kind() {
        let v = serde_json::to_value(Job::notify("sales", "slack-1a2b3c4d")).unwrap();
        assert_eq!(
            v,
            json!({"kind": "notify", "team": "sales", "target": "slack-1a2b3c4d"})
        );
        assert_eq!(
            serde_json::from_value::<Job>(v).unwrap(),
            Job::notify("sales", "slack-1a2b3c4d")
        );
    }

    #[test]
    fn untagged_items_of_the_previous_version_read_as_positional_notify_jobs() {
        let old = json!({"team": "sales", "notify_index": 2});
        assert_eq!(
            serde_json::from_value::<Job>(old).unwrap(),
            Job::notify("sales", "#2")
        );
        assert!(serde_json::from_value::<Job>(json!({"kind": "teleport", "team": "x"})).is_err());
        assert!(serde_json::from_value::<Job>(json!({"team": "sales"})).is_err());
    }
}
