# handoff — the two commands of the README, and a few more.
.PHONY: run test check bench fuzz

# Run the local server with the built-in demo configuration and embedded store.
run:
	cargo run --release -p handoff -- serve

# Every test: fmt, clippy, unit, store contract and end-to-end tests.
test:
	scripts/test.sh

# The quick checks before a commit.
check:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test --workspace --lib

# Benchmarks (criterion hot path and peers, end to end, Lambda start), written to BENCHMARKS.md.
bench:
	scripts/bench.sh

# Fuzz the providers' verifiers and parsers and the config loader (SECONDS per target).
fuzz:
	scripts/fuzz.sh $(SECONDS)
