//! Typeform webhooks: `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, raw body)>`
//! (no timestamp), body a `form_response` event.
//!
//! Payload shape (Typeform's "Example webhook payload"):
//! `{"event_id", "event_type": "form_response", "form_response": {"form_id", "token",
//! "landed_at", "submitted_at", "hidden": {..}, "definition": {"fields": [{"id", "ref",
//! "type", "title"}]}, "answers": [{"type": "email"|"phone_number"|"text"|"choice"|..,
//! "field": {"id", "type", "ref"}, "email"|"phone_number"|"text"|"choice": {"label"}|..}]}}`.
//!
//! Mapping: e-mail answer → contact.email, phone_number answer → contact.phone, short
//! text answers whose field ref (or, for opaque refs, title) names a name or company →
//! contact.name / contact.company, long text answers → message (joined by new lines),
//! hidden `utm_*` → utm, an answer or hidden field `action` holding an action name →
//! action (answer first, then hidden, then the source's default, then
//! `form_submission`). Delivery id = `event_id`; occurred_at = `submitted_at`.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::util::{
    clean, finish, hmac_sha256, join_name, json_object, mac_matches, parse_action, quote_id,
    require_secret, str_at,
};
use super::{
    body_digest, MalformedError, ParseOptions, Parsed, Provider, ProviderKind, SignatureError,
    Simulator,
};
use crate::model::{Action, Contact, Headers, LeadEvent, Utm};

mod simulate;

pub const SIGNATURE_HEADER: &str = "Typeform-Signature";

/// The `typeform` provider.
pub struct Typeform;

/// A handle to [`Typeform`], for code that names this provider.
pub const KIND: ProviderKind = ProviderKind::new(&Typeform);

impl Provider for Typeform {
    fn name(&self) -> &'static str {
        "typeform"
    }

    fn verify(
        &self,
        secret: &str,
        headers: &Headers,
        body: &[u8],
        _now: DateTime<Utc>,
    ) -> Result<(), SignatureError> {
        require_secret(secret)?;
        let value = super::util::header(headers, SIGNATURE_HEADER)?;
        let b64 = value
            .strip_prefix("sha256=")
            .ok_or_else(|| SignatureError(format!("{SIGNATURE_HEADER} is not a sha256= signature")))?;
        let sig = B64
            .decode(b64.trim())
            .map_err(|_| SignatureError(format!("{SIGNATURE_HEADER} is not valid base64")))?;
        let expected = hmac_sha256(secret.as_bytes(), &[body]);
        mac_matches(&sig, &expected, SIGNATURE_HEADER)
    }

    fn parse(
        &self,
        headers: &Headers,
        body: &[u8],
        opts: &ParseOptions,
    ) -> Result<Parsed, MalformedError> {
        parse(headers, body, opts)
    }

    fn check_secret(&self, secret: &str) -> Result<(), String> {
        super::util::min_secret_length(secret, self.name())
    }

    fn signature_headers(&self) -> &'static [&'static str] {
        &[SIGNATURE_HEADER]
    }

    fn simulator(&self) -> &dyn Simulator {
        self
    }
}

/// What an answer contributes to the lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Email,
    Phone,
    Name,
    FirstName,
    LastName,
    Company,
    Message,
    Action,
    Other,
}

/// The role a field's ref or title names, by its words.
fn role_by_words(s: &str) -> Role {
    let lower = s.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let any = |ws: &[&str]| ws.iter().any(|w| has(w));
    if any(&[
        "company",
        "companyname",
        "organisation",
        "organization",
        "org",
        "business",
        "employer",
        "firm",
    ]) {
        Role::Company
    } else if any(&["firstname", "forename", "given"]) || (has("first") && has("name")) {
        Role::FirstName
    } else if any(&["lastname", "surname", "family"]) || (has("last") && has("name")) {
        Role::LastName
    } else if any(&["name", "fullname"]) {
        Role::Name
    } else if any(&["email", "mail"]) {
        Role::Email
    } else if any(&["phone", "mobile", "tel", "telephone", "phonenumber"]) {
        Role::Phone
    } else if any(&[
        "message", "comment", "comments", "question", "details", "enquiry", "inquiry",
    ]) {
        Role::Message
    } else {
        Role::Other
    }
}

