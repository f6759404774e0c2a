//! Intake: the pure part of `POST /hooks/{source_id}` — find the source, verify the
//! signature on the raw body, parse + normalise, classify readiness and route a hot lead
//! to its outbox. No store, no clock, no I/O: the app, the benchmarks and the tests all
//! call [`intake`], so what is measured and tested is what runs.

use chrono::{DateTime, Utc};

use crate::config::{Config, Source};
use crate::model::{Headers, Lead, Stage};
use crate::providers::{MalformedError, ParseOptions, Parsed, SignatureError};
use crate::readiness;
use crate::store::Notification;

/// Largest webhook body accepted (256 KiB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Longest delivery id accepted (the provider's `webhook-id`, event id …): ids are keys
/// and are logged, so an unbounded one is refused (400) rather than stored.
pub const MAX_DELIVERY_ID_BYTES: usize = 256;

/// What a verified delivery became.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per request; boxing buys nothing
pub enum Intake {
    /// A lead, classified, with the outbox it is to be stored with (empty unless hot).
    Lead {
        lead: Lead,
        outbox: Vec<Notification>,
        /// The routing state to write with the lead (decided on fresh state here: the
        /// app decides again on the stored state before writing).
        state: Option<(String, crate::routing::TeamState)>,
    },
    /// A provider event that is not a lead (a ping, an unmapped topic): answered 200
    /// so the provider does not retry, and nothing is stored.
    Ignored { reason: String },
    /// A CRM's `lead.outcome` event to an outcomes source (`purpose = "outcomes"`):
    /// the app finds the lead and records the outcome.
    Outcome {
        delivery_id: String,
        event: crate::outcomes::OutcomeEvent,
    },
}

/// Why a delivery was refused. Each maps to one HTTP answer in `http::hooks`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IntakeError {
    /// 404: no source with this id is configured.
    #[error("no source {0:?} is configured")]
    UnknownSource(String),
    /// 413: the body is larger than [`MAX_BODY_BYTES`].
    #[error("the body is larger than {MAX_BODY_BYTES} bytes")]
    PayloadTooLarge,
    /// 401: nothing is stored.
    #[error("{0}")]
    InvalidSignature(SignatureError),
    /// 400: correctly signed but unreadable; the app keeps it in the rejected log.
    #[error("{0}")]
    Malformed(MalformedError),
}

