//! Intercom webhooks: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, raw body)>`,
//! body a `notification_event`.
//!
//! Payload (Intercom's webhook model): `{"type": "notification_event", "id": "notif_…",
//! "topic": "conversation.user.created"|"conversation.user.replied"|"ping"|…,
//! "app_id", "created_at", "data": {"type": "notification_event_data", "item":
//! {conversation}}}`, the conversation carrying `source` {type, id, delivered_as,
//! subject, body (HTML), author {type, id, name, email}, url}, `contacts`
//! {contacts: [{type, id, …}]} and `conversation_parts` {conversation_parts: [{part_type,
//! body, created_at, author}]}. Older API versions send `user` and
//! `conversation_message` instead of `contacts` and `source`; both are read.
//!
//! `ping` and topics other than user-created / user-replied conversations are
//! ignored. A lead is a `chat_message` whose message is the user's text (HTML
//! stripped): `source.body` when the conversation is created, the last user part
//! when they reply. UTM parameters come from `source.url`, the page the chat started
//! on. Delivery id = the notification `id`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::util::{
    clean, finish, hmac_sha1, html_to_text, json_object, mac_matches, quote_id, require_secret, str_at,
    utm_from_url,
};
use super::{
    body_digest, MalformedError, ParseOptions, Parsed, Provider, ProviderKind, SignatureError,
    Simulator,
};
use crate::model::{Action, Contact, Headers, LeadEvent};

mod simulate;

pub const SIGNATURE_HEADER: &str = "X-Hub-Signature";
pub const TOPIC_CREATED: &str = "conversation.user.created";
pub const TOPIC_REPLIED: &str = "conversation.user.replied";

/// The `intercom` provider.
pub struct Intercom;

/// A handle to [`Intercom`], for code that names this provider.
pub const KIND: ProviderKind = ProviderKind::new(&Intercom);

impl Provider for Intercom {
    fn name(&self) -> &'static str {
        "intercom"
    }

    fn verify(
        &self,
        secret: &str,
        headers: &Headers,
        body: &[u8],
        _now: DateTime<Utc>,
    ) -> Result<(), SignatureError> {
        require_secret(secret)?;
        let value = super::util::header(headers, SIGNATURE_HEADER)?;
        let hex_sig = value
            .strip_prefix("sha1=")
            .ok_or_else(|| SignatureError(format!("{SIGNATURE_HEADER} is not a sha1= signature")))?;
        // hex::decode takes either case; the comparison is on the decoded bytes
        let sig = hex::decode(hex_sig.trim())
            .map_err(|_| SignatureError(format!("{SIGNATURE_HEADER} is not hex")))?;
        let expected = hmac_sha1(secret.as_bytes(), body);
        mac_matches(&sig, &expected, SIGNATURE_HEADER)
    }

    fn parse(
        &self,
        headers: &Headers,
        body: &[u8],
        opts: &ParseOptions,
    ) -> Result<Parsed, MalformedError> {
        parse(headers, body, opts)
    }

    fn check_secret(&self, secret: &str) -> Result<(), String> {
        super::util::min_secret_length(secret, self.name())
    }

    fn signature_headers(&self) -> &'static [&'static str] {
        &[SIGNATURE_HEADER]
    }

    fn simulator(&self) -> &dyn Simulator {
        self
    }
}

/// Parts written by the buyer (not an admin, bot or team).
fn by_contact(author: &Value) -> bool {
    matches!(
        author.get("type").and_then(Value::as_str),
        Some("user" | "lead" | "contact")
    )
}

/// A unix timestamp, which older payloads send as a string.
fn unix_at(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    let x = v.get(key)?;
    let secs = x
        .as_i64()
        .or_else(|| x.as_str().and_then(|s| s.trim().parse().ok()))?;
    DateTime::from_timestamp(secs, 0).filter(|_| secs > 0)
}

