"""schemathesis over /api: no server error, no response that violates the schema.

Runs `schemathesis run http://127.0.0.1:PORT/api` on the demo server with the checks listed in CHECKS
(the ones that apply to a read-only API without authentication; see the README), a bounded number of
examples per operation and a fixed seed (QAMTU_SCHEMATHESIS_SEED overrides it), and reports every
failure with its request and response. A failure is a server bug or a wrong /api: it is listed, never
hidden by an option.
"""
from __future__ import annotations

import json
import os
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
    if r.returncode == 0:
        ctx.passed(f"no server error and no schema violation in {requests} requests ({', '.join(CHECKS)})")
    else:
        # The full output holds every failing case with its request (a curl line) and response.
        failures = output[output.find("FAILURES"):] if "FAILURES" in output else output[-6000:]
        ctx.failed(f"schemathesis exit {r.returncode}; failing cases (request and response):\n" + failures[:12000])
