//! The provider conformance suite: one set of checks every registered [`Provider`]
//! passes, run on every entry of [`PROVIDERS`], so a new provider is tested by
//! registering it, without writing a test.
//!
//! For each provider, with deliveries built by its own [`Simulator`]:
//! - a delivery verifies and parses to the event it was made from (what the format
//!   carries of it, [`Simulator::carried`]), for a set of events with awkward text and
//!   for arbitrary ones;
//! - a tampered body, a wrong secret, or any missing signature header is a
//!   [`SignatureError`]; the headers it does not list are not needed;
//! - where the scheme signs a timestamp, a delivery is accepted within the tolerance
//!   either way and refused outside it, also with a fresh timestamp put on an old
//!   signature; where it has none, `now` does not matter;
//! - `verify` and `parse` never panic, on arbitrary bytes, arbitrary headers and
//!   mutated samples;
//! - the name is lowercase, unique, found by [`lookup`] and (de)serialised as itself,
//!   and the simulator's secrets pass [`Provider::check_secret`].
//!
//! Checks on real payloads (fixtures) and on each scheme's details stay with the
//! provider (`<name>/mod.rs`) and in `tests/providers.rs`.

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::{
    lookup, ParseOptions, Parsed, Provider, ProviderKind, SignatureError, Simulator, PROVIDERS,
};
use crate::model::{Action, Channel, Contact, Headers, LeadEvent, Utm};

/// The instant deliveries are made at (with a fraction of a second, which the
/// providers that carry whole seconds drop).
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_760_000_000, 250_000_000).unwrap()
}

fn at(ts: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(ts, 0).unwrap()
}

/// The key of the secret deliveries are signed with, and of the wrong one.
const KEY: &[u8] = b"conformance key, 32 bytes long..";
const OTHER_KEY: &[u8] = b"another key, also 32 bytes long.";

/// The smallest lead event: an e-mail and an action.
pub(crate) fn minimal_event() -> LeadEvent {
    LeadEvent {
        action: Action::FormSubmission,
        contact: Contact {
            email: Some("a@example.com".into()),
            ..Contact::default()
        },
        message: None,
        channel: None,
        utm: Utm::default(),
        occurred_at: None,
    }
}

/// A lead with every contact field but the company optional, and nothing else.
fn lead(action: Action, name: &str, company: Option<&str>, email: &str, phone: &str) -> LeadEvent {
    LeadEvent {
        action,
        contact: Contact {
            email: Some(email.into()),
            phone: Some(phone.into()),
            name: Some(name.into()),
            company: company.map(str::to_string),
        },
        message: None,
        channel: None,
        utm: Utm::default(),
        occurred_at: None,
    }
}

