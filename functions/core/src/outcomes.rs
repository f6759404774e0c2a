//! Outcomes: what sales made of a lead (accepted, rejected with a reason, won with an
//! amount, lost with a reason), checked against `[outcomes]` and recorded on the lead.
//! A later outcome replaces the lead's `outcome`; every one stays on its timeline.
//!
//! Amounts are decimal strings kept exactly as given (no floating point anywhere);
//! currencies are ISO 4217 codes (the `iso_currency` crate's list).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::config::OutcomeLists;
use crate::model::{Lead, Outcome, OutcomeState, TimelineEntry};
use crate::store::{LeadStore, LeadUpdate, StoreError, Updated};

/// How often an outcome is written again when the lead changed between reading and
/// writing it.
const TRIES: usize = 20;

/// The longest `by` and `note` kept.
const MAX_BY: usize = 100;
const MAX_NOTE: usize = 2000;

/// An outcome as a client sends it (`POST /leads/{id}/outcome`, the claim page's form, a
/// CRM's `lead.outcome` event): checked by [`OutcomeInput::check`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    pub outcome: Option<String>,
    pub reason: Option<String>,
    /// A decimal string; a JSON number is refused (it would pass through floating point).
    pub amount: Option<serde_json::Value>,
    pub currency: Option<String>,
    pub by: Option<String>,
    pub note: Option<String>,
}

/// Whether `s` is a plain non-negative decimal: digits, optionally a point and 1..=6
/// more digits, at most 15 before the point.
pub fn is_decimal(s: &str) -> bool {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    digits(int) && int.len() <= 15 && frac.is_none_or(|f| digits(f) && f.len() <= 6)
}

impl OutcomeInput {
    /// The outcome this input describes, at `now` from `via`, or every problem with it
    /// (for a 400 that names them all).
    pub fn check(
        &self,
        lists: &OutcomeLists,
        via: &str,
        default_by: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Outcome, Vec<String>> {
        let mut problems = Vec::new();
        let state = match self.outcome.as_deref() {
            None => {
                problems.push("outcome is required: accepted, rejected, won or lost".to_string());
                None
            }
            Some(s) => match s.parse::<OutcomeState>() {
                Ok(o) => Some(o),
                Err(e) => {
                    problems.push(e);
                    None
                }
            },
        };
        let reason = self
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let list = match state {
            Some(OutcomeState::Rejected) => Some(("rejected", &lists.rejected_reasons)),
            Some(OutcomeState::Lost) => Some(("lost", &lists.lost_reasons)),
            _ => None,
        };
        match (list, reason) {
            (Some((what, l)), None) => problems.push(format!(
                "a {what} outcome needs a reason: one of {}",
                l.join(", ")
            )),
            (Some((what, l)), Some(r)) if !l.iter().any(|x| x == r) => problems.push(format!(
                "reason {r:?} is not a {what} reason here: one of {}",
                l.join(", ")
            )),
            (None, Some(_)) if state.is_some() => problems.push(
                "reason is for rejected and lost outcomes only (write it in note)".to_string(),
            ),
            _ => {}
        }
        let amount = match &self.amount {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(a)) => {
                let a = a.trim();
                if is_decimal(a) {
                    Some(a.to_string())
                } else {
                    problems.push(format!(
                        "amount {a:?} must be a decimal string like \"1200\" or \"99.90\" \
                         (digits, one point, no sign, no thousands separator)"
                    ));
                    None
                }
            }
            Some(other) => {
                problems.push(format!(
                    "amount must be a decimal string like \"1200.00\", not {other} \
                     (numbers would pass through floating point)"
                ));
                None
            }
        };
        let currency = match self.currency.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => {
                let upper = c.to_ascii_uppercase();
                if c.len() == 3 && iso_currency::Currency::from_code(&upper).is_some() {
                    Some(upper)
                } else {
                    problems.push(format!(
                        "currency {c:?} is not an ISO 4217 code (EUR, USD, GBP, …)"
                    ));
                    None
                }
            }
        };
        let won = state == Some(OutcomeState::Won);
        if won {
            if self.amount.is_none() {
                problems.push("a won outcome needs amount (a decimal string)".to_string());
            }
            if self.currency.is_none() {
                problems.push("a won outcome needs currency (ISO 4217, e.g. EUR)".to_string());
            }
        } else if state.is_some() && (self.amount.is_some() || self.currency.is_some()) {
            problems.push("amount and currency are for won outcomes only".to_string());
        }
        let by = self
            .by
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .or(default_by);
        if by.is_some_and(|b| b.chars().count() > MAX_BY) {
            problems.push(format!("by is longer than {MAX_BY} characters"));
        }
        let note = self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
            problems.push(format!("note is longer than {MAX_NOTE} characters"));
        }
        match state {
            Some(state) if problems.is_empty() => Ok(Outcome {
                state,
                reason: list.and(reason.map(str::to_string)),
                amount,
                currency,
                by: by.map(str::to_string),
                note: note.map(str::to_string),
                at: now,
                via: via.to_string(),
            }),
            _ => Err(problems),
        }
    }
}

