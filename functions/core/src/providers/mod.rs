//! Providers: the webhook formats handoff verifies and normalises.
//!
//! A provider is one folder behind one trait:
//!
//! - `<name>/mod.rs`: a unit struct implementing [`Provider`]: `verify` (the signature
//!   on the raw body, constant time), `parse` (payload → [`Parsed`]), and what the
//!   conformance suite needs to know about the scheme (its signature headers, its
//!   signed timestamp if any, its secret format);
//! - `<name>/simulate.rs`: the same struct implementing [`Simulator`]: `sample` +
//!   `sign` build a correctly signed delivery in that format (`handoff send`, the
//!   benches and the tests use it);
//! - `<name>/fixtures/*.json`: real-shaped payloads for the tests.
//!
//! [`PROVIDERS`] is the registry: configuration looks names up in it, [`ProviderKind`]
//! (what sources and leads hold) is a handle to one of its entries, and the
//! conformance suite (`conformance.rs`) runs every check on every entry.
//!
//! Adding a provider: write the folder, add `name::Type` to the `registry!` list below,
//! and run `cargo test -p handoff-core`.

use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::{Headers, LeadEvent};

/// Declares the provider modules and lists them in [`PROVIDERS`], in this order.
macro_rules! registry {
    ($($module:ident :: $provider:ident),+ $(,)?) => {
        $(pub mod $module;)+

        /// Every provider handoff knows, in the order error messages list them.
        pub static PROVIDERS: &[&dyn Provider] = &[$(&$module::$provider),+];
    };
}

registry! {
    standard::Standard,
    typeform::Typeform,
    shopify::Shopify,
    intercom::Intercom,
}

/// The registered provider called `name` (the lowercase name sources are configured
/// with).
pub fn lookup(name: &str) -> Option<&'static dyn Provider> {
    PROVIDERS.iter().copied().find(|p| p.name() == name)
}

/// The names of the registered providers, in registry order.
pub fn names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| PROVIDERS.iter().map(|p| p.name()).collect())
}

/// A webhook format: how a delivery is verified and what it means.
pub trait Provider: Sync {
    /// The lowercase name sources are configured with, leads are stored under and
    /// JSON responses show (`standard`, `typeform`, …). Never changes once released.
    fn name(&self) -> &'static str;

    /// Checks the delivery's signature on the raw body with the source's secret, at
    /// `now` for schemes that sign a timestamp. Compares MACs in constant time, never
    /// panics, and never puts the secret in the error.
    fn verify(
        &self,
        secret: &str,
        headers: &Headers,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), SignatureError>;

    /// Reads a verified delivery: a lead, or an event that is not one.
    fn parse(
        &self,
        headers: &Headers,
        body: &[u8],
        opts: &ParseOptions,
    ) -> Result<Parsed, MalformedError>;

    /// Checked when the configuration is loaded: whether `secret` has the form this
    /// provider issues. Most providers take any string.
    fn check_secret(&self, _secret: &str) -> Result<(), String> {
        Ok(())
    }

    /// The headers `verify` cannot do without (each missing one fails verification).
    fn signature_headers(&self) -> &'static [&'static str];

    /// The signed timestamp that bounds replays, for schemes that have one.
    fn timestamp(&self) -> Option<SignedTimestamp> {
        None
    }

    /// Builds deliveries in this provider's format.
    fn simulator(&self) -> &dyn Simulator;
}

/// A scheme's signed timestamp: where it is sent and how far from `now` it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedTimestamp {
    pub header: &'static str,
    /// Accepted up to this many seconds in the past or in the future.
    pub tolerance_secs: i64,
}

/// Builds a correctly signed delivery in a provider's format, as the provider would
/// send it (`handoff send`, the benches and the tests).
pub trait Simulator: Sync {
    /// A body carrying `event` as delivery `delivery_id`, sent at `now`.
    fn sample(&self, event: &LeadEvent, delivery_id: &str, now: DateTime<Utc>) -> Vec<u8>;

    /// The headers the provider sends with `body` (signature, delivery id, topic…).
    fn sign(
        &self,
        secret: &str,
        event: &LeadEvent,
        delivery_id: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Headers;

    /// A secret of the form the provider issues, made from `key` (hex by default).
    fn secret(&self, key: &[u8]) -> String {
        hex::encode(key)
    }

    /// The delivery id `parse` reads out of a delivery built as `delivery_id` with
    /// `body`: that id by default; a digest of the body for formats whose signature does
    /// not cover the id they send.
    fn parsed_delivery_id(&self, delivery_id: &str, _body: &[u8]) -> String {
        delivery_id.to_string()
    }

    /// What `parse` reads back out of `sample(event, _, now)`: the parts of `event`
    /// the format carries (everything, by default).
    fn carried(&self, event: &LeadEvent, _now: DateTime<Utc>) -> LeadEvent {
        event.clone()
    }
}

/// Which provider a source uses and a lead came from: a handle to a [`PROVIDERS`]
/// entry. It serialises as the provider's name (leads are stored with it, JSON
/// responses show it) and deserialises by looking the name up in the registry.
/// Derefs to the [`Provider`], so `kind.verify(…)` and `kind.parse(…)` call it.
#[derive(Clone, Copy)]
pub struct ProviderKind(&'static dyn Provider);

impl ProviderKind {
    pub const fn new(provider: &'static dyn Provider) -> Self {
        ProviderKind(provider)
    }

    /// The provider's name.
    pub fn as_str(self) -> &'static str {
        self.0.name()
    }

    pub fn provider(self) -> &'static dyn Provider {
        self.0
    }

    /// Every registered provider, in registry order.
    pub fn all() -> impl Iterator<Item = ProviderKind> {
        PROVIDERS.iter().map(|&p| ProviderKind(p))
    }
}

impl std::ops::Deref for ProviderKind {
    type Target = dyn Provider;
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl PartialEq for ProviderKind {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ProviderKind {}

impl std::hash::Hash for ProviderKind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ProviderKind").field(&self.as_str()).finish()
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ProviderKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        lookup(s).map(ProviderKind).ok_or_else(|| {
            format!(
                "unknown providerkind {s:?}, expected one of: {}",
                names().join(", ")
            )
        })
    }
}

impl Serialize for ProviderKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProviderKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        lookup(&name)
            .map(ProviderKind)
            .ok_or_else(|| serde::de::Error::unknown_variant(&name, names()))
    }
}

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

/// Delivery id for providers that send none: a digest of the raw body.
pub fn body_digest(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

/// Helpers shared by the provider modules (MACs, clean-up, URLs, HTML).
pub(crate) mod util;
pub use util::html_escape;

#[cfg(test)]
mod conformance;