fn parse(
    _headers: &Headers,
    body: &[u8],
    _opts: &ParseOptions,
) -> Result<Parsed, MalformedError> {
    let obj = Value::Object(json_object(body)?);
    match obj.get("type").and_then(Value::as_str) {
        Some("notification_event") => {}
        _ => {
            return Err(MalformedError(
                "type: not an Intercom notification_event".into(),
            ))
        }
    }
    let topic = obj
        .get("topic")
        .and_then(Value::as_str)
        .ok_or_else(|| MalformedError("topic: missing".into()))?;
    let created = match topic {
        TOPIC_CREATED => true,
        TOPIC_REPLIED => false,
        "ping" => {
            return Ok(Parsed::Ignored {
                reason: "ping".into(),
            })
        }
        other => {
            return Ok(Parsed::Ignored {
                reason: format!("topic {} is not a lead event", quote_id(other)),
            })
        }
    };
    let delivery_id = obj
        .get("id")
        .and_then(|v| clean(v.as_str()))
        .unwrap_or_else(|| body_digest(body));
    let item = match obj.pointer("/data/item") {
        Some(v @ Value::Object(_)) => v,
        _ => return Err(MalformedError("data.item: missing or not an object".into())),
    };
    // `source` since API 2.0, `conversation_message` before
    let source = item
        .get("source")
        .filter(|s| s.is_object())
        .or_else(|| item.get("conversation_message").filter(|s| s.is_object()))
        .unwrap_or(&Value::Null);

    let (text_part, occurred_at) = if created {
        (Some(source), unix_at(item, "created_at"))
    } else {
        let parts = item
            .pointer("/conversation_parts/conversation_parts")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let part = parts
            .iter()
            .rev()
            .find(|p| p.get("author").is_some_and(by_contact) && str_at(p, &["body"]).is_some())
            .or_else(|| parts.last());
        (
            part,
            part.and_then(|p| unix_at(p, "created_at"))
                .or_else(|| unix_at(item, "updated_at")),
        )
    };
    let occurred_at = occurred_at.or_else(|| unix_at(&obj, "created_at"));
    let message = text_part
        .and_then(|p| str_at(p, &["body"]))
        .map(|b| html_to_text(&b));

    // who wrote it: the author of that part, of the source, the first contact, the
    // legacy `user`
    let people: Vec<&Value> = [
        text_part
            .and_then(|p| p.get("author"))
            .filter(|a| by_contact(a)),
        source.get("author").filter(|a| by_contact(a)),
        item.pointer("/contacts/contacts/0"),
        item.get("user"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let pick = |key: &str| people.iter().find_map(|p| str_at(p, &[key]));
    let contact = Contact {
        email: pick("email"),
        phone: pick("phone"),
        name: pick("name"),
        company: None,
    };
    if contact.email.is_none() && contact.phone.is_none() {
        return Err(MalformedError(
            "no contact: the conversation's author has no e-mail or phone".into(),
        ));
    }
    let utm = str_at(source, &["url"])
        .map(|u| utm_from_url(&u))
        .unwrap_or_default();
    let event = finish(LeadEvent {
        action: Action::ChatMessage,
        contact,
        message,
        channel: None,
        utm,
        occurred_at,
    })?;
    Ok(Parsed::Lead { delivery_id, event })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify(secret: &str, headers: &Headers, body: &[u8]) -> Result<(), SignatureError> {
        Intercom.verify(secret, headers, body, Utc::now())
    }
    use serde_json::json;
    use crate::providers::conformance::minimal_event;

    fn sign(secret: &str, body: &[u8]) -> Headers {
        Intercom.sign(secret, &minimal_event(), "notif_1", body, Utc::now())
    }

    fn parse_v(v: Value) -> Result<Parsed, MalformedError> {
        parse(
            &Headers::new(),
            &serde_json::to_vec(&v).unwrap(),
            &ParseOptions::default(),
        )
    }

    #[test]
    fn ping_and_other_topics_are_ignored() {
        let p = parse_v(
            json!({"type": "notification_event", "topic": "ping", "id": "n1", "data": {"item": {}}}),
        );
        assert_eq!(
            p.unwrap(),
            Parsed::Ignored {
                reason: "ping".into()
            }
        );
        let p = parse_v(
            json!({"type": "notification_event", "topic": "conversation.admin.replied", "data": {}}),
        );
        assert!(
            matches!(p.unwrap(), Parsed::Ignored { reason } if reason.contains("conversation.admin.replied"))
        );
    }

    #[test]
    fn malformed_notifications() {
        assert!(parse_v(json!({"topic": TOPIC_CREATED}))
            .unwrap_err()
            .0
            .contains("notification_event"));
        assert_eq!(
            parse_v(json!({"type": "notification_event"}))
                .unwrap_err()
                .0,
            "topic: missing"
        );
        assert!(parse_v(
            json!({"type": "notification_event", "topic": TOPIC_CREATED, "data": {"item": 1}})
        )
        .unwrap_err()
        .0
        .contains("data.item"));
        let no_email = json!({"type": "notification_event", "topic": TOPIC_CREATED, "id": "n",
            "data": {"item": {"source": {"body": "<p>hi</p>", "author": {"type": "lead", "id": "x", "name": "Visitor"}}}}});
        assert_eq!(
            parse_v(no_email).unwrap_err().0,
            "no contact: the conversation's author has no e-mail or phone"
        );
    }

    #[test]
    fn legacy_user_and_conversation_message() {
        let v = json!({"type": "notification_event", "id": "notif_1", "topic": TOPIC_CREATED,
            "created_at": 1410188628,
            "data": {"type": "notification_event_data", "item": {
                "type": "conversation", "id": "1", "created_at": "1410335293",
                "user": {"type": "user", "id": "u", "name": "Kill Bill", "email": "bill@example.com"},
                "conversation_message": {"type": "conversation_message", "body": "<p>An important message</p>",
                    "author": {"type": "user", "id": "u"}}}}});
        let Parsed::Lead { delivery_id, event } = parse_v(v).unwrap() else {
            panic!()
        };
        assert_eq!(delivery_id, "notif_1");
        assert_eq!(event.contact.email.as_deref(), Some("bill@example.com"));
        assert_eq!(event.contact.name.as_deref(), Some("Kill Bill"));
        assert_eq!(event.message.as_deref(), Some("An important message"));
        assert_eq!(event.occurred_at, DateTime::from_timestamp(1410335293, 0));
    }

    #[test]
    fn replies_take_the_last_user_part() {
        let v = json!({"type": "notification_event", "id": "notif_2", "topic": TOPIC_REPLIED,
        "data": {"item": {"type": "conversation", "id": "1", "created_at": 100, "updated_at": 300,
            "source": {"body": "<p>first</p>", "author": {"type": "user", "email": "u@example.com", "name": "U"}},
            "conversation_parts": {"conversation_parts": [
                {"part_type": "comment", "body": "<p>second &amp; more</p>", "created_at": 200,
                    "author": {"type": "user", "email": "u@example.com", "name": "U"}},
                {"part_type": "comment", "body": "<p>admin answer</p>", "created_at": 250,
                    "author": {"type": "admin", "email": "agent@shop.example", "name": "Agent"}}
            ]}}}});
        let Parsed::Lead { event, .. } = parse_v(v).unwrap() else {
            panic!()
        };
        assert_eq!(event.message.as_deref(), Some("second & more"));
        assert_eq!(event.contact.email.as_deref(), Some("u@example.com"));
        assert_eq!(event.occurred_at, DateTime::from_timestamp(200, 0));
    }

    #[test]
    fn signature_hex_is_case_insensitive() {
        let body = br#"{"type":"notification_event","topic":"ping"}"#;
        let h = sign("k", body);
        let upper = h
            .get(SIGNATURE_HEADER)
            .unwrap()
            .replacen("sha1=", "", 1)
            .to_uppercase();
        verify(
            "k",
            &Headers::new().with(SIGNATURE_HEADER, format!("sha1={upper}")),
            body,
        )
        .unwrap();
        assert!(verify("k", &Headers::new().with(SIGNATURE_HEADER, "sha1=zz"), body).is_err());
        assert!(verify("k", &Headers::new().with(SIGNATURE_HEADER, upper), body).is_err());
        assert!(verify("other", &h, body).is_err());
    }
}
