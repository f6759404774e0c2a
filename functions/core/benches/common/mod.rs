//! Inputs shared by the benchmarks: one realistic delivery of about 2 KB per provider,
//! built with the providers' own `sample` + `sign`, the way `handoff send` builds them.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use handoff_core::model::{
    Action, Business, Channel, Contact, Headers, LeadEvent, ProviderKind, Utm,
};
use handoff_core::providers::{intercom, shopify, standard, typeform, ParseOptions};

/// A Standard Webhooks secret (`whsec_` + base64 of 24 bytes).
pub const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The shared secret of the providers that sign with a plain string.
pub const PLAIN_SECRET: &str = "tf_8c2b7e0a4f9d4b1e9a6c3d5f7e8b0a1c";

/// One signed delivery as it reaches `App::ingest`.
pub struct Delivery {
    pub kind: ProviderKind,
    pub business: Business,
    pub secret: &'static str,
    pub headers: Headers,
    pub body: Vec<u8>,
    pub opts: ParseOptions,
    /// The Standard Webhooks signed content is `{id}.{timestamp}.{body}`.
    pub delivery_id: String,
    pub timestamp: String,
}

/// A sales enquiry a B2B buyer might paste into a contact form (~1.4 KB).
pub const B2B_ENQUIRY: &str = "Hello, I'm the operations lead at Northwind Logistics. We run three \
warehouses in Hamburg, Rotterdam and Antwerp with about 140 people on the floor and an office team \
of twelve. At the moment we track inbound leads from our website, two trade-show landing pages and \
a partner portal in a shared spreadsheet, and sales often sees a request two or three days after it \
came in, which is far too late for the customers we want. A colleague mentioned your router at a \
meetup last month. Our setup: Typeform for the quote form, Shopify for the spare-parts shop, \
Intercom on the main site and HubSpot as the CRM. We would need leads to go to two regional teams \
(Benelux and DACH) with business-hours routing, and an escalation when nobody claims a lead within \
thirty minutes. Could you tell us how much it would cost for roughly 4,000 webhooks a month and \
around 15 sales users? We also need to know whether there is a minimum contract term, whether the \
price includes onboarding, and if you offer an annual discount. If it helps, we can share an \
anonymised export of last quarter's leads so you can see the volumes and the mix of sources. \
Ideally we would start in the first week of next month, so a short call this week would be great. \
Two more questions from our IT department: where is the data stored (we need hosting in the EU), \
and can the lead data be deleted automatically after a retention period we choose? Our works \
council will also ask whether individual sales reps can be tracked, so anything you can share on \
that would help. Thank you and best regards, Marta";

/// A services enquiry typed into a Typeform long-text answer (~600 B).
const SERVICES_ENQUIRY: &str = "We are a dental practice with two locations in Munich and are \
planning to renovate the reception area and both waiting rooms over the summer. We need new \
flooring (about 120 m2), lighting and built-in cabinets, and the practice has to stay open on \
weekdays, so the work would have to happen in the evenings and on weekends. Could you send us a \
quote and tell us when you could start? Photos and floor plans are available on request.";

/// A note a shopper leaves on a cart (~200 B).
const CART_NOTE: &str = "Please deliver to the loading dock at the back of the building, \
reception is closed on Fridays. If the oak desk is out of stock we would take walnut instead. \
Do you offer a discount for 12 desks for the whole team?";

/// A chat line from a visitor on the pricing page (~900 B, a few paragraphs).
const CHAT_MESSAGE: &str = "Hi there! We are a team of 25 at a small architecture studio and \
we're currently comparing three providers for our new office network and IT support.\n\
Right now everything is handled by one of our partners in his spare time, which obviously doesn't \
scale, and we had two outages last quarter that cost us a full day of work each.\n\
We need help with the Wi-Fi for two floors, a backup solution for about 8 TB of project files, \
laptop setup for new hires and someone we can call when things break.\n\
What would a monthly support plan cost for a team our size, and is the initial setup included or \
billed separately? We'd also like to know how quickly you respond to an outage.\n\
Thanks, Jonas";

fn contact(name: &str, company: &str, email: &str, phone: &str) -> Contact {
    Contact {
        email: Some(email.into()),
        phone: Some(phone.into()),
        name: Some(name.into()),
        company: Some(company.into()),
    }
}

fn utm(source: &str, medium: &str, campaign: &str, term: &str, content: &str) -> Utm {
    Utm {
        source: Some(source.into()),
        medium: Some(medium.into()),
        campaign: Some(campaign.into()),
        term: Some(term.into()),
        content: Some(content.into()),
    }
}

