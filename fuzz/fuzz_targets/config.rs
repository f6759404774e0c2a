//! `Config::from_toml_str` on fuzzed text: never panics, and every problem it reports
//! is located in the file it was given.
#![no_main]
use handoff_core::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Every `*_env` setting resolves to nothing, so missing-secret paths are exercised.
    if let Err(problems) = Config::from_toml_str(text, "fuzz.toml", &|_| None) {
        assert!(!problems.is_empty(), "Err with no problems");
        for p in &problems {
            assert!(
                p.location.starts_with("fuzz.toml"),
                "problem located outside fuzz.toml: {p:?}"
            );
        }
    }
    // Same text with every env var set: the other branch of `*_env`.
    let _ = Config::from_toml_str(text, "fuzz.toml", &|_| Some("from-env".to_string()));
});
