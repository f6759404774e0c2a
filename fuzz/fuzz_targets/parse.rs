//! Every provider's `parse` on fuzzed headers + body: errors are fine, panics are not.
#![no_main]
use handoff_core::model::{Action, ProviderKind};
use handoff_core::providers::{ParseOptions, Parsed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (headers, body) = handoff_fuzz::split(data);
    let with_default = ParseOptions {
        default_action: Some(Action::ALL[data.len() % Action::ALL.len()]),
    };
    for kind in ProviderKind::all() {
        for opts in [&ParseOptions::default(), &with_default] {
            if let Ok(Parsed::Lead { delivery_id, event }) = kind.parse(&headers, body, opts) {
                // A parsed lead always has an id to dedupe on.
                assert!(!delivery_id.is_empty(), "{kind}: empty delivery id");
                let _ = event.validate();
            }
        }
    }
});
