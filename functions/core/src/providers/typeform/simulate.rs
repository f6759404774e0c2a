//! Typeform deliveries as Typeform sends them: a `form_response` signed with
//! `Typeform-Signature: sha256=<base64>`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::{Typeform, SIGNATURE_HEADER};
use crate::model::{Headers, LeadEvent};
use crate::providers::util::{hmac_sha256, to_the_second, utm_params};
use crate::providers::Simulator;

impl Simulator for Typeform {
/// A form response as Typeform would send it for `event`: name, company, e-mail,
    /// phone and message answers under readable refs, the UTM parameters and the action
    /// as hidden fields.
    fn sample(&self, event: &LeadEvent, delivery_id: &str, now: DateTime<Utc>) -> Vec<u8> {
    let submitted = event.occurred_at.unwrap_or(now);
    let ts = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let c = &event.contact;

    let mut fields = Vec::new();
    let mut answers = Vec::new();
    let mut add = |id: &str,
                   ty: &str,
                   r#ref: &str,
                   title: &str,
                   answer_type: &str,
                   value: &Option<String>| {
        fields.push(json!({
            "id": id, "title": title, "type": ty, "ref": r#ref,
            "properties": {}
        }));
        if let Some(v) = value {
            let mut a = Map::new();
            a.insert("type".into(), answer_type.into());
            a.insert(answer_type.into(), v.as_str().into());
            a.insert(
                "field".into(),
                json!({ "id": id, "type": ty, "ref": r#ref }),
            );
            answers.push(Value::Object(a));
        }
    };
    add(
        "Jx6TzNw3Lq2P",
        "short_text",
        "name",
        "What's your name?",
        "text",
        &c.name,
    );
    add(
        "Qm8RcV1sYb4K",
        "short_text",
        "company",
        "Which company are you with?",
        "text",
        &c.company,
    );
    add(
        "Ua2WkE7dHn5F",
        "email",
        "email",
        "What's your e-mail address?",
        "email",
        &c.email,
    );
    add(
        "Pz9GfT4jXc3M",
        "phone_number",
        "phone",
        "A phone number we can call?",
        "phone_number",
        &c.phone,
    );
    add(
        "Ld5BhS0vRw8N",
        "long_text",
        "message",
        "How can we help?",
        "text",
        &event.message,
    );

    let mut hidden = Map::new();
    for (k, v) in utm_params(&event.utm) {
        if let Some(v) = v {
            hidden.insert(k.into(), v.as_str().into());
        }
    }
    hidden.insert("action".into(), event.action.as_str().into());

    let token = hex::encode(&hmac_sha256(b"typeform-token", &[delivery_id.as_bytes()])[..16]);
    let body = json!({
        "event_id": delivery_id,
        "event_type": "form_response",
        "form_response": {
            "form_id": "hNdF0fRm",
            "token": token,
            "landed_at": ts(submitted - Duration::seconds(95)),
            "submitted_at": ts(submitted),
            "hidden": hidden,
            "definition": {
                "id": "hNdF0fRm",
                "title": "Talk to us",
                "fields": fields,
            },
            "answers": answers,
        }
    });
    serde_json::to_vec(&body).expect("JSON values always serialise")
}

    fn sign(
        &self,
        secret: &str,
        _event: &LeadEvent,
        _delivery_id: &str,
        body: &[u8],
        _now: DateTime<Utc>,
    ) -> Headers {
        let sig = B64.encode(hmac_sha256(secret.as_bytes(), &[body]));
        Headers::new()
            .with(SIGNATURE_HEADER, format!("sha256={sig}"))
            .with("content-type", "application/json")
            .with("user-agent", "Typeform Webhooks")
    }

    /// Everything but the channel (a form response has none); the submission time to
    /// the second.
    fn carried(&self, event: &LeadEvent, now: DateTime<Utc>) -> LeadEvent {
        LeadEvent {
            channel: None,
            occurred_at: Some(to_the_second(event.occurred_at.unwrap_or(now))),
            ..event.clone()
        }
    }
}
