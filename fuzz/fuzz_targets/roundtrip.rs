//! `sample` + `sign` of a fuzzed lead event, then `verify` + `parse` must succeed for
//! every provider (only for events that pass `LeadEvent::validate`, i.e. the ones
//! `handoff send` would accept).
//!
//! Input: byte 0 picks the action, byte 1 the channel (or none), the rest is split on
//! NUL into email, phone, name, company, message, utm source/medium/campaign, delivery id.
#![no_main]
use handoff_core::model::{Action, Channel, Contact, LeadEvent, ProviderKind, Utm};
use handoff_core::providers::{ParseOptions, Parsed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let action = Action::ALL[data[0] as usize % Action::ALL.len()];
    let channel = Channel::ALL.get(data[1] as usize % (Channel::ALL.len() + 1)).copied();
    let text = String::from_utf8_lossy(&data[2..]);
    let mut parts = text.split('\0');
    let mut next = || parts.next().filter(|s| !s.is_empty()).map(str::to_string);
    let event = LeadEvent {
        action,
        contact: Contact {
            email: next(),
            phone: next(),
            name: next(),
            company: next(),
        },
        message: next(),
        channel,
        utm: Utm {
            source: next(),
            medium: next(),
            campaign: next(),
            term: None,
            content: None,
        },
        occurred_at: None,
    };
    // Only ids that survive an HTTP hop unchanged: header values cannot carry control
    // characters and lose surrounding whitespace, and `verify` trims header values, so
    // an id like "msg_1 " signs one string and verifies another (finding 1 in
    // fuzz/README.md; kept out of this target so it keeps looking for new problems).
    let delivery_id = next()
        .map(|s| s.chars().filter(|c| c.is_ascii_graphic()).collect::<String>())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "msg_fuzz".to_string());
    if event.validate().is_err() {
        return;
    }
    let now = handoff_fuzz::now();
    for kind in ProviderKind::all() {
        let secret = handoff_fuzz::secret(kind);
        let simulator = kind.simulator();
        let body = simulator.sample(&event, &delivery_id, now);
        let headers = simulator.sign(secret, &event, &delivery_id, &body, now);
        if let Err(e) = kind.verify(secret, &headers, &body, now) {
            panic!("{kind}: own signature rejected: {e}\nevent: {event:?}\nheaders: {headers:?}");
        }
        match kind.parse(&headers, &body, &ParseOptions::default()) {
            Ok(Parsed::Lead { .. }) | Ok(Parsed::Ignored { .. }) => {}
            Err(e) => panic!(
                "{kind}: own sample rejected: {e}\nevent: {event:?}\nbody: {}",
                String::from_utf8_lossy(&body)
            ),
        }
    }
});
