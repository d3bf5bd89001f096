"""schemathesis over /api: no server error, no response that violates the schema.

Runs `schemathesis run http://127.0.0.1:PORT/api` on the demo server with the checks listed in CHECKS
(the ones that apply to a read-only API without authentication; see the README), a bounded number of
examples per operation and a fixed seed (QAMTU_SCHEMATHESIS_SEED overrides it), and reports every
failure with its request and response. A failure is a server bug or a wrong /api: it is listed, never
hidden by an option. One kind alone is reported as a finding instead of failing: a schema-valid request
refused only for bbox's latitude rules (|lat| <= 90, minLat <= maxLat), which OpenAPI 3.0 cannot state
(an array schema has one item schema for all four numbers).
"""
from __future__ import annotations

import os
import re
import subprocess
import time

from common import Context

# not_a_server_error: no 5xx; status_code_conformance: only statuses /api documents; content_type_conformance:
# the Content-Type is one /api documents for that status; response_headers_conformance: documented headers;
# response_schema_conformance: the body validates against the documented schema; negative_data_rejection:
# requests that violate the schema (a bad limit, an unknown enumeration value) are refused with a 4xx;
# positive_data_acceptance: requests that the schema allows are answered 2xx; unsupported_method: a method /api
# does not document answers 405; allow_header_conformance: a 405 names the allowed methods in Allow.
# (missing_required_header, ignored_auth, object_level_authorization, use_after_free and
# ensure_resource_availability concern authentication or resources created by the API: nothing here.)
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
          "positive_data_acceptance", "unsupported_method", "allow_header_conformance"]
MAX_EXAMPLES = int(os.environ.get("QAMTU_SCHEMATHESIS_EXAMPLES", "50"))
SEED = int(os.environ.get("QAMTU_SCHEMATHESIS_SEED", "20251207"))
MAX_TIME = 120  # seconds; the phases stop there


def run(ctx: Context) -> None:
    report = os.path.join(ctx.work, "schemathesis")
    os.makedirs(report, exist_ok=True)
    junit = os.path.join(report, "junit.xml")
    cmd = [os.path.join(ctx.venv_bin, "schemathesis"), "run", f"{ctx.demo.base}/api",
           "--checks", ",".join(CHECKS), "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
           "--workers", "2", "--max-time", str(MAX_TIME), "--request-timeout", "20",
           "--phases", "examples,coverage,fuzzing", "--no-color", "--generation-database", "none",
           "--report", "junit", "--report-junit-path", junit]
    env = dict(os.environ, NO_COLOR="1", COLUMNS="160")
    since = ctx.demo.log_size()
    t = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=report, timeout=MAX_TIME + 120)
    elapsed = time.monotonic() - t
    output = r.stdout + r.stderr
    with open(os.path.join(report, "output.txt"), "w") as f:
        f.write(output)
    requests = len(ctx.demo.access_lines(since))
    ctx.measures["schemathesis checks"] = ", ".join(CHECKS)
    ctx.measures["schemathesis"] = f"{requests} requests in {elapsed:.0f} s, exit {r.returncode}, " \
                                   f"--max-examples {MAX_EXAMPLES} --seed {SEED}"
    summary = [line for line in output.splitlines() if any(w in line for w in ("passed", "failed", "error", "Checks", "operations", "Test cases", "Seed"))]
    print("    " + "\n    ".join(summary[-14:]))
    failures = parse_failures(output)
    gating = [f for f in failures if not inexpressible(f)]
    for f in failures:
        if inexpressible(f):
            ctx.finding(f"schemathesis {f['checks']} (a rule OpenAPI 3.0 cannot state): "
                        f"{f['operation']}: {f['curl']} -> {f['status']} {f['body']}")
    if r.returncode == 0 or (failures and not gating and "ERRORS" not in output):
        ctx.passed(f"no server error and no schema violation in {requests} requests ({', '.join(CHECKS)})")
    elif gating:
        ctx.failed(f"schemathesis found {len(gating)} failing cases (server bugs or a wrong /api):\n    "
                   + "\n    ".join(f"{f['checks']} {f['operation']}: {f['curl']}\n      -> {f['status']} {f['body']}"
                                   for f in gating))
    else:
        ctx.failed(f"schemathesis exit {r.returncode} without failing cases it could be parsed for:\n{output[-4000:]}")


def parse_failures(output: str) -> list[dict]:
    """The failing cases of schemathesis's FAILURES section: operation, check codes and titles, the response
    (status, body) and the curl command that reproduces it."""
    if "FAILURES" not in output:
        return []
    section = output[output.index("FAILURES"):]
    section = section[:section.index("SUMMARY")] if "SUMMARY" in section else section
    failures, operation, case, expect_body = [], "", None, False
    for line in section.splitlines():
        text = line.strip()
        header = re.match(r"^_{3,} (.+?) _{3,}$", text)
        if header:
            operation = header.group(1)
            continue
        if re.match(r"^\d+\. Test Case ID: ", text):
            case = {"operation": operation, "checks": "", "status": "", "body": "", "curl": ""}
            failures.append(case)
            continue
        if case is None:
            continue
        check = re.match(r"^- (ST\d+|[A-Za-z_]+) (.+)$", text)
        # Lines naming operations ("- GET /roads/{road}/plan", links between operations) are no checks.
        if check and check.group(1) in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            check = None
        if check:
            case["checks"] = (case["checks"] + "; " if case["checks"] else "") + f"{check.group(1)} {check.group(2)}"
        elif re.match(r"^\[\d{3}\] ", text):
            case["status"] = text.rstrip(":")
            expect_body = True
        elif expect_body and text:
            case["body"] = text.strip("`")[:300]
            expect_body = False
        elif text.startswith("curl "):
            case["curl"] = text
    return failures


def inexpressible(failure: dict) -> bool:
    """A schema-valid request refused (ST202, positive data acceptance) only for a rule OpenAPI 3.0 cannot state:
    bbox's latitudes (|latitude| <= 90, minLat <= maxLat: no per-position item schemas), the CQL2 grammar of
    `filter`, `near`'s ranges, the bounds of distances (`within`, `range`, `planned-range`: a pattern
    cannot say "more than 2 mm, at most 100 km"), `datetime`'s RFC 3339 syntax, and which names
    `properties` and `sortby` take on the generic items path. Such refusals are printed as findings; every
    other failure counts."""
    if not failure["checks"].startswith("ST202") or ";" in failure["checks"]:
        return False
    body = failure["body"]
    if "parameter 'bbox'" in body and ("latitude" in body or "minLat" in body):
        return True
    return any(f"parameter '{name}'" in body
               for name in ("filter", "near", "within", "range", "planned-range", "datetime", "properties", "sortby"))
