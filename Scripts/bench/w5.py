"""W5 and SOAK: Qamtu's HTTP server (OGC API - Features) beside pygeoapi, driven by wrk.

Called by bench.py (`Scripts/bench.sh --only W5`, `--only SOAK`, or both); standard library only.
Both servers serve the same file: the Qamtu database of the bench M sites (25,000) that bench.py
loads. Method and caveats: Scripts/bench/README.md (W5 and SOAK).

W5: for each case and connection count (32 connections on 2 wrk threads, then 1 on 1), a 20 s wrk
run against pygeoapi, then one against Qamtu. Before timing, the answers are checked (the bbox page's
numberMatched against the count in the CSV, page sizes, the single item's id and position).
SOAK: a fresh server, 10 s of warm-up on the mix of the four URLs at 64 connections, its VmRSS, then
60 s at 64 connections and its VmRSS again; no error or non-2xx response may occur and the
resident memory must stay within 10 % of the warm-up's. pygeoapi is soaked too, for reference.
"""
from __future__ import annotations

import csv
import hashlib
import http.client
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WRK_SCRIPT = os.path.join(HERE, "wrk", "rotate.lua")

BBOX = (71.0, 42.5, 72.0, 43.5)
ITEM_ID = "12345"
# (name, path, database-backed): the goals compare the database-backed cases.
CASES = [
    ("bbox page", "/collections/sites/items?bbox=71,42.5,72,43.5&limit=100", True),
    ("limit 1000", "/collections/sites/items?limit=1000", True),
    ("single item", f"/collections/sites/items/{ITEM_ID}", True),
    ("/collections", "/collections", False),
]
CONNECTIONS = [(32, 2), (1, 1)]       # (connections, wrk threads)
GOAL_RATIO = 10.0                     # Qamtu req/s >= 10 x pygeoapi's, each database-backed case
GOAL_P99_MS = 20.0                    # p99 at 32 connections, for these cases:
GOAL_P99_CASES = ("bbox page", "single item")
SOAK_CONNECTIONS, SOAK_THREADS = 64, 2
SOAK_RSS_TOLERANCE = 0.10
# Durations; the environment may shorten them for a quick try of the machinery (never for figures).
SECONDS = float(os.environ.get("BENCH_W5_SECONDS", "20"))
SOAK_SECONDS = float(os.environ.get("BENCH_SOAK_SECONDS", "60"))
SOAK_WARMUP_SECONDS = float(os.environ.get("BENCH_SOAK_WARMUP_SECONDS", "10"))
WARMUP_SECONDS = 3.0
READY_TIMEOUT = 90.0
WRK_TIMEOUT = "10s"                   # a response slower than this counts as a timeout error


def log(message):
    print(message, file=sys.stderr, flush=True)


