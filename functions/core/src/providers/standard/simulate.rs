//! Standard Webhooks deliveries as a sender makes them: the event's own JSON, signed
//! with [`crate::signing`].

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};

use super::Standard;
use crate::model::{Headers, LeadEvent};
use crate::providers::Simulator;
use crate::signing;

impl Simulator for Standard {
    fn sample(&self, event: &LeadEvent, _delivery_id: &str, _now: DateTime<Utc>) -> Vec<u8> {
        serde_json::to_vec(event).expect("a LeadEvent always serialises")
    }

    /// The Standard Webhooks headers for `body` (see [`signing::sign`]: the id is sent
    /// trimmed) and its content type.
    fn sign(
        &self,
        secret: &str,
        _event: &LeadEvent,
        delivery_id: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Headers {
        signing::sign(secret, delivery_id, body, now).with("content-type", "application/json")
    }

    /// `whsec_` + base64.
    fn secret(&self, key: &[u8]) -> String {
        format!("whsec_{}", B64.encode(key))
    }
}
