//! Standard Webhooks (<https://www.standardwebhooks.com>): the canonical
//! [`LeadEvent`] JSON, signed with HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`.
//!
//! Headers: `webhook-id`, `webhook-timestamp` (unix seconds), `webhook-signature`
//! (`v1,<base64>`, possibly several space-separated entries, other versions ignored).
//! The secret is `whsec_<base64 key>`; the prefix is optional, as in the reference
//! libraries.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::util::{ct_eq, finish, hmac_sha256, json_object, quote_id};
use super::{
    body_digest, MalformedError, ParseOptions, Parsed, SignatureError, TIMESTAMP_TOLERANCE_SECS,
};
use crate::model::{Action, Channel, Headers, LeadEvent};

pub const ID_HEADER: &str = "webhook-id";
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// The HMAC key of a Standard Webhooks secret: base64 after an optional `whsec_`.
fn key(secret: &str) -> Result<Vec<u8>, SignatureError> {
    let b64 = secret.trim();
    let b64 = b64.strip_prefix("whsec_").unwrap_or(b64);
    match B64.decode(b64) {
        Ok(k) if !k.is_empty() => Ok(k),
        Ok(_) => Err(SignatureError("the source has an empty secret".into())),
        Err(_) => Err(SignatureError("secret is not valid base64".into())),
    }
}

fn mac(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
    hmac_sha256(
        key,
        &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body],
    )
}

