#!/usr/bin/env bash
# A real DynamoDB (and SSM) API for the tests: the moto server from PyPI, pinned, in a
# git-ignored virtual environment inside the repo. Never uses a moto installed elsewhere
# on the machine, and nothing it starts talks to AWS.
#
#   scripts/moto.sh install          create .venv/moto and install the pinned moto (once)
#   eval "$(scripts/moto.sh start)"  install if needed, start moto_server on a free
#                                    127.0.0.1 port, wait until it answers, and print the
#                                    `export` lines for the calling shell (stdout carries
#                                    only those; progress goes to stderr)
#   scripts/moto.sh stop PID         stop the server started by `start` (MOTO_PID)
#   scripts/moto.sh env PORT         print the export lines for a server already on PORT
#
# The server is moto's own `moto_server -H 127.0.0.1 -p PORT`, started through a small
# launcher (.venv/moto/handoff_moto_server.py) that serialises its request handling: see
# write_launcher below for why.
#
# `start` exports MOTO_PID, MOTO_PORT, MOTO_LOG, AWS_ENDPOINT_URL, dummy credentials,
# AWS_REGION / AWS_DEFAULT_REGION=us-east-1, AWS_EC2_METADATA_DISABLED=true and
# HANDOFF_MOTO=1 (which makes the DynamoDB tests fail instead of skipping when moto is
# unreachable). It also unsets what could send an SDK elsewhere: service-specific endpoint
# variables, profiles, session tokens and the shared config/credentials files.
#
# Environment: MOTO_VENV (default <repo>/.venv/moto), PYTHON (default python3),
# MOTO_START_TIMEOUT seconds (default 30).
#
# The venv is moto's own (.venv/moto, not .venv itself) so that other pinned Python tools
# the tests install (aws-sam-cli, cfn-lint) cannot up- or downgrade moto's dependencies.
set -euo pipefail

MOTO_REQUIREMENT='moto[server,dynamodb,ssm]==5.2.5'
MOTO_VERSION='5.2.5'
# The Standard Webhooks reference verifier, in the same venv: the end-to-end tests check
# the signatures of what handoff sends with it ($HANDOFF_PYTHON, exported by `start`).
VERIFIER_REQUIREMENT='standardwebhooks==1.3.0'

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${MOTO_VENV:-$repo/.venv/moto}"
python="${PYTHON:-python3}"
marker="$venv/.handoff-moto-installed"