def load_peer():
    """Scripts/bench/pygeoapi/peer.py, loaded by path (the folder must not shadow the real package)."""
    spec = importlib.util.spec_from_file_location("pygeoapi_peer", os.path.join(HERE, "pygeoapi", "peer.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path, timeout=30.0):
    """(status, content type, body bytes) of one GET on 127.0.0.1 (http.client: no proxy variables)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type", ""), r.read()
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Server processes


class Server:
    """One server in a process group (session) of its own, so that stopping it stops its workers."""

    def __init__(self, name, cmd, port, ready_path, work, env=None, cwd=None):
        self.name, self.cmd, self.port, self.ready_path = name, cmd, port, ready_path
        self.env, self.cwd, self.work = env, cwd, work
        self.log_path = os.path.join(work, f"server-{name.lower()}-{port}.log")
        self.proc = None

    def start(self):
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         env=self.env, cwd=self.cwd, start_new_session=True)
        register_group(self.work, self.proc.pid)
        deadline = time.monotonic() + READY_TIMEOUT
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with status {self.proc.returncode} before it was ready:\n"
                                   + self.log_tail())
            try:
                status, _, _ = http_get(self.port, self.ready_path, timeout=5.0)
                if status == 200:
                    return self
                last = f"HTTP {status}"
            except OSError as e:
                last = str(e)
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer 200 on {self.ready_path} within {READY_TIMEOUT:.0f} s "
                           f"(last: {last}):\n{self.log_tail()}")

    def log_tail(self, n=2000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-n:]
        except OSError:
            return ""

    def pids(self):
        """The server's processes: its process group (the server and the workers it forked)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
                fields = stat[stat.rindex(")") + 2:].split()
                if int(fields[2]) == self.proc.pid:  # pgrp
                    found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
        return sorted(found)

    def rss_kb(self):
        """VmRSS summed over the server's processes (for Qamtu: the one process)."""
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
            except (OSError, ValueError):
                pass
        return total

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.proc.pid, sig)
                except OSError:
                    break
                try:
                    self.proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # Workers that outlived their master (same group): never leave one behind.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        unregister_group(self.work, self.proc.pid)
        self.proc = None


def groups_file(work):
    return os.path.join(work, "server-groups")


def register_group(work, pgid):
    """Scripts/bench.sh kills the process groups listed here on exit: the safety net should this
    process die without its finally blocks (SIGKILL)."""
    with open(groups_file(work), "a") as f:
        f.write(f"{pgid}\n")


def unregister_group(work, pgid):
    try:
        with open(groups_file(work)) as f:
            rest = [line for line in f if line.strip() != str(pgid)]
        with open(groups_file(work), "w") as f:
            f.writelines(rest)
    except OSError:
        pass


def qamtu_server(qamtu, db, work, cache=True):
    """`qamtu serve` without access lines (`--log-level notice`, where the option exists), as pygeoapi
    runs here with logging at ERROR and gunicorn without an access log. `cache=False` turns off its
    response cache (`--response-cache-mb 0`): every request is then queried and formatted anew."""
    port = free_port()
    cmd = [qamtu, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)]
    r = subprocess.run([qamtu, "serve", "--help"], capture_output=True, text=True)
    if "--log-level" in r.stdout + r.stderr:
        cmd += ["--log-level", "notice"]
    if not cache:
        if "--response-cache-mb" not in r.stdout + r.stderr:
            return None
        cmd += ["--response-cache-mb", "0"]
    return Server("Qamtu" if cache else "Qamtu-nocache", cmd, port, "/health", work)


def pygeoapi_server(peer, venv, db, work):
    port = free_port()
    cmd, env, cwd = peer.prepare(venv, work, db, port)
    return Server("pygeoapi", cmd, port, "/collections", work, env=env, cwd=cwd)


# ---------------------------------------------------------------------------------------------
# wrk


def wrk(port, paths, seconds, connections, threads, work, label):
    """Runs wrk against 127.0.0.1:port; returns its figures (see wrk/rotate.lua) plus req/s."""
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", WRK_TIMEOUT,
           "--latency", "-s", WRK_SCRIPT, f"http://127.0.0.1:{port}", "--", *paths]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    register_group(work, proc.pid)
    try:
        out, _ = proc.communicate(timeout=seconds + 60)
    except BaseException:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()
        raise
    finally:
        unregister_group(work, proc.pid)
    text = out.decode("utf-8", "replace")
    with open(os.path.join(work, "wrk.log"), "a") as f:
        f.write(f"== {label}: {' '.join(cmd)}\n{text}\n")
    m = re.search(r"^W5RESULT (\{.*\})\s*$", text, re.M)
    if proc.returncode != 0 or not m:
        raise RuntimeError(f"wrk failed (exit {proc.returncode}) for {label}:\n{text[-1500:]}")
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
    r["socket_errors"] = r["connect"] + r["read"] + r["write"] + r["timeout"]
    r["p50_ms"] = r["latency_us"]["50"] / 1000
    r["p99_ms"] = r["latency_us"]["99"] / 1000
    # wrk's own text, as a cross-check of the script's counters.
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    r["non2xx_text"] = int(m.group(1)) if m else 0
    return r


# ---------------------------------------------------------------------------------------------
# Answer checks (before timing)


