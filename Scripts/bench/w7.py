"""W7: load times. Each layer of the bench data on its own, from its CSV file into a fresh, query-ready
database: Qamtu (`qamtu init` + `qamtu import`) beside SpatiaLite (sqlite3 `.import` + mod_spatialite)
and PostGIS (`COPY` + GiST).

Called by bench.py (`Scripts/bench.sh --scale L --only W7`); standard library only. Method and caveats:
Scripts/bench/README.md (W7).

For each scale of --scale and each layer (sites, then settlements), every tool loads the layer --runs
times, interleaved (Qamtu 1, SpatiaLite 1, PostGIS 1, Qamtu 2, ...), each run into a new file (Qamtu,
SpatiaLite) or a new database (PostGIS: CREATE DATABASE and DROP DATABASE untimed), which is removed
after the run. Before every timed process, untimed: the CSV file and the tool's program files are read
into the page cache and `sync` flushes what earlier runs wrote (the suite's Runner does both).

- Qamtu: `qamtu init --db F`, then `qamtu import LAYER FILE [--map ... --set ...] --db F`: two processes,
  both timed; the import builds the layer's spatial index (and, for the sites, the site pack) itself.
  Peak RSS is the import's.
- SpatiaLite: `sqlite3 F < spatialite/w7-LAYER.sql`: InitSpatialMetadata(1), the table, `.import --csv
  --skip 1`, AddGeometryColumn, UPDATE ... MakePoint, CreateSpatialIndex, ANALYZE (load.sql's steps).
- PostGIS: `psql -f postgis/w7-LAYER.sql`: CREATE EXTENSION postgis, the table of load.sql (geometry and
  geography generated columns, primary key), `\\copy`, the GiST index on geography, ANALYZE of the
  table. Peak RSS is psql's plus the server backend's VmHWM.

After each run, untimed, the loaded rows are counted (rows, geometries, spatial index entries; Qamtu: also
`qamtu info`, and the site pack must be current) against the CSV's row count: any difference fails W7.
The goals (at L) are reported as met or missed, as W5's and W6's are; a missed goal does not fail the run.
"""
from __future__ import annotations

import glob
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

LAYERS = ("sites", "settlements")
ROWS = {"sites": {"S": 600, "M": 25_000, "L": 1_000_000},          # ../shared/bench/README.md
        "settlements": {"S": 372, "M": 7_000, "L": 100_000}}
QAMTU_IMPORT_OPTIONS = {
    "sites": ["--map", "tech=technologies", "--map", "radius_m=range_m", "--set", "kind=base_station",
              "--set", "status=operational"],
    "settlements": [],
}
PG_DATABASE = "bench_w7"
# Goals (issue of W7), judged at L.
GOAL_SCALE = "L"
GOAL_VS_POSTGIS = 2.0      # sites: PostGIS time / Qamtu time
GOAL_VS_SPATIALITE = 4.0   # sites: SpatiaLite time / Qamtu time
GOAL_RSS_MB = 250.0        # sites: the import's peak RSS
TOOLS = ("Qamtu", "SpatiaLite", "PostGIS")
# Issue 19: Qamtu's PostGIS store, loaded like PostGIS's own into a fresh database of the same cluster;
# its sites at L must load at least as fast as PostGIS's own COPY + GiST index.
POSTGIS_STORE = "Qamtu (PostGIS)"
PG_STORE_DATABASE = "w7_qamtu_store"
GOAL_STORE_VS_POSTGIS = 1.0  # sites: Qamtu PostGIS store time / PostGIS time


def log(message):
    print(message, file=sys.stderr, flush=True)


def csv_path(data, layer, scale):
    return os.path.join(data, f"{layer}_{scale}.csv")


def remove_db(path):
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def mod_spatialite():
    """The mod_spatialite module the sqlite3 CLI loads (`.load mod_spatialite`), for the page cache."""
    for pattern in ("/usr/lib/*/mod_spatialite.so", "/usr/lib/mod_spatialite.so", "/usr/local/lib/mod_spatialite.so"):
        found = sorted(glob.glob(pattern))
        if found:
            return os.path.realpath(found[0])
    return None


