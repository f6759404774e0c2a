//! Shopify webhooks: `X-Shopify-Hmac-SHA256: <base64 HMAC-SHA256(secret, raw body)>`,
//! the event in `X-Shopify-Topic`.
//!
//! The signature covers the body only: `X-Shopify-Topic`, `X-Shopify-Event-Id` and the
//! other headers are not signed, so anyone holding one captured delivery could re-send
//! it with new ones. Hence:
//!
//! - **the delivery id is a digest of the body** (`sha256:…`), not `X-Shopify-Event-Id`:
//!   a re-sent body is the same lead (200 duplicate), whatever its headers, for as long
//!   as the lead is kept; Shopify's own retries re-send the same body, so they dedupe as
//!   before;
//! - **the action comes from the body**: a body with line items and a checkout's marks
//!   (`abandoned_checkout_url` or `cart_token`) is a checkout → `checkout_started`; one
//!   with line items and a cart `token` only is a cart → `add_to_cart`; an order's body
//!   (`order_number`, `financial_status`) is never a lead. The topic only says whether the
//!   delivery is a cart/checkout event at all (`carts/*`, `checkouts/*`; any other topic
//!   is ignored), so editing it can turn a lead into an ignored delivery, never into
//!   another action or a new lead.
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
    finish, hmac_sha256, join_name, json_object, mac_matches, quote_id, require_secret, str_at,
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

    fn check_secret(&self, secret: &str) -> Result<(), String> {
        super::util::min_secret_length(secret, self.name())
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
    match topic.to_ascii_lowercase().as_str() {
        "carts/create" | "carts/update" | "checkouts/create" | "checkouts/update" => {}
        _ => {
            return Ok(Parsed::Ignored {
                reason: format!("topic {} is not a lead event", quote_id(topic)),
            })
        }
    }
    // the signed body, not the unsigned headers, names the delivery and its action
    let delivery_id = body_digest(body);
    let v = Value::Object(json_object(body)?);
    let kind = body_kind(&v)?;
    let action = match kind {
        Kind::Cart => Action::AddToCart,
        Kind::Checkout => Action::CheckoutStarted,
    };

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

/// What the signed body is: a checkout, a cart, or (an error) neither.
fn body_kind(v: &Value) -> Result<Kind, MalformedError> {
    let has = |k: &str| v.get(k).is_some_and(|x| !x.is_null());
    if has("order_number") || has("financial_status") {
        return Err(MalformedError(
            "the body is an order, not a cart or checkout".into(),
        ));
    }
    if !v.get("line_items").is_some_and(Value::is_array) {
        return Err(MalformedError(
            "the body is not a cart or checkout: it has no line_items".into(),
        ));
    }
    if has("abandoned_checkout_url") || has("cart_token") {
        Ok(Kind::Checkout)
    } else if has("token") {
        Ok(Kind::Cart)
    } else {
        Err(MalformedError(
            "the body is not a cart or checkout: it has no token".into(),
        ))
    }
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

    const CART: &[u8] = br#"{"token":"c1","line_items":[{"title":"Desk"}],"customer":{"email":"a@b.co"}}"#;
    const CHECKOUT: &[u8] = br#"{"token":"t1","cart_token":"c1","email":"a@b.co","line_items":[{"title":"Desk"}],"abandoned_checkout_url":"https://x/recover"}"#;

    fn action(topic: &str, body: &[u8]) -> Result<Option<Action>, MalformedError> {
        Ok(match parse(&headers(topic), body, &ParseOptions::default())? {
            Parsed::Lead { event, .. } => Some(event.action),
            Parsed::Ignored { .. } => None,
        })
    }

    #[test]
    fn the_signed_body_decides_the_action_and_the_topic_only_gates() {
        for topic in ["carts/create", "carts/update", "checkouts/create", "checkouts/update"] {
            // an edited (unsigned) topic cannot turn a cart into a checkout or back
            assert_eq!(action(topic, CART).unwrap(), Some(Action::AddToCart), "{topic}");
            assert_eq!(
                action(topic, CHECKOUT).unwrap(),
                Some(Action::CheckoutStarted),
                "{topic}"
            );
        }
        assert_eq!(action("orders/create", CHECKOUT).unwrap(), None);
        let Parsed::Ignored { reason } =
            parse(&headers("products/update"), b"", &ParseOptions::default()).unwrap()
        else {
            panic!()
        };
        assert_eq!(reason, r#"topic "products/update" is not a lead event"#);
        assert!(parse(&Headers::new(), CART, &ParseOptions::default()).is_err());
        // an order's body sent under a cart topic is no lead
        let order = br#"{"order_number":1001,"financial_status":"paid","cart_token":"c1","email":"a@b.co","line_items":[]}"#;
        assert_eq!(
            action("carts/create", order).unwrap_err().0,
            "the body is an order, not a cart or checkout"
        );
        let bare = br#"{"email":"a@b.co"}"#;
        assert!(action("checkouts/create", bare)
            .unwrap_err()
            .0
            .contains("no line_items"));
    }

    #[test]
    fn the_delivery_id_is_the_body_digest_whatever_the_unsigned_ids() {
        let id = |h: Headers| match parse(&h, CART, &ParseOptions::default()).unwrap() {
            Parsed::Lead { delivery_id, .. } => delivery_id,
            _ => panic!(),
        };
        let digest = body_digest(CART);
        assert!(digest.starts_with("sha256:"));
        assert_eq!(id(headers("carts/update")), digest);
        assert_eq!(
            id(headers("carts/update").with(EVENT_ID_HEADER, "ev-1")),
            digest
        );
        assert_eq!(
            id(headers("carts/create")
                .with(EVENT_ID_HEADER, "ev-2")
                .with(WEBHOOK_ID_HEADER, "wh-2")),
            digest
        );
    }

    #[test]
    fn utm_from_note_attributes_when_the_landing_site_has_none() {
        let body = br#"{"email":"a@b.co","cart_token":"c1","line_items":[],"landing_site":"/","note_attributes":[{"name":"utm_source","value":"meta"},{"name":"gift","value":"yes"}]}"#;
        let Parsed::Lead { event, .. } =
            parse(&headers("checkouts/create"), body, &ParseOptions::default()).unwrap()
        else {
            panic!()
        };
        assert_eq!(event.utm.source.as_deref(), Some("meta"));
    }

}
