//! The leads role: inserting a lead (with its outbox and raw payload, once per id),
//! reading one, listing them newest first.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Notification, StoreError};
use crate::model::{Lead, Stage};
pub use crate::routing::TeamState;

/// A lead to insert, with its outbox and raw payload.
#[derive(Debug, Clone)]
pub struct NewLead {
    pub lead: Lead,
    pub outbox: Vec<Notification>,
    /// The raw body, kept until `raw_expires_at` only (personal data).
    pub raw: Vec<u8>,
    pub raw_expires_at: DateTime<Utc>,
    /// The routing state of the team that took the lead, written with it — only if the
    /// stored state is still at `version - 1` (else [`Inserted::StateChanged`]).
    pub team_state: Option<(String, TeamState)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inserted {
    /// The lead and its outbox were written.
    Created(Lead),
    /// A lead with this id (same source + delivery id) already existed; nothing was
    /// written. Carries the stored lead.
    Duplicate(Lead),
    /// The team's routing state changed since it was read (another lead was assigned
    /// meanwhile); nothing was written: read it again and decide again.
    StateChanged,
}

/// A change to a stored lead (a claim, an SLA step): the lead as it is to be, its
/// `rev` one more than the stored lead's, and the outbox jobs to write with it.
#[derive(Debug, Clone)]
pub struct LeadUpdate {
    pub lead: Lead,
    pub outbox: Vec<Notification>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Updated {
    /// Written, with its jobs.
    Applied(Box<Lead>),
    /// The stored lead is not at `rev - 1` (someone changed it meanwhile): nothing was
    /// written; read it again and decide again.
    Changed,
    NotFound,
}

#[derive(Debug, Clone, Default)]
pub struct LeadQuery {
    pub stage: Option<Stage>,
    /// 1..=500
    pub limit: usize,
    /// Opaque cursor from a previous page's `next`.
    pub cursor: Option<String>,
    /// Only hot leads no team owns (`GET /leads?routed=false`).
    pub unrouted: bool,
    /// Only leads whose claim is in this state (`GET /leads?claim=unclaimed`).
    pub claim: Option<crate::model::ClaimState>,
    /// Only leads this team owns now (`GET /leads?team=NAME`).
    pub team: Option<String>,
    /// Only leads whose latest outcome is this (`GET /leads?outcome=won`).
    pub outcome: Option<crate::model::OutcomeState>,
    /// Only this contact's leads (`GET /contacts/{id}`), newest first.
    pub contact: Option<String>,
}

impl LeadQuery {
    /// Whether `lead` passes the query's claim and team filters (the stores list a
    /// stage's leads newest first and keep those that pass).
    pub fn keeps(&self, lead: &Lead) -> bool {
        let team_ok = self
            .team
            .as_deref()
            .is_none_or(|t| lead.route.as_ref().and_then(|r| r.team.as_deref()) == Some(t));
        let claim_ok = self
            .claim
            .is_none_or(|c| lead.claim.as_ref().is_some_and(|l| l.state == c));
        let outcome_ok = self
            .outcome
            .is_none_or(|o| lead.outcome.as_ref().is_some_and(|l| l.state == o));
        let contact_ok = self
            .contact
            .as_deref()
            .is_none_or(|c| lead.contact_id.as_deref() == Some(c));
        // (a stage's listing reads that stage only; a contact's reads all its leads)
        let stage_ok = self.stage.is_none_or(|s| lead.stage == s);
        team_ok && claim_ok && outcome_ok && contact_ok && stage_ok
    }
    /// Whether the query filters on claim or team.
    pub fn filters(&self) -> bool {
        self.claim.is_some() || self.team.is_some()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

#[async_trait]
pub trait Leads: Send + Sync {
    /// Writes the lead, its outbox and its raw payload atomically, unless a lead with the
    /// same id exists. Two concurrent calls with the same id: exactly one `Created`.
    async fn insert_lead(&self, new: NewLead) -> Result<Inserted, StoreError>;

    async fn get_lead(&self, id: &str) -> Result<Option<Lead>, StoreError>;

    /// Writes `update.lead` and its jobs atomically if the stored lead is at
    /// `update.lead.rev - 1` ([`Updated::Changed`] otherwise, nothing written). The
    /// lead's id, stage and arrival never change; its listings follow the new value.
    async fn update_lead(&self, update: LeadUpdate) -> Result<Updated, StoreError>;

    /// Writes team `team`'s routing state if the stored one is at `state.version - 1`
    /// (absent counts as 0); false (nothing written) otherwise.
    async fn write_team_state(&self, team: &str, state: &TeamState) -> Result<bool, StoreError>;

    /// Newest first (by `received_at`, then id), optionally by stage.
    async fn list_leads(&self, query: &LeadQuery) -> Result<Page<Lead>, StoreError>;

    /// The stored routing state of each of `teams` that has one (a team without is fresh).
    async fn team_states(
        &self,
        teams: &[String],
    ) -> Result<std::collections::BTreeMap<String, TeamState>, StoreError>;
}
