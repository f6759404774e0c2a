//! The lead model: what every provider's payload is normalised into.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($s => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} {:?}, expected one of: {}",
                        stringify!($name).to_lowercase(),
                        other,
                        [$($s),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// What kind of business a source belongs to; decides the default readiness rules.
    Business { Ecommerce = "ecommerce", B2b = "b2b", Services = "services" }
);

string_enum!(
    /// Where the buyer reached us.
    Channel {
        WebForm = "web_form",
        Cart = "cart",
        LiveChat = "live_chat",
        Social = "social",
        Phone = "phone",
        Email = "email",
    }
);

string_enum!(
    /// What the buyer did. The vocabulary is closed: anything else is a malformed delivery.
    Action {
        AddToCart = "add_to_cart",
        CheckoutStarted = "checkout_started",
        PaymentRequested = "payment_requested",
        DemoRequest = "demo_request",
        PriceListDownload = "price_list_download",
        ProposalRequest = "proposal_request",
        CallRequest = "call_request",
        QuoteRequest = "quote_request",
        NewsletterSignup = "newsletter_signup",
        ContentDownload = "content_download",
        PageView = "page_view",
        ChatMessage = "chat_message",
        FormSubmission = "form_submission",
    }
);

string_enum!(
    /// Which team owns the lead now: `hot` is sales', `nurture` stays with marketing.
    Stage { Hot = "hot", Nurture = "nurture" }
);

/// Provider kinds handoff can verify and normalise: a handle to an entry of the
/// provider registry ([`crate::providers::PROVIDERS`]), serialised as its name.
pub use crate::providers::ProviderKind;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
}

impl Contact {
    /// A version safe for logs: e-mail and phone masked, name reduced to an initial.
    pub fn masked(&self) -> String {
        let mut parts = Vec::new();
        if let Some(e) = &self.email {
            parts.push(crate::mask::email(e));
        }
        if let Some(p) = &self.phone {
            parts.push(crate::mask::phone(p));
        }
        if parts.is_empty() {
            "-".into()
        } else {
            parts.join(" ")
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Utm {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

impl Utm {
    pub fn is_empty(&self) -> bool {
        self == &Utm::default()
    }
}

/// The canonical lead event: what the `standard` provider carries and what every
/// other provider's payload is mapped to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadEvent {
    pub action: Action,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Utm::is_empty")]
    pub utm: Utm,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<DateTime<Utc>>,
}

impl LeadEvent {
    /// Checks the rules serde cannot express: at least one way to reach the buyer.
    pub fn validate(&self) -> Result<(), String> {
        let has = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if !has(&self.contact.email) && !has(&self.contact.phone) {
            return Err("contact.email or contact.phone is required".into());
        }
        if let Some(e) = &self.contact.email {
            // one address: exactly one `@`, something on both sides, no spaces
            let one = e.split('@').count() == 2
                && e.split('@').all(|part| !part.is_empty())
                && !e
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == ',');
            if !one || e.len() > 320 {
                return Err("contact.email is not an e-mail address".into());
            }
        }
        Ok(())
    }
}

/// Why a decision was taken: which rule fired, on which field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub rule: String,
    pub field: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    pub stage: Stage,
    /// 0–100; hot leads score at least 60.
    pub score: u8,
    pub reasons: Vec<Reason>,
}

/// A stored lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    pub id: String,
    pub source_id: String,
    pub delivery_id: String,
    pub provider: ProviderKind,
    pub business: Business,
    pub channel: Channel,
    pub action: Action,
    pub contact: Contact,
    /// The contact this lead is from ([`crate::contacts`]): one id per person across
    /// sources; none for a lead with neither e-mail nor phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The phone did not parse as a number: kept as given.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub phone_unparsed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Utm::is_empty")]
    pub utm: Utm,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    pub stage: Stage,
    pub score: u8,
    pub reasons: Vec<Reason>,
    /// The fields that were longer than their limit ([`limits`]) and were cut to it
    /// (`"message"`, `"contact.name"`, …): a lead is never refused over free text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<String>,
    /// Which team and rep own a hot lead, and why ([`crate::routing`]); `None` for a
    /// nurture lead (and leads stored before routing had owners).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<crate::routing::Route>,
    /// Whether the owner's rep has claimed it ([`crate::claims`]); `None` for leads no
    /// team with members owns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<Claim>,
    /// What happened to the lead, oldest first: received, routed, claimed, escalated
    /// (`GET /leads/{id}` adds the notifications sent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEntry>,
    /// This lead is a touch of that one: the same contact's hot lead within `[routing]
    /// merge_window` of it. Stored and counted as an enquiry, owned like the first, no
    /// notification of its own; the first lead's timeline shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touch_of: Option<String>,
    /// What sales made of the lead, the latest word ([`crate::outcomes`]); every one
    /// before it stays on the timeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Bumped by every change after the insert (claim, escalation): a change is written
    /// only if the stored lead is still at `rev - 1`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rev: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What became of a lead, as sales reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeState {
    /// Sales takes it on (a real prospect).
    Accepted,
    /// Not for sales (with a reason from `[outcomes] rejected_reasons`).
    Rejected,
    /// Paid: an amount and a currency.
    Won,
    /// Worked and lost (with a reason from `[outcomes] lost_reasons`).
    Lost,
}