/// An extra Typeform answer a real "talk to us" form carries: a multiple choice.
fn pad_typeform(body: &[u8]) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(body).expect("sample is JSON");
    let fr = &mut v["form_response"];
    let extra = [(
        "Vb3NsY8cTe1H",
        "multiple_choice",
        "budget",
        "What budget do you have in mind?",
        json!({"type": "choice", "choice": {"label": "EUR 20,000 - 50,000"}}),
    )];
    for (id, ty, r#ref, title, mut answer) in extra {
        fr["definition"]["fields"]
            .as_array_mut()
            .expect("fields")
            .push(json!({"id": id, "title": title, "type": ty, "ref": r#ref, "properties": {}}));
        answer["field"] = json!({"id": id, "type": ty, "ref": r#ref});
        fr["answers"].as_array_mut().expect("answers").push(answer);
    }
    serde_json::to_vec(&v).expect("JSON values always serialise")
}

/// Two more line items next to the sample cart's standing desk.
fn pad_shopify(body: &[u8]) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(body).expect("sample is JSON");
    let items = v["line_items"].as_array_mut().expect("line_items");
    for (key, product, variant, title, variant_title, sku, price, qty) in [
        (
            "5b0e1c2d-9f3a-4e7b-8c6d-1a2b3c4d5e6f",
            7110622707801u64,
            40094740611161u64,
            "Ergonomic Chair",
            "Graphite",
            "CHAIR-GRA",
            "389.00",
            1,
        ),
        (
            "0f9e8d7c-6b5a-4a3b-9c2d-8e7f6a5b4c3d",
            7110622740569u64,
            40094740676697u64,
            "Monitor Arm",
            "Dual / Black",
            "ARM-DUAL-BLK",
            "129.00",
            2,
        ),
    ] {
        items.push(json!({
            "key": key,
            "product_id": product,
            "variant_id": variant,
            "title": title,
            "variant_title": variant_title,
            "sku": sku,
            "vendor": "Handoff Demo",
            "quantity": qty,
            "price": price,
            "line_price": price,
            "requires_shipping": true,
            "taxable": true,
            "gift_card": false,
            "properties": null,
        }));
    }
    serde_json::to_vec(&v).expect("JSON values always serialise")
}

/// The four deliveries, signed at `now`.
pub fn deliveries(now: DateTime<Utc>) -> Vec<Delivery> {
    let cases: [(ProviderKind, Business, &'static str, LeadEvent); 4] = [
        (
            standard::KIND,
            Business::B2b,
            STANDARD_SECRET,
            LeadEvent {
                action: Action::FormSubmission,
                contact: contact(
                    "Marta Janssen",
                    "Northwind Logistics B.V.",
                    "marta.janssen@northwind-logistics.example",
                    "+31 20 794 1186",
                ),
                message: Some(B2B_ENQUIRY.into()),
                channel: Some(Channel::WebForm),
                utm: utm(
                    "linkedin",
                    "paid_social",
                    "q3-logistics-routing",
                    "lead routing",
                    "carousel-b",
                ),
                occurred_at: Some(now),
            },
        ),
        (
            typeform::KIND,
            Business::Services,
            PLAIN_SECRET,
            LeadEvent {
                action: Action::QuoteRequest,
                contact: contact(
                    "Dr. Lena Hoffmann",
                    "Zahnarztpraxis Hoffmann & Partner",
                    "lena.hoffmann@praxis-hoffmann.example",
                    "+49 89 2154 7730",
                ),
                message: Some(SERVICES_ENQUIRY.into()),
                channel: None,
                utm: utm(
                    "google",
                    "cpc",
                    "renovation-munich",
                    "praxis renovierung",
                    "ad-2",
                ),
                occurred_at: Some(now),
            },
        ),
        (
            shopify::KIND,
            Business::Ecommerce,
            PLAIN_SECRET,
            LeadEvent {
                action: Action::AddToCart,
                contact: contact(
                    "Ana Ruiz",
                    "Estudio Ruiz SL",
                    "ana.ruiz@estudio-ruiz.example",
                    "+34 612 345 678",
                ),
                message: Some(CART_NOTE.into()),
                channel: None,
                utm: utm(
                    "newsletter",
                    "email",
                    "spring-office-sale",
                    "standing desk",
                    "hero",
                ),
                occurred_at: Some(now),
            },
        ),
        (
            intercom::KIND,
            Business::Services,
            PLAIN_SECRET,
            LeadEvent {
                action: Action::ChatMessage,
                contact: Contact {
                    company: None,
                    ..contact(
                        "Jonas Berg",
                        "",
                        "jonas@berg-architekten.example",
                        "+49 40 3861 2290",
                    )
                },
                message: Some(CHAT_MESSAGE.into()),
                channel: None,
                utm: utm(
                    "google",
                    "organic",
                    "it-support",
                    "managed it support",
                    "pricing",
                ),
                occurred_at: Some(now),
            },
        ),
    ];
    cases
        .into_iter()
        .map(|(kind, business, secret, event)| {
            let delivery_id = format!("msg_2vQ8r{}Lw0pX3kZ7mN4bT", kind.as_str());
            let body = kind.simulator().sample(&event, &delivery_id, now);
            let body = if kind == typeform::KIND {
                pad_typeform(&body)
            } else if kind == shopify::KIND {
                pad_shopify(&body)
            } else {
                body
            };
            let headers = kind
                .simulator()
                .sign(secret, &event, &delivery_id, &body, now);
            Delivery {
                kind,
                business,
                secret,
                headers,
                body,
                opts: ParseOptions::default(),
                delivery_id,
                timestamp: now.timestamp().to_string(),
            }
        })
        .collect()
}