log() { printf 'moto.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

usage() {
    sed -n '2,/^set -euo/{/^set -euo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# True when the venv's python runs and has exactly the pinned moto with the server
# extras (the marker is written only after a complete install of the requirement).
installed() {
    [[ -x "$venv/bin/python" && -x "$venv/bin/moto_server" && -f "$marker" ]] || return 1
    [[ "$(cat "$marker")" == "$MOTO_REQUIREMENT $VERIFIER_REQUIREMENT" ]] || return 1
    local have
    have="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" ||
        return 1
    [[ "$have" == "$MOTO_VERSION" ]]
}

install() {
    if installed; then
        log "$MOTO_REQUIREMENT already installed in $venv"
        return 0
    fi
    command -v "$python" >/dev/null 2>&1 || die "$python not found (set PYTHON to a Python 3 interpreter)"
    if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
        log "creating virtual environment $venv"
        rm -rf "$venv"
        mkdir -p "$(dirname "$venv")"
        "$python" -m venv "$venv" >&2 || die "cannot create a virtual environment with $python -m venv"
    fi
    log "installing $MOTO_REQUIREMENT into $venv"
    rm -f "$marker"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet \
        "$MOTO_REQUIREMENT" "$VERIFIER_REQUIREMENT" >&2 ||
        die "pip install $MOTO_REQUIREMENT $VERIFIER_REQUIREMENT failed"
    printf '%s' "$MOTO_REQUIREMENT $VERIFIER_REQUIREMENT" >"$marker"
    installed || die "moto $MOTO_VERSION is not importable from $venv after installing it"
}

# moto_server, with one change: requests are handled one at a time. moto's
# TransactWriteItems is not atomic under concurrent requests (it checks conditions and
# writes without a lock, and a cancelled transaction restores a whole-table snapshot,
# erasing writes made meanwhile), so two racing inserts of one lead could both succeed
# on an unserialised moto. DynamoDB serialises transactions; so does this launcher.
launcher="$venv/handoff_moto_server.py"
write_launcher() {
    cat >"$launcher" <<'EOF'
"""moto_server with serialised request handling (written by handoff's scripts/moto.sh)."""
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_lock = threading.Lock()
_dispatch = DomainDispatcherApplication.__call__


def _one_at_a_time(self, environ, start_response):
    with _lock:
        # moto's responses are built in full before they are returned
        return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = _one_at_a_time

from moto.server import main  # noqa: E402

sys.exit(main())
EOF
}

free_port() {
    "$venv/bin/python" - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# Exit 0 once GET /moto-api/ answers on PORT.
answers() {
    "$venv/bin/python" - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
EOF
}

print_env() {
    local port="$1" pid="${2:-}" logfile="${3:-}"
    [[ -n "$pid" ]] && printf 'export MOTO_PID=%q\n' "$pid"
    [[ -n "$logfile" ]] && printf 'export MOTO_LOG=%q\n' "$logfile"
    cat <<EOF
export MOTO_PORT=$port
export AWS_ENDPOINT_URL=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export HANDOFF_MOTO=1
export HANDOFF_PYTHON=$venv/bin/python
unset AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_DYNAMODB_STREAMS AWS_ENDPOINT_URL_SSM AWS_IGNORE_CONFIGURED_ENDPOINT_URLS AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
EOF
}

start() {
    install
    local port pid logfile timeout deadline
    timeout="${MOTO_START_TIMEOUT:-30}"
    port="$(free_port)"
    logfile="${TMPDIR:-/tmp}/handoff-moto-$port.log"
    write_launcher
    # stdin/stdout/stderr all detached: `$(scripts/moto.sh start)` must not wait for the server.
    "$venv/bin/python" "$launcher" -H 127.0.0.1 -p "$port" </dev/null >"$logfile" 2>&1 &
    pid=$!
    deadline=$((SECONDS + timeout))
    until answers "$port"; do
        if ! alive "$pid"; then
            tail -n 30 "$logfile" >&2 || true
            die "moto_server exited before answering on 127.0.0.1:$port (log: $logfile)"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 30 "$logfile" >&2 || true
            kill "$pid" 2>/dev/null || true
            die "moto_server did not answer GET /moto-api/ on 127.0.0.1:$port within ${timeout}s"
        fi
        sleep 0.2
    done
    log "moto $MOTO_VERSION listening on http://127.0.0.1:$port (pid $pid, log $logfile)"
    print_env "$port" "$pid" "$logfile"
}

# True while PID is a live process (a zombie left for a parent that never reaps it,
# as under some container inits, counts as stopped).
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    if [[ -r "/proc/$1/status" ]] && grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; then
        return 1
    fi
    return 0
}

stop() {
    local pid="${1:-}"
    if [[ -z "$pid" ]]; then
        # e.g. an EXIT trap in a script whose `start` never ran
        log "no pid given, nothing to stop"
        return 0
    fi
    [[ "$pid" =~ ^[0-9]+$ ]] || die "stop needs the server's pid (MOTO_PID), got '${pid}'"
    if ! alive "$pid"; then
        log "moto_server $pid is not running"
        return 0
    fi
    # Only ever stop a moto server, whatever number we were handed.
    if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q moto_server; then
        die "process $pid is not a moto_server; not stopping it"
    fi
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        alive "$pid" || {
            log "stopped moto_server $pid"
            return 0
        }
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    log "killed moto_server $pid"
}

case "${1:-}" in
install) install ;;
start) start ;;
stop) stop "${2:-}" ;;
env)
    [[ "${2:-}" =~ ^[0-9]+$ ]] || die "env needs a port"
    print_env "$2"
    ;;
*) usage ;;
esac
