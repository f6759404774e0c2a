//! Shopify deliveries as Shopify sends them: a cart or checkout signed with
//! `X-Shopify-Hmac-SHA256`, the topic and ids in headers.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::json;

use super::{
    Shopify, EVENT_ID_HEADER, HMAC_HEADER, SAMPLE_SHOP_DOMAIN, SHOP_DOMAIN_HEADER, TOPIC_HEADER,
    WEBHOOK_ID_HEADER,
};
use crate::model::{Action, Headers, LeadEvent};
use crate::providers::util::{
    hmac_sha256, number_from, split_name, to_the_second, utm_query, uuid_from,
};
use crate::providers::Simulator;

/// The topic a sample of `action` is sent under.
fn topic_for(action: Action) -> &'static str {
    match action {
        Action::AddToCart => "carts/update",
        Action::PaymentRequested => "checkouts/update",
        _ => "checkouts/create",
    }
}

impl Simulator for Shopify {
/// A cart (for `add_to_cart`) or checkout (anything else) as Shopify would send it
/// for `event`. Carts carry a `customer` and `landing_site` here so that the sample
/// holds the contact and the campaign; real carts often have neither.
    fn sample(&self, event: &LeadEvent, delivery_id: &str, now: DateTime<Utc>) -> Vec<u8> {
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

    fn sign(
        &self,
        secret: &str,
        event: &LeadEvent,
        delivery_id: &str,
        body: &[u8],
        _now: DateTime<Utc>,
    ) -> Headers {
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

    /// The signature covers the body only, so the body names the delivery.
    fn parsed_delivery_id(&self, _delivery_id: &str, body: &[u8]) -> String {
        crate::providers::body_digest(body)
    }

    /// Carts are `add_to_cart`, everything else a checkout (`checkout_started`); no
    /// channel; the update time to the second.
    fn carried(&self, event: &LeadEvent, now: DateTime<Utc>) -> LeadEvent {
        LeadEvent {
            action: match event.action {
                Action::AddToCart => Action::AddToCart,
                _ => Action::CheckoutStarted,
            },
            channel: None,
            occurred_at: Some(to_the_second(event.occurred_at.unwrap_or(now))),
            ..event.clone()
        }
    }
}
