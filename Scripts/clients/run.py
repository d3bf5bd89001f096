#!/usr/bin/env python3
"""Runs the real-client checks of `qamtu serve` (issue 15, "Real clients"); started by
Scripts/test-clients.sh, which prepares the Python environment and the benchmark data.

Two databases, each served by its own `qamtu serve` on a free port:
  demo   GeoData/ (every layer; the data of OWSLib, schemathesis, the bad requests and ogrinfo)
  bench  the bench M sites (25,000; ../shared/bench/gen_data.py), for ogr2ogr over OAPIF

Usage: run.py --qamtu BIN --work DIR --pid-file FILE [--bench-data DIR | --bench-missing WHY]
              [--only gdal,owslib,schemathesis,bad_requests]
Prints one line per check and closes with 'clients: N passed, N failed, N skipped'; exits 1 when
a check failed.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import Context, Server, log  # noqa: E402
import bad_requests  # noqa: E402
import gdal_oapif  # noqa: E402
import owslib_features  # noqa: E402
import schemathesis_api  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = {"gdal": gdal_oapif, "owslib": owslib_features, "schemathesis": schemathesis_api,
           "bad_requests": bad_requests}


def qamtu(binary: str, *args: str) -> None:
    import subprocess
    r = subprocess.run([binary, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"qamtu {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")


def load_demo(binary: str, db: str) -> None:
    """The demo database, as Scripts/demo.sh loads it."""
    qamtu(binary, "init", "--db", db)
    for layer in ("districts", "settlements", "roads", "sites", "institutions"):
        qamtu(binary, "import", layer, os.path.join(REPO, "GeoData", f"{layer}.geojson"), "--db", db)
    qamtu(binary, "import", "commitments", os.path.join(REPO, "GeoData", "commitments.csv"), "--db", db)


def load_bench(binary: str, db: str, data: str) -> None:
    """The bench M sites, as Scripts/bench/bench.py loads them."""
    qamtu(binary, "init", "--db", db)
    qamtu(binary, "import", "sites", os.path.join(data, "sites_M.csv"), "--map", "tech=technologies",
          "--map", "radius_m=range_m", "--set", "kind=base_station", "--set", "status=operational", "--db", db)


def stop_on_term(signum, frame) -> None:
    """SIGTERM as Ctrl-C: the finally blocks stop the servers, and subprocess.run kills a running tool."""
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_term)
    p = argparse.ArgumentParser()
    p.add_argument("--qamtu", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--pid-file", required=True)
    p.add_argument("--venv-bin", default=os.path.dirname(sys.executable))
    p.add_argument("--bench-data")
    p.add_argument("--bench-missing")
    p.add_argument("--only", default=",".join(MODULES))
    a = p.parse_args()
    started = time.monotonic()

    # Both databases load at once (two cores; each import is one process).
    demo_db = os.path.join(a.work, "demo.sqlite")
    bench_db, bench_missing = None, a.bench_missing
    if a.bench_data:
        bench_db = os.path.join(a.work, "bench_M.sqlite")
    elif not bench_missing:
        bench_missing = "no bench data given"
    t = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        loads = [pool.submit(load_demo, a.qamtu, demo_db)]
        if bench_db:
            loads.append(pool.submit(load_bench, a.qamtu, bench_db, a.bench_data))
        for load in loads:
            load.result()
    log(f"demo database (GeoData/){' and bench M database (25,000 sites)' if bench_db else ''} loaded in "
        f"{time.monotonic() - t:.1f} s")

    demo = Server(a.qamtu, demo_db, os.path.join(a.work, "serve-demo.log"), a.pid_file, "demo")
    bench = Server(a.qamtu, bench_db, os.path.join(a.work, "serve-bench.log"), a.pid_file, "bench M") if bench_db else None
    ctx = Context(qamtu=a.qamtu, work=a.work, demo=demo, demo_db=demo_db, bench=bench, bench_db=bench_db,
                  bench_missing=bench_missing, venv_bin=a.venv_bin)
    try:
        demo.start()
        if bench:
            bench.start()
        for name in a.only.split(","):
            module = MODULES[name]
            ctx.check = name
            t = time.monotonic()
            log(f"\n== {name}: {module.__doc__.strip().splitlines()[0]}")
            try:
                module.run(ctx)
            except Exception as e:  # a check that crashed is a failed check, and the others still run
                import traceback
                traceback.print_exc()
                ctx.failed(f"the check stopped with {type(e).__name__}: {e}")
            ctx.measures[f"{name} seconds"] = round(time.monotonic() - t, 1)
            log(f"   ({name}: {time.monotonic() - t:.1f} s)")
            for server in (demo, bench):
                if server and not server.alive():
                    code = server.process.returncode
                    how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
                    ctx.failed(f"server {server.name} is not running any more ({how}):\n{server.log_tail()}")
                    server.start()
        # No 5xx in any access line of either server, over the whole run.
        ctx.check = "server logs"
        for server in (demo, bench):
            if server:
                lines = server.access_lines()
                fives = [line for line in lines if line.split()[2].startswith("5")]
                ctx.expect(not fives, f"{server.name}: {len(lines)} access lines, {len(fives)} with a 5xx status"
                           + ("" if not fives else ": " + "; ".join(fives[:10])))
    finally:
        for server in (demo, bench):
            if server:
                server.stop()

    log("\n== summary")
    for key, value in ctx.measures.items():
        log(f"  {key}: {value}")
    counts = {k: sum(1 for r in ctx.results if r[1] == k) for k in ("passed", "failed", "skipped", "finding")}
    for check, outcome, message in ctx.results:
        if outcome != "passed":
            log(f"  {outcome.upper()} {check}: {message.splitlines()[0]}")
    since_setup = time.time() - float(os.environ.get("QAMTU_CLIENTS_START", time.time()))
    log(f"  client stage: {time.monotonic() - started:.0f} s for loading, servers and checks"
        + (f"; {since_setup:.0f} s with the set-up (venv, bench data)" if since_setup > 1 else ""))
    log(f"  findings (known server issues that do not fail the stage): {counts['finding']}")
    log(f"clients: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
