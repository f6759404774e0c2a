//! Notifications: what a sales team receives about a hot lead, and the port that sends it.
//!
//! The message bodies are built here (pure functions, tested); the adapters in
//! `infra/notify` only move bytes.

use async_trait::async_trait;
use serde_json::{json, Value};

use crate::config::Notify;
use crate::model::Lead;
use crate::store::Notification;

/// Why a send failed. `Permanent` failures (e.g. a 404 from the receiver) become dead
/// letters at once; `Retryable` ones are retried with backoff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    #[error("{0}")]
    Retryable(String),
    /// Retryable, but the receiver asked not to be tried again before `after` has
    /// passed (`Retry-After` on a 429 or 503).
    #[error("{error}")]
    RetryAfter {
        error: String,
        after: chrono::Duration,
    },
    #[error("{0}")]
    Permanent(String),
}

/// The longest `Retry-After` honoured; a receiver asking for more is tried after a day.
pub fn max_retry_after() -> chrono::Duration {
    chrono::Duration::hours(24)
}

/// A `Retry-After` value (delay-seconds or an HTTP date, RFC 9110 §10.2.3) as a delay
/// from `now`, capped at [`max_retry_after`]; `None` if it is neither.
pub fn parse_retry_after(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::Duration> {
    let v = value.trim();
    let after = if let Ok(secs) = v.parse::<u64>() {
        chrono::Duration::seconds(secs.min(max_retry_after().num_seconds() as u64) as i64)
    } else {
        let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
        (at.with_timezone(&chrono::Utc) - now).max(chrono::Duration::zero())
    };
    Some(after.min(max_retry_after()))
}

/// Everything a notifier needs to send one notification.
pub struct Outgoing<'a> {
    pub notification: &'a Notification,
    /// The team's notify entry the notification addresses.
    pub entry: &'a Notify,
    pub lead: &'a Lead,
    /// Link to the lead (`{public_url}/leads/{id}`).
    pub link: String,
    /// When the attempt is made (the injected clock): outbound signatures are dated by it.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The rep's Slack user id (`[[team.member]] slack`), mentioned in Slack messages.
    pub mention: Option<String>,
    /// The claim link, for a team with members.
    pub claim: Option<ClaimLink>,
    /// For an SLA step's notification: what happened (who had it, for how long).
    pub escalation: Option<String>,
    /// A reply to a Slack button click (the message, updated to show the claim).
    pub reply: bool,
    /// A hand-back to marketing: `lead.{event}` with its reason.
    pub hand_back: Option<HandBackNote>,
}

/// What a hand-back to marketing says: `nurture`, `mql`, `rejected` or `lost`, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandBackNote {
    pub event: String,
    pub reason: Option<String>,
}

/// A notification's claim link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimLink {
    /// `{public_url}/claim/{token}`.
    pub url: String,
    pub token: String,
    /// A Slack app's interactive button (`action_id = "claim"`, the token as its value)
    /// instead of a link button.
    pub action: bool,
}