/// A ref Typeform generated (a UUID) says nothing; a readable one set by the form
/// author does.
fn is_readable_ref(r: &str) -> bool {
    let hexish = r.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    !(hexish && r.len() >= 16)
}

struct FieldInfo {
    r#ref: Option<String>,
    title: Option<String>,
}

fn role_of(answer: &Value, fields: &HashMap<String, FieldInfo>) -> Role {
    let field = answer.get("field").unwrap_or(&Value::Null);
    let def = str_at(field, &["id"]).and_then(|id| fields.get(&id));
    let r#ref = str_at(field, &["ref"]).or_else(|| def.and_then(|d| d.r#ref.clone()));
    if r#ref
        .as_deref()
        .is_some_and(|r| r.eq_ignore_ascii_case("action"))
    {
        return Role::Action;
    }
    match answer.get("type").and_then(Value::as_str) {
        Some("email") => return Role::Email,
        Some("phone_number") => return Role::Phone,
        Some("text") => {}
        // choices, numbers, dates, files… carry nothing the lead needs
        _ => return Role::Other,
    }
    if field.get("type").and_then(Value::as_str) == Some("long_text") {
        return Role::Message;
    }
    let by_ref = r#ref
        .as_deref()
        .filter(|r| is_readable_ref(r))
        .map_or(Role::Other, role_by_words);
    if by_ref != Role::Other {
        return by_ref;
    }
    def.and_then(|d| d.title.as_deref())
        .map_or(Role::Other, role_by_words)
}