def reference(data):
    """From the generated CSV: sites in the bbox (bounds included) and the single item's position."""
    count, item = 0, None
    with open(os.path.join(data, "sites_M.csv"), newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for row in reader:
            lon, lat = float(row["lon"]), float(row["lat"])
            if BBOX[0] <= lon <= BBOX[2] and BBOX[1] <= lat <= BBOX[3]:
                count += 1
            if row["id"] == ITEM_ID:
                item = (lon, lat)
    return {"bbox_count": count, "item": item}


def get_json(server, path):
    status, ctype, body = http_get(server.port, path)
    if status != 200:
        raise ValueError(f"GET {path}: HTTP {status}: {body[:300].decode('utf-8', 'replace')}")
    try:
        return json.loads(body), ctype, len(body)
    except ValueError as e:
        raise ValueError(f"GET {path}: not JSON ({ctype}): {e}") from e


def check_answers(server, ref):
    """Checks one server's answers; returns {ok, text, number_matched, ...}."""
    problems, facts = [], {}
    try:
        doc, ctype, size = get_json(server, CASES[0][1])
        facts["bbox_bytes"], facts["content_type"] = size, ctype
        features = doc.get("features") or []
        matched = doc.get("numberMatched")
        source = "page"
        if matched is None:  # pygeoapi's pages carry none: ask it for the count (resulttype=hits)
            hits, _, _ = get_json(server, CASES[0][1] + "&resulttype=hits")
            matched, source = hits.get("numberMatched"), "resulttype=hits"
        facts["number_matched"], facts["number_matched_source"] = matched, source
        if matched != ref["bbox_count"]:
            problems.append(f"bbox numberMatched {matched} != {ref['bbox_count']} in the CSV")
        if len(features) != min(100, ref["bbox_count"]):
            problems.append(f"bbox page has {len(features)} features, expected {min(100, ref['bbox_count'])}")
        for feat in features:
            lon, lat = feat["geometry"]["coordinates"][:2]
            if not (BBOX[0] <= lon <= BBOX[2] and BBOX[1] <= lat <= BBOX[3]):
                problems.append(f"bbox page: feature {feat.get('id')} at {lon},{lat} is outside the box")
                break
        doc, _, size = get_json(server, CASES[1][1])
        facts["limit1000_bytes"] = size
        if len(doc.get("features") or []) != 1000:
            problems.append(f"limit=1000 page has {len(doc.get('features') or [])} features")
        doc, _, size = get_json(server, CASES[2][1])
        facts["item_bytes"] = size
        if str(doc.get("id")) != ITEM_ID:
            problems.append(f"item {ITEM_ID}: id {doc.get('id')!r}")
        lon, lat = doc["geometry"]["coordinates"][:2]
        if ref["item"] is None or abs(lon - ref["item"][0]) > 1e-6 or abs(lat - ref["item"][1]) > 1e-6:
            problems.append(f"item {ITEM_ID} at {lon},{lat}, the CSV has {ref['item']}")
        doc, _, size = get_json(server, CASES[3][1])
        facts["collections_bytes"] = size
        if "sites" not in [c.get("id") for c in doc.get("collections") or []]:
            problems.append("/collections does not list 'sites'")
    except (ValueError, KeyError, TypeError, IndexError, OSError) as e:
        problems.append(str(e))
    facts["ok"] = not problems
    facts["text"] = "; ".join(problems) if problems else "ok"
    return facts


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# The workloads


def run(selected, qamtu, serve_ok, serve_reason, db, data, work):
    """Runs W5 and/or SOAK (selected: a list of "W5", "SOAK"); returns the results for the table and JSON."""
    peer = load_peer()
    venv, peer_version = peer.ensure_venv(log)
    log(f"  peer: {peer_version}")
    result = {"peer": peer_version, "qamtu_serve": serve_ok, "qamtu_note": "" if serve_ok else serve_reason,
              "database": db, "database_sha256_before": sha256_file(db), "loadavg_before": os.getloadavg()}
    if not serve_ok:
        log(f"  Qamtu: {serve_reason} - W5 and SOAK run pygeoapi only")
    ref = reference(data)
    result["reference"] = {"bbox_count": ref["bbox_count"], "item": ITEM_ID}
    try:
        if "W5" in selected:
            result["w5"] = run_w5(qamtu, serve_ok, peer, venv, db, work, ref)
        if "SOAK" in selected:
            result["soak"] = run_soak(qamtu, serve_ok, peer, venv, db, work)
    finally:
        result["database_sha256_after"] = sha256_file(db)
        result["database_unchanged"] = result["database_sha256_after"] == result["database_sha256_before"]
        result["loadavg_after"] = os.getloadavg()
    return result


def start_servers(qamtu, serve_ok, peer, venv, db, work, started):
    servers = {"pygeoapi": pygeoapi_server(peer, venv, db, work)}
    if serve_ok:
        servers["Qamtu"] = qamtu_server(qamtu, db, work)
        uncached = qamtu_server(qamtu, db, work, cache=False)
        if uncached is not None:
            servers["Qamtu-nocache"] = uncached
    for name, server in servers.items():
        started.append(server)
        log(f"  starting {name} on 127.0.0.1:{server.port} ...")
        t0 = time.monotonic()
        server.start()
        log(f"  {name} ready in {time.monotonic() - t0:.1f} s (pid {server.proc.pid}, {len(server.pids())} process(es))")
    return servers


def run_w5(qamtu, serve_ok, peer, venv, db, work, ref):
    started = []
    out = {"seconds": SECONDS, "connections": [c for c, _ in CONNECTIONS], "rows": [], "checks": {}}
    try:
        servers = start_servers(qamtu, serve_ok, peer, venv, db, work, started)
        for name, server in servers.items():
            c = check_answers(server, ref)
            out["checks"][name] = c
            log(f"  {name}: bbox page numberMatched {c.get('number_matched')} ({c.get('number_matched_source')}), "
                f"CSV {ref['bbox_count']}; answers {c['text']}")
        for name, server in servers.items():  # untimed: the workers' first requests, the file's pages
            wrk(server.port, [p for _, p, _ in CASES], WARMUP_SECONDS, 32, 2, work, f"warm-up {name}")
        for case, path, db_backed in CASES:
            for connections, threads in CONNECTIONS:
                row = {"case": case, "path": path, "connections": connections, "database_backed": db_backed}
                for name, server in servers.items():
                    r = wrk(server.port, [path], SECONDS, connections, threads, work, f"{case} c{connections} {name}")
                    row[name] = r
                    log(f"  W5 {case:<13} c={connections:<3} {name:<9} {r['rps']:9.1f} req/s  p50 {r['p50_ms']:8.2f} ms"
                        f"  p99 {r['p99_ms']:8.2f} ms  errors {r['socket_errors']}  non-2xx {r['status']}")
                evaluate_w5_row(row)
                out["rows"].append(row)
    finally:
        for server in started:
            server.stop()
    return out


def evaluate_w5_row(row):
    q, p = row.get("Qamtu"), row.get("pygeoapi")
    row["ratio"] = (q["rps"] / p["rps"]) if q and p and p["rps"] else None
    u = row.get("Qamtu-nocache")
    row["ratio_nocache"] = (u["rps"] / p["rps"]) if u and p and p["rps"] else None
    goals = []
    if row["database_backed"]:
        goals.append(("ratio", row["ratio"] is not None and row["ratio"] >= GOAL_RATIO))
        if row["connections"] == 32 and row["case"] in GOAL_P99_CASES:
            goals.append(("p99", q is not None and q["p99_ms"] <= GOAL_P99_MS))
    for name in ("pygeoapi", "Qamtu", "Qamtu-nocache"):
        r = row.get(name)
        if r and (r["status"] or r["socket_errors"]):
            goals.append((f"{name} errors", False))
    row["goals"] = goals


def run_soak(qamtu, serve_ok, peer, venv, db, work):
    paths = [p for _, p, _ in CASES]
    out = {"seconds": SOAK_SECONDS, "warmup_seconds": SOAK_WARMUP_SECONDS, "connections": SOAK_CONNECTIONS,
           "paths": paths, "rows": []}
    order = (["Qamtu"] if serve_ok else []) + ["pygeoapi"]
    for name in order:
        started = []
        try:
            server = (qamtu_server(qamtu, db, work) if name == "Qamtu" else pygeoapi_server(peer, venv, db, work))
            started.append(server)
            log(f"  SOAK {name}: starting on 127.0.0.1:{server.port} ...")
            server.start()
            warm = wrk(server.port, paths, SOAK_WARMUP_SECONDS, SOAK_CONNECTIONS, SOAK_THREADS, work,
                       f"soak warm-up {name}")
            rss_warm = server.rss_kb()
            log(f"  SOAK {name}: warm-up {warm['rps']:.1f} req/s, VmRSS {rss_warm / 1024:.1f} MB; "
                f"{SOAK_SECONDS:g} s at {SOAK_CONNECTIONS} connections ...")
            r = wrk(server.port, paths, SOAK_SECONDS, SOAK_CONNECTIONS, SOAK_THREADS, work, f"soak {name}")
            rss_after = server.rss_kb()
            alive = server.proc is not None and server.proc.poll() is None
            growth = (rss_after - rss_warm) / rss_warm if rss_warm else None
            row = {"server": name, "warmup": warm, "run": r, "rss_warm_kb": rss_warm, "rss_after_kb": rss_after,
                   "rss_change": growth, "alive": alive, "processes": len(server.pids()),
                   "reference_only": name != "Qamtu"}
            row["ok_errors"] = r["status"] == 0 and r["socket_errors"] == 0 and r["non2xx_text"] == 0
            row["ok_rss"] = growth is not None and abs(growth) <= SOAK_RSS_TOLERANCE
            row["ok"] = row["ok_errors"] and row["ok_rss"] and alive
            log(f"  SOAK {name}: {r['requests']} requests, {r['rps']:.1f} req/s, p99 {r['p99_ms']:.2f} ms, "
                f"non-2xx {r['status']}, socket errors {r['socket_errors']}, VmRSS {rss_warm / 1024:.1f} -> "
                f"{rss_after / 1024:.1f} MB ({(growth or 0) * 100:+.1f} %)")
            out["rows"].append(row)
        finally:
            for s in started:
                s.stop()
    return out


# ---------------------------------------------------------------------------------------------
# Output


def print_tables(result, file=sys.stdout):
    w = file.write
    w(f"\nServer workloads (OGC API - Features over the M sites, 25,000; one SpatiaLite file for both)\n")
    w(f"peer: {result['peer']}\n")
    if not result["qamtu_serve"]:
        w(f"Qamtu: {result['qamtu_note']} - pygeoapi only, no Qamtu figure\n")
    w(f"database: {result['database']} "
      f"({'unchanged by the run' if result.get('database_unchanged') else 'CHANGED during the run'}, sha256)\n")
    before, after = result["loadavg_before"], result.get("loadavg_after", (0, 0, 0))
    w(f"load average (1 min) before {before[0]:.2f}, after {after[0]:.2f} (anything else running skews the figures)\n")
    if "w5" in result:
        w5 = result["w5"]
        w(f"\nW5: wrk {w5['seconds']:g} s per run, --timeout {WRK_TIMEOUT}; 32 connections on 2 threads, 1 on 1; "
          f"latency ms\n")
        for name, c in w5["checks"].items():
            w(f"  {name}: bbox page numberMatched {c.get('number_matched')} ({c.get('number_matched_source')}; "
              f"CSV {result['reference']['bbox_count']}); answers {c['text']}\n")
        head = (f"{'case':<14}{'conn':>5}  {'pygeoapi req/s':>14}{'p50':>9}{'p99':>9}  {'Qamtu req/s':>12}{'p50':>8}"
                f"{'p99':>8}{'ratio':>9}  {'no cache req/s':>14}{'p99':>8}{'ratio':>8}  goals\n")
        w("\n" + head + "-" * (len(head) + 30) + "\n")
        for row in w5["rows"]:
            p, q = row.get("pygeoapi"), row.get("Qamtu")
            ps = f"{p['rps']:>14.1f}{p['p50_ms']:>9.1f}{p['p99_ms']:>9.1f}" if p else f"{'-':>14}{'':>18}"
            qs = f"{q['rps']:>12.1f}{q['p50_ms']:>8.2f}{q['p99_ms']:>8.2f}" if q else f"{'-':>12}{'':>16}"
            ratio = f"{row['ratio']:>8.1f}x" if row.get("ratio") else f"{'-':>9}"
            u = row.get("Qamtu-nocache")
            us = (f"{u['rps']:>14.1f}{u['p99_ms']:>8.2f}" + (f"{row['ratio_nocache']:>7.1f}x" if row.get("ratio_nocache") else f"{'-':>8}")
                  if u else f"{'-':>14}{'':>16}")
            goals = []
            for goal, ok in row["goals"]:
                if goal == "ratio":
                    goals.append(f">= {GOAL_RATIO:g}x {'ok' if ok else ('MISSED' if q else 'n/a')}")
                elif goal == "p99":
                    goals.append(f"p99 <= {GOAL_P99_MS:g} ms {'ok' if ok else ('MISSED' if q else 'n/a')}")
                else:
                    r = row.get(goal.split()[0])
                    goals.append(f"{goal.split()[0]}: non-2xx {r['status']}, socket errors {r['socket_errors']}")
            if not row["database_backed"]:
                goals.append("(no goal: not database-backed)")
            w(f"{row['case']:<14}{row['connections']:>5}  {ps}  {qs}{ratio}  {us}  {'; '.join(goals)}\n")
        w("\nQamtu runs as deployed (its response cache answers a repeated request about unchanged data from memory);\n"
          "'no cache' is the same build with --response-cache-mb 0, where every request is queried and formatted.\n")
        w(f"\nratio = Qamtu req/s / pygeoapi req/s. Goals: >= {GOAL_RATIO:g}x in each database-backed case; "
          f"p99 <= {GOAL_P99_MS:g} ms at 32 connections for the bbox page and the single item.\n")
    if "soak" in result:
        s = result["soak"]
        w(f"\nSOAK: {s['warmup_seconds']:g} s warm-up, then wrk {s['seconds']:g} s at {s['connections']} connections "
          f"rotating through the four W5 URLs; VmRSS of the server's processes after each\n")
        head = (f"{'server':<10}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'sock err':>9}"
                f"{'RSS warm MB':>13}{'RSS after MB':>14}{'change':>9}  verdict\n")
        w(head + "-" * (len(head) + 20) + "\n")
        for row in s["rows"]:
            r = row["run"]
            change = f"{row['rss_change'] * 100:+.1f} %" if row["rss_change"] is not None else "-"
            if row["reference_only"]:
                verdict = f"reference ({row['processes']} processes)"
            else:
                parts = ["0 errors ok" if row["ok_errors"] else "ERRORS"]
                parts.append(f"RSS within {SOAK_RSS_TOLERANCE * 100:g} % ok" if row["ok_rss"]
                             else f"RSS outside {SOAK_RSS_TOLERANCE * 100:g} %: MISSED")
                if not row["alive"]:
                    parts.append("server DIED")
                verdict = "; ".join(parts)
            w(f"{row['server']:<10}{r['requests']:>10}{r['rps']:>10.1f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
              f"{r['status']:>9}{r['socket_errors']:>9}{row['rss_warm_kb'] / 1024:>13.1f}{row['rss_after_kb'] / 1024:>14.1f}"
              f"{change:>9}  {verdict}\n")
        if not any(not row["reference_only"] for row in s["rows"]):
            w("Qamtu: no soak (its server is not available)\n")