def postgis_extension_files():
    """The files CREATE EXTENSION postgis reads: the control file and the install scripts (not the upgrade
    scripts); the server's libraries are in bench.py's PostGIS list."""
    folder = "/usr/share/postgresql/15/extension"
    return sorted(p for p in glob.glob(os.path.join(folder, "postgis*"))
                  if re.fullmatch(r"postgis(\.control|--\d+\.\d+\.\d+\.sql)", os.path.basename(p)))


def marks(path):
    """The `w7mark|step|epoch` lines a peer's script printed: [(step, seconds since the epoch)]."""
    out = []
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.strip().split("|")
                if len(parts) == 3 and parts[0] == "w7mark":
                    try:
                        out.append((parts[1], float(parts[2])))
                    except ValueError:
                        pass
    except OSError:
        pass
    return out


def parts_from_marks(wall, m):
    """{step: seconds} between consecutive marks; `start/exit`: the rest of the wall time (process start,
    loading the extension or connecting, exit)."""
    parts = {}
    for (_, t0), (step, t1) in zip(m, m[1:]):
        parts[step] = max(0.0, t1 - t0)
    if len(m) >= 2:
        parts["start/exit"] = max(0.0, wall - (m[-1][1] - m[0][1]))
    return parts


def first_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


# ---------------------------------------------------------------------------------------------
# The row counts after a load (untimed)


def count_check(expected, counts):
    """counts: {what: n}; ok when every figure equals the expected rows."""
    bad = {k: v for k, v in counts.items() if v != expected}
    if not counts:
        return {"ok": False, "text": "no counts", "counts": counts}
    if bad:
        text = "MISMATCH: " + ", ".join(f"{k} {v if v is not None else '?'}" for k, v in counts.items()) + \
               f" (expected {expected:,})"
        return {"ok": False, "text": text, "counts": counts}
    return {"ok": True, "text": f"{expected:,} rows = CSV (" + ", ".join(counts) + ")", "counts": counts}


def sqlite_counts(runner, db, layer):
    """Rows, geometries and R*Tree entries of a layer in a SQLite file (Qamtu's or SpatiaLite's)."""
    r = runner.run(["sqlite3", "-readonly", db,
                    f'SELECT count(*), count(geom) FROM "{layer}"; SELECT count(*) FROM "idx_{layer}_geom";'])
    nums = re.findall(r"\d+", r["stdout"]) if r["rc"] == 0 else []
    if len(nums) != 3:
        return {"rows": None, "geometries": None, "index entries": None}, (r["stdout"] + r["stderr"]).strip()[-300:]
    return {"rows": int(nums[0]), "geometries": int(nums[1]), "index entries": int(nums[2])}, ""


# ---------------------------------------------------------------------------------------------
# One run of each tool


class Context:
    def __init__(self, runner, pg, data, work, programs, timeout):
        self.runner, self.pg, self.data, self.work = runner, pg, data, work
        self.programs, self.timeout = programs, timeout


