//! Shopify webhooks: `X-Shopify-Hmac-SHA256: <base64 HMAC-SHA256(secret, raw body)>`,
//! the event in `X-Shopify-Topic`.
//!
//! `carts/create`, `carts/update` → `add_to_cart`; `checkouts/create`,
//! `checkouts/update` → `checkout_started`; any other topic is ignored.
//! Delivery id = `X-Shopify-Event-Id`, else `X-Shopify-Webhook-Id`, else a digest of
//! the body.
//!
//! Payload (Shopify's checkout sample: `id`, `token`, `cart_token`, `email`, `phone`,
//! `created_at`, `updated_at`, `landing_site`, `referring_site`, `note`,
//! `note_attributes`, `line_items`, `billing_address`/`shipping_address` {first_name,
//! last_name, company, phone, …}, `customer` {email, phone, first_name, last_name,
//! default_address}, `abandoned_checkout_url`; carts: `id`, `token`, `line_items`,
//! `note`, `created_at`, `updated_at`, usually no customer). UTM comes from the query
//! string of `landing_site` (falling back to `utm_*` note attributes); `referring_site`
//! is not UTM. Message = `note`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::util::{
    clean, finish, hmac_sha256, join_name, json_object, mac_matches, quote_id, require_secret, str_at,
    utm_field, utm_from_url,
};
use super::{
    body_digest, MalformedError, ParseOptions, Parsed, Provider, ProviderKind, SignatureError,
    Simulator,
};
use crate::model::{Action, Contact, Headers, LeadEvent, Utm};

mod simulate;

pub const HMAC_HEADER: &str = "X-Shopify-Hmac-SHA256";
pub const TOPIC_HEADER: &str = "X-Shopify-Topic";
pub const EVENT_ID_HEADER: &str = "X-Shopify-Event-Id";
pub const WEBHOOK_ID_HEADER: &str = "X-Shopify-Webhook-Id";
pub const SHOP_DOMAIN_HEADER: &str = "X-Shopify-Shop-Domain";

/// The shop domain `sign` puts on sample deliveries.
pub const SAMPLE_SHOP_DOMAIN: &str = "handoff-demo.myshopify.com";

/// The `shopify` provider.
pub struct Shopify;

/// A handle to [`Shopify`], for code that names this provider.
pub const KIND: ProviderKind = ProviderKind::new(&Shopify);

impl Provider for Shopify {
    fn name(&self) -> &'static str {
        "shopify"
    }

    fn verify(
        &self,
        secret: &str,
        headers: &Headers,
        body: &[u8],
        _now: DateTime<Utc>,
    ) -> Result<(), SignatureError> {
        require_secret(secret)?;
        let value = super::util::header(headers, HMAC_HEADER)?;
        let sig = B64
            .decode(value)
            .map_err(|_| SignatureError(format!("{HMAC_HEADER} is not valid base64")))?;
        let expected = hmac_sha256(secret.as_bytes(), &[body]);
        mac_matches(&sig, &expected, HMAC_HEADER)
    }

    fn parse(
        &self,
        headers: &Headers,
        body: &[u8],
        opts: &ParseOptions,
    ) -> Result<Parsed, MalformedError> {
        parse(headers, body, opts)
    }

    fn signature_headers(&self) -> &'static [&'static str] {
        &[HMAC_HEADER]
    }

    fn simulator(&self) -> &dyn Simulator {
        self
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cart,
    Checkout,
}