fn parse(
    _headers: &Headers,
    body: &[u8],
    opts: &ParseOptions,
) -> Result<Parsed, MalformedError> {
    let obj = json_object(body)?;
    let event_type = obj
        .get("event_type")
        .and_then(Value::as_str)
        .ok_or_else(|| MalformedError("event_type: missing".into()))?;
    if event_type != "form_response" {
        return Ok(Parsed::Ignored {
            reason: format!("event type {} is not a form response", quote_id(event_type)),
        });
    }
    let delivery_id = obj
        .get("event_id")
        .and_then(|v| clean(v.as_str()))
        .unwrap_or_else(|| body_digest(body));
    let fr = match obj.get("form_response") {
        Some(v @ Value::Object(_)) => v,
        _ => {
            return Err(MalformedError(
                "form_response: missing or not an object".into(),
            ))
        }
    };

    let fields: HashMap<String, FieldInfo> = fr
        .pointer("/definition/fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            Some((
                str_at(f, &["id"])?,
                FieldInfo {
                    r#ref: str_at(f, &["ref"]),
                    title: str_at(f, &["title"]),
                },
            ))
        })
        .collect();

    let mut contact = Contact::default();
    let (mut first, mut last) = (None, None);
    let mut messages = Vec::new();
    let mut answered_action = None;
    let answers = match fr.get("answers") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => {
            return Err(MalformedError(
                "form_response.answers: must be an array".into(),
            ))
        }
    };
    for answer in answers {
        let text = || str_at(answer, &["text"]);
        let set = |slot: &mut Option<String>, v: Option<String>| {
            if slot.is_none() {
                *slot = v;
            }
        };
        match role_of(answer, &fields) {
            Role::Email => set(
                &mut contact.email,
                str_at(answer, &["email"]).or_else(|| text().filter(|t| t.contains('@'))),
            ),
            Role::Phone => set(
                &mut contact.phone,
                str_at(answer, &["phone_number"]).or_else(text),
            ),
            Role::Name => set(&mut contact.name, text()),
            Role::FirstName => set(&mut first, text()),
            Role::LastName => set(&mut last, text()),
            Role::Company => set(&mut contact.company, text()),
            Role::Message => messages.extend(text()),
            Role::Action => {
                let v = str_at(answer, &["choice", "label"]).or_else(text);
                answered_action = answered_action.or_else(|| v.as_deref().and_then(parse_action));
            }
            Role::Other => {}
        }
    }

    let empty = Map::new();
    let hidden = fr
        .get("hidden")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let hidden_str = |key: &str| {
        hidden
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| clean(v.as_str()))
    };
    let utm = Utm {
        source: hidden_str("utm_source"),
        medium: hidden_str("utm_medium"),
        campaign: hidden_str("utm_campaign"),
        term: hidden_str("utm_term"),
        content: hidden_str("utm_content"),
    };
    // hidden fields pre-filled by the page are a fallback for the contact
    contact.name = contact
        .name
        .or_else(|| join_name(first, last))
        .or_else(|| hidden_str("name"));
    contact.email = contact.email.or_else(|| hidden_str("email"));
    contact.phone = contact.phone.or_else(|| hidden_str("phone"));
    contact.company = contact.company.or_else(|| hidden_str("company"));

    let action = answered_action
        .or_else(|| hidden_str("action").as_deref().and_then(parse_action))
        .or(opts.default_action)
        .unwrap_or(Action::FormSubmission);

    if contact.email.is_none() && contact.phone.is_none() {
        return Err(MalformedError(
            "no contact: the form response has no e-mail or phone answer".into(),
        ));
    }
    let occurred_at = str_at(fr, &["submitted_at"]).and_then(|t| t.parse::<DateTime<Utc>>().ok());
    let event = finish(LeadEvent {
        action,
        contact,
        message: (!messages.is_empty()).then(|| messages.join("\n")),
        channel: None,
        utm,
        occurred_at,
    })?;
    Ok(Parsed::Lead { delivery_id, event })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify(secret: &str, headers: &Headers, body: &[u8]) -> Result<(), SignatureError> {
        Typeform.verify(secret, headers, body, Utc::now())
    }
    use serde_json::json;
    use crate::providers::conformance::minimal_event;

    fn sign(secret: &str, body: &[u8]) -> Headers {
        Typeform.sign(secret, &minimal_event(), "evt_1", body, Utc::now())
    }

    fn lead(body: &Value, opts: &ParseOptions) -> LeadEvent {
        match parse(&Headers::new(), &serde_json::to_vec(body).unwrap(), opts).unwrap() {
            Parsed::Lead { event, .. } => event,
            other => panic!("{other:?}"),
        }
    }

    fn response(answers: Value, hidden: Value, fields: Value) -> Value {
        json!({
            "event_id": "01HZ", "event_type": "form_response",
            "form_response": {
                "form_id": "f", "token": "t", "submitted_at": "2024-05-01T10:00:00Z",
                "hidden": hidden, "definition": {"fields": fields}, "answers": answers
            }
        })
    }

    fn text(id: &str, ty: &str, r#ref: &str, v: &str) -> Value {
        json!({"type": "text", "text": v, "field": {"id": id, "type": ty, "ref": r#ref}})
    }

    #[test]
    fn roles_from_refs_and_titles() {
        assert_eq!(role_by_words("first_name"), Role::FirstName);
        assert_eq!(role_by_words("What is your first name?"), Role::FirstName);
        assert_eq!(role_by_words("Surname"), Role::LastName);
        assert_eq!(role_by_words("full_name"), Role::Name);
        assert_eq!(role_by_words("company_name"), Role::Company);
        assert_eq!(role_by_words("Organisation"), Role::Company);
        assert_eq!(role_by_words("readable_ref_short_text"), Role::Other);
        assert!(!is_readable_ref("9a489f17-8765-494b-933e-3624c645bd0c"));
        assert!(is_readable_ref("name"));
    }

    #[test]
    fn first_and_last_names_are_joined_and_titles_used_for_opaque_refs() {
        let answers = json!([
            text("a", "short_text", "9a489f17-8765-494b-933e-3624c645bd0c", "Ada"),
            text("b", "short_text", "last_name", "Lovelace"),
            text("c", "short_text", "0c1d2e3f-8765-494b-933e-3624c645bd0c", "Analytical Engines Ltd"),
            {"type": "email", "email": " ada@example.com ", "field": {"id": "d", "type": "email"}},
            text("e", "long_text", "anything", "Line one"),
            text("f", "long_text", "more", "Line two"),
            {"type": "choice", "choice": {"label": "51-200"}, "field": {"id": "g", "type": "multiple_choice", "ref": "size"}},
        ]);
        let fields = json!([
            {"id": "a", "title": "What is your first name?", "type": "short_text", "ref": "9a489f17-8765-494b-933e-3624c645bd0c"},
            {"id": "c", "title": "Which company do you work for?", "type": "short_text", "ref": "0c1d2e3f-8765-494b-933e-3624c645bd0c"},
        ]);
        let e = lead(
            &response(answers, json!({}), fields),
            &ParseOptions::default(),
        );
        assert_eq!(e.contact.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(e.contact.company.as_deref(), Some("Analytical Engines Ltd"));
        assert_eq!(e.contact.email.as_deref(), Some("ada@example.com"));
        assert_eq!(e.message.as_deref(), Some("Line one\nLine two"));
        assert_eq!(e.action, Action::FormSubmission);
        assert_eq!(e.channel, None);
        assert_eq!(e.occurred_at, Some("2024-05-01T10:00:00Z".parse().unwrap()));
    }

    #[test]
    fn action_precedence_answer_then_hidden_then_default() {
        let email = json!({"type": "email", "email": "a@b.co", "field": {"id": "d", "type": "email", "ref": "email"}});
        let choice = json!({"type": "choice", "choice": {"label": "Quote request"}, "field": {"id": "x", "type": "multiple_choice", "ref": "action"}});
        let opts = ParseOptions {
            default_action: Some(Action::DemoRequest),
        };

        let e = lead(
            &response(json!([email.clone()]), json!({}), json!([])),
            &opts,
        );
        assert_eq!(e.action, Action::DemoRequest);
        let e = lead(
            &response(
                json!([email.clone()]),
                json!({"action": "call_request"}),
                json!([]),
            ),
            &opts,
        );
        assert_eq!(e.action, Action::CallRequest);
        let e = lead(
            &response(
                json!([email.clone(), choice]),
                json!({"action": "call_request"}),
                json!([]),
            ),
            &opts,
        );
        assert_eq!(e.action, Action::QuoteRequest);
        // an unknown value does not override
        let e = lead(
            &response(json!([email]), json!({"action": "buy_now"}), json!([])),
            &opts,
        );
        assert_eq!(e.action, Action::DemoRequest);
    }

    #[test]
    fn other_events_are_ignored_and_broken_ones_malformed() {
        let p = |v: Value| {
            parse(
                &Headers::new(),
                &serde_json::to_vec(&v).unwrap(),
                &ParseOptions::default(),
            )
        };
        assert!(matches!(
            p(json!({"event_id": "1", "event_type": "form_response_partial", "form_response": {}})),
            Ok(Parsed::Ignored { .. })
        ));
        assert_eq!(
            p(json!({"event_id": "1"})).unwrap_err().0,
            "event_type: missing"
        );
        assert!(p(json!({"event_id": "1", "event_type": "form_response"}))
            .unwrap_err()
            .0
            .contains("form_response"));
        let no_contact = response(
            json!([text("a", "short_text", "name", "Ada")]),
            json!({}),
            json!([]),
        );
        assert_eq!(
            p(no_contact).unwrap_err().0,
            "no contact: the form response has no e-mail or phone answer"
        );
        let bad_answers = json!({"event_id": "1", "event_type": "form_response", "form_response": {"answers": {}}});
        assert!(p(bad_answers).is_err());
    }

    #[test]
    fn signature_checks() {
        let body = br#"{"event_type":"form_response"}"#;
        let h = sign("s3cret", body);
        verify("s3cret", &h, body).unwrap();
        assert!(verify("other", &h, body).is_err());
        assert!(verify("", &sign("", body), body).is_err());
        assert!(verify("s3cret", &h, b"{}").is_err());
        assert!(verify("s3cret", &Headers::new(), body)
            .unwrap_err()
            .0
            .contains("missing"));
        let raw = h
            .get(SIGNATURE_HEADER)
            .unwrap()
            .trim_start_matches("sha256=")
            .to_string();
        assert!(verify("s3cret", &Headers::new().with(SIGNATURE_HEADER, raw), body).is_err());
        assert!(verify(
            "s3cret",
            &Headers::new().with(SIGNATURE_HEADER, "sha256=%%%"),
            body
        )
        .is_err());
    }
}
