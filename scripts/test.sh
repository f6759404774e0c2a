#!/usr/bin/env bash
# Runs every test handoff has. Installs and starts what the tests need by itself.
# Usage: scripts/test.sh   (or: make test)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "build the handoff binary the end-to-end tests run"
cargo build -p handoff

step "unit, contract and end-to-end tests"
cargo test --workspace
