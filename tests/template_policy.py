#!/usr/bin/env python3
"""Least-privilege and safety checks for handoff's SAM template.

    python tests/template_policy.py [template.yaml]   check the template
    python tests/template_policy.py --self-test        prove the checks bite

Run by scripts/sam-check.sh with the interpreter of its virtual environment
(.venv-sam), which has PyYAML and the SAM translator (both come with aws-sam-cli).

What is checked, on the template as written and again on what the SAM transform
makes of it (so roles or policies SAM would add on its own are caught too):
- every function has its own IAM role; every Allow statement names its actions
  (no `*`, no NotAction / NotResource), only actions on that function's
  allow-list, only resources of this stack (the table, its indexes and stream,
  the dead-letter queue, the function's own log group, the stage's configuration
  document and the function's own secrets path - never another function's
  secrets or the whole stage path -, the optional customer managed KMS key), and
  no wildcard resource except the documented ones;
- the table: DeletionPolicy / UpdateReplacePolicy Retain, on-demand billing,
  point-in-time recovery, server-side encryption, TTL on `expires_at`, stream
  NEW_AND_OLD_IMAGES, and every index a policy names exists;
- the dispatch trigger: bisect on error, bounded retries and record age,
  ReportBatchItemFailures, an SQS on-failure destination kept 14 days, valid
  filter patterns;
- Lambda settings (provided.al2023, cargo-lambda build of the right binary,
  architecture parameter defaulting to arm64, reserved concurrency only as an
  option), HTTP API throttling on the `$default` stage with a throttle of its own
  for the webhook route, the alarms (among them the dead-letter count the dispatch
  sweep reports) and the webhook URL output.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
import tempfile

import yaml

# ----------------------------------------------------------------- the spec --

# Binary name (Metadata.BuildProperties.Binary) -> the only IAM actions its role
# may be granted. Widening one of these is a reviewed change to this file.
ALLOWED_ACTIONS = {
    "handoff-ingest": {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",  # a CRM outcome by contact: the contact's latest lead (GSI5)
        "ssm:GetParameter",
        "ssm:GetParametersByPath",
        "kms:Decrypt",
    },
    "handoff-dispatch": {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "sqs:SendMessage",
        "ssm:GetParameter",
        "ssm:GetParametersByPath",
        "kms:Decrypt",
    },
    "handoff-api": {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "dynamodb:GetItem",
        "dynamodb:PutItem",  # re-drive of a dead letter; a claim (conditional puts)
        "dynamodb:Query",
        "ssm:GetParameter",
        "ssm:GetParametersByPath",
        "kms:Decrypt",
    },
}

# The stage's parameters. Every function may read the configuration document and
# its own secrets path only: `handoff-ingest` reads /handoff/<Stage>/secrets/ingest
# (infra/ssm: `{prefix}/secrets/{function}/{NAME}`, the path named by the function's
# main.rs). GetParametersByPath on a path reads every level below it, even where a
# Deny names a deeper parameter, so neither the stage path nor /secrets itself may
# appear, and GetParameter is granted on the document alone.
SSM_PREFIX = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/handoff/${Stage}"


def ssm_short(resource):
    """`parameter/handoff/${Stage}/…` for one of the stage's parameter ARNs."""
    arn = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:"
    return resource.removeprefix(arn)


def ssm_resources(binary):
    """action -> the only SSM resources `binary`'s role may name for it."""
    own = SSM_PREFIX + "/secrets/" + binary.removeprefix("handoff-")
    return {
        "ssm:GetParameter": {SSM_PREFIX + "/config"},
        "ssm:GetParametersByPath": {own, own + "/*"},
    }

STREAM_READ = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
DLQ_RETENTION = 1209600  # 14 days, the SQS maximum
MAX_RETRY_ATTEMPTS = 10
MAX_RECORD_AGE = 21600  # 6 h; stream records live 24 h


# ------------------------------------------------- YAML with CloudFormation --


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns CloudFormation short tags into their long form."""


def _intrinsic(tag):
    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if tag == "Ref":
            return {"Ref": value}
        if tag == "Condition":
            return {"Condition": value}
        if tag == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {"Fn::" + tag: value}

    return construct


for _tag in (
    "Ref", "Condition", "GetAtt", "Sub", "If", "Equals", "Not", "And", "Or",
    "FindInMap", "Join", "Select", "Split", "GetAZs", "ImportValue", "Base64",
    "Cidr", "Transform", "Length", "ToJsonString",
):
    CfnLoader.add_constructor("!" + _tag, _intrinsic(_tag))


def load_template(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=CfnLoader)  # noqa: S506 - CfnLoader is a SafeLoader


# ------------------------------------------------------------------ helpers --

NO_VALUE = {"Ref": "AWS::NoValue"}


def alternatives(value):
    """Every value an `Fn::If` may stand for (both branches), NoValue dropped."""
    if isinstance(value, dict) and set(value) == {"Fn::If"}:
        _, yes, no = value["Fn::If"]
        return alternatives(yes) + alternatives(no)
    if value == NO_VALUE:
        return []
    return [value]


def as_list(value):
    out = []
    for v in alternatives(value):
        if isinstance(v, list):
            for item in v:
                out.extend(alternatives(item))
        else:
            out.append(v)
    return out


def render(value):
    """A comparable string for a resource: `${Logical.Attr}` for GetAtt, the
    template of a Sub, `${Name}` for Ref. None when it cannot be understood."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref" and isinstance(arg, str):
            return "${%s}" % arg
        if key == "Fn::GetAtt" and isinstance(arg, list) and len(arg) == 2:
            return "${%s.%s}" % (arg[0], arg[1])
        if key == "Fn::Sub":
            if isinstance(arg, str):
                return arg
            if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
                text = arg[0]
                for name, v in arg[1].items():
                    r = render(v)
                    if r is None:
                        return None
                    text = text.replace("${%s}" % name, r)
                return text
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            parts = [render(p) for p in arg[1]]
            if any(p is None for p in parts):
                return None
            return arg[0].join(parts)
    return None