def run_qamtu(ctx, qamtu, programs, layer, scale):
    db = os.path.join(ctx.work, f"w7_qamtu_{layer}_{scale}.sqlite")
    source = csv_path(ctx.data, layer, scale)
    remove_db(db)
    res = {"ok": False, "wall": None, "parts": {}, "rss_kb": 0}
    try:
        init = ctx.runner.run([qamtu, "init", "--db", db], measure=True, warm=programs, timeout=ctx.timeout)
        if init["rc"] != 0:
            res["error"] = f"qamtu init failed (exit {init['rc']}): {(init['stdout'] + init['stderr']).strip()[-600:]}"
            return res
        cmd = [qamtu, "import", layer, source, *QAMTU_IMPORT_OPTIONS[layer], "--db", db]
        imp = ctx.runner.run(cmd, measure=True, warm=[source, db] + programs, timeout=ctx.timeout)
        if imp["rc"] != 0:
            res["error"] = f"qamtu import failed (exit {imp['rc']}): {(imp['stdout'] + imp['stderr']).strip()[-600:]}"
            return res
        res.update(ok=True, wall=init["wall"] + imp["wall"], parts={"init": init["wall"], "import": imp["wall"]},
                   rss_kb=imp["maxrss_kb"], init_rss_kb=init["maxrss_kb"],
                   output=first_line(imp["stdout"] + "\n" + imp["stderr"]), bytes=os.path.getsize(db))
        # Untimed: the counts, from the tool itself and from the file.
        expected = ROWS[layer][scale]
        counts, error = sqlite_counts(ctx.runner, db, layer)
        info = ctx.runner.run([qamtu, "info", "--db", db])
        m = re.search(rf"^\s*{layer}\s+([\d,]+)\s", info["stdout"], re.M)
        counts = {"qamtu info": int(m.group(1).replace(",", "")) if m else None, **counts}
        res["check"] = count_check(expected, counts)
        if error:
            res["check"]["text"] += f"; sqlite3: {error}"
        if layer == "sites" and "site pack: current" not in info["stdout"]:
            res["check"]["ok"] = False
            res["check"]["text"] += "; site pack NOT current (qamtu info)"
        return res
    finally:
        remove_db(db)


