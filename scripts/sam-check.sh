#!/usr/bin/env bash
# Checks template.yaml: cfn-lint, `sam validate --lint`, and the project's own
# least-privilege / safety checks (tests/template_policy.py, with its self-test).
# Installs the pinned tools into a git-ignored virtual environment .venv-sam/ on
# first use (PyPI only); needs no AWS credentials and talks to no AWS endpoint.
# Usage: scripts/sam-check.sh            (install if needed, then check)
#        scripts/sam-check.sh --install  (only install the tools)
set -euo pipefail
cd "$(dirname "$0")/.."

CFN_LINT_VERSION=1.53.3   # later versions no longer check SAM resources
SAM_CLI_VERSION=1.170.0
VENV=.venv-sam
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
    echo "creating $VENV"
    python3 -m venv "$VENV"
fi

installed() { # name version -> 0 when exactly that version is in the venv
    [ "$("$PY" -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p')" = "$2" ]
}
if installed cfn-lint "$CFN_LINT_VERSION" && installed aws-sam-cli "$SAM_CLI_VERSION"; then
    echo "cfn-lint $CFN_LINT_VERSION and aws-sam-cli $SAM_CLI_VERSION already in $VENV"
else
    echo "installing cfn-lint==$CFN_LINT_VERSION aws-sam-cli==$SAM_CLI_VERSION into $VENV (a few minutes)"
    "$PY" -m pip install --quiet --disable-pip-version-check \
        "cfn-lint==$CFN_LINT_VERSION" "aws-sam-cli==$SAM_CLI_VERSION"
fi

[ "${1:-}" = "--install" ] && exit 0

# The venv's tools only, never a cfn-lint or sam from PATH.
export SAM_CLI_TELEMETRY=0
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_EC2_METADATA_DISABLED=true

failed=0
run() {
    printf '\n== %s ==\n' "$*"
    if "$@"; then echo "-> ok"; else echo "-> FAILED ($*)"; failed=1; fi
}

run "$VENV/bin/cfn-lint" --version
run "$VENV/bin/cfn-lint" template.yaml
run "$VENV/bin/sam" validate --lint --template template.yaml
run "$PY" tests/template_policy.py template.yaml
run "$PY" tests/template_policy.py --self-test template.yaml

echo
if [ "$failed" -ne 0 ]; then
    echo "sam-check: FAILED"
    exit 1
fi
echo "sam-check: template.yaml passed cfn-lint $CFN_LINT_VERSION, sam validate --lint ($SAM_CLI_VERSION) and tests/template_policy.py"