/// Events every provider must carry through its own deliveries: every contact field,
/// multi-line and HTML-like messages, UTM values that need escaping, no time, no
/// extras.
fn events() -> Vec<LeadEvent> {
    let cart = LeadEvent {
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
        ..lead(
            Action::AddToCart,
            "Jo Anne Müller",
            Some("Müller & Söhne"),
            "jo@example.de",
            "+49 151 1234 5678",
        )
    };
    vec![
        LeadEvent {
            message: Some("Could you send a quote for 40 seats?\nThanks".into()),
            channel: Some(Channel::WebForm),
            utm: Utm {
                source: Some("google".into()),
                campaign: Some("spring".into()),
                ..Utm::default()
            },
            occurred_at: Some(at(1614265330)),
            ..lead(
                Action::QuoteRequest,
                "Ana López",
                Some("Lopez SL"),
                "ana.lopez@example.com",
                "+34 600 123 456",
            )
        },
        LeadEvent {
            message: Some("We'd like a demo\nfor 12 people".into()),
            channel: Some(Channel::WebForm),
            utm: Utm {
                source: Some("linkedin".into()),
                campaign: Some("q2 launch".into()),
                ..Utm::default()
            },
            occurred_at: Some("2024-05-01T10:00:00Z".parse().unwrap()),
            ..lead(
                Action::DemoRequest,
                "Li Wei",
                Some("Example Co"),
                "li.wei@example.cn",
                "+86 138 0000 0000",
            )
        },
        cart.clone(),
        LeadEvent {
            action: Action::CheckoutStarted,
            ..cart
        },
        LeadEvent {
            message: Some("How much does <Pro> cost for 5 seats & \"support\"?".into()),
            channel: Some(Channel::LiveChat),
            utm: Utm {
                source: Some("newsletter".into()),
                campaign: Some("may".into()),
                ..Utm::default()
            },
            occurred_at: Some(at(1_714_557_600)),
            ..lead(
                Action::ChatMessage,
                "Sam O'Neil",
                None,
                "sam@example.org",
                "+44 20 7946 0000",
            )
        },
        LeadEvent {
            message: Some("Сколько стоит доставка в Казань?".into()),
            channel: Some(Channel::Cart),
            utm: Utm {
                source: Some("yandex".into()),
                medium: Some("cpc".into()),
                campaign: Some("autumn 2025".into()),
                term: Some("desk & chair".into()),
                content: Some("banner=b".into()),
            },
            occurred_at: Some(at(1_750_000_000)),
            ..lead(
                Action::CheckoutStarted,
                "Olga Ivanova",
                Some("Ivanova & Partners"),
                "olga.ivanova@example.ru",
                "+7 912 345 67 89",
            )
        },
        // a phone-only contact, no extras
        LeadEvent {
            action: Action::AddToCart,
            contact: Contact {
                phone: Some("+1 415 555 0100".into()),
                ..Contact::default()
            },
            message: None,
            channel: None,
            utm: Utm::default(),
            occurred_at: None,
        },
        // once found by the round-trip property (an HTML-looking message in Intercom)
        LeadEvent {
            action: Action::AddToCart,
            contact: Contact {
                phone: Some("+10 000 000".into()),
                ..Contact::default()
            },
            message: Some("<<Aa=ß".into()),
            channel: None,
            utm: Utm::default(),
            occurred_at: None,
        },
        minimal_event(),
    ]
}

/// A delivery as the provider's simulator makes it.
struct Delivery {
    secret: String,
    headers: Headers,
    body: Vec<u8>,
}

fn deliver(
    p: &dyn Provider,
    key: &[u8],
    event: &LeadEvent,
    delivery_id: &str,
    now: DateTime<Utc>,
) -> Delivery {
    let sim = p.simulator();
    let secret = sim.secret(key);
    let body = sim.sample(event, delivery_id, now);
    let headers = sim.sign(&secret, event, delivery_id, &body, now);
    Delivery {
        secret,
        headers,
        body,
    }
}

fn without(headers: &Headers, name: &str) -> Headers {
    headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case(name))
        .collect()
}

fn with_value(headers: &Headers, name: &str, value: &str) -> Headers {
    without(headers, name).with(name, value)
}

/// Verifies and parses a delivery of `event` sent as `dlv_0001`; returns the delivery id
/// read back, the one the simulator says it should be, and the event read back, failing
/// with the provider's name when either step refuses.
fn round_trip(
    p: &dyn Provider,
    key: &[u8],
    event: &LeadEvent,
    now: DateTime<Utc>,
) -> (String, String, LeadEvent) {
    let name = p.name();
    let d = deliver(p, key, event, "dlv_0001", now);
    if let Err(e) = p.verify(&d.secret, &d.headers, &d.body, now) {
        panic!("{name}: its own delivery does not verify: {e}\nevent: {event:?}");
    }
    let want = p.simulator().parsed_delivery_id("dlv_0001", &d.body);
    match p.parse(&d.headers, &d.body, &ParseOptions::default()) {
        Ok(Parsed::Lead { delivery_id, event }) => (delivery_id, want, event),
        other => panic!(
            "{name}: its own delivery is not a lead: {other:?}\nbody: {}",
            String::from_utf8_lossy(&d.body)
        ),
    }
}

fn refused(p: &dyn Provider, what: &str, r: Result<(), SignatureError>) {
    if r.is_ok() {
        panic!("{}: a delivery with {what} verifies", p.name());
    }
}

