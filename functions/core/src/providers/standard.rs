//! Standard Webhooks (<https://www.standardwebhooks.com>): the canonical
//! [`LeadEvent`] JSON, signed per Standard Webhooks (see [`crate::signing`]: HMAC-SHA256
//! over `{webhook-id}.{webhook-timestamp}.{body}`, `whsec_` secrets, `v1,<base64>`
//! signatures, a five-minute tolerance).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::util::{finish, json_object, quote_id};
use super::{body_digest, MalformedError, ParseOptions, Parsed, SignatureError};
use crate::model::{Action, Channel, Headers, LeadEvent};
use crate::signing;

pub use crate::signing::{ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// See [`signing::verify`].
pub fn verify(
    secret: &str,
    headers: &Headers,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    signing::verify(secret, headers, body, now)
}

pub fn parse(
    headers: &Headers,
    body: &[u8],
    _opts: &ParseOptions,
) -> Result<Parsed, MalformedError> {
    let obj = json_object(body)?;
    check_fields(&obj)?;
    let event: LeadEvent = serde_json::from_value(Value::Object(obj))
        .map_err(|_| MalformedError("body is not a lead event".into()))?;
    let event = finish(event)?;
    let delivery_id = headers
        .get(ID_HEADER)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map_or_else(|| body_digest(body), str::to_string);
    Ok(Parsed::Lead { delivery_id, event })
}

const FIELDS: &[&str] = &[
    "action",
    "contact",
    "message",
    "channel",
    "utm",
    "occurred_at",
];
const CONTACT_FIELDS: &[&str] = &["email", "phone", "name", "company"];
const UTM_FIELDS: &[&str] = &["source", "medium", "campaign", "term", "content"];

/// Field-by-field checks that give short messages naming the field, and never echo a
/// contact value (serde's own errors would, e.g. `invalid type: string "ana@…"`).
fn check_fields(obj: &Map<String, Value>) -> Result<(), MalformedError> {
    let err = |m: String| Err(MalformedError(m));
    for k in obj.keys() {
        if !FIELDS.contains(&k.as_str()) {
            return err(format!(
                "unknown field {}, expected one of: {}",
                quote_id(k),
                FIELDS.join(", ")
            ));
        }
    }
    match obj.get("action") {
        None => return err("action: missing".into()),
        Some(Value::String(a)) => {
            if let Err(e) = a.parse::<Action>() {
                return err(format!("action: {}", short_enum_error(&e, a)));
            }
        }
        Some(_) => return err("action: must be a string".into()),
    }
    if let Some(c) = obj.get("contact") {
        check_string_object("contact", c, CONTACT_FIELDS)?;
    }
    if let Some(u) = obj.get("utm") {
        check_string_object("utm", u, UTM_FIELDS)?;
    }
    match obj.get("message") {
        None | Some(Value::Null) | Some(Value::String(_)) => {}
        Some(_) => return err("message: must be a string".into()),
    }
    match obj.get("channel") {
        None | Some(Value::Null) => {}
        Some(Value::String(c)) => {
            if let Err(e) = c.parse::<Channel>() {
                return err(format!("channel: {}", short_enum_error(&e, c)));
            }
        }
        Some(_) => return err("channel: must be a string".into()),
    }
    match obj.get("occurred_at") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) if t.parse::<DateTime<Utc>>().is_ok() => {}
        Some(_) => return err("occurred_at: must be an RFC 3339 timestamp".into()),
    }
    Ok(())
}

/// The model's `unknown action "buy", expected one of: …` with the offending value
/// shortened.
fn short_enum_error(e: &str, value: &str) -> String {
    if value.chars().count() > 64 {
        e.replacen(&format!("{value:?}"), &quote_id(value), 1)
    } else {
        e.to_string()
    }
}

fn check_string_object(name: &str, v: &Value, fields: &[&str]) -> Result<(), MalformedError> {
    let Value::Object(m) = v else {
        return Err(MalformedError(format!("{name}: must be an object")));
    };
    for (k, v) in m {
        if !fields.contains(&k.as_str()) {
            return Err(MalformedError(format!(
                "{name}: unknown field {}, expected one of: {}",
                quote_id(k),
                fields.join(", ")
            )));
        }
        if !matches!(v, Value::String(_) | Value::Null) {
            return Err(MalformedError(format!("{name}.{k}: must be a string")));
        }
    }
    Ok(())
}

pub fn sample(event: &LeadEvent, _delivery_id: &str, _now: DateTime<Utc>) -> Vec<u8> {
    serde_json::to_vec(event).expect("a LeadEvent always serialises")
}