def getatt_target(value, attr):
    """Logical id X of `{Fn::GetAtt: [X, attr]}`, else None."""
    if isinstance(value, dict) and list(value) == ["Fn::GetAtt"]:
        arg = value["Fn::GetAtt"]
        if isinstance(arg, list) and len(arg) == 2 and arg[1] == attr:
            return arg[0]
    return None


def ref_target(value):
    if isinstance(value, dict) and list(value) == ["Ref"]:
        return value["Ref"]
    return None


class Report:
    def __init__(self, quiet=False):
        self.passed = []
        self.failed = []
        self.quiet = quiet

    def check(self, ok, what):
        (self.passed if ok else self.failed).append(what)
        if not self.quiet:
            print(("  ok    " if ok else "  FAIL  ") + what)
        return ok

    def fail(self, what):
        return self.check(False, what)


# ------------------------------------------------------------ IAM checking --


def resources_of(template, rtype):
    return {k: v for k, v in template.get("Resources", {}).items() if v.get("Type") == rtype}


def statements_of_policies(policies, where, report):
    """Statements of a role's inline policies (or a function's Policies)."""
    statements = []
    for policy in as_list(policies):
        if isinstance(policy, str) or (isinstance(policy, dict) and "PolicyDocument" not in policy
                                       and "Statement" not in policy):
            report.fail(f"{where}: only inline statements allowed, found {json.dumps(policy)[:80]} "
                        "(managed policies and SAM policy templates grant more than needed)")
            continue
        document = policy.get("PolicyDocument", policy)
        for statement in as_list(document.get("Statement", [])):
            statements.append(statement)
    return statements


def resource_allowed(action, resource, ctx):
    """Why `resource` is not acceptable for `action`, or None when it is."""
    service = action.split(":", 1)[0]
    table, queue, log_group, indexes = ctx["table"], ctx["queue"], ctx["log_group"], ctx["indexes"]
    if resource is None:
        return "a resource the checker cannot read"
    if resource == "*":
        return "Resource '*'"
    if service == "logs":
        if resource == "${%s.Arn}" % log_group:
            return None  # the Arn attribute ends in ':*' = this group's log streams
        return f"logs only on the function's own log group ({log_group}), not {resource}"
    if service == "dynamodb":
        if action in STREAM_READ:
            return None if resource == "${%s.StreamArn}" % table else f"stream reads only on {table}'s stream"
        if action == "dynamodb:ListStreams":
            ok = resource in ("${%s.StreamArn}" % table, "${%s.Arn}/stream/*" % table)
            return None if ok else f"ListStreams only on {table}'s streams"
        if resource == "${%s.Arn}" % table:
            return None
        m = re.fullmatch(r"\$\{%s\.Arn\}/index/(.+)" % re.escape(table), resource)
        if m:
            if action != "dynamodb:Query":
                return f"{action} is not an index action"
            if m.group(1) not in indexes:
                return f"index {m.group(1)!r} is not an index of {table} ({sorted(indexes)})"
            return None
        return f"DynamoDB only on {table}, its listed indexes and stream, not {resource}"
    if service == "sqs":
        return None if resource == "${%s.Arn}" % queue else f"SQS only on the dead-letter queue {queue}"
    if service == "ssm":
        allowed = ssm_resources(ctx["binary"]).get(action, set())
        if resource in allowed:
            return None
        return (f"{action} only on {', '.join(sorted(ssm_short(r) for r in allowed))} (the configuration "
                f"document and this function's own secrets), not {ssm_short(resource)}")
    if service == "kms":
        return None if resource == "${SecretsKmsKeyArn}" else f"KMS only on the SecretsKmsKeyArn key, not {resource}"
    return f"service {service} is not used by handoff"


def check_statements(name, binary, statements, ctx, report):
    allowed = ALLOWED_ACTIONS[binary]
    problems = []
    granted = set()
    ssm_granted = set()
    for st in statements:
        if not isinstance(st, dict):
            problems.append(f"unreadable statement {st!r}")
            continue
        sid = st.get("Sid", "?")
        if st.get("Effect") != "Allow":
            continue  # Deny statements only take away
        for key in ("NotAction", "NotResource", "Principal", "NotPrincipal"):
            if key in st:
                problems.append(f"{sid}: {key} is not allowed in an execution role")
        actions = as_list(st.get("Action", []))
        resources = as_list(st.get("Resource", []))
        if not actions or not resources:
            problems.append(f"{sid}: needs both Action and Resource")
        for action in actions:
            if not isinstance(action, str) or "*" in action or "?" in action:
                problems.append(f"{sid}: wildcard action {action!r}")
                continue
            if action not in allowed:
                problems.append(f"{sid}: action {action} is not on {binary}'s allow-list")
            granted.add(action)
            for resource in resources:
                why = resource_allowed(action, render(resource), ctx)
                if why:
                    problems.append(f"{sid}: {action}: {why}")
                elif action.startswith("ssm:"):
                    ssm_granted.add((action, render(resource)))
        if any(a.startswith("kms:") for a in actions if isinstance(a, str)):
            via = st.get("Condition", {}).get("StringEquals", {}).get("kms:ViaService")
            if render(via) != "ssm.${AWS::Region}.amazonaws.com":
                problems.append(f"{sid}: kms:Decrypt must be limited to kms:ViaService ssm.${{AWS::Region}}.amazonaws.com")
    # What the function's loader calls at init (infra/ssm SsmConfig::load): without
    # it the function cannot start.
    own = SSM_PREFIX + "/secrets/" + binary.removeprefix("handoff-")
    needed = {("ssm:GetParameter", SSM_PREFIX + "/config"), ("ssm:GetParametersByPath", own)}
    report.check(needed <= ssm_granted,
                 f"{name}: reads the configuration document and its own secrets path {ssm_short(own)}"
                 + ("" if needed <= ssm_granted else
                    f" (missing {sorted(ssm_short(r) for _, r in needed - ssm_granted)})"))
    for p in problems:
        report.fail(f"{name}: {p}")
    report.check(not problems, f"{name}: {len(statements)} statements, actions {sorted(granted)} "
                 "- no wildcard action, no '*' resource, only allow-listed actions on this stack's resources")
    return granted