/// Every deterministic check, on one provider.
fn check(p: &'static dyn Provider) {
    let name = p.name();
    let sim: &dyn Simulator = p.simulator();
    let now = now();

    // the name: what sources are configured with and leads are stored under
    assert!(
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
        "{name:?}: a provider name is lowercase ASCII"
    );
    let kind: ProviderKind = name.parse().expect("the registry finds its own names");
    assert_eq!(kind.as_str(), name);
    assert_eq!(
        serde_json::to_value(kind).unwrap(),
        serde_json::Value::from(name)
    );
    assert_eq!(
        serde_json::from_value::<ProviderKind>(name.into()).unwrap(),
        kind
    );
    assert!(
        std::ptr::addr_eq(lookup(name).unwrap(), p),
        "{name}: two providers share the name"
    );
    if let Err(e) = p.check_secret(&sim.secret(KEY)) {
        panic!("{name}: the simulator's secret is refused by check_secret: {e}");
    }

    // round trips
    for event in events() {
        let (id, want, parsed) = round_trip(p, KEY, &event, now);
        assert_eq!(id, want, "{name}: delivery id of {event:?}");
        assert_eq!(parsed, sim.carried(&event, now), "{name}: {event:?}");
    }

    // headers the signature does not cover cannot make a replay another lead: with any
    // one of them changed or dropped, a delivery that still verifies is refused,
    // ignored, or the same delivery id with the same action
    for event in events() {
        let d = deliver(p, KEY, &event, "dlv_0003", now);
        let Ok(Parsed::Lead {
            delivery_id: id,
            event: original,
        }) = p.parse(&d.headers, &d.body, &ParseOptions::default())
        else {
            panic!("{name}: its own delivery is not a lead");
        };
        let signed: Vec<String> = p
            .signature_headers()
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .chain(p.timestamp().map(|t| t.header.to_ascii_lowercase()))
            .collect();
        for (header, _) in d.headers.iter() {
            if signed.contains(&header.to_ascii_lowercase()) {
                continue;
            }
            for headers in [
                with_value(&d.headers, header, "tampered-0001"),
                without(&d.headers, header),
            ] {
                if p.verify(&d.secret, &headers, &d.body, now).is_err() {
                    continue;
                }
                if let Ok(Parsed::Lead {
                    delivery_id,
                    event: replayed,
                }) = p.parse(&headers, &d.body, &ParseOptions::default())
                {
                    assert_eq!(
                        (&delivery_id, replayed.action),
                        (&id, original.action),
                        "{name}: changing the unsigned header {header} made a replay another lead"
                    );
                }
            }
        }
    }

    // rejections
    let event = &events()[0];
    let d = deliver(p, KEY, event, "dlv_0002", now);
    p.verify(&d.secret, &d.headers, &d.body, now).unwrap();
    let mut tampered = d.body.clone();
    let i = tampered.len() / 2;
    tampered[i] ^= 0x01;
    refused(
        p,
        "a tampered body",
        p.verify(&d.secret, &d.headers, &tampered, now),
    );
    refused(
        p,
        "the wrong secret",
        p.verify(&sim.secret(OTHER_KEY), &d.headers, &d.body, now),
    );
    refused(
        p,
        "a secret with a character more",
        p.verify(&format!("{}x", d.secret), &d.headers, &d.body, now),
    );
    let other = deliver(p, OTHER_KEY, event, "dlv_0002", now);
    refused(
        p,
        "another secret's signature",
        p.verify(&d.secret, &other.headers, &d.body, now),
    );
    let empty = sim.sign("", event, "dlv_0002", &d.body, now);
    refused(p, "an empty secret", p.verify("", &empty, &d.body, now));
    assert!(
        !p.signature_headers().is_empty(),
        "{name}: lists its signature headers"
    );
    for required in p.signature_headers() {
        assert!(
            d.headers.get(required).is_some(),
            "{name}: the simulator does not send {required}"
        );
        refused(
            p,
            &format!("no {required} header"),
            p.verify(&d.secret, &without(&d.headers, required), &d.body, now),
        );
        refused(
            p,
            &format!("an empty {required} header"),
            p.verify(
                &d.secret,
                &with_value(&d.headers, required, ""),
                &d.body,
                now,
            ),
        );
    }
    for (sent, _) in d.headers.iter() {
        if !p
            .signature_headers()
            .iter()
            .any(|h| h.eq_ignore_ascii_case(sent))
        {
            if let Err(e) = p.verify(&d.secret, &without(&d.headers, sent), &d.body, now) {
                panic!("{name}: needs {sent}, which signature_headers does not list: {e}");
            }
        }
    }

    // freshness
    let verify_at = |t: DateTime<Utc>| p.verify(&d.secret, &d.headers, &d.body, t);
    match p.timestamp() {
        Some(ts) => {
            let tol = chrono::Duration::seconds(ts.tolerance_secs);
            let second = chrono::Duration::seconds(1);
            assert!(ts.tolerance_secs > 0, "{name}: a positive tolerance");
            assert!(
                p.signature_headers()
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(ts.header)),
                "{name}: the timestamp header is a signature header"
            );
            // the delivery was signed at `now` (to the second): whole seconds from there
            let signed = crate::providers::util::to_the_second(now);
            for fresh in [signed + tol, signed - tol, signed + second, signed - second] {
                if let Err(e) = verify_at(fresh) {
                    panic!("{name}: refused within the tolerance, at {fresh}: {e}");
                }
            }
            for stale in [
                signed + tol + second,
                signed - tol - second,
                signed + chrono::Duration::hours(1),
                signed - chrono::Duration::hours(1),
            ] {
                refused(
                    p,
                    &format!("a timestamp stale at {stale}"),
                    verify_at(stale),
                );
            }
            // an old signature with a fresh timestamp
            let later = signed + tol * 2;
            let moved = with_value(&d.headers, ts.header, &later.timestamp().to_string());
            refused(
                p,
                "a fresh timestamp on an old signature",
                p.verify(&d.secret, &moved, &d.body, later),
            );
        }
        None => {
            for t in [
                now + chrono::Duration::days(365),
                now - chrono::Duration::days(365),
            ] {
                if let Err(e) = verify_at(t) {
                    panic!("{name}: signs no timestamp, yet refused at {t}: {e}");
                }
            }
        }
    }
}