/// The timeline's words for an outcome: `won 1200 EUR by ana (api)`.
pub fn describe(o: &Outcome) -> String {
    let mut s = o.state.as_str().to_string();
    if let Some(r) = &o.reason {
        s.push_str(&format!(": {r}"));
    }
    if let (Some(a), Some(c)) = (&o.amount, &o.currency) {
        s.push_str(&format!(" {a} {c}"));
    }
    if let Some(b) = &o.by {
        s.push_str(&format!(" by {b}"));
    }
    s.push_str(&format!(" ({})", o.via));
    s
}

/// Why an outcome was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum OutcomeRefused {
    #[error("no lead {0}")]
    NotFound(String),
    /// The event id was used for another outcome on this lead.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A CRM's `lead.outcome` event (`[[source]] purpose = "outcomes"`): the lead by its id
/// or by its contact (the contact's latest lead), and the outcome.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub lead_id: Option<String>,
    pub contact: Option<EventContact>,
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub amount: Option<serde_json::Value>,
    pub currency: Option<String>,
    pub by: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventContact {
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl OutcomeEvent {
    /// Parses and checks the shape (not the outcome: see [`OutcomeInput::check`]).
    pub fn parse(body: &[u8]) -> Result<OutcomeEvent, String> {
        let ev: OutcomeEvent = serde_json::from_slice(body).map_err(|e| {
            format!("an outcomes source takes {{\"type\": \"lead.outcome\", \"lead_id\" or \"contact\", \"outcome\", …}}: {e}")
        })?;
        if ev.kind != "lead.outcome" {
            return Err(format!(
                "type {:?} is not one an outcomes source takes (lead.outcome)",
                ev.kind
            ));
        }
        let contact_given = ev
            .contact
            .as_ref()
            .is_some_and(|c| c.email.is_some() || c.phone.is_some());
        if ev.lead_id.is_none() && !contact_given {
            return Err("name the lead: lead_id, or contact with email or phone".into());
        }
        Ok(ev)
    }

    pub fn input(&self) -> OutcomeInput {
        OutcomeInput {
            outcome: self.outcome.clone(),
            reason: self.reason.clone(),
            amount: self.amount.clone(),
            currency: self.currency.clone(),
            by: self.by.clone(),
            note: self.note.clone(),
        }
    }
}

/// What [`record_event`] did.
#[derive(Debug)]
pub enum Recorded {
    Applied(Box<Lead>),
    /// The event (by its id) was recorded before: nothing changed.
    Duplicate(Box<Lead>),
}

/// Records `outcome` on lead `lead_id`: it becomes the lead's outcome and is added to
/// its timeline (a conditional write on the lead's `rev`, so it races claims and SLA
/// steps safely). With `event_id`, an event recorded before is not recorded again.
pub async fn record_event(
    store: &dyn LeadStore,
    config: &crate::config::Config,
    lead_id: &str,
    outcome: Outcome,
    event_id: Option<&str>,
) -> Result<Recorded, OutcomeRefused> {
    // a rejected or lost lead goes back to marketing with its reason, in the same write
    let back = match outcome.state {
        OutcomeState::Rejected => Some(crate::config::HandBack::Rejected),
        OutcomeState::Lost => Some(crate::config::HandBack::Lost),
        _ => None,
    };
    let jobs = back
        .map(|b| crate::outbox::hand_back(config, b, outcome.reason.as_deref(), outcome.at))
        .unwrap_or_default();
    for _ in 0..TRIES {
        let lead = store
            .get_lead(lead_id)
            .await?
            .ok_or_else(|| OutcomeRefused::NotFound(lead_id.to_string()))?;
        let detail = describe(&outcome);
        if let Some(id) = event_id {
            if let Some(before) = lead.timeline.iter().find(|e| e.id.as_deref() == Some(id)) {
                if before.detail == detail {
                    return Ok(Recorded::Duplicate(Box::new(lead)));
                }
                return Err(OutcomeRefused::Conflict(format!(
                    "event {id:?} was already recorded as another outcome ({}); send a new delivery id",
                    before.detail
                )));
            }
        }
        let before = lead.clone();
        let mut next = lead;
        next.rev += 1;
        // the claimer's max_open slot is free once the lead has an outcome
        if let Some(c) = next
            .claim
            .as_mut()
            .filter(|c| c.state == crate::model::ClaimState::Claimed)
        {
            c.released = true;
        }
        let mut entry = TimelineEntry::new(outcome.at, "outcome", detail);
        entry.id = event_id.map(str::to_string);
        next.timeline.push(entry);
        next.outcome = Some(outcome.clone());
        let outbox = jobs
            .iter()
            .map(|j| crate::store::Notification::new(lead_id, j.clone(), outcome.at))
            .collect();
        match store.update_lead(LeadUpdate { lead: next, outbox }).await? {
            Updated::Applied(l) => {
                crate::claims::released_by_outcome(store, &before).await;
                tracing::info!(
                    lead_id,
                    outcome = outcome.state.as_str(),
                    via = outcome.via.as_str(),
                    "outcome recorded"
                );
                return Ok(Recorded::Applied(l));
            }
            Updated::Changed => continue,
            Updated::NotFound => return Err(OutcomeRefused::NotFound(lead_id.to_string())),
        }
    }
    Err(OutcomeRefused::Store(StoreError::Unavailable(format!(
        "lead {lead_id} kept changing while its outcome was written"
    ))))
}

/// [`record_event`] for an outcome reported once (the API, the claim page).
pub async fn record(
    store: &dyn LeadStore,
    config: &crate::config::Config,
    lead_id: &str,
    outcome: Outcome,
) -> Result<Lead, OutcomeRefused> {
    match record_event(store, config, lead_id, outcome, None).await? {
        Recorded::Applied(l) | Recorded::Duplicate(l) => Ok(*l),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(v: serde_json::Value) -> OutcomeInput {
        serde_json::from_value(v).unwrap()
    }

    fn check(v: serde_json::Value) -> Result<Outcome, Vec<String>> {
        input(v).check(&OutcomeLists::default(), "api", None, Utc::now())
    }

    #[test]
    fn decimals_are_plain_digits_with_one_point() {
        for ok in ["0", "1200", "99.90", "0.5", "123456789012345.123456"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in [
            "",
            "-5",
            "+5",
            "1e3",
            "1,200",
            "1 200",
            ".5",
            "5.",
            "1.2.3",
            "NaN",
            "1.1234567",
            "1234567890123456",
        ] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn each_outcome_needs_its_own_fields() {
        let won = check(serde_json::json!({"outcome": "won", "amount": "1200.50", "currency": "eur", "by": "ana"}))
            .unwrap();
        assert_eq!(won.amount.as_deref(), Some("1200.50"));
        assert_eq!(won.currency.as_deref(), Some("EUR"));
        assert_eq!(describe(&won), "won 1200.50 EUR by ana (api)");
        let lost = check(serde_json::json!({"outcome": "lost", "reason": "competitor"})).unwrap();
        assert_eq!(lost.reason.as_deref(), Some("competitor"));
        assert!(check(serde_json::json!({"outcome": "accepted"})).is_ok());

        let err = |v| check(v).unwrap_err().join(" | ");
        assert!(err(serde_json::json!({})).contains("outcome is required"));
        assert!(err(serde_json::json!({"outcome": "maybe"})).contains("unknown outcome"));
        assert!(err(serde_json::json!({"outcome": "rejected"})).contains("needs a reason"));
        assert!(
            err(serde_json::json!({"outcome": "lost", "reason": "no_budget"}))
                .contains("not a lost reason")
        );
        let e = err(serde_json::json!({"outcome": "won", "amount": 1200, "currency": "QQQ"}));
        assert!(
            e.contains("not 1200") && e.contains("\"QQQ\" is not an ISO 4217"),
            "{e}"
        );
        let e = err(serde_json::json!({"outcome": "won"}));
        assert!(
            e.contains("needs amount") && e.contains("needs currency"),
            "{e}"
        );
        assert!(
            err(serde_json::json!({"outcome": "won", "amount": "1,200", "currency": "EUR"}))
                .contains("decimal string")
        );
        assert!(
            err(serde_json::json!({"outcome": "accepted", "amount": "5", "currency": "EUR"}))
                .contains("won outcomes only")
        );
        assert!(err(serde_json::json!({"outcome": "won", "amount": "5", "currency": "EUR", "reason": "price"}))
            .contains("rejected and lost outcomes only"));
        assert!(serde_json::from_value::<OutcomeInput>(
            serde_json::json!({"outcome": "won", "amont": "5"})
        )
        .is_err());
    }

    #[test]
    fn configured_lists_replace_the_defaults() {
        let lists = OutcomeLists {
            rejected_reasons: vec!["student".into()],
            lost_reasons: vec!["budget_cut".into()],
        };
        let at = Utc::now();
        let c = |v| input(v).check(&lists, "api", Some("admin"), at);
        assert!(c(serde_json::json!({"outcome": "rejected", "reason": "student"})).is_ok());
        assert!(c(serde_json::json!({"outcome": "rejected", "reason": "spam"})).is_err());
        let o = c(serde_json::json!({"outcome": "lost", "reason": "budget_cut"})).unwrap();
        assert_eq!(
            o.by.as_deref(),
            Some("admin"),
            "the caller when by is not given"
        );
    }
}