def check_functions(template, report, transformed=False):
    """IAM of every function. In the transformed template functions are
    AWS::Lambda::Function and their binary is looked up in `binaries`."""
    resources = template.get("Resources", {})
    roles = resources_of(template, "AWS::IAM::Role")
    tables = list(resources_of(template, "AWS::DynamoDB::Table"))
    queues = list(resources_of(template, "AWS::SQS::Queue"))
    table = tables[0] if len(tables) == 1 else None
    indexes = set()
    if table:
        indexes = {g.get("IndexName") for g in resources[table]["Properties"].get("GlobalSecondaryIndexes", [])}
    queue = queues[0] if len(queues) == 1 else None

    for ptype in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
        for k in resources_of(template, ptype):
            report.fail(f"{k}: separate {ptype} resources are not allowed; keep statements in the role")

    ftype = "AWS::Lambda::Function" if transformed else "AWS::Serverless::Function"
    functions = resources_of(template, ftype)
    seen_binaries = {}
    roles_used = {}
    for name, fn in functions.items():
        props = fn.get("Properties", {})
        binary = (fn.get("Metadata") or {}).get("BuildProperties", {}).get("Binary")
        if transformed:
            binary = ctx_binaries.get(name)
        if binary not in ALLOWED_ACTIONS:
            report.fail(f"{name}: Binary {binary!r} has no allow-list in tests/template_policy.py")
            continue
        seen_binaries[binary] = name
        log_group = ref_target((props.get("LoggingConfig") or {}).get("LogGroup"))
        ctx = {"table": table, "queue": queue, "log_group": log_group, "indexes": indexes,
               "binary": binary}
        role_name = getatt_target(props.get("Role"), "Arn")
        if props.get("Role") is None:
            report.fail(f"{name}: no explicit Role: SAM would generate one with the AWS managed "
                        "AWSLambdaBasicExecutionRole (and AWSLambdaDynamoDBExecutionRole for streams), "
                        "both on Resource '*'")
            statements = statements_of_policies(props.get("Policies", []), name, report)
            check_statements(name, binary, statements, ctx, report)
            continue
        if role_name not in roles:
            report.fail(f"{name}: Role must be !GetAtt <a role of this template>.Arn")
            continue
        if role_name in roles_used:
            report.fail(f"{name}: shares role {role_name} with {roles_used[role_name]}")
        roles_used[role_name] = name
        if props.get("Policies"):
            report.fail(f"{name}: Policies next to an explicit Role are ignored by SAM; put them in {role_name}")
        role = roles[role_name].get("Properties", {})
        report.check(not role.get("ManagedPolicyArns"),
                     f"{name}: role {role_name} has no managed policies")
        trust = as_list(role.get("AssumeRolePolicyDocument", {}).get("Statement", []))
        principals = [s.get("Principal") for s in trust]
        report.check(principals == [{"Service": "lambda.amazonaws.com"}],
                     f"{name}: role {role_name} can be assumed by Lambda only")
        statements = statements_of_policies(role.get("Policies", []), f"{name} ({role_name})", report)
        check_statements(f"{name} ({role_name})", binary, statements, ctx, report)

    for binary in ALLOWED_ACTIONS:
        report.check(binary in seen_binaries, f"a function builds {binary}")
    unused = set(roles) - set(roles_used)
    report.check(not unused, f"every role belongs to exactly one function (unused: {sorted(unused)})")
    return seen_binaries


ctx_binaries = {}  # logical id -> binary, set before checking the transformed template


# ------------------------------------------------------- everything else --


def check_table(template, report):
    tables = resources_of(template, "AWS::DynamoDB::Table")
    if not report.check(len(tables) == 1, f"one DynamoDB table (found {sorted(tables)})"):
        return None
    (name, table), = tables.items()
    p = table.get("Properties", {})
    report.check(table.get("DeletionPolicy") == "Retain", f"{name}: DeletionPolicy Retain")
    report.check(table.get("UpdateReplacePolicy") == "Retain", f"{name}: UpdateReplacePolicy Retain")
    report.check(p.get("BillingMode") == "PAY_PER_REQUEST", f"{name}: on-demand billing")
    report.check(p.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is True,
                 f"{name}: point-in-time recovery on")
    report.check(p.get("SSESpecification", {}).get("SSEEnabled") is True, f"{name}: server-side encryption (KMS) on")
    ttl = p.get("TimeToLiveSpecification", {})
    report.check(ttl.get("AttributeName") == "expires_at" and ttl.get("Enabled") is True,
                 f"{name}: TTL on expires_at")
    report.check(p.get("StreamSpecification", {}).get("StreamViewType") == "NEW_AND_OLD_IMAGES",
                 f"{name}: stream NEW_AND_OLD_IMAGES")
    keys = {k["AttributeName"]: k["KeyType"] for k in p.get("KeySchema", [])}
    report.check(keys == {"PK": "HASH", "SK": "RANGE"}, f"{name}: key schema PK (hash) / SK (range)")
    gsis = p.get("GlobalSecondaryIndexes", [])
    report.check(all(g.get("Projection", {}).get("ProjectionType") for g in gsis),
                 f"{name}: indexes {[g.get('IndexName') for g in gsis]} each have a projection")
    return name