fn parse(
    headers: &Headers,
    body: &[u8],
    _opts: &ParseOptions,
) -> Result<Parsed, MalformedError> {
    let topic = headers
        .get(TOPIC_HEADER)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| MalformedError(format!("missing {TOPIC_HEADER} header")))?;
    let (action, kind) = match topic.to_ascii_lowercase().as_str() {
        "carts/create" | "carts/update" => (Action::AddToCart, Kind::Cart),
        "checkouts/create" | "checkouts/update" => (Action::CheckoutStarted, Kind::Checkout),
        _ => {
            return Ok(Parsed::Ignored {
                reason: format!("topic {} is not a lead event", quote_id(topic)),
            })
        }
    };
    let delivery_id = [EVENT_ID_HEADER, WEBHOOK_ID_HEADER]
        .iter()
        .find_map(|h| clean(headers.get(h)))
        .unwrap_or_else(|| body_digest(body));
    let v = Value::Object(json_object(body)?);

    let first_of = |paths: &[&[&str]]| paths.iter().find_map(|p| str_at(&v, p));
    let name_at = |obj: &str| {
        join_name(
            str_at(&v, &[obj, "first_name"]),
            str_at(&v, &[obj, "last_name"]),
        )
        .or_else(|| str_at(&v, &[obj, "name"]))
    };
    let contact = Contact {
        email: first_of(&[&["email"], &["contact_email"], &["customer", "email"]]),
        phone: first_of(&[
            &["phone"],
            &["customer", "phone"],
            &["billing_address", "phone"],
            &["shipping_address", "phone"],
            &["sms_marketing_phone"],
        ]),
        name: name_at("customer")
            .or_else(|| name_at("billing_address"))
            .or_else(|| name_at("shipping_address")),
        company: first_of(&[
            &["billing_address", "company"],
            &["shipping_address", "company"],
            &["customer", "default_address", "company"],
        ]),
    };
    if contact.email.is_none() && contact.phone.is_none() {
        return Err(MalformedError(
            match kind {
                Kind::Cart => "no contact: the cart has no customer e-mail or phone",
                Kind::Checkout => "no contact: the checkout has no e-mail or phone",
            }
            .into(),
        ));
    }

    let mut utm = str_at(&v, &["landing_site"])
        .map(|l| utm_from_url(&l))
        .unwrap_or_default();
    if utm.is_empty() {
        utm = utm_from_attributes(&v);
    }
    let occurred_at =
        first_of(&[&["updated_at"], &["created_at"]]).and_then(|t| t.parse::<DateTime<Utc>>().ok());
    let event = finish(LeadEvent {
        action,
        contact,
        message: str_at(&v, &["note"]),
        channel: None,
        utm,
        occurred_at,
    })?;
    Ok(Parsed::Lead { delivery_id, event })
}

/// Shops that keep the UTM parameters as cart attributes: `note_attributes:
/// [{"name": "utm_source", "value": "google"}, …]`.
fn utm_from_attributes(v: &Value) -> Utm {
    let mut utm = Utm::default();
    for attr in v
        .get("note_attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(value)) = (str_at(attr, &["name"]), str_at(attr, &["value"])) else {
            continue;
        };
        if let Some(slot) = utm_field(&mut utm, &name) {
            slot.get_or_insert(value);
        }
    }
    utm
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(topic: &str) -> Headers {
        Headers::new().with(TOPIC_HEADER, topic)
    }

    #[test]
    fn topics_decide_the_action() {
        let body = br#"{"email":"a@b.co"}"#;
        let action = |t: &str| match parse(&headers(t), body, &ParseOptions::default()).unwrap() {
            Parsed::Lead { event, .. } => Some(event.action),
            Parsed::Ignored { .. } => None,
        };
        assert_eq!(action("carts/create"), Some(Action::AddToCart));
        assert_eq!(action("carts/update"), Some(Action::AddToCart));
        assert_eq!(action("checkouts/create"), Some(Action::CheckoutStarted));
        assert_eq!(action("checkouts/update"), Some(Action::CheckoutStarted));
        assert_eq!(action("orders/create"), None);
        let Parsed::Ignored { reason } =
            parse(&headers("products/update"), b"", &ParseOptions::default()).unwrap()
        else {
            panic!()
        };
        assert_eq!(reason, r#"topic "products/update" is not a lead event"#);
        assert!(parse(&Headers::new(), body, &ParseOptions::default()).is_err());
    }

    #[test]
    fn delivery_id_falls_back_to_webhook_id_then_digest() {
        let body = br#"{"email":"a@b.co"}"#;
        let id = |h: Headers| match parse(&h, body, &ParseOptions::default()).unwrap() {
            Parsed::Lead { delivery_id, .. } => delivery_id,
            _ => panic!(),
        };
        let h = headers("carts/update").with(WEBHOOK_ID_HEADER, "wh-1");
        assert_eq!(id(h.clone()), "wh-1");
        assert_eq!(id(h.with(EVENT_ID_HEADER, "ev-1")), "ev-1");
        assert_eq!(id(headers("carts/update")), body_digest(body));
    }

    #[test]
    fn utm_from_note_attributes_when_the_landing_site_has_none() {
        let body = br#"{"email":"a@b.co","landing_site":"/","note_attributes":[{"name":"utm_source","value":"meta"},{"name":"gift","value":"yes"}]}"#;
        let Parsed::Lead { event, .. } =
            parse(&headers("checkouts/create"), body, &ParseOptions::default()).unwrap()
        else {
            panic!()
        };
        assert_eq!(event.utm.source.as_deref(), Some("meta"));
    }

}