def run_qamtu_postgis(ctx, qamtu, programs, layer, scale):
    """Issue 19: `qamtu init` + `qamtu import` into a fresh database of the bench's cluster (a Qamtu PostGIS
    store), timed as the Qamtu file; the database is created and dropped untimed, as PostGIS's own."""
    pg = ctx.pg
    psql_value(ctx, "postgres", f"DROP DATABASE IF EXISTS {PG_STORE_DATABASE}")
    psql_value(ctx, "postgres", f"CREATE DATABASE {PG_STORE_DATABASE}")
    psql_value(ctx, "postgres", "CHECKPOINT")
    oid = psql_value(ctx, "postgres", f"SELECT oid FROM pg_database WHERE datname = '{PG_STORE_DATABASE}'")
    url = f"postgresql://postgres@/{PG_STORE_DATABASE}?host={pg.socket_dir}"
    source = csv_path(ctx.data, layer, scale)
    res = {"ok": False, "wall": None, "parts": {}, "rss_kb": 0}
    warm_pg = [os.path.join(pg.data, "base", oid), os.path.join(pg.data, "global")] + ctx.programs["postgis"]
    try:
        init = ctx.runner.run([qamtu, "init", "--db", url], measure=True, warm=programs + warm_pg, timeout=ctx.timeout)
        if init["rc"] != 0:
            res["error"] = f"qamtu init failed (exit {init['rc']}): {(init['stdout'] + init['stderr']).strip()[-600:]}"
            return res
        cmd = [qamtu, "import", layer, source, *QAMTU_IMPORT_OPTIONS[layer], "--db", url]
        imp = ctx.runner.run(cmd, measure=True, warm=[source] + programs + warm_pg, timeout=ctx.timeout)
        if imp["rc"] != 0:
            res["error"] = f"qamtu import failed (exit {imp['rc']}): {(imp['stdout'] + imp['stderr']).strip()[-600:]}"
            return res
        res.update(ok=True, wall=init["wall"] + imp["wall"], parts={"init": init["wall"], "import": imp["wall"]},
                   rss_kb=imp["maxrss_kb"], init_rss_kb=init["maxrss_kb"],
                   output=first_line(imp["stdout"] + "\n" + imp["stderr"]),
                   bytes=int(psql_value(ctx, PG_STORE_DATABASE, f"SELECT pg_total_relation_size('{layer}')")))
        # Untimed: the rows, geometries, the GiST index and the unique constraint of id; for the sites, the site pack.
        row = psql_value(ctx, PG_STORE_DATABASE, f"SELECT count(*), count(geom) FROM {layer}").split("|")
        counts = {"rows": int(row[0]), "geometries": int(row[1])}
        res["check"] = count_check(ROWS[layer][scale], counts)
        index = psql_value(ctx, PG_STORE_DATABASE,
                           "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                           f"WHERE c.relname = 'idx_{layer}_geom' AND i.indisvalid AND i.indisready")
        if index != "1":
            res["check"]["ok"] = False
            res["check"]["text"] += f"; GiST index idx_{layer}_geom missing or not valid"
        unique = psql_value(ctx, PG_STORE_DATABASE,
                            f"SELECT count(*) FROM pg_constraint WHERE conname = '{layer}_id_key' AND contype = 'u'")
        if unique != "1":
            res["check"]["ok"] = False
            res["check"]["text"] += f"; unique constraint {layer}_id_key missing"
        if layer == "sites":
            packed = psql_value(ctx, PG_STORE_DATABASE, "SELECT coalesce(sum(rows), 0) FROM qamtu_site_pack")
            if int(packed or 0) != ROWS[layer][scale]:
                res["check"]["ok"] = False
                res["check"]["text"] += f"; site pack holds {packed} sites, not all"
        return res
    finally:
        ctx.runner.run(pg.psql("postgres") + ["-c", f"DROP DATABASE IF EXISTS {PG_STORE_DATABASE}"])
        ctx.runner.run(pg.psql("postgres") + ["-c", "CHECKPOINT"])


def run_spatialite(ctx, layer, scale):
    db = os.path.join(ctx.work, f"w7_spatialite_{layer}_{scale}.sqlite")
    source = csv_path(ctx.data, layer, scale)
    remove_db(db)
    sql = os.path.join(ctx.work, f"w7_spatialite_{layer}_{scale}.sql")
    with open(os.path.join(HERE, "spatialite", f"w7-{layer}.sql")) as f:
        text = f.read().replace("@DATA@", ctx.data).replace("@SCALE@", scale)
    with open(sql, "w") as f:
        f.write(text)
    out = os.path.join(ctx.work, "w7_spatialite.out")
    res = {"ok": False, "wall": None, "parts": {}, "rss_kb": 0}
    try:
        r = ctx.runner.run(["sqlite3", db], stdin_path=sql, stdout_path=out, measure=True,
                           warm=[source] + ctx.programs["sqlite3"], timeout=ctx.timeout)
        if r["rc"] != 0:
            res["error"] = f"sqlite3 failed (exit {r['rc']}): {r['stderr'].strip()[-600:]}"
            return res
        res.update(ok=True, wall=r["wall"], parts=parts_from_marks(r["wall"], marks(out)), rss_kb=r["maxrss_kb"],
                   bytes=os.path.getsize(db))
        counts, error = sqlite_counts(ctx.runner, db, layer)
        res["check"] = count_check(ROWS[layer][scale], counts)
        if error:
            res["check"]["text"] += f"; sqlite3: {error}"
        return res
    finally:
        remove_db(db)


def psql_value(ctx, database, sql):
    r = ctx.runner.run(ctx.pg.psql(database) + ["-c", sql])
    if r["rc"] != 0:
        raise RuntimeError(f"W7: psql -c {sql!r} failed: {r['stderr'].strip()[-600:]}")
    return r["stdout"].strip()


def run_postgis(ctx, layer, scale):
    source = csv_path(ctx.data, layer, scale)
    pg = ctx.pg
    # Untimed: a fresh database, and the server's dirty pages (the template's copy) written out now.
    psql_value(ctx, "postgres", f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    psql_value(ctx, "postgres", f"CREATE DATABASE {PG_DATABASE}")
    psql_value(ctx, "postgres", "CHECKPOINT")
    oid = psql_value(ctx, "postgres", f"SELECT oid FROM pg_database WHERE datname = '{PG_DATABASE}'")
    rss_file = os.path.join(ctx.work, "w7_pg_rss.txt")
    if os.path.exists(rss_file):
        os.remove(rss_file)
    sql = os.path.join(ctx.work, f"w7_postgis_{layer}_{scale}.sql")
    with open(os.path.join(HERE, "postgis", f"w7-{layer}.sql")) as f:
        text = f.read().replace("@DATA@", ctx.data).replace("@SCALE@", scale).replace("@RSS@", rss_file)
    with open(sql, "w") as f:
        f.write(text)
    out = os.path.join(ctx.work, "w7_postgis.out")
    res = {"ok": False, "wall": None, "parts": {}, "rss_kb": 0}
    try:
        # The new database's folder and the shared catalogs (not pg_wal: gigabytes of recycled segments).
        warm = [source, os.path.join(pg.data, "base", oid), os.path.join(pg.data, "global")] + ctx.programs["postgis"]
        r = ctx.runner.run(pg.psql(PG_DATABASE) + ["-f", sql], stdout_path=out, measure=True, warm=warm,
                           timeout=ctx.timeout)
        if r["rc"] != 0:
            res["error"] = f"psql failed (exit {r['rc']}): {r['stderr'].strip()[-600:]}"
            return res
        backend = 0
        try:
            with open(rss_file) as f:
                backend = int(f.read().strip() or 0)
        except (OSError, ValueError):
            pass
        res.update(ok=True, wall=r["wall"], parts=parts_from_marks(r["wall"], marks(out)),
                   rss_kb=r["maxrss_kb"] + backend, backend_rss_kb=backend,
                   bytes=int(psql_value(ctx, PG_DATABASE, f"SELECT pg_total_relation_size('{layer}')")))
        row = psql_value(ctx, PG_DATABASE, f"SELECT count(*), count(geom), count(geog) FROM {layer}").split("|")
        index = psql_value(ctx, PG_DATABASE,
                           "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                           f"WHERE c.relname = '{layer}_geog' AND i.indisvalid AND i.indisready")
        res["postgis_version"] = psql_value(ctx, PG_DATABASE, "SELECT postgis_lib_version()")
        stats = psql_value(ctx, PG_DATABASE, f"SELECT count(*) FROM pg_stats WHERE tablename = '{layer}'")
        counts = {"rows": int(row[0]), "geometries": int(row[1]), "geographies": int(row[2])}
        res["check"] = count_check(ROWS[layer][scale], counts)
        if index != "1":
            res["check"]["ok"] = False
            res["check"]["text"] += f"; GiST index {layer}_geog missing or not valid"
        if stats == "0":
            res["check"]["ok"] = False
            res["check"]["text"] += "; no statistics (ANALYZE)"
        return res
    finally:
        # Untimed: the database dropped and its removal checkpointed before the next tool's run.
        ctx.runner.run(pg.psql("postgres") + ["-c", f"DROP DATABASE IF EXISTS {PG_DATABASE}"])
        ctx.runner.run(pg.psql("postgres") + ["-c", "CHECKPOINT"])


# ---------------------------------------------------------------------------------------------
# The workload


def versions_spatialite(runner):
    r = runner.run(["sqlite3", ":memory:", ".load mod_spatialite", "SELECT spatialite_version(), sqlite_version()"])
    v = r["stdout"].strip().split("|")
    return f"SpatiaLite {v[0]} (SQLite {v[1]})" if r["rc"] == 0 and len(v) == 2 else "SpatiaLite ?"


def qamtu_has_postgis(runner, qamtu):
    r = runner.run([qamtu, "init", "--help"])
    return "postgresql://" in r["stdout"] + r["stderr"]


def run(runner, pg, qamtu, data, work, scales, runs, slow, timeout, programs, baseline=None):
    """Loads each layer at each scale with each tool, `runs` times interleaved; returns the result dict
    (rows, goals, checks_ok) for print_table and the JSON."""
    ctx = Context(runner, pg, data, work, programs, timeout)
    result = {"scales": scales, "runs": runs, "layers": list(LAYERS), "rows": [], "goals": [],
              "loadavg_before": os.getloadavg(),
              "postgresql": psql_value(ctx, "postgres", "SELECT version()").split(" on ")[0],
              "spatialite": versions_spatialite(runner), "qamtu": qamtu, "baseline": baseline,
              "commands": {
                  "Qamtu": "qamtu init --db F; qamtu import LAYER LAYER_X.csv [sites: --map tech=technologies "
                           "--map radius_m=range_m --set kind=base_station --set status=operational] --db F",
                  "SpatiaLite": "sqlite3 F < spatialite/w7-LAYER.sql",
                  "PostGIS": "CREATE DATABASE (untimed); psql -f postgis/w7-LAYER.sql; DROP DATABASE (untimed)"}}
    tools = [("Qamtu", lambda layer, scale: run_qamtu(ctx, qamtu, programs["qamtu"], layer, scale))]
    if baseline:
        tools.append(("Qamtu (baseline)",
                      lambda layer, scale: run_qamtu(ctx, baseline, programs.get("qamtu_baseline", []), layer, scale)))
    if qamtu_has_postgis(runner, qamtu):
        tools.append((POSTGIS_STORE,
                      lambda layer, scale: run_qamtu_postgis(ctx, qamtu, programs["qamtu"], layer, scale)))
        result["commands"][POSTGIS_STORE] = ("CREATE DATABASE (untimed); qamtu init --db postgresql://...; "
                                             "qamtu import LAYER LAYER_X.csv [...] --db postgresql://...; DROP DATABASE (untimed)")
    tools += [("SpatiaLite", lambda layer, scale: run_spatialite(ctx, layer, scale)),
              ("PostGIS", lambda layer, scale: run_postgis(ctx, layer, scale))]
    for scale in scales:
        for layer in LAYERS:
            expected = ROWS[layer][scale]
            log(f"W7 load, {layer} {scale} ({expected:,} rows):")
            rows = {name: {"layer": layer, "scale": scale, "tool": name, "rows": expected, "times": [],
                           "runs_detail": [], "status": "ok", "note": "", "check": None}
                    for name, _ in tools}
            for run_no in range(1, runs + 1):
                for name, load in tools:
                    row = rows[name]
                    if row["status"] != "ok" or (row.get("slow") and run_no > 1):
                        continue
                    r = load(layer, scale)
                    row["runs_detail"].append(r)
                    if not r["ok"]:
                        row["status"] = "failed"
                        row["note"] = f"run {run_no}: {r.get('error', 'failed')}"
                        log(f"  {name:<17} run {run_no}: FAILED {row['note'][:400]}")
                        continue
                    row["times"].append(r["wall"])
                    if row["check"] is None or not r["check"]["ok"]:
                        row["check"] = r["check"]
                    parts = " + ".join(f"{k} {v:.2f}" for k, v in r["parts"].items())
                    log(f"  {name:<17} run {run_no}: {r['wall']:8.3f} s  {r['rss_kb'] / 1024:7.1f} MB  "
                        f"({parts})  {r['check']['text']}")
                    if not r["check"]["ok"]:
                        row["status"] = "failed"
                        row["note"] = f"run {run_no}: the loaded rows do not match the CSV"
                        continue
                    if r["wall"] > slow and run_no < runs:
                        row["slow"] = True
                        row["note"] = f"runs after the first skipped: {r['wall']:.0f} s > --slow {slow:.0f} s"
            summarise(list(rows.values()))
            result["rows"].extend(rows.values())
    result["loadavg_after"] = os.getloadavg()
    result["postgis"] = next((d["postgis_version"] for r in result["rows"] for d in r["runs_detail"]
                              if d.get("postgis_version")), "?")
    evaluate(result)
    return result


def summarise(rows):
    q = next((r for r in rows if r["tool"] == "Qamtu" and r["times"]), None)
    qmed = statistics.median(q["times"]) if q else None
    for r in rows:
        ok_runs = [d for d in r["runs_detail"] if d["ok"]]
        if not r["times"]:
            r["median_s"] = None
            continue
        med = statistics.median(r["times"])
        r.update(median_s=med, min_s=min(r["times"]), max_s=max(r["times"]), runs=len(r["times"]),
                 rows_per_s=r["rows"] / med if med else None,
                 peak_rss_mb=max(d["rss_kb"] for d in ok_runs) / 1024,
                 ratio_to_qamtu=(med / qmed) if qmed else None,
                 bytes=ok_runs[-1].get("bytes"))
        steps = list(ok_runs[0]["parts"])
        r["parts_median_s"] = {k: statistics.median(d["parts"].get(k, 0.0) for d in ok_runs) for k in steps}
        if r["tool"].startswith("Qamtu"):
            r["import_output"] = ok_runs[-1].get("output", "")
            r["init_peak_rss_mb"] = max(d.get("init_rss_kb", 0) for d in ok_runs) / 1024
        if r["tool"] == "PostGIS":
            r["backend_peak_rss_mb"] = max(d.get("backend_rss_kb", 0) for d in ok_runs) / 1024


def evaluate(result):
    """The goals at L (only when L ran): sites 2x PostGIS and 4x SpatiaLite, settlements' rows/s at least
    the sites', the sites import's peak RSS. Each goal is attached to its row too (row["goal"])."""
    rows = {(r["layer"], r["scale"], r["tool"]): r for r in result["rows"]}
    result["checks_ok"] = all(r["status"] != "failed" for r in result["rows"])
    if GOAL_SCALE not in result["scales"]:
        return
    goals = result["goals"]
    qs = rows.get(("sites", GOAL_SCALE, "Qamtu"))
    qt = rows.get(("settlements", GOAL_SCALE, "Qamtu"))

    def add(name, target, value, met, row, text):
        goal = {"goal": name, "target": target, "value": value, "met": bool(met)}
        goals.append(goal)
        if row is not None:
            row.setdefault("goals", []).append(goal)
            row["goal_text"] = (row.get("goal_text", "") + "; " if row.get("goal_text") else "") + \
                f"{text}: {'ok' if met else 'MISSED'}"

    for tool, target in (("PostGIS", GOAL_VS_POSTGIS), ("SpatiaLite", GOAL_VS_SPATIALITE)):
        peer = rows.get(("sites", GOAL_SCALE, tool))
        ratio = peer.get("ratio_to_qamtu") if peer and qs and qs.get("status") == "ok" else None
        add(f"sites {GOAL_SCALE}: Qamtu >= {target:g}x faster than {tool}", target, ratio,
            ratio is not None and ratio >= target, peer, f">= {target:g}x")
    q_rps = qs.get("rows_per_s") if qs and qs.get("status") == "ok" else None
    t_rps = qt.get("rows_per_s") if qt and qt.get("status") == "ok" else None
    add(f"settlements {GOAL_SCALE}: Qamtu rows/s >= its sites rows/s", q_rps, t_rps,
        q_rps is not None and t_rps is not None and t_rps >= q_rps, qt,
        f"rows/s >= sites' {q_rps:,.0f}" if q_rps else "rows/s >= sites'")
    store = rows.get(("sites", GOAL_SCALE, POSTGIS_STORE))
    own = rows.get(("sites", GOAL_SCALE, "PostGIS"))
    if store is not None:
        ok = store.get("status") == "ok" and own and own.get("status") == "ok" and store.get("median_s") and own.get("median_s")
        ratio = own["median_s"] / store["median_s"] if ok else None
        add(f"sites {GOAL_SCALE}: Qamtu PostGIS store at least as fast as PostGIS's own COPY + GiST", GOAL_STORE_VS_POSTGIS,
            ratio, ratio is not None and ratio >= GOAL_STORE_VS_POSTGIS, store, "<= PostGIS's time")
    rss = qs.get("peak_rss_mb") if qs and qs.get("status") == "ok" else None
    add(f"sites {GOAL_SCALE}: Qamtu import peak RSS <= {GOAL_RSS_MB:g} MB", GOAL_RSS_MB, rss,
        rss is not None and rss <= GOAL_RSS_MB, qs, f"peak RSS <= {GOAL_RSS_MB:g} MB")


def fmt_parts(parts):
    return " + ".join(f"{k} {v:.3f}" if v < 10 else f"{k} {v:.2f}" for k, v in parts.items())


def print_table(result, file=sys.stdout):
    w = file.write
    w(f"\nW7 load times: each layer on its own from its CSV into a fresh, query-ready database; runs {result['runs']} "
      "(interleaved), median\n")
    w(f"  qamtu: {result['qamtu']}" + (f"; baseline: {result['baseline']}" if result.get("baseline") else "")
      + f"; peers: {result['spatialite']}; {result['postgresql']}, PostGIS {result['postgis']}\n")
    w("  Qamtu: qamtu init + qamtu import (the import builds the spatial index and, for the sites, the site pack); "
      "peak RSS: the import's\n")
    w("  SpatiaLite: sqlite3 + mod_spatialite: InitSpatialMetadata, table, .import --csv, AddGeometryColumn, "
      "MakePoint, CreateSpatialIndex, ANALYZE\n")
    w("  PostGIS: CREATE EXTENSION postgis, table (geometry + geography generated, "
      "primary key), \\copy, GiST on geography, ANALYZE; CREATE/DROP DATABASE untimed\n")
    lb, la = result["loadavg_before"], result["loadavg_after"]
    w(f"  load average (1 min): before {lb[0]:.2f}, after {la[0]:.2f}\n")
    head = (f"{'layer':<13}{'scale':<6}{'tool':<18}{'median s (min-max)':<27}{'rows/s':>11}{'x Qamtu':>9}"
            f"{'peak RSS MB':>13}  rows check; goal\n")
    w("\n" + head + "-" * (len(head) + 30) + "\n")
    last = None
    for r in result["rows"]:
        key = (r["layer"], r["scale"])
        first = key != last
        last = key
        label = f"{r['layer']:<13}{r['scale']:<6}" if first else " " * 19
        if r.get("median_s") is None:
            w(f"{label}{r['tool']:<18}{r['status'].upper()}: {r['note']}\n")
            continue
        t = f"{r['median_s']:.3f} ({r['min_s']:.3f}-{r['max_s']:.3f})"
        if r["runs"] != result["runs"]:
            t += f" n={r['runs']}"
        ratio = f"{r['ratio_to_qamtu']:.2f}" if r["tool"] != "Qamtu" and r.get("ratio_to_qamtu") else "-"
        c = r.get("check") or {"ok": False, "text": "not checked"}
        check = f"ok {r['rows']:,}" if c["ok"] else c["text"]
        goal = f"; {r['goal_text']}" if r.get("goal_text") else ""
        w(f"{label}{r['tool']:<18}{t:<27}{r['rows_per_s']:>11,.0f}{ratio:>9}{r['peak_rss_mb']:>13.1f}  {check}{goal}\n")
        w(f"{'':<37}{fmt_parts(r['parts_median_s'])}\n")
        if r.get("note"):
            w(f"{'':<37}note: {r['note']}\n")
    w("\nx Qamtu = tool's median / Qamtu's median (above 1: Qamtu faster). rows/s = CSV rows / median wall time.\n"
      "PostGIS RSS = psql + server backend (VmHWM). Steps: medians of each step's seconds over the runs "
      "(peers: between marks printed by the script; start/exit: the rest of the process).\n")
    if result["goals"]:
        w(f"goals (W7, at {GOAL_SCALE}): " + "; ".join(
            f"{g['goal']}: {'ok' if g['met'] else 'MISSED'}" + (f" ({fmt_goal_value(g)})" if g["value"] is not None else "")
            for g in result["goals"]) + "\n")
    else:
        w(f"goals (W7): judged at {GOAL_SCALE} only (--scale L): sites >= {GOAL_VS_POSTGIS:g}x faster than PostGIS and "
          f">= {GOAL_VS_SPATIALITE:g}x than SpatiaLite, settlements rows/s >= sites rows/s, "
          f"sites import peak RSS <= {GOAL_RSS_MB:g} MB\n")
    if not result["checks_ok"]:
        w("W7: FAILED: a load failed or its rows do not match the CSV (see above)\n")


def fmt_goal_value(g):
    if "RSS" in g["goal"]:
        return f"{g['value']:.0f} MB"
    if "rows/s" in g["goal"]:
        return f"{g['value']:,.0f} rows/s"
    return f"{g['value']:.2f}x"