def check_stream_trigger(template, table, report):
    queues = resources_of(template, "AWS::SQS::Queue")
    triggers = []
    for fname, fn in resources_of(template, "AWS::Serverless::Function").items():
        for ename, ev in (fn.get("Properties", {}).get("Events") or {}).items():
            if ev.get("Type") == "DynamoDB":
                triggers.append((f"{fname}.{ename}", ev.get("Properties", {}), fn))
    if not report.check(len(triggers) == 1, f"one DynamoDB stream trigger (found {[t[0] for t in triggers]})"):
        return
    where, p, fn = triggers[0]
    binary = (fn.get("Metadata") or {}).get("BuildProperties", {}).get("Binary")
    report.check(binary == "handoff-dispatch", f"{where}: triggers handoff-dispatch")
    report.check(getatt_target(p.get("Stream"), "StreamArn") == table, f"{where}: reads {table}'s stream")
    report.check(p.get("StartingPosition") in ("TRIM_HORIZON", "LATEST"), f"{where}: StartingPosition set")
    report.check(isinstance(p.get("BatchSize"), int) and 1 <= p["BatchSize"] <= 100, f"{where}: BatchSize 1..100")
    report.check(p.get("BisectBatchOnFunctionError") is True, f"{where}: BisectBatchOnFunctionError true")
    retries = p.get("MaximumRetryAttempts")
    report.check(isinstance(retries, int) and 0 <= retries <= MAX_RETRY_ATTEMPTS,
                 f"{where}: MaximumRetryAttempts bounded (0..{MAX_RETRY_ATTEMPTS}, got {retries})")
    age = p.get("MaximumRecordAgeInSeconds")
    report.check(isinstance(age, int) and 60 <= age <= MAX_RECORD_AGE,
                 f"{where}: MaximumRecordAgeInSeconds bounded (60..{MAX_RECORD_AGE}, got {age})")
    report.check("ReportBatchItemFailures" in (p.get("FunctionResponseTypes") or []),
                 f"{where}: FunctionResponseTypes has ReportBatchItemFailures")
    on_failure = (p.get("DestinationConfig") or {}).get("OnFailure") or {}
    queue = getatt_target(on_failure.get("Destination"), "Arn")
    if report.check(queue in queues, f"{where}: OnFailure destination is an SQS queue of this stack ({queue})"):
        q = queues[queue].get("Properties", {})
        report.check(q.get("MessageRetentionPeriod") == DLQ_RETENTION,
                     f"{queue}: MessageRetentionPeriod {DLQ_RETENTION} (14 days)")
        report.check(q.get("SqsManagedSseEnabled") is True or "KmsMasterKeyId" in q, f"{queue}: encrypted at rest")
    report.check("Type" not in on_failure,
                 f"{where}: OnFailure has no Type (SAM would add an sqs:SendMessage* policy)")
    for i, f in enumerate((p.get("FilterCriteria") or {}).get("Filters", [])):
        try:
            json.loads(f.get("Pattern", ""))
            report.check(True, f"{where}: filter pattern {i} is valid JSON")
        except ValueError as e:
            report.fail(f"{where}: filter pattern {i} is not JSON: {e}")


def check_functions_settings(template, report):
    params = template.get("Parameters", {})
    g = (template.get("Globals") or {}).get("Function", {})
    report.check(params.get("Architecture", {}).get("Default") == "arm64"
                 and set(params.get("Architecture", {}).get("AllowedValues", [])) == {"arm64", "x86_64"},
                 "parameter Architecture: arm64 | x86_64, default arm64")
    for name, fn in resources_of(template, "AWS::Serverless::Function").items():
        p = fn.get("Properties", {})
        md = fn.get("Metadata") or {}
        report.check(p.get("Runtime", g.get("Runtime")) == "provided.al2023", f"{name}: runtime provided.al2023")
        report.check(p.get("Handler", g.get("Handler")) == "bootstrap", f"{name}: handler bootstrap")
        report.check(p.get("Architectures", g.get("Architectures")) == [{"Ref": "Architecture"}],
                     f"{name}: architecture from the Architecture parameter")
        report.check(md.get("BuildMethod") == "rust-cargolambda" and bool(md.get("BuildProperties", {}).get("Binary")),
                     f"{name}: BuildMethod rust-cargolambda with a Binary")
        log_group = ref_target((p.get("LoggingConfig") or {}).get("LogGroup"))
        report.check(log_group in resources_of(template, "AWS::Logs::LogGroup"),
                     f"{name}: logs to its own log group of this stack")


def check_api(template, report):
    apis = resources_of(template, "AWS::Serverless::HttpApi")
    if not report.check(len(apis) == 1, f"one HTTP API (found {sorted(apis)})"):
        return
    (name, api), = apis.items()
    p = api.get("Properties", {})
    s = p.get("DefaultRouteSettings") or {}
    report.check("ThrottlingRateLimit" in s and "ThrottlingBurstLimit" in s, f"{name}: default route throttling")
    report.check("StageName" not in p, f"{name}: no StageName, so the $default stage (no path prefix)")
    routes = set()
    for fname, fn in resources_of(template, "AWS::Serverless::Function").items():
        for ev in (fn.get("Properties", {}).get("Events") or {}).values():
            if ev.get("Type") == "HttpApi":
                ep = ev.get("Properties", {})
                routes.add((fn.get("Metadata", {}).get("BuildProperties", {}).get("Binary"),
                            ep.get("Method"), ep.get("Path")))
                report.check(ref_target(ep.get("ApiId")) == name, f"{fname}: {ep.get('Method')} {ep.get('Path')} on {name}")
    report.check(("handoff-ingest", "POST", "/hooks/{source_id}") in routes, "ingest serves POST /hooks/{source_id}")
    check_hooks_throttle(template, name, p, routes, report)
    for path in ("/leads", "/leads/{lead_id}", "/healthz"):
        report.check(("handoff-api", "GET", path) in routes, f"api serves GET {path}")
    report.check(("handoff-api", "POST", "/deliveries/{delivery_id}/redrive") in routes,
                 "api serves POST /deliveries/{delivery_id}/redrive")
    for method, path in (("GET", "/claim/{token}"), ("POST", "/claim/{token}"),
                         ("POST", "/leads/{lead_id}/claim"), ("POST", "/slack/actions"),
                         ("POST", "/readiness/explain"), ("POST", "/leads/{lead_id}/outcome"),
                         ("POST", "/claim/{token}/outcome"), ("GET", "/contacts/{contact_id}")):
        report.check(("handoff-api", method, path) in routes, f"api serves {method} {path}")
    outputs = template.get("Outputs", {})
    url = render((outputs.get("WebhookBaseUrl") or {}).get("Value"))
    report.check(url == "https://${%s}.execute-api.${AWS::Region}.${AWS::URLSuffix}/hooks/" % name,
                 f"output WebhookBaseUrl = {url}")


