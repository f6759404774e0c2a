#!/usr/bin/env bash
# Runs every test handoff has, installing and starting what the tests need by itself:
# moto (the DynamoDB/SSM API server) in .venv/moto, cfn-lint + SAM CLI in .venv-sam,
# cargo-lambda in .venv-lambda — all from PyPI, pinned. Nothing talks to real AWS.
# Usage: scripts/test.sh   (or: make test)
#
# Where the time goes on a fresh clone of a 2-core machine is what this script is
# shaped by (each step's time is printed, and a summary at the end):
# - The three Python tool installs run in the background from the start, while cargo
#   compiles; each step that needs one waits for it.
# - Every cargo step builds for the same explicit target triple, so the Lambda
#   artifacts (cargo-lambda always names the triple) reuse the dependencies the test
#   build compiled instead of compiling the AWS SDK a second time; they are built with
#   the dev profile for that reason. The release profile (what `sam build` uses) is
#   built by `make bench`, which measures it.
set -euo pipefail
cd "$(dirname "$0")/.."

triple="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$triple}"

t_start=$SECONDS
t_step=$SECONDS
summary=()
current=""
step() {
    if [[ -n "$current" ]]; then
        summary+=("$(printf '%5ds  %s' $((SECONDS - t_step)) "$current")")
    fi
    current="$*"
    t_step=$SECONDS
    printf '\n== %s (at %ds) ==\n' "$*" $((SECONDS - t_start))
}
finish() {
    local rc=$?
    if [[ -n "$current" ]]; then
        summary+=("$(printf '%5ds  %s' $((SECONDS - t_step)) "$current")")
    fi
    printf '\n== step times ==\n'
    printf '%s\n' "${summary[@]}"
    printf '%5ds  total (exit %d)\n' $((SECONDS - t_start)) "$rc"
}

logs="$(mktemp -d)"
installs=()
cleanup() {
    finish
    if [[ -n "${MOTO_PID:-}" ]]; then scripts/moto.sh stop "$MOTO_PID" || true; fi
    for pid in "${installs[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# Python tools, in the background while cargo works (each logs to its own file).
scripts/moto.sh install >"$logs/moto" 2>&1 &
moto_install=$!
scripts/sam-check.sh --install >"$logs/sam" 2>&1 &
sam_install=$!
scripts/lambda-build.sh --install >"$logs/lambda" 2>&1 &
lambda_install=$!
installs=("$moto_install" "$sam_install" "$lambda_install")
wait_for() { # pid name -> waits, shows the install's log, fails the step if it failed
    if wait "$1"; then
        sed 's/^/  /' "$logs/$2"
    else
        sed 's/^/  /' "$logs/$2"
        echo "installing $2 failed" >&2
        return 1
    fi
}

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "build the handoff binary the end-to-end tests run (with config push)"
cargo build -p handoff --features aws,test-clock
# A copy the tests run: `cargo test --workspace` below rebuilds the `handoff` binary with
# its default features in place, which would leave the tests without this one.
cp "target/$CARGO_BUILD_TARGET/debug/handoff" target/handoff-e2e
export HANDOFF_BIN="$PWD/target/handoff-e2e"
# that binary honours HANDOFF_TEST_CLOCK: the hours and time-away tests must not skip
export HANDOFF_REQUIRE_TEST_CLOCK=1

step "start moto (DynamoDB + SSM API) on 127.0.0.1"
wait_for "$moto_install" moto
moto_env="$(scripts/moto.sh start)" # a failed start stops the script here
eval "$moto_env"

step "unit, store contract (embedded + DynamoDB) and end-to-end tests"
cargo test --workspace --no-fail-fast

step "SAM template: cfn-lint, sam validate --lint, least-privilege policy check"
wait_for "$sam_install" sam
scripts/sam-check.sh

step "Lambda artifacts: cargo lambda build (dev profile, dependencies reused)"
wait_for "$lambda_install" lambda
scripts/lambda-build.sh --dev