impl Outgoing<'_> {
    /// The Slack body: the lead message with its claim button and escalation, or for a
    /// reply the message replaced by who has the lead now.
    pub fn slack_body(&self) -> Value {
        if self.reply {
            return slack_claimed(self.lead);
        }
        if let Some(h) = &self.hand_back {
            let mut v = slack_message(self.lead, &self.link, None);
            let note = format!(
                "Back to marketing: lead.{}{}",
                h.event,
                h.reason
                    .as_deref()
                    .map(|r| format!(" ({})", slack_escape(r)))
                    .unwrap_or_default()
            );
            v["text"] = json!(format!("{note} — {}", v["text"].as_str().unwrap_or("")));
            if let Some(blocks) = v["blocks"].as_array_mut() {
                blocks.insert(
                    0,
                    json!({"type": "section", "text": {"type": "mrkdwn", "text": format!("*{note}*")}}),
                );
            }
            return v;
        }
        let mut v = slack_message(self.lead, &self.link, self.mention.as_deref());
        let blocks = v["blocks"].as_array_mut().expect("blocks");
        if let Some(note) = &self.escalation {
            blocks.insert(
                1,
                json!({"type": "section", "text": {"type": "mrkdwn", "text": format!(":rotating_light: *Escalated:* {}", slack_escape(note))}}),
            );
            v["text"] = json!(format!("Escalated — {}", v["text"].as_str().unwrap_or("")));
        }
        if let Some(c) = &self.claim {
            let button = if c.action {
                json!({"type": "button", "style": "primary", "text": {"type": "plain_text", "text": "Claim"}, "action_id": "claim", "value": c.token})
            } else {
                json!({"type": "button", "style": "primary", "text": {"type": "plain_text", "text": "Claim"}, "url": c.url})
            };
            let blocks = v["blocks"].as_array_mut().expect("blocks");
            if let Some(actions) = blocks.last_mut().and_then(|b| b["elements"].as_array_mut()) {
                actions.insert(0, button);
            }
        }
        v
    }

    /// The console line, with the escalation and the claim link.
    pub fn console_text(&self) -> String {
        let mut line = console_line(self.lead, self.notification.team(), &self.link);
        if let Some(h) = &self.hand_back {
            let reason = h
                .reason
                .as_deref()
                .map(|r| format!(" ({})", crate::mask::printable(r)))
                .unwrap_or_default();
            return format!("TO MARKETING lead.{}{reason} {line}", h.event);
        }
        if let Some(note) = &self.escalation {
            line = format!("ESCALATED ({}) {line}", crate::mask::printable(note));
        }
        if let Some(c) = &self.claim {
            line.push_str(&format!(" — claim {}", c.url));
        }
        line
    }

    /// The webhook body, with `claim_url` and `escalation` when there are.
    pub fn webhook_body(&self) -> Value {
        if let Some(h) = &self.hand_back {
            return hand_back_message(self.lead, self.notification, &self.link, h);
        }
        let mut v = webhook_message(self.lead, self.notification, &self.link);
        if let Some(c) = &self.claim {
            v["claim_url"] = json!(c.url);
        }
        if let Some(note) = &self.escalation {
            v["type"] = json!("lead.escalated");
            v["escalation"] = json!(note);
        }
        v
    }
}

/// The Slack message after a claim (`replace_original`): who has the lead.
pub fn slack_claimed(lead: &Lead) -> Value {
    let e = slack_escape;
    let by = lead
        .claim
        .as_ref()
        .and_then(|c| c.by.clone())
        .unwrap_or_else(|| "nobody yet".into());
    let after = lead
        .claim
        .as_ref()
        .and_then(|c| c.seconds_to_claim)
        .map(|s| {
            format!(
                " after {}",
                crate::claims::human(chrono::Duration::seconds(s))
            )
        })
        .unwrap_or_default();
    let text = format!(
        "Hot lead: {} — {} — claimed by {}{after}",
        e(&who(lead)),
        lead.action,
        e(&by)
    );
    json!({"replace_original": true, "text": text, "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": format!(":white_check_mark: {text}")}}
    ]})
}