/// The Standard Webhooks headers for `body` (see [`signing::sign`]: the id is sent
/// trimmed) and its content type.
pub fn sign(secret: &str, delivery_id: &str, body: &[u8], now: DateTime<Utc>) -> Headers {
    signing::sign(secret, delivery_id, body, now).with("content-type", "application/json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contact, Utm};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const TS: i64 = 1614265330;

    fn at(ts: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(ts, 0).unwrap()
    }

    fn event() -> LeadEvent {
        LeadEvent {
            action: Action::QuoteRequest,
            contact: Contact {
                email: Some("ana.lopez@example.com".into()),
                phone: Some("+34 600 123 456".into()),
                name: Some("Ana López".into()),
                company: Some("Lopez SL".into()),
            },
            message: Some("Could you send a quote for 40 seats?\nThanks".into()),
            channel: Some(Channel::WebForm),
            utm: Utm {
                source: Some("google".into()),
                campaign: Some("spring".into()),
                ..Utm::default()
            },
            occurred_at: Some(at(TS)),
        }
    }

    #[test]
    fn sample_sign_verify_parse_round_trip() {
        let e = event();
        let body = sample(&e, "msg_1", at(TS));
        let h = sign(SECRET, "msg_1", &body, at(TS));
        verify(SECRET, &h, &body, at(TS + 10)).unwrap();
        match parse(&h, &body, &ParseOptions::default()).unwrap() {
            Parsed::Lead { delivery_id, event } => {
                assert_eq!(delivery_id, "msg_1");
                assert_eq!(event, e);
            }
            other => panic!("{other:?}"),
        }
    }

    fn parse_err(body: &str) -> String {
        parse(&Headers::new(), body.as_bytes(), &ParseOptions::default())
            .unwrap_err()
            .0
    }

    #[test]
    fn malformed_bodies_get_short_messages_without_contact_data() {
        assert!(parse_err("{").starts_with("body is not valid JSON"));
        assert_eq!(parse_err("[1]"), "body is not a JSON object");
        assert_eq!(
            parse_err(r#"{"contact":{"email":"a@b.c"}}"#),
            "action: missing"
        );
        let e = parse_err(r#"{"action":"buy","contact":{"email":"a@b.c"}}"#);
        assert!(
            e.starts_with(r#"action: unknown action "buy", expected one of: add_to_cart"#),
            "{e}"
        );
        assert_eq!(parse_err(r#"{"action":3}"#), "action: must be a string");
        assert_eq!(
            parse_err(r#"{"action":"demo_request"}"#),
            "contact.email or contact.phone is required"
        );
        assert_eq!(
            parse_err(r#"{"action":"demo_request","contact":{"email":"   "}}"#),
            "contact.email or contact.phone is required"
        );
        assert_eq!(
            parse_err(r#"{"action":"demo_request","contact":{"email":"not-an-address"}}"#),
            "contact.email is not an e-mail address"
        );
        let e = parse_err(r#"{"action":"demo_request","contact":"ana@example.com"}"#);
        assert_eq!(e, "contact: must be an object");
        let e = parse_err(r#"{"action":"demo_request","contact":{"phone":4915112345678}}"#);
        assert_eq!(e, "contact.phone: must be a string");
        let e = parse_err(r#"{"action":"demo_request","contact":{"phone":"1"},"extra":1}"#);
        assert!(e.starts_with(r#"unknown field "extra""#), "{e}");
        let e = parse_err(r#"{"action":"demo_request","contact":{"phone":"1","fax":"2"}}"#);
        assert!(e.starts_with(r#"contact: unknown field "fax""#), "{e}");
        let e =
            parse_err(r#"{"action":"demo_request","contact":{"phone":"1"},"channel":"pigeon"}"#);
        assert!(e.starts_with(r#"channel: unknown channel "pigeon""#), "{e}");
        let e = parse_err(
            r#"{"action":"demo_request","contact":{"phone":"1"},"occurred_at":"yesterday"}"#,
        );
        assert_eq!(e, "occurred_at: must be an RFC 3339 timestamp");
        let e =
            parse_err(r#"{"action":"demo_request","contact":{"phone":"1"},"utm":{"source":1}}"#);
        assert_eq!(e, "utm.source: must be a string");
        let long = "x".repeat(500);
        let e = parse_err(&format!(r#"{{"action":"{long}"}}"#));
        assert!(e.len() < 400, "{e}");
    }

    #[test]
    fn strings_are_trimmed_and_messages_cut() {
        let long = "é".repeat(6000);
        let body = format!(
            r#"{{"action":"call_request","contact":{{"phone":" +1 555 0100 ","name":"  "}},"message":"{long}","utm":{{"source":" "}}}}"#
        );
        let Parsed::Lead { event, delivery_id } =
            parse(&Headers::new(), body.as_bytes(), &ParseOptions::default()).unwrap()
        else {
            panic!()
        };
        assert!(delivery_id.starts_with("sha256:"));
        assert_eq!(event.contact.phone.as_deref(), Some("+1 555 0100"));
        assert_eq!(event.contact.name, None);
        assert!(event.utm.is_empty());
        assert_eq!(event.message.unwrap().chars().count(), 5000);
    }
}