HOOKS_ROUTE = "POST /hooks/{source_id}"


def check_hooks_throttle(template, name, props, routes, report):
    """The webhook route has a throttle of its own (RouteSettings), from parameters of
    its own, so traffic on the read routes cannot use up what providers need."""
    params = template.get("Parameters", {})
    default = props.get("DefaultRouteSettings") or {}
    own = (props.get("RouteSettings") or {}).get(HOOKS_ROUTE)
    if not report.check(isinstance(own, dict), f"{name}: RouteSettings of its own for {HOOKS_ROUTE}"):
        return
    # A key no route has fails only at deploy time ("Unable to find Route by key").
    keys = set(props.get("RouteSettings") or {})
    served = {f"{m} {p}" for _, m, p in routes}
    report.check(keys <= served, f"{name}: every RouteSettings key is a route of the API "
                 f"(not a route: {sorted(keys - served)})")
    for limit in ("ThrottlingRateLimit", "ThrottlingBurstLimit"):
        ref = ref_target(own.get(limit))
        report.check(ref in params and params[ref].get("Type") == "Number"
                     and ref != ref_target(default.get(limit)),
                     f"{name}: {HOOKS_ROUTE} {limit} from a parameter of its own ({ref}), "
                     f"not the read routes' ({ref_target(default.get(limit))})")
    # Reserved concurrency for ingest is an option: unset unless a parameter says.
    for fname, fn in resources_of(template, "AWS::Serverless::Function").items():
        fp = fn.get("Properties", {})
        if "ReservedConcurrentExecutions" not in fp:
            continue
        rc = fp["ReservedConcurrentExecutions"]
        branches = rc.get("Fn::If") if isinstance(rc, dict) else None
        ok = (isinstance(branches, list) and len(branches) == 3 and branches[2] == NO_VALUE
              and ref_target(branches[1]) in params and params[ref_target(branches[1])].get("Default") == "")
        report.check(ok, f"{fname}: ReservedConcurrentExecutions only when its parameter is set (default unset)")


def check_alarms(template, report):
    alarms = resources_of(template, "AWS::CloudWatch::Alarm").values()
    metrics = []
    for a in alarms:
        p = a.get("Properties", {})
        dims = {d["Name"]: d["Value"] for d in p.get("Dimensions", [])}
        metrics.append((p.get("Namespace"), p.get("MetricName"), dims, bool(p.get("AlarmActions"))))
    for name in resources_of(template, "AWS::Serverless::Function"):
        report.check(any(m[:2] == ("AWS/Lambda", "Errors") and ref_target(m[2].get("FunctionName")) == name
                         for m in metrics), f"alarm on {name} Errors")
    for name in resources_of(template, "AWS::SQS::Queue"):
        report.check(any(m[:2] == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
                         and getatt_target(m[2].get("QueueName"), "QueueName") == name for m in metrics),
                     f"alarm on {name} depth")
    report.check(any(m[:2] == ("AWS/Lambda", "IteratorAge") for m in metrics), "alarm on the stream iterator age")
    check_dead_letters_alarm(template, report)
    report.check(all(m[3] for m in metrics), "every alarm has an action")


# The metric the dispatch sweep writes (functions/dispatch: METRIC_NAMESPACE,
# DEAD_LETTERS_METRIC, dimension Stage from HANDOFF_STAGE).
DEAD_LETTERS = ("handoff", "DeadLetters")


def check_dead_letters_alarm(template, report):
    """An alarm that is on while the table holds at least one dead letter."""
    found = []
    for name, a in resources_of(template, "AWS::CloudWatch::Alarm").items():
        p = a.get("Properties", {})
        if (p.get("Namespace"), p.get("MetricName")) == DEAD_LETTERS:
            found.append((name, p))
    if not report.check(len(found) == 1, f"one alarm on {'/'.join(DEAD_LETTERS)} (found {[n for n, _ in found]})"):
        return
    name, p = found[0]
    dims = {d.get("Name"): d.get("Value") for d in p.get("Dimensions", [])}
    report.check(dims == {"Stage": {"Ref": "Stage"}}, f"{name}: dimension Stage = the Stage parameter (got {dims})")
    env = ((template.get("Globals") or {}).get("Function", {}).get("Environment") or {}).get("Variables", {})
    report.check(env.get("HANDOFF_STAGE") == {"Ref": "Stage"},
                 f"{name}: the functions report the stage they run in (Globals HANDOFF_STAGE = !Ref Stage)")
    threshold, op = p.get("Threshold"), p.get("ComparisonOperator")
    fires_at_one = ((op == "GreaterThanOrEqualToThreshold" and isinstance(threshold, (int, float)) and 0 < threshold <= 1)
                    or (op == "GreaterThanThreshold" and isinstance(threshold, (int, float)) and 0 <= threshold < 1))
    report.check(fires_at_one, f"{name}: on from the first dead letter ({op} {threshold})")
    report.check(p.get("Statistic") == "Maximum", f"{name}: statistic Maximum (a count, not a sum of counts)")
    report.check(p.get("TreatMissingData") in ("ignore", "missing"),
                 f"{name}: a minute without a count neither raises nor clears it (TreatMissingData {p.get('TreatMissingData')})")
    report.check(ref_target((p.get("AlarmActions") or [None])[0]) in resources_of(template, "AWS::SNS::Topic")
                 and bool(p.get("OKActions")), f"{name}: notifies the alarm topic when it fires and clears")
    # The sweep counts on GSI1 with the dispatch function's role.
    for fname, fn in resources_of(template, "AWS::Serverless::Function").items():
        if (fn.get("Metadata") or {}).get("BuildProperties", {}).get("Binary") != "handoff-dispatch":
            continue
        role = getatt_target(fn.get("Properties", {}).get("Role"), "Arn")
        statements = statements_of_policies(
            (resources_of(template, "AWS::IAM::Role").get(role) or {}).get("Properties", {}).get("Policies", []),
            role, report)
        can_count = any(st.get("Effect") == "Allow" and "dynamodb:Query" in as_list(st.get("Action", []))
                        and any(render(r) and render(r).endswith("/index/GSI1") for r in as_list(st.get("Resource", [])))
                        for st in statements if isinstance(st, dict))
        report.check(can_count, f"{fname}: may Query index/GSI1 (counting the dead letters)")


