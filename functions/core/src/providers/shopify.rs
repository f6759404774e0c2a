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
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::util::{
    clean, ct_eq, finish, hmac_sha256, join_name, json_object, number_from, quote_id,
    require_secret, split_name, str_at, utm_from_url, utm_query, uuid_from,
};
use super::{body_digest, MalformedError, ParseOptions, Parsed, SignatureError};
use crate::model::{Action, Contact, Headers, LeadEvent, Utm};

pub const HMAC_HEADER: &str = "X-Shopify-Hmac-SHA256";
pub const TOPIC_HEADER: &str = "X-Shopify-Topic";
pub const EVENT_ID_HEADER: &str = "X-Shopify-Event-Id";
pub const WEBHOOK_ID_HEADER: &str = "X-Shopify-Webhook-Id";
pub const SHOP_DOMAIN_HEADER: &str = "X-Shopify-Shop-Domain";

/// The shop domain `sign` puts on sample deliveries.
pub const SAMPLE_SHOP_DOMAIN: &str = "handoff-demo.myshopify.com";

pub fn verify(secret: &str, headers: &Headers, body: &[u8]) -> Result<(), SignatureError> {
    require_secret(secret)?;
    let value = super::util::header(headers, HMAC_HEADER)?;
    let sig = B64
        .decode(value)
        .map_err(|_| SignatureError(format!("{HMAC_HEADER} is not valid base64")))?;
    let expected = hmac_sha256(secret.as_bytes(), &[body]);
    if ct_eq(&sig, &expected) {
        Ok(())
    } else {
        Err(SignatureError(format!("{HMAC_HEADER} does not match")))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cart,
    Checkout,
}

pub fn parse(
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
        let slot = match name.to_ascii_lowercase().as_str() {
            "utm_source" => &mut utm.source,
            "utm_medium" => &mut utm.medium,
            "utm_campaign" => &mut utm.campaign,
            "utm_term" => &mut utm.term,
            "utm_content" => &mut utm.content,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    utm
}

/// The topic a sample of `action` is sent under.
pub fn topic_for(action: Action) -> &'static str {
    match action {
        Action::AddToCart => "carts/update",
        Action::PaymentRequested => "checkouts/update",
        _ => "checkouts/create",
    }
}

/// A cart (for `add_to_cart`) or checkout (anything else) as Shopify would send it
/// for `event`. Carts carry a `customer` and `landing_site` here so that the sample
/// holds the contact and the campaign; real carts often have neither.
pub fn sample(event: &LeadEvent, delivery_id: &str, now: DateTime<Utc>) -> Vec<u8> {
    let at = event.occurred_at.unwrap_or(now);
    let ts = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let c = &event.contact;
    let (first, last) = match c.name.as_deref().map(split_name) {
        Some((f, l)) => (Some(f), l),
        None => (None, None),
    };
    let token = hex::encode(&hmac_sha256(b"shopify-token", &[delivery_id.as_bytes()])[..16]);
    let id = number_from(delivery_id);
    let customer_id = number_from(&format!("customer:{delivery_id}"));
    let query = utm_query(&event.utm);
    let landing_site = if query.is_empty() {
        "/products/standing-desk".to_string()
    } else {
        format!("/products/standing-desk?{query}")
    };
    let line_items = json!([{
        "key": uuid_from(&format!("line:{delivery_id}")),
        "product_id": 7110622675033u64,
        "variant_id": 40094740545625u64,
        "title": "Standing Desk",
        "variant_title": "Oak / 160 cm",
        "sku": "DESK-OAK-160",
        "vendor": "Handoff Demo",
        "quantity": 1,
        "price": "649.00",
        "line_price": "649.00",
        "requires_shipping": true,
        "taxable": true,
        "gift_card": false,
        "properties": null,
    }]);
    let customer = json!({
        "id": customer_id,
        "email": c.email,
        "phone": c.phone,
        "first_name": first,
        "last_name": last,
        "accepts_marketing": false,
        "created_at": ts(at - Duration::days(3)),
        "updated_at": ts(at),
        "orders_count": 0,
        "state": "disabled",
        "currency": "EUR",
        "tax_exempt": false,
        "default_address": {
            "customer_id": customer_id,
            "first_name": first,
            "last_name": last,
            "company": c.company,
            "address1": "Hauptstraße 1",
            "city": "Berlin",
            "zip": "10115",
            "country": "Germany",
            "country_code": "DE",
            "phone": c.phone,
            "default": true,
        },
    });

    let body = if event.action == Action::AddToCart {
        json!({
            "id": token,
            "token": token,
            "line_items": line_items,
            "note": event.message,
            "created_at": ts(at - Duration::minutes(4)),
            "updated_at": ts(at),
            "landing_site": landing_site,
            "customer": customer,
        })
    } else {
        let address = json!({
            "first_name": first,
            "last_name": last,
            "name": c.name,
            "company": c.company,
            "address1": "Hauptstraße 1",
            "address2": null,
            "city": "Berlin",
            "zip": "10115",
            "province": null,
            "country": "Germany",
            "country_code": "DE",
            "phone": c.phone,
        });
        json!({
            "id": id,
            "token": token,
            "cart_token": hex::encode(&hmac_sha256(b"shopify-cart", &[delivery_id.as_bytes()])[..16]),
            "email": c.email,
            "gateway": null,
            "buyer_accepts_marketing": false,
            "created_at": ts(at - Duration::minutes(2)),
            "updated_at": ts(at),
            "landing_site": landing_site,
            "note": event.message,
            "note_attributes": [],
            "referring_site": "https://www.google.com/",
            "shipping_lines": [],
            "taxes_included": true,
            "total_weight": 32000,
            "currency": "EUR",
            "presentment_currency": "EUR",
            "completed_at": null,
            "closed_at": null,
            "phone": c.phone,
            "customer_locale": "en",
            "line_items": line_items,
            "name": format!("#{id}"),
            "source_name": "web",
            "abandoned_checkout_url": format!("https://{SAMPLE_SHOP_DOMAIN}/checkouts/{token}/recover?key=sample"),
            "subtotal_price": "649.00",
            "total_price": "649.00",
            "total_tax": "103.62",
            "billing_address": address,
            "shipping_address": address,
            "customer": customer,
        })
    };
    serde_json::to_vec(&body).expect("JSON values always serialise")
}

pub fn sign(secret: &str, event: &LeadEvent, delivery_id: &str, body: &[u8]) -> Headers {
    let sig = B64.encode(hmac_sha256(secret.as_bytes(), &[body]));
    Headers::new()
        .with(HMAC_HEADER, sig)
        .with(TOPIC_HEADER, topic_for(event.action))
        .with(EVENT_ID_HEADER, delivery_id)
        .with(
            WEBHOOK_ID_HEADER,
            uuid_from(&format!("webhook:{delivery_id}")),
        )
        .with(SHOP_DOMAIN_HEADER, SAMPLE_SHOP_DOMAIN)
        .with("X-Shopify-API-Version", "2025-01")
        .with("content-type", "application/json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Channel;

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

    #[test]
    fn sample_round_trips_for_carts_and_checkouts() {
        for action in [Action::AddToCart, Action::CheckoutStarted] {
            let e = LeadEvent {
                action,
                contact: Contact {
                    email: Some("jo@example.de".into()),
                    phone: Some("+49 151 1234 5678".into()),
                    name: Some("Jo Anne Müller".into()),
                    company: Some("Müller & Söhne".into()),
                },
                message: Some("Please deliver after 5pm & ring twice".into()),
                channel: Some(Channel::Cart),
                utm: Utm {
                    source: Some("google".into()),
                    medium: Some("cpc".into()),
                    campaign: Some("spring sale 25%".into()),
                    term: Some("standing desk".into()),
                    content: Some("ad=1&b".into()),
                },
                occurred_at: Some("2025-03-01T09:30:00Z".parse().unwrap()),
            };
            let body = sample(&e, "evt-9", Utc::now());
            let h = sign("shpss_x", &e, "evt-9", &body);
            verify("shpss_x", &h, &body).unwrap();
            let Parsed::Lead { delivery_id, event } =
                parse(&h, &body, &ParseOptions::default()).unwrap()
            else {
                panic!()
            };
            assert_eq!(delivery_id, "evt-9");
            assert_eq!(
                event,
                LeadEvent {
                    channel: None,
                    ..e.clone()
                }
            );
        }
    }
}