impl OutcomeState {
    pub const ALL: [OutcomeState; 4] = [
        OutcomeState::Accepted,
        OutcomeState::Rejected,
        OutcomeState::Won,
        OutcomeState::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeState::Accepted => "accepted",
            OutcomeState::Rejected => "rejected",
            OutcomeState::Won => "won",
            OutcomeState::Lost => "lost",
        }
    }
}

impl std::fmt::Display for OutcomeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OutcomeState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        OutcomeState::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| {
                format!("unknown outcome {s:?}, expected accepted, rejected, won or lost")
            })
    }
}

/// A lead's outcome: what, why, how much, who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub state: OutcomeState,
    /// For `rejected` and `lost`: one of the configured reasons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For `won`: a decimal string exactly as given (`"1200"`, `"99.90"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// For `won`: an ISO 4217 code (`"EUR"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Who reported it (a member, a CRM user, "admin").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    /// Where it came from: `api`, `claim_page`, `crm:<source id>`.
    pub via: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    Unclaimed,
    Claimed,
}

impl std::str::FromStr for ClaimState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "unclaimed" => Ok(ClaimState::Unclaimed),
            "claimed" => Ok(ClaimState::Claimed),
            other => Err(format!(
                "unknown claim state {other:?}, expected unclaimed or claimed"
            )),
        }
    }
}

/// A lead's claim: who took it and how long that took, and the SLA steps before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub state: ClaimState,
    /// The member who claimed it.
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    /// From arrival to the claim.
    #[serde(default)]
    pub seconds_to_claim: Option<i64>,
    /// SLA steps taken so far (re-assignments, then the fallback team).
    #[serde(default)]
    pub escalations: u32,
    /// Everyone who had the lead before its current holder (`team/member`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub had: Vec<String>,
    /// When the current holder (team, member) got it.
    pub assigned_at: DateTime<Utc>,
    /// The team the claimer took it for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The claimed lead no longer counts in the claimer's `max_open`: its outcome came,
    /// or `[routing] open_for` passed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub released: bool,
}

impl Claim {
    pub fn unclaimed(at: DateTime<Utc>) -> Self {
        Claim {
            state: ClaimState::Unclaimed,
            by: None,
            at: None,
            seconds_to_claim: None,
            escalations: 0,
            had: Vec::new(),
            assigned_at: at,
            team: None,
            released: false,
        }
    }
}

/// One step on a lead's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// `received`, `routed`, `notified`, `claimed`, `escalated`, `outcome`.
    pub event: String,
    pub detail: String,
    /// What made it, where that can come twice: a CRM's outcome event is
    /// `{source id}:{delivery id}`, so its redelivery is recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl TimelineEntry {
    pub fn new(at: DateTime<Utc>, event: &str, detail: impl Into<String>) -> Self {
        TimelineEntry {
            at,
            event: event.into(),
            detail: detail.into(),
            id: None,
        }
    }
}

