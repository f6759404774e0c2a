//! typeform provider (stub: being written).
use chrono::{DateTime, Utc};
use crate::model::{Headers, LeadEvent};
use super::{MalformedError, ParseOptions, Parsed, SignatureError};

pub fn verify(_secret: &str, _headers: &Headers, _body: &[u8]) -> Result<(), SignatureError> {
    Err(SignatureError("not implemented".into()))
}
pub fn parse(_headers: &Headers, _body: &[u8], _opts: &ParseOptions) -> Result<Parsed, MalformedError> {
    Err(MalformedError("not implemented".into()))
}
pub fn sample(_event: &LeadEvent, _delivery_id: &str, _now: DateTime<Utc>) -> Vec<u8> {
    Vec::new()
}
pub fn sign(_secret: &str, _body: &[u8]) -> Headers { Headers::new() }