#[async_trait]
pub trait Notifier: Send + Sync {
    async fn send(&self, out: &Outgoing<'_>) -> Result<(), NotifyError>;
}

/// Escapes user text for Slack mrkdwn (`&`, `<`, `>`), so a message cannot ping
/// `<!channel>` or forge links.
pub fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn who(lead: &Lead) -> String {
    let c = &lead.contact;
    let mut parts = Vec::new();
    if let Some(n) = &c.name {
        parts.push(n.clone());
    }
    if let Some(co) = &c.company {
        parts.push(format!("({co})"));
    }
    if parts.is_empty() {
        parts.push("A buyer".into());
    }
    parts.join(" ")
}

fn campaign(lead: &Lead) -> String {
    let u = &lead.utm;
    match (&u.source, &u.campaign) {
        (Some(s), Some(c)) => format!("{s} / {c}"),
        (Some(s), None) => s.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => "no campaign".into(),
    }
}

fn why(lead: &Lead) -> String {
    lead.reasons
        .iter()
        .map(|r| r.detail.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Slack incoming-webhook body: `text` (fallback and notifications) plus Block Kit blocks.
pub fn slack_message(lead: &Lead, link: &str, mention: Option<&str>) -> Value {
    let e = slack_escape;
    let text = format!(
        "Hot lead: {} — {} via {} (score {})",
        e(&who(lead)),
        lead.action,
        lead.source_id,
        lead.score
    );
    let mut contact = Vec::new();
    if let Some(m) = &lead.contact.email {
        contact.push(format!("*E-mail:* {}", e(m)));
    }
    if let Some(p) = &lead.contact.phone {
        contact.push(format!("*Phone:* {}", e(p)));
    }
    let mut blocks = vec![
        // a header's text is at most 150 characters (Block Kit)
        json!({"type": "header", "text": {"type": "plain_text", "text": format!("Hot lead: {}", e(&who(lead))).chars().take(150).collect::<String>(), "emoji": true}}),
        json!({"type": "section", "fields": [
            {"type": "mrkdwn", "text": format!("*Who:*\n{}", e(&who(lead)))},
            {"type": "mrkdwn", "text": format!("*Action:*\n{} ({})", lead.action, lead.channel)},
            {"type": "mrkdwn", "text": format!("*Source / campaign:*\n{} · {}", e(&lead.source_id), e(&campaign(lead)))},
            {"type": "mrkdwn", "text": format!("*Score:*\n{}", lead.score)},
        ]}),
    ];
    if !contact.is_empty() {
        blocks.push(
            json!({"type": "section", "text": {"type": "mrkdwn", "text": contact.join("\n")}}),
        );
    }
    blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": format!("*Why hot:* {}", e(&why(lead)))}}));
    if let (Some(r), Some(o)) = (&lead.route, owner(lead)) {
        let why: String = r.why.chars().take(1500).collect();
        // the rep's id comes from the configuration (checked: U/W + capitals and digits)
        let who = mention.map_or(String::new(), |id| format!(" <@{id}>"));
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": format!("*Owner:* {}{who}\n{}", e(&o), e(&why))}}));
    }
    if let Some(m) = &lead.message {
        let short: String = m.chars().take(500).collect();
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": format!("> {}", e(&short).replace('\n', "\n> "))}}));
    }
    blocks.push(json!({"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "Open lead"}, "url": link}
    ]}));
    json!({"text": text, "blocks": blocks})
}

/// Generic webhook body (CRM): the lead and its readiness.
pub fn webhook_message(lead: &Lead, notification: &Notification, link: &str) -> Value {
    json!({
        "type": "lead.hot",
        "notification_id": notification.id,
        "team": notification.team(),
        "link": link,
        "lead": lead,
        "readiness": lead.readiness(),
    })
}

/// The hand-back to marketing (`[[marketing.notify]]` webhooks): `{"type":
/// "lead.nurture"|"lead.mql"|"lead.rejected"|"lead.lost", "reason", "lead", "contact"}`.
pub fn hand_back_message(
    lead: &Lead,
    notification: &Notification,
    link: &str,
    h: &HandBackNote,
) -> Value {
    json!({
        "type": format!("lead.{}", h.event),
        "notification_id": notification.id,
        "reason": h.reason,
        "link": link,
        "lead": lead,
        "contact": {
            "id": lead.contact_id,
            "email": lead.contact.email,
            "phone": lead.contact.phone,
            "name": lead.contact.name,
            "company": lead.contact.company,
        },
    })
}

/// Who owns the lead, in a few words: `chat-sales → ana`, `chat-sales → unassigned`,
/// `unrouted`; `None` for a lead without a route (nurture, or stored before routing).
pub fn owner(lead: &Lead) -> Option<String> {
    let r = lead.route.as_ref()?;
    Some(match (&r.team, &r.member) {
        (Some(t), Some(m)) => format!("{t} → {m}"),
        (Some(t), None) => format!("{t} → unassigned"),
        (None, _) => "unrouted".to_string(),
    })
}

/// One console line; contact details masked (the console is a log) and control
/// characters escaped, so text a buyer controls cannot fake a line or clear the terminal.
pub fn console_line(lead: &Lead, team: &str, link: &str) -> String {
    let route = match (&lead.route, owner(lead)) {
        (Some(r), Some(o)) => format!(" — route {o}: {}", r.why),
        _ => String::new(),
    };
    let line = format!(
        "HOT LEAD [{team}] {} via {} ({}) score {} contact {} campaign {} — {}{route} — {link}",
        lead.action,
        lead.source_id,
        lead.channel,
        lead.score,
        lead.contact.masked(),
        campaign(lead),
        why(lead),
    );
    crate::mask::printable(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use chrono::{TimeZone, Utc};

    fn lead() -> Lead {
        Lead {
            id: "ld_1".into(),
            source_id: "demo-b2b".into(),
            delivery_id: "d1".into(),
            provider: crate::providers::standard::KIND,
            business: Business::B2b,
            channel: Channel::WebForm,
            action: Action::DemoRequest,
            contact: Contact {
                email: Some("ana@example.com".into()),
                phone: None,
                name: Some("Ana <!channel>".into()),
                company: Some("Acme & Co".into()),
            },
            message: Some("<script> how much?".into()),
            utm: Utm {
                source: Some("google".into()),
                campaign: Some("spring".into()),
                ..Default::default()
            },
            occurred_at: None,
            received_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            stage: Stage::Hot,
            score: 80,
            reasons: vec![Reason {
                rule: "hot_action.b2b".into(),
                field: "action".into(),
                detail: "demo_request is a readiness action for b2b".into(),
            }],
            truncated: Vec::new(),
            route: None,
            claim: None,
            timeline: Vec::new(),
            outcome: None,
            touch_of: None,
            contact_id: None,
            phone_unparsed: false,
            rev: 0,
        }
    }

    #[test]
    fn the_route_is_in_the_console_line_slack_and_the_webhook_body() {
        let mut l = lead();
        l.route = Some(crate::routing::Route {
            team: Some("chat-sales".into()),
            member: Some("ana".into()),
            why: "team chat-sales: channel live_chat; ana by weighted rotation (weight 2)".into(),
            skipped: vec![crate::routing::Skipped {
                member: "bo".into(),
                why: "away until 2026-12-31".into(),
            }],
            fallback_from: None,
        });
        let line = console_line(&l, "chat-sales", "http://x/leads/ld_1");
        assert!(
            line.contains("route chat-sales → ana: team chat-sales: channel live_chat; ana by weighted rotation (weight 2)"),
            "{line}"
        );
        let slack = slack_message(&l, "http://x/leads/ld_1", Some("U0123ABCD")).to_string();
        assert!(
            slack.contains("*Owner:* chat-sales → ana <@U0123ABCD>"),
            "{slack}"
        );
        let plain = slack_message(&l, "http://x/leads/ld_1", None).to_string();
        assert!(plain.contains("*Owner:* chat-sales → ana\\n"), "{plain}");
        let n = crate::store::Notification::new(
            "ld_1",
            crate::outbox::Job::notify("chat-sales", "console"),
            l.received_at,
        );
        let body = webhook_message(&l, &n, "http://x/leads/ld_1");
        assert_eq!(body["lead"]["route"]["member"], "ana");
        assert_eq!(
            body["lead"]["route"]["skipped"][0]["why"],
            "away until 2026-12-31"
        );
        l.route.as_mut().unwrap().member = None;
        assert_eq!(owner(&l).as_deref(), Some("chat-sales → unassigned"));
        l.route = None;
        assert!(!console_line(&l, "web", "http://x").contains("route"));
    }

    #[test]
    fn a_long_name_keeps_the_slack_header_within_150_characters() {
        let mut l = lead();
        l.contact.name = Some("Ñ".repeat(256));
        let v = slack_message(&l, "http://x/leads/ld_1", None);
        let header = v["blocks"][0]["text"]["text"].as_str().unwrap();
        assert_eq!(header.chars().count(), 150);
        assert!(header.starts_with("Hot lead: ÑÑÑ"));
    }

    #[test]
    fn slack_message_escapes_user_text_and_links_the_lead() {
        let v = slack_message(&lead(), "http://x/leads/ld_1", None);
        let s = v.to_string();
        assert!(!s.contains("<!channel>"), "{s}");
        assert!(s.contains("Ana &lt;!channel&gt;"));
        assert!(s.contains("Acme &amp; Co"));
        assert!(s.contains("&lt;script&gt;"));
        assert!(s.contains("http://x/leads/ld_1"));
        assert!(v["text"].as_str().unwrap().starts_with("Hot lead:"));
        assert!(v["blocks"].as_array().unwrap().len() >= 4);
        assert!(s.contains("google · spring") || s.contains("google / spring"));
    }

    #[test]
    fn retry_after_takes_seconds_or_an_http_date_and_is_capped_at_a_day() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            parse_retry_after("30", now),
            Some(chrono::Duration::seconds(30))
        );
        assert_eq!(
            parse_retry_after(" 0 ", now),
            Some(chrono::Duration::zero())
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 2026 00:02:00 GMT", now),
            Some(chrono::Duration::minutes(2))
        );
        assert_eq!(
            parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now),
            Some(chrono::Duration::zero()),
            "a date in the past: now"
        );
        assert_eq!(
            parse_retry_after("999999", now),
            Some(chrono::Duration::hours(24))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn console_line_masks_contact_details() {
        let l = console_line(&lead(), "web", "http://x/leads/ld_1");
        assert!(!l.contains("ana@example.com"));
        assert!(l.contains("a***@example.com"));
        assert!(l.contains("demo_request"));
    }

    #[test]
    fn console_line_escapes_control_characters_from_the_sender() {
        let mut l = lead();
        l.utm.campaign = Some("x\nHOT LEAD [fake] \u{1b}[2J".into());
        l.source_id = "src\r".into();
        let line = console_line(&l, "web", "http://x/leads/ld_1");
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(line.contains("x\\nHOT LEAD [fake] \\u{1b}[2J"), "{line}");
    }
}
