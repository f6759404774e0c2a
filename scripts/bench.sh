#!/usr/bin/env bash
# Criterion benchmarks of the ingest path (issue 4): the hot path of every provider next to
# its floor, and handoff's Standard Webhooks verifier next to the `standardwebhooks` and
# `svix` crates. Writes the ratio tables into BENCHMARKS.md between the
# `<!-- hot-path:begin/end -->` and `<!-- peers:begin/end -->` markers, with the machine,
# the date and the exact command. Other sections of BENCHMARKS.md are left as they are.
#
#   scripts/bench.sh                      # warm-up 1 s, measurement 3 s per benchmark
#   BENCH_WARMUP=3 BENCH_MEASURE=10 scripts/bench.sh
#
# Needs cargo and python3 (standard library only). Ratios, not absolute times, are the
# result: both sides of every ratio are measured in the same run on the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."

warmup="${BENCH_WARMUP:-1}"
measure="${BENCH_MEASURE:-3}"
cmd=(cargo bench -p handoff-core --bench hot_path --bench peers --
    --noplot --warm-up-time "$warmup" --measurement-time "$measure")

target_dir="$(cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
log="$target_dir/bench.log"
mkdir -p "$target_dir"
started="$(date +%s)"

echo "+ ${cmd[*]}" >&2
"${cmd[@]}" 2>&1 | tee "$log"

python3 - "$target_dir" "$log" "$started" "${cmd[*]}" <<'PY'
import datetime, json, os, pathlib, platform, re, subprocess, sys

target, log, started, command = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
root = pathlib.Path(target) / "criterion"

# (group, function) -> {"ns": point estimate, "lo": ..., "hi": ..., "bytes": throughput}
results = {}
for bench in root.glob("**/new/benchmark.json"):
    if bench.stat().st_mtime < started - 1:
        continue  # left over from an earlier run
    meta = json.loads(bench.read_text())
    est = json.loads((bench.parent / "estimates.json").read_text())
    # what criterion prints: the slope of the linear regression when it has one, else the mean
    e = est.get("slope") or est["mean"]
    ci = e["confidence_interval"]
    tp = meta.get("throughput") or {}
    results[(meta["group_id"], meta["function_id"])] = {
        "ns": e["point_estimate"],
        "lo": ci["lower_bound"],
        "hi": ci["upper_bound"],
        "bytes": tp.get("Bytes") or tp.get("BytesDecimal"),
    }
if not results:
    sys.exit(f"no fresh criterion results under {root}")


def fmt(ns):
    if ns is None:
        return "—"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}" if ns / scale < 100 else f"{ns / scale:.0f} {unit}"
    return f"{ns:.3g} ns"


def get(group, fn):
    r = results.get((group, fn))
    return r["ns"] if r else None