/// Verify → parse → classify → route one delivery to source `source_id`, received at
/// `now`.
pub fn intake(
    config: &Config,
    source_id: &str,
    headers: &Headers,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Intake, IntakeError> {
    let source = config
        .sources
        .get(source_id)
        .ok_or_else(|| IntakeError::UnknownSource(source_id.chars().take(64).collect()))?;
    if body.len() > MAX_BODY_BYTES {
        return Err(IntakeError::PayloadTooLarge);
    }
    source
        .provider
        .verify(source.secret.expose(), headers, body, now)
        .map_err(IntakeError::InvalidSignature)?;
    if source.purpose == crate::config::SourcePurpose::Outcomes {
        let delivery_id = headers
            .get("webhook-id")
            .map(str::to_string)
            .ok_or_else(|| IntakeError::Malformed(MalformedError("no webhook-id header".into())))?;
        if delivery_id.len() > MAX_DELIVERY_ID_BYTES {
            return Err(IntakeError::Malformed(MalformedError(format!(
                "the delivery id is {} bytes long; at most {MAX_DELIVERY_ID_BYTES} are accepted",
                delivery_id.len()
            ))));
        }
        let event = crate::outcomes::OutcomeEvent::parse(body)
            .map_err(|e| IntakeError::Malformed(MalformedError(e)))?;
        return Ok(Intake::Outcome { delivery_id, event });
    }
    let opts = ParseOptions {
        default_action: source.default_action,
    };
    let (delivery_id, event) = match source
        .provider
        .parse(headers, body, &opts)
        .map_err(IntakeError::Malformed)?
    {
        Parsed::Lead { delivery_id, event } => (delivery_id, event),
        Parsed::Ignored { reason } => return Ok(Intake::Ignored { reason }),
    };
    if delivery_id.len() > MAX_DELIVERY_ID_BYTES {
        return Err(IntakeError::Malformed(MalformedError(format!(
            "the delivery id is {} bytes long; at most {MAX_DELIVERY_ID_BYTES} are accepted",
            delivery_id.len()
        ))));
    }
    let mut lead = classify(config, source_id, source, delivery_id, event, now);
    let (outbox, state) = route(config, &mut lead, now, &Default::default(), None);
    Ok(Intake::Lead {
        lead,
        outbox,
        state,
    })
}

/// Routes a hot lead on the given team states: sets its route, returns its outbox and
/// the team state to write with it. A nurture lead has neither.
#[allow(clippy::type_complexity)]
pub fn route(
    config: &Config,
    lead: &mut Lead,
    now: DateTime<Utc>,
    states: &std::collections::BTreeMap<String, crate::routing::TeamState>,
    sticky: Option<&crate::routing::Sticky>,
) -> (
    Vec<Notification>,
    Option<(String, crate::routing::TeamState)>,
) {
    if lead.stage != Stage::Hot {
        // not for sales: back to marketing, when [marketing] send says so
        let why = lead.reasons.first().map(|r| r.detail.clone());
        let jobs = crate::outbox::hand_back(
            config,
            crate::config::HandBack::Nurture,
            why.as_deref(),
            lead.received_at,
        );
        let outbox = jobs
            .into_iter()
            .map(|job| {
                let mut n = Notification::new(&lead.id, job, now);
                n.updated_at = now;
                n
            })
            .collect();
        return (outbox, None);
    }
    let d = crate::routing::decide_with(config, lead, now, states, sticky);
    let owner = d.route.team.as_deref().and_then(|t| config.team(t));
    lead.timeline = vec![
        crate::model::TimelineEntry::new(
            lead.received_at,
            "received",
            format!("{} via {}", lead.action, lead.source_id),
        ),
        crate::model::TimelineEntry::new(now, "routed", d.route.why.clone()),
    ];
    let mut jobs = d.jobs;
    // a team with members: its rep claims the lead; with an SLA, unclaimed leads move on
    lead.claim = None;
    if let Some(t) = owner.filter(|t| !t.members.is_empty()) {
        lead.claim = Some(crate::model::Claim::unclaimed(now));
        if t.sla.is_some() {
            jobs.push(crate::outbox::Job::Escalate {
                team: t.name.clone(),
                step: 1,
            });
        }
    }
    lead.route = Some(d.route);
    let outbox = jobs
        .into_iter()
        .map(|job| {
            let due = crate::claims::due_at(config, &job, now);
            let mut n = Notification::new(&lead.id, job, due);
            n.created_at = now;
            n.updated_at = now;
            n
        })
        .collect();
    (outbox, d.state)
}

/// Cuts the event's text fields to [`limits`]; returns the fields it cut.
fn cut_to_limits(event: &mut crate::model::LeadEvent) -> Vec<String> {
    use crate::model::limits::{cut, MESSAGE_BYTES, NAME_BYTES, PHONE_BYTES, UTM_BYTES};
    let mut t = Vec::new();
    cut(&mut event.message, MESSAGE_BYTES, "message", &mut t);
    let c = &mut event.contact;
    cut(&mut c.name, NAME_BYTES, "contact.name", &mut t);
    cut(&mut c.company, NAME_BYTES, "contact.company", &mut t);
    cut(&mut c.phone, PHONE_BYTES, "contact.phone", &mut t);
    let u = &mut event.utm;
    cut(&mut u.source, UTM_BYTES, "utm.source", &mut t);
    cut(&mut u.medium, UTM_BYTES, "utm.medium", &mut t);
    cut(&mut u.campaign, UTM_BYTES, "utm.campaign", &mut t);
    cut(&mut u.term, UTM_BYTES, "utm.term", &mut t);
    cut(&mut u.content, UTM_BYTES, "utm.content", &mut t);
    t
}

/// The lead a parsed event of `source` becomes, with its readiness.
fn classify(
    config: &Config,
    source_id: &str,
    source: &Source,
    delivery_id: String,
    mut event: crate::model::LeadEvent,
    now: DateTime<Utc>,
) -> Lead {
    let truncated = cut_to_limits(&mut event);
    let texts: Vec<(&str, &str)> = event
        .message
        .as_deref()
        .map(|m| ("message", m))
        .into_iter()
        .collect();
    let r = readiness::classify(&config.rules, source.business, event.action, &texts);
    let mut lead = Lead {
        route: None,
        claim: None,
        timeline: Vec::new(),
        outcome: None,
        touch_of: None,
        contact_id: None,
        phone_unparsed: false,
        rev: 0,
        truncated,
        id: Lead::id_for(source_id, &delivery_id),
        source_id: source_id.to_string(),
        delivery_id,
        provider: source.provider,
        business: source.business,
        channel: event.channel.unwrap_or(source.channel),
        action: event.action,
        contact: event.contact,
        message: event.message,
        utm: event.utm,
        occurred_at: event.occurred_at,
        received_at: now,
        stage: r.stage,
        score: r.score,
        reasons: r.reasons,
    };
    crate::contacts::assign(&mut lead, source.default_region.as_deref());
    lead
}
