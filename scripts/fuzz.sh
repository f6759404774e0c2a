#!/usr/bin/env bash
# Fuzzes handoff-core (issue 4, "Nothing lost"): every provider's verify and parse,
# a sign→verify→parse round trip, and the config loader.
#
#   scripts/fuzz.sh [SECONDS]     # SECONDS per target, default 60
#
# Installs cargo-fuzz into the repo-local .tools/ (git-ignored), builds fuzz/ (its own
# workspace and target dir, not part of the main build), seeds the corpora from the
# provider fixtures and the example configs, runs each target for SECONDS and fails if
# any target crashes. Crash inputs land in fuzz/artifacts/<target>/; the growing corpus
# in fuzz/corpus/<target>/ (both git-ignored). Stable toolchain only: libFuzzer's
# sancov flags are unstable, so the build runs with RUSTC_BOOTSTRAP=1 and without a
# sanitizer (handoff-core has no unsafe code; the bugs sought are panics). See fuzz/README.md.
set -euo pipefail

SECS="${1:-60}"
TARGETS=(verify parse roundtrip config)
CARGO_FUZZ_VERSION="0.13.2"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
FUZZ="$ROOT/fuzz"

# --- tools ---------------------------------------------------------------------------
CARGO_FUZZ="$ROOT/.tools/bin/cargo-fuzz"
if ! "$CARGO_FUZZ" --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION into .tools/" >&2
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$ROOT/.tools"
fi

# Stable rustc accepts the -Z / -C passes=sancov-module flags cargo-fuzz passes only
# with RUSTC_BOOTSTRAP=1. No sanitizer: ASan needs nightly's -Zbuild-std to be reliable
# and buys nothing for safe Rust; libFuzzer's coverage and panic detection remain.
export RUSTC_BOOTSTRAP=1
FUZZ_FLAGS=(--fuzz-dir "$FUZZ" --sanitizer none --target-dir "$FUZZ/target")

echo "fuzz: building targets" >&2
"$CARGO_FUZZ" build "${FUZZ_FLAGS[@]}"

# --- seeds ---------------------------------------------------------------------------
# Provider seeds are HTTP-like (headers, empty line, body; see fuzz/src/lib.rs), signed
# with the targets' secrets at their fixed "now", so verify's success path is covered.
NOW=1700000000
STD_SECRET_B64="MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SECRET="fuzz-secret"
PROVIDERS_DIR="$ROOT/functions/core/src/providers"

hmac_b64() { # algo key-hex file -> base64 MAC
    openssl dgst "-$1" -mac HMAC -macopt "hexkey:$2" -binary "$3" | base64 -w0
}
hex_of() { printf '%s' "$1" | xxd -p | tr -d '\n'; }

seed_provider() { # name headers-file body-file
    local dir="$FUZZ/corpus/$1"
    mkdir -p "$dir"
    cat "$3" >"$dir/seed-$(basename "$2")-body"
    { cat "$2"; printf '\n'; cat "$3"; } >"$dir/seed-$(basename "$2")"
}