# ------------------------------------------------------------ SAM transform --


def transformed_template(template):
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    import logging

    from samtranslator.translator.transform import transform  # from aws-sam-cli's venv

    # The translator's usage metrics warn when garbage-collected unpublished.
    logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)

    class NoManagedPolicies:
        def load(self):
            return {}

    t = copy.deepcopy(template)
    for fn in resources_of(t, "AWS::Serverless::Function").values():
        fn.setdefault("Properties", {})["CodeUri"] = "s3://bucket/key"  # as `sam validate` does
    return transform(t, {}, NoManagedPolicies())


def check_transformed_stage(out, report):
    """SAM passes the route throttle on to the $default stage, and the API's own
    definition has the route it names."""
    stages = resources_of(out, "AWS::ApiGatewayV2::Stage")
    apis = resources_of(out, "AWS::ApiGatewayV2::Api")
    method, path = HOOKS_ROUTE.split(" ", 1)
    ok = any(HOOKS_ROUTE in (st.get("Properties", {}).get("RouteSettings") or {}) for st in stages.values())
    report.check(ok, f"transformed: the $default stage has RouteSettings for {HOOKS_ROUTE}")
    has_route = any(method.lower() in ((a.get("Properties", {}).get("Body") or {}).get("paths", {}).get(path) or {})
                    for a in apis.values())
    report.check(has_route, f"transformed: the HTTP API defines {HOOKS_ROUTE}")


def check_transformed(template, report):
    try:
        out = transformed_template(template)
    except ImportError:
        return report.fail("the SAM translator is missing: run with .venv-sam/bin/python (scripts/sam-check.sh)")
    except Exception as e:  # noqa: BLE001 - any transform error is a failed check
        return report.fail(f"SAM transform failed: {e}")
    ctx_binaries.clear()
    for name, fn in resources_of(template, "AWS::Serverless::Function").items():
        ctx_binaries[name] = (fn.get("Metadata") or {}).get("BuildProperties", {}).get("Binary")
    print("after the SAM transform:")
    check_functions(out, report, transformed=True)
    check_transformed_stage(out, report)
    mappings = resources_of(out, "AWS::Lambda::EventSourceMapping")
    report.check(len(mappings) == 1, f"transformed: one event source mapping ({sorted(mappings)})")
    for name, m in mappings.items():
        p = m.get("Properties", {})
        report.check(p.get("BisectBatchOnFunctionError") is True
                     and "ReportBatchItemFailures" in p.get("FunctionResponseTypes", [])
                     and isinstance(p.get("MaximumRetryAttempts"), int) and p["MaximumRetryAttempts"] >= 0
                     and isinstance(p.get("MaximumRecordAgeInSeconds"), int) and p["MaximumRecordAgeInSeconds"] > 0
                     and "OnFailure" in p.get("DestinationConfig", {}),
                     f"transformed: {name} keeps bisect, bounded retries and age, partial failures, on-failure")
    return None


# ------------------------------------------------------------------- main --


def check(template, report):
    print("functions and their roles:")
    check_functions(template, report)
    print("function settings:")
    check_functions_settings(template, report)
    print("table:")
    table = check_table(template, report)
    print("stream trigger and dead-letter queue:")
    check_stream_trigger(template, table, report)
    print("HTTP API and outputs:")
    check_api(template, report)
    print("alarms:")
    check_alarms(template, report)
    check_transformed(template, report)
    return not report.failed


def run_file(path, quiet=False):
    report = Report(quiet=quiet)
    if quiet:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            check(load_template(path), report)
    else:
        check(load_template(path), report)
    return report


def run_dict(template):
    import contextlib
    import io

    report = Report(quiet=True)
    with contextlib.redirect_stdout(io.StringIO()):
        check(template, report)
    return report


# --------------------------------------------------------------- self-test --


