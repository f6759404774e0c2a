//! Every provider's `verify` on fuzzed headers + body: errors are fine, panics are not.
#![no_main]
use handoff_core::model::ProviderKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (headers, body) = handoff_fuzz::split(data);
    let now = handoff_fuzz::now();
    for kind in ProviderKind::all() {
        let _ = kind.verify(handoff_fuzz::secret(kind), &headers, body, now);
        // An empty / non-base64 secret must be an error, not a panic, too.
        let _ = kind.verify("", &headers, body, now);
    }
});