SEEDTMP="$(mktemp -d)"
trap 'rm -rf "$SEEDTMP"' EXIT
# fixtures live next to their provider: providers/<provider>/fixtures/<name>.json
for f in "$PROVIDERS_DIR"/*/fixtures/*.json; do
    provider="$(basename "$(dirname "$(dirname "$f")")")"
    name="${provider}_$(basename "$f" .json)"
    h="$SEEDTMP/$name"
    case "$name" in
        standard_*)
            id="msg_seed_$name"
            printf '%s.%s.' "$id" "$NOW" | cat - "$f" >"$SEEDTMP/signed"
            key_hex="$(printf '%s' "$STD_SECRET_B64" | base64 -d | xxd -p | tr -d '\n')"
            printf 'webhook-id: %s\nwebhook-timestamp: %s\nwebhook-signature: v1,%s\n' \
                "$id" "$NOW" "$(hmac_b64 sha256 "$key_hex" "$SEEDTMP/signed")" >"$h"
            ;;
        typeform_*)
            printf 'Typeform-Signature: sha256=%s\n' "$(hmac_b64 sha256 "$(hex_of "$SECRET")" "$f")" >"$h"
            ;;
        shopify_*)
            topic=$([[ $name == *cart_update ]] && echo carts/update || echo checkouts/create)
            printf 'X-Shopify-Hmac-SHA256: %s\nX-Shopify-Topic: %s\nX-Shopify-Event-Id: evt-%s\nX-Shopify-Webhook-Id: wh-%s\n' \
                "$(hmac_b64 sha256 "$(hex_of "$SECRET")" "$f")" "$topic" "$name" "$name" >"$h"
            ;;
        intercom_*)
            sig="$(openssl dgst -sha1 -mac HMAC -macopt "hexkey:$(hex_of "$SECRET")" -binary "$f" | xxd -p | tr -d '\n')"
            printf 'X-Hub-Signature: sha1=%s\n' "$sig" >"$h"
            ;;
        *) continue ;;
    esac
    seed_provider verify "$h" "$f"
    seed_provider parse "$h" "$f"
done

mkdir -p "$FUZZ/corpus/config"
cp "$ROOT/handoff.example.toml" "$FUZZ/corpus/config/seed-handoff.example.toml"
cp "$ROOT/functions/core/src/demo.toml" "$FUZZ/corpus/config/seed-demo.toml"
printf '' >"$FUZZ/corpus/config/seed-empty.toml"

# roundtrip: action byte, channel byte, then NUL-separated email, phone, name, company,
# message, utm source/medium/campaign, delivery id (see fuzz_targets/roundtrip.rs).
mkdir -p "$FUZZ/corpus/roundtrip"
printf '\x00\x00ann@example.com\x00+15555550100\x00Ann Lee\x00Acme\x00Please call me\x00google\x00cpc\x00spring\x00msg_1' \
    >"$FUZZ/corpus/roundtrip/seed-full"
printf '\x01\x07\x00+15555550100' >"$FUZZ/corpus/roundtrip/seed-phone-only"
printf '\x02\x02a@b' >"$FUZZ/corpus/roundtrip/seed-email-only"

# --- run -----------------------------------------------------------------------------
mkdir -p "$FUZZ/logs"
SUMMARY="$FUZZ/logs/summary.txt"
: >"$SUMMARY"
failed=()
for t in "${TARGETS[@]}"; do
    dict=()
    case "$t" in
        config) dict=(-dict="$FUZZ/config.dict") ;;
        verify | parse) dict=(-dict="$FUZZ/providers.dict") ;;
    esac
    mkdir -p "$FUZZ/artifacts/$t"
    echo "fuzz: running $t for ${SECS}s" >&2
    set +e
    "$CARGO_FUZZ" run "${FUZZ_FLAGS[@]}" "$t" "$FUZZ/corpus/$t" -- \
        -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "${dict[@]}" >"$FUZZ/logs/$t.log" 2>&1
    rc=$?
    set -e
    runs="$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$FUZZ/logs/$t.log" | tail -1 || true)"
    cov="$(grep -E '^#[0-9]+' "$FUZZ/logs/$t.log" | tail -1 | grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' || true)"
    if [[ $rc -ne 0 ]]; then
        failed+=("$t")
        echo "$t: FAILED (exit $rc) — see fuzz/logs/$t.log and fuzz/artifacts/$t/" | tee -a "$SUMMARY" >&2
        grep -E 'panicked at|^SUMMARY|Test unit written' "$FUZZ/logs/$t.log" | head -5 >&2 || true
    else
        echo "$t: ok — ${runs:-? runs}s; $cov" | tee -a "$SUMMARY" >&2
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: crashes in: ${failed[*]}" >&2
    echo "fuzz: reproduce with: RUSTC_BOOTSTRAP=1 .tools/bin/cargo-fuzz run --fuzz-dir fuzz --sanitizer none --target-dir fuzz/target <target> fuzz/artifacts/<target>/<crash-file>" >&2
    exit 1
fi
echo "fuzz: all ${#TARGETS[@]} targets ran ${SECS}s without a crash" >&2
