#!/usr/bin/env bash
# Runs every test handoff has, installing and starting what the tests need by itself:
# moto (the DynamoDB/SSM API server) in .venv/moto, cfn-lint + SAM CLI in .venv-sam,
# cargo-lambda in .venv-lambda — all from PyPI, pinned. Nothing talks to real AWS.
# Usage: scripts/test.sh   (or: make test)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "build the handoff binary the end-to-end tests run (with config push)"
cargo build -p handoff --features aws

step "start moto (DynamoDB + SSM API) on 127.0.0.1"
moto_env="$(scripts/moto.sh start)"   # a failed start stops the script here
eval "$moto_env"
trap 'scripts/moto.sh stop "${MOTO_PID:-}"' EXIT

step "unit, store contract (embedded + DynamoDB) and end-to-end tests"
cargo test --workspace --no-fail-fast

step "SAM template: cfn-lint, sam validate --lint, least-privilege policy check"
scripts/sam-check.sh

step "Lambda artifacts: cargo lambda build --release"
scripts/lambda-build.sh
