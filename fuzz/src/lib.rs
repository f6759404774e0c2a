//! Helpers shared by the fuzz targets.
//!
//! Provider inputs are HTTP-like so seeds stay readable and the fuzzer can mutate
//! header names as well as values: `name: value` lines, an empty line, then the raw
//! body. Without an empty line the whole input is the body (no headers).

use chrono::{DateTime, Utc};
use handoff_core::model::{Headers, ProviderKind};

/// A fixed "now" for verify (the timestamp the seed corpus is signed at).
pub const NOW_TS: i64 = 1_700_000_000;

pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW_TS, 0).expect("valid timestamp")
}

/// The secret for `kind`: `fuzz-secret`, or for providers that refuse such a secret
/// (Standard Webhooks wants base64 after `whsec_`) a Standard Webhooks one. The seeds
/// in `scripts/fuzz.sh` are signed with these.
pub fn secret(kind: ProviderKind) -> &'static str {
    if kind.check_secret("fuzz-secret").is_ok() {
        "fuzz-secret"
    } else {
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    }
}

/// Splits `data` into headers and body (see the module docs).
pub fn split(data: &[u8]) -> (Headers, &[u8]) {
    let mut headers = Headers::new();
    let Some(pos) = data.windows(2).position(|w| w == b"\n\n") else {
        return (headers, data);
    };
    let head = String::from_utf8_lossy(&data[..pos]);
    for line in head.split('\n') {
        match line.split_once(':') {
            Some((name, value)) => headers.insert(name, value.trim_start()),
            None => headers.insert(line, ""),
        }
    }
    (headers, &data[pos + 2..])
}

/// Renders headers and body in the format [`split`] reads (used to write seeds).
pub fn join(headers: &Headers, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in headers.iter() {
        out.extend_from_slice(format!("{k}: {v}\n").as_bytes());
    }
    out.extend_from_slice(b"\n");
    out.extend_from_slice(body);
    out
}
