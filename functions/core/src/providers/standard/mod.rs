//! Standard Webhooks (<https://www.standardwebhooks.com>): the canonical
//! [`LeadEvent`] JSON, signed per Standard Webhooks (see [`crate::signing`]: HMAC-SHA256
//! over `{webhook-id}.{webhook-timestamp}.{body}`, `whsec_` secrets, `v1,<base64>`
//! signatures, a five-minute tolerance).
//!
//! Delivery id = `webhook-id`, else a digest of the body.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::util::{finish, json_object, quote_id};
use super::{
    body_digest, MalformedError, ParseOptions, Parsed, Provider, ProviderKind, SignatureError,
    SignedTimestamp, Simulator,
};
use crate::model::{Action, Channel, Headers, LeadEvent};
use crate::signing;

mod simulate;

pub use crate::signing::{ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// The `standard` provider.
pub struct Standard;

/// A handle to [`Standard`], for code that names this provider.
pub const KIND: ProviderKind = ProviderKind::new(&Standard);

impl Provider for Standard {
    fn name(&self) -> &'static str {
        "standard"
    }

    fn verify(
        &self,
        secret: &str,
        headers: &Headers,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), SignatureError> {
        signing::verify(secret, headers, body, now)
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
        signing::check_secret(secret)
    }

    fn signature_headers(&self) -> &'static [&'static str] {
        &[ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER]
    }

    fn timestamp(&self) -> Option<SignedTimestamp> {
        Some(SignedTimestamp {
            header: TIMESTAMP_HEADER,
            tolerance_secs: signing::TOLERANCE_SECS,
        })
    }

    fn simulator(&self) -> &dyn Simulator {
        self
    }
}

fn parse(
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn strings_are_trimmed_and_long_messages_kept_whole() {
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
        // intake cuts over-long text (and says so on the lead), not the parser
        assert_eq!(event.message.unwrap().chars().count(), 6000);
    }
}
