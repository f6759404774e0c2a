//! handoff-core: the domain of the handoff lead router.
//!
//! [`providers`] (one folder each behind the [`providers::Provider`] trait, listed in
//! [`providers::PROVIDERS`]) verify and normalise webhooks into [`model::LeadEvent`]s,
//! [`signing`] signs and verifies Standard Webhooks, [`readiness`]
//! decides whether the buyer is ready for sales, [`routing`] picks the teams to notify,
//! and the [`store::LeadStore`] / [`notify::Notifier`] ports are implemented by the
//! adapters under `infra/`. Nothing here knows about AWS or an HTTP framework.

pub mod app;
pub mod claims;
pub mod clock;
pub mod config;
pub mod contacts;
pub mod http;
pub mod intake;
pub mod mask;
pub mod model;
pub mod notify;
pub mod outbox;
pub mod outcomes;
pub mod providers;
pub mod readiness;
pub mod routing;
pub mod schedule;
pub mod signing;
pub mod store;
