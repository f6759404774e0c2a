//! Providers: one module per provider kind, each with `verify` (signature on the raw
//! body, constant time), `parse` (payload → [`Parsed`]) and `sign`/`sample` (used by
//! `handoff send` and the tests to build a correctly signed delivery in that format).

use chrono::{DateTime, Utc};

use crate::model::{Headers, LeadEvent, ProviderKind};

pub mod intercom;
pub mod shopify;
pub mod standard;
pub mod typeform;

/// What a verified delivery turned out to be.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // short-lived, one per request; boxing buys nothing
pub enum Parsed {
    /// A lead event, with the provider's delivery id (or a digest of the body when the
    /// provider sends none).
    Lead {
        delivery_id: String,
        event: LeadEvent,
    },
    /// A provider event that is not a lead (a ping, an unmapped topic). Answered 200 so
    /// the provider does not retry.
    Ignored { reason: String },
}

/// Signature check failed: missing header, bad encoding, wrong MAC, stale timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SignatureError(pub String);

/// Correctly signed but not a lead we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MalformedError(pub String);

/// Per-source options a provider may use while parsing.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// The action a form submission stands for when the payload does not say
    /// (e.g. a Typeform "request a demo" form → `demo_request`).
    pub default_action: Option<crate::model::Action>,
}

/// Standard Webhooks' tolerance, used by every provider that signs a timestamp.
pub const TIMESTAMP_TOLERANCE_SECS: i64 = crate::signing::TOLERANCE_SECS;

impl ProviderKind {
    pub fn verify(
        self,
        secret: &str,
        headers: &Headers,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), SignatureError> {
        match self {
            ProviderKind::Standard => standard::verify(secret, headers, body, now),
            ProviderKind::Typeform => typeform::verify(secret, headers, body),
            ProviderKind::Shopify => shopify::verify(secret, headers, body),
            ProviderKind::Intercom => intercom::verify(secret, headers, body),
        }
    }

    pub fn parse(
        self,
        headers: &Headers,
        body: &[u8],
        opts: &ParseOptions,
    ) -> Result<Parsed, MalformedError> {
        match self {
            ProviderKind::Standard => standard::parse(headers, body, opts),
            ProviderKind::Typeform => typeform::parse(headers, body, opts),
            ProviderKind::Shopify => shopify::parse(headers, body, opts),
            ProviderKind::Intercom => intercom::parse(headers, body, opts),
        }
    }

    /// A body in this provider's format carrying `event`, as the provider would send it.
    pub fn sample(self, event: &LeadEvent, delivery_id: &str, now: DateTime<Utc>) -> Vec<u8> {
        match self {
            ProviderKind::Standard => standard::sample(event, delivery_id, now),
            ProviderKind::Typeform => typeform::sample(event, delivery_id, now),
            ProviderKind::Shopify => shopify::sample(event, delivery_id, now),
            ProviderKind::Intercom => intercom::sample(event, delivery_id, now),
        }
    }

    /// The headers this provider sends with `body` (signature, delivery id, topic…).
    pub fn sign(
        self,
        secret: &str,
        event: &LeadEvent,
        delivery_id: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Headers {
        match self {
            ProviderKind::Standard => standard::sign(secret, delivery_id, body, now),
            ProviderKind::Typeform => typeform::sign(secret, body),
            ProviderKind::Shopify => shopify::sign(secret, event, delivery_id, body),
            ProviderKind::Intercom => intercom::sign(secret, body),
        }
    }
}

/// Delivery id for providers that send none: a digest of the raw body.
pub fn body_digest(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

/// Helpers shared by the provider modules (MACs, clean-up, URLs, HTML).
pub(crate) mod util;
