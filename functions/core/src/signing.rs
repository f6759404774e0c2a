//! Standard Webhooks (<https://www.standardwebhooks.com>) signing and verification, in
//! one place: the `standard` provider verifies incoming deliveries with it, its
//! simulator and the webhook notifier (`infra/notify`) sign with it.
//!
//! - The signed content is `{webhook-id}.{webhook-timestamp}.{body}`, MACed with
//!   HMAC-SHA256.
//! - The secret is `whsec_<base64 key>`; the prefix is optional, as in the reference
//!   libraries.
//! - `webhook-signature` holds `v1,<base64>` entries, possibly several separated by
//!   spaces; entries of other versions are ignored, and any `v1` entry may match.
//! - `webhook-timestamp` (unix seconds) must be within [`TOLERANCE_SECS`] of `now`,
//!   either way.
//!
//! Nothing here reads the clock: the caller passes `now`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};

use crate::model::Headers;
use crate::providers::util::{ct_eq, header, hmac_sha256};
use crate::providers::SignatureError;

pub const ID_HEADER: &str = "webhook-id";
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// How far `webhook-timestamp` may be from `now`, in the past or in the future.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// The HMAC key of a secret: base64 after an optional `whsec_`.
fn decode_key(secret: &str) -> Result<Vec<u8>, SignatureError> {
    let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
    match B64.decode(b64) {
        Ok(k) if !k.is_empty() => Ok(k),
        Ok(_) => Err(SignatureError("the source has an empty secret".into())),
        Err(_) => Err(SignatureError("secret is not valid base64".into())),
    }
}

/// The HMAC key of a secret as a receiver reads it (surrounding whitespace dropped).
pub fn key(secret: &str) -> Result<Vec<u8>, SignatureError> {
    decode_key(secret.trim())
}

/// Whether `secret` is a Standard Webhooks secret, exactly as written (configuration
/// checks: `whsec_` + base64 of a non-empty key, the prefix optional).
pub fn check_secret(secret: &str) -> Result<(), String> {
    let key = decode_key(secret)
        .map_err(|_| "a Standard Webhooks secret must be whsec_ followed by base64".to_string())?;
    if key.len() < MIN_KEY_BYTES {
        return Err(format!(
            "a Standard Webhooks key must be at least {MIN_KEY_BYTES} bytes (this one is {})",
            key.len()
        ));
    }
    Ok(())
}

/// The shortest key a configured `whsec_` secret may carry (Standard Webhooks keys are
/// 24–64 bytes; 16 is the floor below which an HMAC key is guessable).
pub const MIN_KEY_BYTES: usize = 16;

fn mac(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
    hmac_sha256(
        key,
        &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body],
    )
}

/// The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers for `body`
/// sent as message `id` at `now`.
///
/// The id is signed as a receiver will read it: HTTP drops whitespace around header
/// values, so it is trimmed here too (found by the `roundtrip` fuzz target: an id ending
/// in a form feed did not verify). A secret that is not valid base64 is used as raw
/// bytes (such a secret cannot verify anyway: [`verify`] rejects it).
pub fn sign(secret: &str, id: &str, body: &[u8], now: DateTime<Utc>) -> Headers {
    let id = id.trim();
    let key = key(secret).unwrap_or_else(|_| secret.as_bytes().to_vec());
    let ts = now.timestamp().to_string();
    let sig = B64.encode(mac(&key, id, &ts, body));
    Headers::new()
        .with(ID_HEADER, id)
        .with(TIMESTAMP_HEADER, ts)
        .with(SIGNATURE_HEADER, format!("v1,{sig}"))
}

/// Checks a delivery's Standard Webhooks signature and timestamp against `now`, in
/// constant time on the MAC.
pub fn verify(
    secret: &str,
    headers: &Headers,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let key = key(secret)?;
    let id = header(headers, ID_HEADER)?;
    let ts_raw = header(headers, TIMESTAMP_HEADER)?;
    let sigs = header(headers, SIGNATURE_HEADER)?;

    let ts: i64 = ts_raw
        .parse()
        .map_err(|_| SignatureError(format!("{TIMESTAMP_HEADER} is not a unix timestamp")))?;
    let age = now.timestamp().saturating_sub(ts);
    if age > TOLERANCE_SECS {
        return Err(SignatureError(format!(
            "{TIMESTAMP_HEADER} is {age}s old, more than the {TOLERANCE_SECS}s tolerance"
        )));
    }
    if age < -TOLERANCE_SECS {
        return Err(SignatureError(format!(
            "{TIMESTAMP_HEADER} is {}s in the future, more than the {TOLERANCE_SECS}s tolerance",
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

#[cfg(test)]
mod tests {
    use super::*;

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
        verify(SECRET, &h, PAYLOAD, at(TS + TOLERANCE_SECS)).unwrap();
        verify(SECRET, &h, PAYLOAD, at(TS - TOLERANCE_SECS)).unwrap();
        let old = verify(SECRET, &h, PAYLOAD, at(TS + TOLERANCE_SECS + 1)).unwrap_err();
        assert!(old.0.contains("old"), "{old}");
        let future = verify(SECRET, &h, PAYLOAD, at(TS - TOLERANCE_SECS - 1)).unwrap_err();
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

    #[test]
    fn configured_secrets_must_be_whsec_base64_as_written() {
        check_secret(SECRET).unwrap();
        check_secret(&SECRET["whsec_".len()..]).unwrap();
        for bad in [
            "whsec_",
            "whsec_not base64!",
            "",
            " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ] {
            assert_eq!(
                check_secret(bad).unwrap_err(),
                "a Standard Webhooks secret must be whsec_ followed by base64",
                "{bad:?}"
            );
        }
        // too short a key (10 bytes)
        assert_eq!(
            check_secret("whsec_c2hvcnQta2V5IQ==").unwrap_err(),
            "a Standard Webhooks key must be at least 16 bytes (this one is 10)"
        );
        // a receiver is more lenient: surrounding whitespace is dropped
        assert!(key(&format!(" {SECRET} ")).is_ok());
    }
}