#[test]
fn every_registered_provider_conforms() {
    assert!(!PROVIDERS.is_empty());
    for p in PROVIDERS {
        check(*p);
    }
}

// ---------------------------------------------------------------------------------
// Properties, over every registered provider
// ---------------------------------------------------------------------------------

fn any_kind() -> impl Strategy<Value = ProviderKind> {
    prop::sample::select(ProviderKind::all().collect::<Vec<_>>())
}

/// Headers made of the names the provider reads (its signature headers and what its
/// simulator sends) and of other names, with arbitrary values, signature-shaped ones,
/// the values a real delivery carries, and those with one character changed.
fn any_headers(kind: ProviderKind) -> impl Strategy<Value = Headers> {
    let real = deliver(&*kind, KEY, &events()[0], "dlv_0003", now()).headers;
    let mut names: Vec<String> = real.iter().map(|(k, _)| k.to_string()).collect();
    names.extend(
        kind.signature_headers()
            .iter()
            .map(|h| h.to_ascii_lowercase()),
    );
    names.extend(["x-other".to_string(), String::new()]);
    let values: Vec<String> = real.iter().map(|(_, v)| v.to_string()).collect();
    let value = prop_oneof![
        any::<String>(),
        "(v1|v1a|v2),[A-Za-z0-9+/=]{0,60}( v1,[A-Za-z0-9+/=]{0,60}){0,3}",
        "sha(1|256)=[0-9a-fA-F]{0,64}",
        "sha256=[A-Za-z0-9+/=]{0,60}",
        "-?[0-9]{1,20}",
        prop::sample::select(values.clone()),
        (
            prop::sample::select(values),
            any::<prop::sample::Index>(),
            any::<char>()
        )
            .prop_map(|(v, i, c)| {
                let mut chars: Vec<char> = v.chars().collect();
                if !chars.is_empty() {
                    let i = i.index(chars.len());
                    chars[i] = c;
                }
                chars.into_iter().collect()
            }),
    ];
    prop::collection::vec((prop::sample::select(names), value), 0..8)
        .prop_map(|pairs| pairs.into_iter().collect())
}