/// How long a lead's text fields may be; longer values are cut to the limit (at a
/// character boundary) and named in [`Lead::truncated`].
pub mod limits {
    /// `message` (a form's answers, a chat's transcript…): 64 KiB.
    pub const MESSAGE_BYTES: usize = 64 * 1024;
    /// `contact.name` and `contact.company`.
    pub const NAME_BYTES: usize = 256;
    /// `contact.phone`.
    pub const PHONE_BYTES: usize = 64;
    /// Each `utm.*` field.
    pub const UTM_BYTES: usize = 256;

    /// Cuts `v` to at most `max` bytes at a character boundary; records `field` in
    /// `truncated` when it did.
    pub fn cut(v: &mut Option<String>, max: usize, field: &str, truncated: &mut Vec<String>) {
        if let Some(s) = v {
            if s.len() > max {
                let mut end = max;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s.truncate(end);
                truncated.push(field.to_string());
            }
        }
    }
}

impl Lead {
    /// The lead id is derived from (source, delivery id), so two racing copies of one
    /// delivery compute the same id and the store's uniqueness check settles the race.
    pub fn id_for(source_id: &str, delivery_id: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(source_id.as_bytes());
        h.update([0u8]);
        h.update(delivery_id.as_bytes());
        let d = h.finalize();
        format!("ld_{}", hex::encode(&d[..12]))
    }

    pub fn readiness(&self) -> Readiness {
        Readiness {
            stage: self.stage,
            score: self.score,
            reasons: self.reasons.clone(),
        }
    }
}

/// Case-insensitive request headers, independent of any HTTP framework.
#[derive(Debug, Clone, Default)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn insert(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_ascii_lowercase(), value.into()));
    }
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.insert(name, value);
        self
    }
    /// First value of a header, by case-insensitive name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl<K: AsRef<str>, V: Into<String>> FromIterator<(K, V)> for Headers {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut h = Headers::new();
        for (k, v) in iter {
            h.insert(k.as_ref(), v);
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_their_wire_names() {
        for a in Action::ALL {
            assert_eq!(a.as_str().parse::<Action>().unwrap(), *a);
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
        assert!("buy_now"
            .parse::<Action>()
            .unwrap_err()
            .contains("add_to_cart"));
    }

    #[test]
    fn lead_event_requires_a_contact_route() {
        let e: LeadEvent = serde_json::from_str(r#"{"action":"demo_request"}"#).unwrap();
        assert!(e.validate().is_err());
        let e: LeadEvent = serde_json::from_str(
            r#"{"action":"demo_request","contact":{"phone":"+4915112345678"}}"#,
        )
        .unwrap();
        assert!(e.validate().is_ok());
        for not_one in [
            "x@ana.lopez@gmail.com",
            "a@b.com, c@d.com",
            "ana@",
            "@example.com",
            "ana lopez@example.com",
        ] {
            let e: LeadEvent = serde_json::from_value(serde_json::json!({
                "action": "demo_request", "contact": {"email": not_one}
            }))
            .unwrap();
            assert!(e.validate().is_err(), "{not_one}");
        }
        assert!(serde_json::from_str::<LeadEvent>(r#"{"action":"buy"}"#).is_err());
    }

    #[test]
    fn lead_ids_are_stable_per_source_and_delivery() {
        assert_eq!(Lead::id_for("a", "1"), Lead::id_for("a", "1"));
        assert_ne!(Lead::id_for("a", "1"), Lead::id_for("b", "1"));
        assert_ne!(Lead::id_for("a", "1"), Lead::id_for("a", "2"));
        // no ambiguity between ("ab","c") and ("a","bc")
        assert_ne!(Lead::id_for("ab", "c"), Lead::id_for("a", "bc"));
    }

    #[test]
    fn headers_are_case_insensitive() {
        let h = Headers::new().with("Webhook-Id", "x");
        assert_eq!(h.get("webhook-id"), Some("x"));
        assert_eq!(h.get("WEBHOOK-ID"), Some("x"));
    }
}
