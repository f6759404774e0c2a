#!/usr/bin/env bash
# Builds the Lambda functions' bootstrap binaries with cargo-lambda (from PyPI, pinned,
# in .venv-lambda) and prints their sizes. x86_64 here: the arm64 standard library
# cannot be fetched on these machines; `--compiler cargo` avoids zig.
#
#   scripts/lambda-build.sh            release profile, as `sam build` builds them
#                                      (what `make bench` measures)
#   scripts/lambda-build.sh --dev      dev profile: with CARGO_BUILD_TARGET set to the
#                                      host triple (scripts/test.sh does), this reuses
#                                      every dependency the test build compiled
#   scripts/lambda-build.sh --install  only install cargo-lambda
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-lambda
mode="${1:-release}"
if ! "$VENV/bin/pip" show cargo-lambda 2>/dev/null | grep -q '^Version: 1.9.2$'; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check cargo-lambda==1.9.2
fi
echo "cargo-lambda $("$VENV/bin/cargo-lambda" lambda --version 2>/dev/null | awk '{print $2}') in $VENV"
[ "$mode" = "--install" ] && exit 0
export PATH="$PWD/$VENV/bin:$PATH"
profile=(--release)
[ "$mode" = "--dev" ] && profile=()
cargo lambda build "${profile[@]}" --compiler cargo \
  -p handoff-ingest -p handoff-dispatch -p handoff-api
for f in handoff-ingest handoff-dispatch handoff-api; do
  b="target/lambda/$f/bootstrap"
  [ -f "$b" ] || { echo "missing $b" >&2; exit 1; }
  printf '%-18s %8d bytes  %s\n' "$f" "$(stat -c %s "$b")" "$b"
done