fn kind_and_headers() -> impl Strategy<Value = (ProviderKind, Headers)> {
    any_kind().prop_flat_map(|k| (Just(k), any_headers(k)))
}

fn word() -> impl Strategy<Value = String> {
    "[A-Za-z0-9?!.,'&<>\"€éßñ;#%+=/-]{1,10}"
}

fn clean_text(max_words: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..max_words).prop_map(|w| w.join(" "))
}

fn utm_value() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[a-z0-9%&=+_.-]([a-z0-9 %&=+_.-]{0,10}[a-z0-9%&=+_.-])?")
}

fn any_event() -> impl Strategy<Value = LeadEvent> {
    let contact = (
        prop::option::of("[a-z]{1,8}(\\.[a-z]{1,6})?@[a-z]{2,10}\\.(com|de|io|fr)"),
        prop::option::of("\\+[1-9][0-9]{1,2} [0-9]{3} [0-9]{3,7}"),
        prop::option::of("[A-ZÄÖÜ][a-zäöüéñ]{1,8}( [A-Z][a-z'é]{1,10}){0,2}"),
        prop::option::of("[A-Z][A-Za-z]{1,10}( (GmbH|Ltd|& Co|SL))?"),
    )
        .prop_filter("a contact route", |(e, p, _, _)| e.is_some() || p.is_some())
        .prop_map(|(email, phone, name, company)| Contact {
            email,
            phone,
            name,
            company,
        });
    let utm = (
        utm_value(),
        utm_value(),
        utm_value(),
        utm_value(),
        utm_value(),
    )
        .prop_map(|(source, medium, campaign, term, content)| Utm {
            source,
            medium,
            campaign,
            term,
            content,
        });
    (
        prop::sample::select(Action::ALL.to_vec()),
        contact,
        prop::option::of(clean_text(30)),
        prop::option::of(prop::sample::select(Channel::ALL.to_vec())),
        utm,
        prop::option::of(1_000_000_000i64..2_000_000_000),
    )
        .prop_map(|(action, contact, message, channel, utm, ts)| LeadEvent {
            action,
            contact,
            message,
            channel,
            utm,
            occurred_at: ts.map(at),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_event_round_trips(kind in any_kind(), event in any_event(), key in prop::collection::vec(any::<u8>(), 1..48)) {
        let now = at(1_760_000_000);
        let (id, want, parsed) = round_trip(&*kind, &key, &event, now);
        prop_assert_eq!(id, want);
        prop_assert_eq!(parsed, kind.simulator().carried(&event, now));
    }

    #[test]
    fn any_changed_byte_is_refused(kind in any_kind(), event in any_event(), pos in any::<prop::sample::Index>(), flip in 1u8..) {
        let d = deliver(&*kind, KEY, &event, "dlv_0004", now());
        let mut body = d.body.clone();
        let i = pos.index(body.len());
        body[i] ^= flip;
        prop_assert!(kind.verify(&d.secret, &d.headers, &body, now()).is_err());
    }

    #[test]
    fn verify_never_panics((kind, headers) in kind_and_headers(), secret in any::<String>(), body in any::<Vec<u8>>(), now in -10_000_000_000i64..10_000_000_000) {
        let _ = kind.verify(&secret, &headers, &body, at(now));
        let _ = kind.verify(&kind.simulator().secret(KEY), &headers, &body, at(now));
    }

    #[test]
    fn parse_never_panics_on_bytes((kind, headers) in kind_and_headers(), body in any::<Vec<u8>>()) {
        let _ = kind.parse(&headers, &body, &ParseOptions::default());
    }

    #[test]
    fn parse_never_panics_on_mutated_samples((kind, headers) in kind_and_headers(), event in any_event(), pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let d = deliver(&*kind, KEY, &event, "dlv_0005", now());
        let mut body = d.body;
        let i = pos.index(body.len());
        body[i] = byte;
        let _ = kind.parse(&d.headers, &body, &ParseOptions::default());
        let _ = kind.parse(&headers, &body, &ParseOptions { default_action: Some(Action::DemoRequest) });
    }
}
