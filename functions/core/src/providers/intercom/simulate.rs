//! Intercom deliveries as Intercom sends them: a `notification_event` for a
//! conversation a user started, signed with `X-Hub-Signature: sha1=<hex>`.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{Intercom, SIGNATURE_HEADER, TOPIC_CREATED};
use crate::model::{Action, Contact, Headers, LeadEvent};
use crate::providers::util::{hmac_sha1, hmac_sha256, html_escape, number_from, to_the_second, utm_query};
use crate::providers::Simulator;

impl Simulator for Intercom {
/// A `conversation.user.created` notification for `event`: the message as HTML in
/// `source.body`, the author's name and e-mail on `source.author`, a phone on the
/// conversation's contact, the UTM parameters on the page URL in `source.url`.
    fn sample(&self, event: &LeadEvent, delivery_id: &str, now: DateTime<Utc>) -> Vec<u8> {
    let at = event.occurred_at.unwrap_or(now).timestamp();
    let c = &event.contact;
    let conversation_id = number_from(&format!("conversation:{delivery_id}")).to_string();
    let contact_id = hex::encode(
        &hmac_sha256(b"intercom-contact", &[delivery_id.as_bytes()])[..12],
    );
    let role = if c.email.is_some() { "user" } else { "lead" };
    let html = event
        .message
        .as_deref()
        .map(|m| {
            m.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| format!("<p>{}</p>", html_escape(l)))
                .collect::<String>()
        })
        .unwrap_or_default();
    let query = utm_query(&event.utm);
    let url = if query.is_empty() {
        "https://www.example.com/pricing".to_string()
    } else {
        format!("https://www.example.com/pricing?{query}")
    };
    let body = json!({
        "type": "notification_event",
        "app_id": "hdf0x1a2",
        "data": {
            "type": "notification_event_data",
            "item": {
                "type": "conversation",
                "id": conversation_id,
                "created_at": at,
                "updated_at": at,
                "waiting_since": at,
                "snoozed_until": null,
                "open": true,
                "state": "open",
                "read": false,
                "priority": "not_priority",
                "admin_assignee_id": null,
                "team_assignee_id": null,
                "title": null,
                "source": {
                    "type": "conversation",
                    "id": number_from(&format!("message:{delivery_id}")).to_string(),
                    "delivered_as": "customer_initiated",
                    "subject": "",
                    "body": html,
                    "author": {
                        "type": role,
                        "id": contact_id,
                        "name": c.name,
                        "email": c.email,
                    },
                    "attachments": [],
                    "url": url,
                    "redacted": false,
                },
                "contacts": {
                    "type": "contact.list",
                    "contacts": [{
                        "type": "contact",
                        "id": contact_id,
                        "external_id": null,
                        "phone": c.phone,
                    }],
                },
                "teammates": { "type": "admin.list", "admins": [] },
                "conversation_parts": {
                    "type": "conversation_part.list",
                    "conversation_parts": [],
                    "total_count": 0,
                },
                "tags": { "type": "tag.list", "tags": [] },
            }
        },
        "links": {},
        "id": delivery_id,
        "topic": TOPIC_CREATED,
        "delivery_status": "pending",
        "delivery_attempts": 1,
        "delivered_at": 0,
        "first_sent_at": now.timestamp(),
        "created_at": (now - Duration::seconds(1)).timestamp(),
        "self": null,
    });
    serde_json::to_vec(&body).expect("JSON values always serialise")
}

    fn sign(
        &self,
        secret: &str,
        _event: &LeadEvent,
        _delivery_id: &str,
        body: &[u8],
        _now: DateTime<Utc>,
    ) -> Headers {
        Headers::new()
            .with(
                SIGNATURE_HEADER,
                format!("sha1={}", hex::encode(hmac_sha1(secret.as_bytes(), body))),
            )
            .with("content-type", "application/json")
            .with("user-agent", "intercom-parrot-service-client/1.0")
    }

    /// A `chat_message` from the contact's e-mail, phone and name (no company, no
    /// channel); the message as HTML paragraphs reads back as its words separated by
    /// single spaces; the creation time to the second.
    fn carried(&self, event: &LeadEvent, now: DateTime<Utc>) -> LeadEvent {
        let message = event
            .message
            .as_deref()
            .map(|m| m.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|m| !m.is_empty());
        LeadEvent {
            action: Action::ChatMessage,
            contact: Contact {
                company: None,
                ..event.contact.clone()
            },
            message,
            channel: None,
            occurred_at: Some(to_the_second(event.occurred_at.unwrap_or(now))),
            ..event.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::conformance::minimal_event;

    #[test]
    fn the_message_is_sent_as_escaped_html() {
        let e = LeadEvent {
            message: Some("How much does <Pro> cost for 5 seats & \"support\"?".into()),
            ..minimal_event()
        };
        let body = Intercom.sample(&e, "notif_abc", Utc::now());
        assert!(String::from_utf8_lossy(&body).contains("&lt;Pro&gt;"));
    }
}