pub fn verify(
    secret: &str,
    headers: &Headers,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let key = key(secret)?;
    let id = super::util::header(headers, ID_HEADER)?;
    let ts_raw = super::util::header(headers, TIMESTAMP_HEADER)?;
    let sigs = super::util::header(headers, SIGNATURE_HEADER)?;

    let ts: i64 = ts_raw
        .parse()
        .map_err(|_| SignatureError(format!("{TIMESTAMP_HEADER} is not a unix timestamp")))?;
    let age = now.timestamp().saturating_sub(ts);
    if age > TIMESTAMP_TOLERANCE_SECS {
        return Err(SignatureError(format!(
            "{TIMESTAMP_HEADER} is {age}s old, more than the {TIMESTAMP_TOLERANCE_SECS}s tolerance"
        )));
    }
    if age < -TIMESTAMP_TOLERANCE_SECS {
        return Err(SignatureError(format!(
            "{TIMESTAMP_HEADER} is {}s in the future, more than the {TIMESTAMP_TOLERANCE_SECS}s tolerance",
            age.unsigned_abs()
        )));
    }

    let expected = mac(&key, id, ts_raw, body);
    let mut matched = false;
    let mut v1_seen = false;
    for entry in sigs.split_whitespace() {
        let Some(("v1", sig)) = entry.split_once(',') else {
            continue;
        };
        v1_seen = true;
        if let Ok(sig) = B64.decode(sig) {
            // no early exit: every candidate is compared
            matched |= ct_eq(&sig, &expected);
        }
    }
    match (matched, v1_seen) {
        (true, _) => Ok(()),
        (false, true) => Err(SignatureError("no v1 signature matches".into())),
        (false, false) => Err(SignatureError(format!(
            "{SIGNATURE_HEADER} has no v1 signature"
        ))),
    }
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

/// Signature headers for `body`. A secret that is not valid base64 is used as raw
/// bytes (such a source cannot verify anyway: `verify` rejects the secret).
/// Signs `body` as delivery `delivery_id`. The id is signed as a receiver will read it:
/// HTTP drops whitespace around header values, so it is trimmed here too (found by the
/// `roundtrip` fuzz target: an id ending in a form feed did not verify).
pub fn sign(secret: &str, delivery_id: &str, body: &[u8], now: DateTime<Utc>) -> Headers {
    let delivery_id = delivery_id.trim();
    let key = key(secret).unwrap_or_else(|_| secret.as_bytes().to_vec());
    let ts = now.timestamp().to_string();
    let sig = B64.encode(mac(&key, delivery_id, &ts, body));
    Headers::new()
        .with(ID_HEADER, delivery_id)
        .with(TIMESTAMP_HEADER, ts)
        .with(SIGNATURE_HEADER, format!("v1,{sig}"))
        .with("content-type", "application/json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contact, Utm};

    // The Standard Webhooks published test vector (standard-webhooks/standard-webhooks,
    // libraries/go/webhook_test.go `TestWebhookSign`, and the other reference libraries).
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1614265330;
    const PAYLOAD: &[u8] = br#"{"test": 2432232314}"#;
    const EXPECTED: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn at(ts: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(ts, 0).unwrap()
    }

    fn vector_headers(sig: &str) -> Headers {
        Headers::new()
            .with("Webhook-Id", MSG_ID)
            .with("Webhook-Timestamp", TS.to_string())
            .with("Webhook-Signature", sig)
    }

    #[test]
    fn ids_with_surrounding_whitespace_still_verify() {
        let now = DateTime::from_timestamp(TS, 0).unwrap();
        let h = sign(SECRET, " msg_1\u{c}", PAYLOAD, now);
        assert_eq!(h.get(ID_HEADER), Some("msg_1"));
        verify(SECRET, &h, PAYLOAD, now).expect("signed as it will be read");
    }

    #[test]
    fn sign_reproduces_the_published_vector() {
        let h = sign(SECRET, MSG_ID, PAYLOAD, at(TS));
        assert_eq!(h.get("webhook-signature"), Some(EXPECTED));
        assert_eq!(h.get("webhook-id"), Some(MSG_ID));
        assert_eq!(h.get("webhook-timestamp"), Some("1614265330"));
        // the prefix is optional
        let bare = sign(SECRET.trim_start_matches("whsec_"), MSG_ID, PAYLOAD, at(TS));
        assert_eq!(bare.get("webhook-signature"), Some(EXPECTED));
    }

    #[test]
    fn verify_accepts_the_published_vector() {
        verify(SECRET, &vector_headers(EXPECTED), PAYLOAD, at(TS)).unwrap();
        verify(
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            &vector_headers(EXPECTED),
            PAYLOAD,
            at(TS),
        )
        .unwrap();
    }

    #[test]
    fn any_v1_entry_may_match() {
        let multi = format!(
            "v1a,AAAA v2,{} v1,bm9wZQ== {EXPECTED} v1,!!notbase64",
            &EXPECTED[3..]
        );
        verify(SECRET, &vector_headers(&multi), PAYLOAD, at(TS)).unwrap();
        // the right MAC under another version is not a v1 signature
        let other = format!("v1a,{}", &EXPECTED[3..]);
        let e = verify(SECRET, &vector_headers(&other), PAYLOAD, at(TS)).unwrap_err();
        assert!(e.0.contains("no v1"), "{e}");
    }

    #[test]
    fn tolerance_is_five_minutes_both_ways() {
        let h = vector_headers(EXPECTED);
        verify(SECRET, &h, PAYLOAD, at(TS + TIMESTAMP_TOLERANCE_SECS)).unwrap();
        verify(SECRET, &h, PAYLOAD, at(TS - TIMESTAMP_TOLERANCE_SECS)).unwrap();
        let old = verify(SECRET, &h, PAYLOAD, at(TS + TIMESTAMP_TOLERANCE_SECS + 1)).unwrap_err();
        assert!(old.0.contains("old"), "{old}");
        let future =
            verify(SECRET, &h, PAYLOAD, at(TS - TIMESTAMP_TOLERANCE_SECS - 1)).unwrap_err();
        assert!(future.0.contains("future"), "{future}");
    }

    #[test]
    fn bad_secrets_and_headers_are_signature_errors() {
        let h = vector_headers(EXPECTED);
        assert_eq!(
            verify("whsec_not base64!", &h, PAYLOAD, at(TS))
                .unwrap_err()
                .0,
            "secret is not valid base64"
        );
        assert!(verify("whsec_", &h, PAYLOAD, at(TS)).is_err());
        let with_ts = |ts: &str| {
            Headers::new()
                .with("webhook-id", MSG_ID)
                .with("webhook-timestamp", ts)
                .with("webhook-signature", EXPECTED)
        };
        let e = verify(SECRET, &with_ts("1614265330.5"), PAYLOAD, at(TS)).unwrap_err();
        assert!(e.0.contains("unix timestamp"), "{e}");
        // extreme timestamps do not overflow
        let e = verify(
            SECRET,
            &with_ts(&i64::MAX.to_string()),
            PAYLOAD,
            DateTime::<Utc>::MIN_UTC,
        );
        assert!(e.unwrap_err().0.contains("future"));
        let e = verify(
            SECRET,
            &with_ts(&i64::MIN.to_string()),
            PAYLOAD,
            DateTime::<Utc>::MAX_UTC,
        );
        assert!(e.unwrap_err().0.contains("old"));
        for missing in [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER] {
            let h = Headers::from_iter(h.iter().filter(|(k, _)| *k != missing));
            let e = verify(SECRET, &h, PAYLOAD, at(TS)).unwrap_err();
            assert_eq!(e.0, format!("missing {missing} header"));
        }
        // a different id changes the signed content
        let h = Headers::new()
            .with("webhook-id", "msg_other")
            .with("webhook-timestamp", TS.to_string())
            .with("webhook-signature", EXPECTED);
        assert!(verify(SECRET, &h, PAYLOAD, at(TS)).is_err());
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