def _statement(t, role, sid):
    for st in t["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]:
        if isinstance(st, dict) and st.get("Sid") == sid:
            return st
    raise KeyError(f"{role} has no statement {sid}")


def _trigger(t):
    return t["Resources"]["DispatchFunction"]["Properties"]["Events"]["TableStream"]["Properties"]


def _drop_statement(t, role, sid):
    statements = t["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    statements.remove(_statement(t, role, sid))


def _old_ssm_policy(t):
    """The policy before per-function secrets, on every role: GetParameter and
    GetParametersByPath on /handoff/<Stage> and everything below it."""
    for role in ("IngestRole", "DispatchRole", "ApiRole"):
        _drop_statement(t, role, "ReadOwnSecrets")
        _statement(t, role, "ReadConfiguration").update(
            Action=["ssm:GetParameter", "ssm:GetParametersByPath"],
            Resource=[{"Fn::Sub": SSM_PREFIX}, {"Fn::Sub": SSM_PREFIX + "/*"}])


def _kms_statement(t, role):
    for st in t["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]:
        if isinstance(st, dict) and "Fn::If" in st:
            return st["Fn::If"][1]
    raise KeyError("no conditional KMS statement")


MUTATIONS = [
    ("wildcard resource on the dead-letter queue",
     lambda t: _statement(t, "DispatchRole", "OnFailureDestination").update(Resource="*")),
    ("wildcard action family", lambda t: _statement(t, "ApiRole", "LeadsTableRead").update(Action=["dynamodb:Get*"])),
    ("action outside the allow-list",
     lambda t: _statement(t, "ApiRole", "LeadsTableRead")["Action"].append("dynamodb:DeleteItem")),
    ("index/* wildcard",
     lambda t: _statement(t, "ApiRole", "LeadsIndexesQuery")["Resource"].append({"Fn::Sub": "${LeadsTable.Arn}/index/*"})),
    ("an index the table does not have",
     lambda t: _statement(t, "ApiRole", "LeadsIndexesQuery")["Resource"].append({"Fn::Sub": "${LeadsTable.Arn}/index/GSI9"})),
    ("a table of another stack",
     lambda t: _statement(t, "ApiRole", "LeadsTableRead").update(Resource=[
         {"Fn::GetAtt": ["LeadsTable", "Arn"]}, "arn:aws:dynamodb:us-east-1:123456789012:table/other"])),
    ("another function's log group",
     lambda t: _statement(t, "ApiRole", "OwnLogs").update(Resource={"Fn::GetAtt": ["IngestLogGroup", "Arn"]})),
    ("SSM beyond the stage",
     lambda t: _statement(t, "IngestRole", "ReadOwnSecrets")["Resource"].append(
         {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/*"})),
    ("the old broad SSM policy: every function reads the whole stage path", _old_ssm_policy,
     "ssm:GetParametersByPath: ssm:GetParametersByPath only on parameter/handoff/${Stage}/secrets/ingest, "
     "parameter/handoff/${Stage}/secrets/ingest/* (the configuration document and this function's own "
     "secrets), not parameter/handoff/${Stage}"),
    ("ingest reads the api function's secrets",
     lambda t: _statement(t, "IngestRole", "ReadOwnSecrets")["Resource"].append(
         {"Fn::Sub": SSM_PREFIX + "/secrets/api/*"}),
     "IngestFunction (IngestRole): ReadOwnSecrets: ssm:GetParametersByPath:"),
    ("GetParametersByPath on /secrets itself (every function's secrets, recursively)",
     lambda t: _statement(t, "ApiRole", "ReadOwnSecrets")["Resource"].append({"Fn::Sub": SSM_PREFIX + "/secrets"}),
     "not parameter/handoff/${Stage}/secrets"),
    ("GetParameter on another function's secret",
     lambda t: _statement(t, "DispatchRole", "ReadConfiguration").update(Resource=[
         {"Fn::Sub": SSM_PREFIX + "/config"}, {"Fn::Sub": SSM_PREFIX + "/secrets/api/HANDOFF_API_TOKEN"}]),
     "not parameter/handoff/${Stage}/secrets/api/HANDOFF_API_TOKEN"),
    ("dispatch granted the ingest path instead of its own",
     lambda t: _statement(t, "DispatchRole", "ReadOwnSecrets").update(Resource=[
         {"Fn::Sub": SSM_PREFIX + "/secrets/ingest"}, {"Fn::Sub": SSM_PREFIX + "/secrets/ingest/*"}]),
     "not parameter/handoff/${Stage}/secrets/ingest"),
    ("a role without its own secrets path (the function could not start)",
     lambda t: _drop_statement(t, "ApiRole", "ReadOwnSecrets"),
     "(missing ['parameter/handoff/${Stage}/secrets/api'])"),
    ("kms:Decrypt without kms:ViaService", lambda t: _kms_statement(t, "IngestRole").pop("Condition")),
    ("NotAction", lambda t: _statement(t, "ApiRole", "OwnLogs").update(NotAction="s3:GetObject")),
    ("managed policy on a role",
     lambda t: t["Resources"]["ApiRole"]["Properties"].update(ManagedPolicyArns=[
         "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"])),
    ("function without its own role (SAM-generated role)",
     lambda t: t["Resources"]["ApiFunction"]["Properties"].pop("Role")),
    ("SAM policy template on a function",
     lambda t: t["Resources"]["ApiFunction"]["Properties"].update(
         Policies=[{"DynamoDBCrudPolicy": {"TableName": {"Ref": "LeadsTable"}}}])),
    ("table DeletionPolicy Delete", lambda t: t["Resources"]["LeadsTable"].update(DeletionPolicy="Delete")),
    ("point-in-time recovery off",
     lambda t: t["Resources"]["LeadsTable"]["Properties"].pop("PointInTimeRecoverySpecification")),
    ("server-side encryption off",
     lambda t: t["Resources"]["LeadsTable"]["Properties"]["SSESpecification"].update(SSEEnabled=False)),
    ("TTL on another attribute",
     lambda t: t["Resources"]["LeadsTable"]["Properties"]["TimeToLiveSpecification"].update(AttributeName="ttl")),
    ("stream KEYS_ONLY",
     lambda t: t["Resources"]["LeadsTable"]["Properties"]["StreamSpecification"].update(StreamViewType="KEYS_ONLY")),
    ("dead-letter queue kept 4 days",
     lambda t: t["Resources"]["DispatchDeadLetterQueue"]["Properties"].update(MessageRetentionPeriod=345600)),
    ("unbounded retries", lambda t: _trigger(t).update(MaximumRetryAttempts=-1)),
    ("unbounded record age", lambda t: _trigger(t).update(MaximumRecordAgeInSeconds=-1)),
    ("no bisect", lambda t: _trigger(t).update(BisectBatchOnFunctionError=False)),
    ("no partial batch failures", lambda t: _trigger(t).pop("FunctionResponseTypes")),
    ("no on-failure destination", lambda t: _trigger(t).pop("DestinationConfig")),
    ("broken filter pattern",
     lambda t: _trigger(t)["FilterCriteria"]["Filters"][0].update(Pattern="{not json")),
    ("no iterator-age alarm", lambda t: t["Resources"].pop("DispatchIteratorAgeAlarm")),
    ("no dead-letter alarm", lambda t: t["Resources"].pop("DeadLettersAlarm"),
     "one alarm on handoff/DeadLetters"),
    ("dead-letter alarm only from the second dead letter",
     lambda t: t["Resources"]["DeadLettersAlarm"]["Properties"].update(Threshold=1,
                                                                       ComparisonOperator="GreaterThanThreshold"),
     "on from the first dead letter"),
    ("dead-letter alarm on a fixed stage name",
     lambda t: t["Resources"]["DeadLettersAlarm"]["Properties"].update(Dimensions=[{"Name": "Stage", "Value": "prod"}]),
     "dimension Stage = the Stage parameter"),
    ("dead-letter alarm raised by a skipped sweep",
     lambda t: t["Resources"]["DeadLettersAlarm"]["Properties"].update(TreatMissingData="breaching"),
     "TreatMissingData breaching"),
    ("functions not told their stage",
     lambda t: t["Globals"]["Function"]["Environment"]["Variables"].pop("HANDOFF_STAGE"),
     "Globals HANDOFF_STAGE"),
    ("dispatch may not count the dead letters",
     lambda t: _drop_statement(t, "DispatchRole", "CountDeadLetters"),
     "may Query index/GSI1"),
    ("architecture default x86_64", lambda t: t["Parameters"]["Architecture"].update(Default="x86_64")),
    ("webhooks share the read routes' throttle",
     lambda t: t["Resources"]["HttpApi"]["Properties"].pop("RouteSettings"),
     "RouteSettings of its own for POST /hooks/{source_id}"),
    ("webhook throttle from the read routes' parameters",
     lambda t: t["Resources"]["HttpApi"]["Properties"]["RouteSettings"]["POST /hooks/{source_id}"].update(
         ThrottlingRateLimit={"Ref": "ThrottlingRateLimit"}),
     "ThrottlingRateLimit from a parameter of its own (ThrottlingRateLimit)"),
    ("route settings under a key no route has",
     lambda t: t["Resources"]["HttpApi"]["Properties"]["RouteSettings"].update(
         {"POST /hooks/{id}": {"ThrottlingRateLimit": 1}}),
     "every RouteSettings key is a route of the API"),
    ("no claim link page on the API",
     lambda t: t["Resources"]["ApiFunction"]["Properties"]["Events"].pop("ClaimPage"),
     "api serves GET /claim/{token}"),
    ("no outcome route",
     lambda t: t["Resources"]["ApiFunction"]["Properties"]["Events"].pop("LeadOutcome"),
     "api serves POST /leads/{lead_id}/outcome"),
    ("no Slack actions route",
     lambda t: t["Resources"]["ApiFunction"]["Properties"]["Events"].pop("SlackActions"),
     "api serves POST /slack/actions"),
    ("ingest reserved concurrency always on",
     lambda t: t["Resources"]["IngestFunction"]["Properties"].update(ReservedConcurrentExecutions=5),
     "ReservedConcurrentExecutions only when its parameter is set"),
]


def self_test(path):
    failures = 0
    print(f"self-test on copies of {path}:")
    base = run_file(path, quiet=True)
    ok = not base.failed
    failures += not ok
    print(f"  {'ok  ' if ok else 'FAIL'}  the template as it is passes ({len(base.passed)} checks)"
          + ("" if ok else f": {base.failed[:3]}"))

    # The case the brief names: a wildcard action injected into the YAML text, fed
    # to the checker as a file (the loader, the tags and the checks all in play).
    text = open(path, encoding="utf-8").read()
    needle = "- dynamodb:DeleteItem"
    assert needle in text, f"self-test needs {needle!r} in {path}"
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as f:
        f.write(text.replace(needle, needle + "\n                  - dynamodb:*", 1))
        injected = f.name
    try:
        r = run_file(injected, quiet=True)
    finally:
        os.unlink(injected)
    caught = any("wildcard action 'dynamodb:*'" in x for x in r.failed)
    failures += not caught
    print(f"  {'ok  ' if caught else 'FAIL'}  wildcard action dynamodb:* injected into IngestRole (file) -> "
          + (r.failed[0] if caught else "NOT caught"))

    template = load_template(path)
    for what, mutate, *expected in MUTATIONS:
        t = copy.deepcopy(template)
        mutate(t)
        r = run_dict(t)
        # A mutation with an expected message must be caught by that very check.
        hits = [x for x in r.failed if not expected or expected[0] in x]
        failures += not hits
        print(f"  {'ok  ' if hits else 'FAIL'}  {what} -> "
              + (hits[0] if hits else f"NOT caught{' as expected' if r.failed else ''}: {r.failed[:2]}"))
    total = 2 + len(MUTATIONS)
    print(f"template_policy self-test: {total - failures} passed, {failures} failed")
    return failures == 0


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(os.path.dirname(here), "template.yaml")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("template", nargs="?", default=default)
    ap.add_argument("--self-test", action="store_true",
                    help="mutate copies of the template and assert every mutation is caught")
    args = ap.parse_args(argv)
    if args.self_test:
        return 0 if self_test(args.template) else 1
    print(f"checking {args.template}")
    report = run_file(args.template)
    print(f"template_policy: {len(report.passed)} passed, {len(report.failed)} failed")
    return 0 if not report.failed else 1


if __name__ == "__main__":
    sys.exit(main())