def ratio(a, b):
    if a is None or not b:
        return "—"
    r = a / b
    return f"{r:.0f}×" if r >= 100 else f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def sh(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


cpu = "?"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
commit = sh("git", "rev-parse", "--short", "HEAD")
if sh("git", "status", "--porcelain") not in ("", "?"):
    commit += " (with uncommitted changes)"
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
machine = (
    f"Measured {now} on {sh('nproc')} × {cpu} ({platform.system()} {platform.release()}), "
    f"{sh('rustc', '--version')}, commit {commit}.  \n"
    f"Command: `scripts/bench.sh`, which runs `{command}`; "
    f"numbers are criterion's point estimates (slope, else mean) from `target/criterion/`."
)

# what each delivery was, as printed by the hot-path bench
notes = {}
for line in open(log, errors="replace"):
    m = re.match(r"ingest_hot_path/(\w+): (.*)", line.strip())
    if m:
        notes[m.group(1)] = m.group(2)

providers = ["standard", "typeform", "shopify", "intercom"]
hot = [
    machine,
    "",
    "handoff = verify + parse/normalise + classify (readiness on the message), what "
    "`App::ingest` does before the store; floor = the provider's HMAC with the hmac/sha2/sha1 "
    "crates + `serde_json::from_slice::<serde_json::Value>` on the same bytes. "
    "Aim: handoff ≤ 2× floor. verify / parse / classify are the parts of handoff, each measured "
    "alone; (verify + parse) ÷ floor adds two of those separate estimates, i.e. the path "
    "without readiness.",
    "",
    "| provider | body | handoff | floor | **handoff ÷ floor** | verify | parse | classify "
    "| (verify + parse) ÷ floor |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for p in providers:
    g = f"ingest_hot_path/{p}"
    r = results.get((g, "handoff")) or results.get((g, "floor"))
    size = f"{r['bytes']} B" if r and r["bytes"] else "—"
    h, f = get(g, "handoff"), get(g, "floor")
    v, pa = get(g, "verify"), get(g, "parse")
    vp = v + pa if v is not None and pa is not None else None
    hot.append(
        f"| {p} | {size} | {fmt(h)} | {fmt(f)} | **{ratio(h, f)}** | "
        f"{fmt(v)} | {fmt(pa)} | {fmt(get(g, 'classify'))} | {ratio(vp, f)} |"
    )
if notes:
    hot += ["", "The deliveries (built with each provider's `sample` + `sign`, padded to ~2 KB):", ""]
    hot += [f"- {p}: {notes[p]}" for p in providers if p in notes]

g = "peers/standard_webhooks_verify"
h = get(g, "handoff")
rows = [
    ("handoff `standard::verify`", "handoff"),
    ("`standardwebhooks` 1.x `Webhook::verify` (built once)", "standardwebhooks"),
    ("`svix` 2.x `webhooks::Webhook::verify` (built once)", "svix"),
    ("`standardwebhooks` `Webhook::new` + `verify` per call", "standardwebhooks_new_verify"),
    ("`svix` `Webhook::new` + `verify` per call", "svix_new_verify"),
]
size = next((r["bytes"] for (gg, _), r in results.items() if gg == g and r["bytes"]), None)
peers = [
    machine,
    "",
    f"One Standard Webhooks delivery ({size or '?'} B body, same secret, id, timestamp and "
    "headers) verified by each library; every verifier checks the timestamp against the clock. "
    "handoff decodes the source's secret on every call, so the per-call `new` rows are the "
    "like-for-like work; the built-once rows are the peers' fastest use. Aim: handoff no slower "
    "than either (ratio ≤ 1).",
    "",
    "| verifier | time | **handoff ÷ this** |",
    "|---|---:|---:|",
]
for label, fn in rows:
    t = get(g, fn)
    peers.append(f"| {label} | {fmt(t)} | **{ratio(h, t)}** |" if t else f"| {label} | not measured | — |")

SKELETON = """# Benchmarks

Evidence for the ingest path (issue 4). Every number here is reproducible with the command
named in its section; ratios compare two things measured in the same run on the same machine,
which is small and noisy, so read the ratios rather than the absolute times.

## Ingest hot path

`scripts/bench.sh` (criterion, `functions/core/benches/hot_path.rs`).

<!-- hot-path:begin -->
<!-- hot-path:end -->

## Peers: Standard Webhooks verification

`scripts/bench.sh` (criterion, `functions/core/benches/peers.rs`).

<!-- peers:begin -->
<!-- peers:end -->

## End to end on the local server

<!-- e2e:begin -->
Not measured yet.
<!-- e2e:end -->

## Lambda start

<!-- lambda-start:begin -->
Not measured yet.
<!-- lambda-start:end -->

## Cost per million webhooks

<!-- cost:begin -->
Not measured yet.
<!-- cost:end -->
"""

md_path = pathlib.Path("BENCHMARKS.md")
md = md_path.read_text() if md_path.exists() else SKELETON


def put(md, name, lines):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = begin + "\n" + "\n".join(lines) + "\n" + end
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(md):
        return pattern.sub(lambda _: block, md, count=1)
    return md.rstrip("\n") + f"\n\n## {name}\n\n{block}\n"


md = put(md, "hot-path", hot)
md = put(md, "peers", peers)
md_path.write_text(md)
print("\n".join(["", "BENCHMARKS.md updated:", ""] + hot + [""] + peers))
PY
