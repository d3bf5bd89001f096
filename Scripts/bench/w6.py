"""W6: vector tiles. Qamtu's tile endpoint (qamtu serve, driven by wrk) beside PostGIS ST_AsMVT (pgbench),
and `qamtu tiles export` of zooms 0-12 beside the same tiles made by PostGIS.

Called by bench.py (`Scripts/bench.sh --only W6`). Method and caveats: Scripts/bench/README.md (W6).

Data: the bench L sites (1,000,000 points, ../shared/bench/gen_data.py), the districts of Kazakhstan
(geoBoundaries ADM2 from ../shared/geodata, 172 MultiPolygons; GeoData/districts.geojson when that is
absent: gen_data.py makes no districts) and the bench road (road.csv: gen_data.py's one road). Qamtu
imports them; PostGIS loads what `qamtu export` writes of the same database (CSV, 15 decimals), so
both hold the same rows with the same columns and values.

Tiles: a fixed list (seed 20250106) of TILES_PER_ZOOM random tiles per zoom 6-14, uniform over the
tiles that cover the sites' extent (lon 46.5-87.3, lat 40.5-55.5), written to WORK/w6-tiles.csv and
kept in the JSON.

Endpoint: wrk -t2 -c32 for 20 s cycling through the list on /tiles/WebMercatorQuad/{z}/{y}/{x} (the
sites, districts and roads in one tile), against `qamtu serve` as deployed (tile cache at its default)
and with `--tile-cache-mb 0`; pgbench -c32 -j2 for 20 s with a script that picks a random tile of the
same list and calls a plpgsql function returning the same three layers (ST_AsMVT of
ST_AsMVTGeom(..., ST_TileEnvelope(z, x, y), 4096, 64, true) per layer). Two PostGIS variants: a
stored EPSG:3857 column with a GiST index on it (no transform per row: the faster set-up and the one
the goal compares with), and the EPSG:4326 column with its GiST index, filtered by
ST_Transform(ST_TileEnvelope(..., margin), 4326) and transformed per row.

Check: every distinct tile of the list from both (Qamtu over HTTP, PostGIS through psql) decoded with
the mapbox-vector-tile package; the number of features per layer must be equal (mismatches printed:
any one fails W6), and for the sites the set of ids is compared too.

Export: `qamtu tiles export sites --min-zoom 0 --max-zoom 12 --bbox EXTENT -o FILE.mbtiles`, wall time
of the process, beside PostGIS writing the non-empty sites tiles of the same zooms and tile ranges
into a table (two psql sessions at once, one per core, tiles split by the parity of x + y; wall time
from start until both end; PostGIS's tiles are not gzip'd, Qamtu's are).
"""
from __future__ import annotations

import base64
import csv
import gzip
import json
import math
import os
import random
import re
import sqlite3
import subprocess
import sys
import time

import w5  # Server, free_port, http_get, wrk, register_group

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED_GEODATA = os.path.normpath(os.path.join(REPO, "..", "shared", "geodata"))
WRK_SCRIPT = os.path.join(HERE, "wrk", "tiles.lua")

EXTENT = (46.5, 40.5, 87.3, 55.5)          # the L sites' box (gen_data.py clips to it)
ZOOMS = list(range(6, 15))
TILES_PER_ZOOM = int(os.environ.get("BENCH_W6_TILES_PER_ZOOM", "200"))
SEED = 20250106
LAYERS = ["districts", "roads", "sites"]   # the bench data's layers (settlements, institutions: empty)
MVT_EXTENT, MVT_BUFFER = 4096, 64
SECONDS = float(os.environ.get("BENCH_W6_SECONDS", "20"))
CONNECTIONS, THREADS = 32, 2
EXPORT_ZOOMS = (0, int(os.environ.get("BENCH_W6_EXPORT_MAX_ZOOM", "12")))
GOAL_RATIO = 3.0
PSQL_EXPORT_SESSIONS = 2
WARMUP_SECONDS = 3.0


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Tile arithmetic (XYZ / OGC WebMercatorQuad: row 0 at the top)


def lon_to_col(lon, z):
    n = 1 << z
    return min(n - 1, max(0, int(math.floor((lon + 180.0) / 360.0 * n))))


def lat_to_row(lat, z):
    n = 1 << z
    lat = max(-85.0511287798066, min(85.0511287798066, lat))
    r = math.radians(lat)
    return min(n - 1, max(0, int(math.floor((1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * n))))


def tile_range(z, box=EXTENT):
    """(col0, col1, row0, row1), inclusive, of the tiles at zoom z that cover box."""
    return lon_to_col(box[0], z), lon_to_col(box[2], z), lat_to_row(box[3], z), lat_to_row(box[1], z)


def make_tile_list(path):
    rng = random.Random(SEED)
    tiles = []
    for z in ZOOMS:
        c0, c1, r0, r1 = tile_range(z)
        for _ in range(TILES_PER_ZOOM):
            tiles.append((z, rng.randint(c0, c1), rng.randint(r0, r1)))
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["i", "z", "x", "y"])
        for i, (z, x, y) in enumerate(tiles, 1):
            w.writerow([i, z, x, y])
    return tiles


# ---------------------------------------------------------------------------------------------
# Loading


def districts_source():
    path = os.path.join(SHARED_GEODATA, "geoboundaries_KAZ_ADM2.geojson")
    if os.path.exists(path):
        return path, "geoBoundaries KAZ ADM2 (../shared/geodata)"
    return os.path.join(REPO, "GeoData", "districts.geojson"), "GeoData/districts.geojson (../shared/geodata absent)"


def load_qamtu(runner, qamtu, db, data):
    districts, districts_note = districts_source()
    steps = [
        [qamtu, "init", "--db", db],
        [qamtu, "import", "sites", os.path.join(data, "sites_L.csv"), "--map", "tech=technologies",
         "--map", "radius_m=range_m", "--set", "kind=base_station", "--set", "status=operational", "--db", db],
        [qamtu, "import", "districts", districts, "--db", db],
        [qamtu, "import", "roads", os.path.join(data, "road.csv"), "--db", db],
    ]
    total = 0.0
    for cmd in steps:
        r = runner.run(cmd, measure=True)
        total += r["wall"]
        if r["rc"] != 0:
            raise RuntimeError(f"W6: qamtu {' '.join(cmd[1:3])} failed:\n{(r['stdout'] + r['stderr'])[-1500:]}")
    return total, districts_note


PG_TYPES = {"TEXT": "text", "REAL": "float8", "INTEGER": "bigint", "INT": "bigint", "DOUBLE": "float8"}


def layer_columns(db, layer):
    """The layer's attribute columns as (name, PostgreSQL type), in table order, from the SpatiaLite file."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(f'PRAGMA table_info("{layer}")').fetchall()
    finally:
        con.close()
    cols = []
    for _, name, typ, *_ in rows:
        if name in ("fid", "geom", "geometry") or name.startswith("qamtu_"):
            continue
        cols.append((name, PG_TYPES.get((typ or "TEXT").upper().split("(")[0], "text")))
    return cols


def export_csv_columns(path):
    with open(path, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def load_postgis(runner, pg, qamtu, qdb, work):
    """Creates the database bench_w6 from `qamtu export` of each layer; returns (seconds, columns per layer)."""
    t0 = time.perf_counter()
    dbname = "bench_w6"
    r = runner.run(pg.psql("postgres") + ["-c", f"DROP DATABASE IF EXISTS {dbname}", "-c", f"CREATE DATABASE {dbname}"])
    if r["rc"] != 0:
        raise RuntimeError(f"W6: CREATE DATABASE failed: {r['stderr']}")
    sql = ["\\set ON_ERROR_STOP on", "SET client_min_messages = warning;", "CREATE EXTENSION IF NOT EXISTS postgis;"]
    columns = {}
    for layer in LAYERS:
        path = os.path.join(work, f"w6-{layer}.csv")
        r = runner.run([qamtu, "export", layer, "--format", "csv", "--precision", "15", "-o", path, "--db", qdb])
        if r["rc"] != 0:
            raise RuntimeError(f"W6: qamtu export {layer} failed: {r['stderr'][-1500:]}")
        os.chmod(path, 0o644)
        header = export_csv_columns(path)
        types = dict(layer_columns(qdb, layer))
        point = header[-2:] == ["lon", "lat"]
        attrs = header[:-2] if point else header[:-1]
        defs = [f'"{c}" {types.get(c, "text")}' for c in attrs]
        if point:
            defs += ["lon float8", "lat float8",
                     "geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED",
                     "geom3857 geometry(Point, 3857) GENERATED ALWAYS AS "
                     "(ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3857)) STORED"]
        else:
            defs += ["wkt text",
                     "geom geometry(Geometry, 4326) GENERATED ALWAYS AS (ST_GeomFromText(wkt, 4326)) STORED",
                     "geom3857 geometry(Geometry, 3857) GENERATED ALWAYS AS (ST_Transform(ST_GeomFromText(wkt, 4326), 3857)) STORED"]
        collist = ", ".join(f'"{c}"' for c in header)
        sql += [f"CREATE TABLE {layer} ({', '.join(defs)});",
                f"\\copy {layer} ({collist}) FROM '{path}' WITH (FORMAT csv, HEADER true)",
                f"CREATE INDEX {layer}_geom ON {layer} USING gist (geom);",
                f"CREATE INDEX {layer}_geom3857 ON {layer} USING gist (geom3857);",
                f"VACUUM ANALYZE {layer};"]
        columns[layer] = attrs
    sql += [tile_functions_sql(columns), "CHECKPOINT;"]
    path = os.path.join(work, "w6-load.sql")
    with open(path, "w") as f:
        f.write("\n".join(sql) + "\n")
    os.chmod(path, 0o644)
    r = runner.run(pg.psql(dbname) + ["-f", path], timeout=3600)
    if r["rc"] != 0:
        raise RuntimeError(f"W6: PostGIS load failed:\n{r['stderr'][-3000:]}")
    return time.perf_counter() - t0, dbname, columns


def layer_select(layer, attrs, variant):
    cols = ", ".join(f'"{c}"' for c in attrs)
    if variant == "3857":
        geom = f"ST_AsMVTGeom(geom3857, env, {MVT_EXTENT}, {MVT_BUFFER}, true)"
        where = "geom3857 && buf"
    else:
        geom = f"ST_AsMVTGeom(ST_Transform(geom, 3857), env, {MVT_EXTENT}, {MVT_BUFFER}, true)"
        where = "geom && buf4326"
    return (f"(SELECT ST_AsMVT(q, '{layer}', {MVT_EXTENT}, 'geom') FROM "
            f"(SELECT {cols}, {geom} AS geom FROM {layer} WHERE {where}) q)")


def tile_functions_sql(columns):
    """w6_tile_3857 / w6_tile_4326 (the three layers) and w6_sites_3857 (the sites only, for the export)."""
    out = []
    for name, variant, layers in (("w6_tile_3857", "3857", LAYERS), ("w6_tile_4326", "4326", LAYERS),
                                  ("w6_sites_3857", "3857", ["sites"])):
        body = " || ".join(f"coalesce({layer_select(l, columns[l], variant)}, ''::bytea)" for l in layers)
        out.append(f"""CREATE FUNCTION {name}(z integer, x integer, y integer) RETURNS bytea
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
DECLARE
  env geometry := ST_TileEnvelope(z, x, y);
  buf geometry := ST_TileEnvelope(z, x, y, margin => {MVT_BUFFER}.0 / {MVT_EXTENT});
  buf4326 geometry := ST_Transform(ST_TileEnvelope(z, x, y, margin => {MVT_BUFFER}.0 / {MVT_EXTENT}), 4326);
BEGIN
  RETURN {body};
END
$fn$;""")
    out.append("CREATE TABLE w6_tiles (i integer PRIMARY KEY, z integer, x integer, y integer);")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Qamtu's server


def serve_help(qamtu):
    r = subprocess.run([qamtu, "serve", "--help"], capture_output=True, text=True)
    return r.stdout + r.stderr


def qamtu_server(qamtu, db, work, cache):
    text = serve_help(qamtu)
    port = w5.free_port()
    cmd = [qamtu, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)]
    if "--log-level" in text:
        cmd += ["--log-level", "notice"]
    note = ""
    if not cache:
        if "--tile-cache-mb" not in text:
            return None, "qamtu serve has no --tile-cache-mb option"
        cmd += ["--tile-cache-mb", "0"]
        if "--response-cache-mb" in text:
            cmd += ["--response-cache-mb", "0"]
    return w5.Server("Qamtu-W6" if cache else "Qamtu-W6-nocache", cmd, port, "/health", work), note


def tile_path(z, x, y):
    return f"/tiles/WebMercatorQuad/{z}/{y}/{x}"


def wrk_tiles(port, list_path, work, label, seconds=None):
    seconds = seconds or SECONDS
    cmd = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds:g}s", "--timeout", "10s",
           "--latency", "-s", WRK_SCRIPT, f"http://127.0.0.1:{port}", "--", list_path, str(THREADS)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    w5.register_group(work, proc.pid)
    try:
        out, _ = proc.communicate(timeout=seconds + 60)
    finally:
        w5.unregister_group(work, proc.pid)
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
    return r


# ---------------------------------------------------------------------------------------------
# PostGIS with pgbench


def pgbench(pg, dbname, function, ntiles, work, seconds, label):
    script = os.path.join(work, f"w6-pgbench-{function}.sql")
    with open(script, "w") as f:
        f.write(f"\\set i random(1, {ntiles})\nSELECT {function}(z, x, y) FROM w6_tiles WHERE i = :i;\n")
    os.chmod(script, 0o644)
    cmd = ["pgbench", "-n", "-h", pg.socket_dir, "-U", "postgres", "-c", str(CONNECTIONS), "-j", str(THREADS),
           "-T", f"{int(seconds)}", "-M", "prepared", "-r", "-f", script, dbname]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 300)
    text = proc.stdout + proc.stderr
    with open(os.path.join(work, "pgbench.log"), "a") as f:
        f.write(f"== {label}: {' '.join(cmd)}\n{text}\n")
    if proc.returncode != 0:
        raise RuntimeError(f"pgbench failed (exit {proc.returncode}) for {label}:\n{text[-1500:]}")
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
    lat = re.search(r"latency average = ([\d.]+) ms", text)
    tx = re.search(r"number of transactions actually processed: (\d+)", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    return {"rps": float(tps.group(1)) if tps else 0.0, "latency_avg_ms": float(lat.group(1)) if lat else None,
            "transactions": int(tx.group(1)) if tx else 0, "failed": int(failed.group(1)) if failed else 0}


# ---------------------------------------------------------------------------------------------
# Equal feature counts


def decode_counts(data):
    """{layer: (count, set of ids)} of one MVT tile (bytes; gunzipped first when gzip'd)."""
    import mapbox_vector_tile
    if not data:
        return {}
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    tile = mapbox_vector_tile.decode(data)
    out = {}
    for name, layer in tile.items():
        feats = layer.get("features", [])
        out[name] = (len(feats), {str(f.get("properties", {}).get("id")) for f in feats})
    return out


def postgis_tiles(runner, pg, dbname, unique, work):
    path = os.path.join(work, "w6-check-tiles.csv")
    with open(path, "w") as f:
        for z, x, y in unique:
            f.write(f"{z},{x},{y}\n")
    os.chmod(path, 0o644)
    sql = os.path.join(work, "w6-check.sql")
    out = os.path.join(work, "w6-check-out.txt")
    with open(sql, "w") as f:
        f.write("CREATE TEMP TABLE c(z int, x int, y int);\n"
                f"\\copy c FROM '{path}' WITH (FORMAT csv)\n"
                "COPY (SELECT z, x, y, encode(w6_tile_3857(z, x, y), 'base64') FROM c) TO STDOUT;\n")
    r = runner.run(pg.psql(dbname) + ["-f", sql], stdout_path=out, timeout=3600)
    if r["rc"] != 0:
        raise RuntimeError(f"W6: PostGIS tiles for the check failed:\n{r['stderr'][-2000:]}")
    tiles = {}
    with open(out) as f:
        for line in f:
            z, x, y, b64 = line.rstrip("\n").split("\t")
            tiles[(int(z), int(x), int(y))] = base64.b64decode(b64.replace("\\n", ""))
    return tiles


def site_positions(data, ids):
    """{id: (lon, lat)} of the given site ids, from sites_L.csv."""
    out = {}
    with open(os.path.join(data, "sites_L.csv"), newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            if row[0] in ids:
                out[row[0]] = (float(row[-2]), float(row[-1]))
    return out


def buffer_edge_distance(lon, lat, z, x, y):
    """How far (tile units) the point lies from the edge of tile z/x/y's buffered square (negative: outside)."""
    n = (1 << z) * MVT_EXTENT
    wx = (lon + 180.0) / 360.0 * n - x * MVT_EXTENT
    wy = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n - y * MVT_EXTENT
    lo, hi = -MVT_BUFFER, MVT_EXTENT + MVT_BUFFER
    return min(wx - lo, hi - wx, wy - lo, hi - wy)


def check_counts(runner, pg, dbname, port, tiles, work, data):
    try:
        import mapbox_vector_tile  # noqa: F401
    except ImportError as e:
        return {"ok": False, "text": f"mapbox-vector-tile is not installed ({e}): no check", "checked": 0}
    unique = sorted(set(tiles))
    pgt = postgis_tiles(runner, pg, dbname, unique, work)
    mismatches, features, empty, statuses = [], 0, 0, {}
    site_diffs = []  # (tile, id, side): sites in one side's tile only
    for z, x, y in unique:
        status, ctype, body = w5.http_get(port, tile_path(z, x, y), timeout=120)
        statuses[status] = statuses.get(status, 0) + 1
        if status not in (200, 204):
            mismatches.append(f"{z}/{x}/{y}: Qamtu answered HTTP {status}")
            continue
        q = decode_counts(body if status == 200 else b"")
        p = decode_counts(pgt.get((z, x, y), b""))
        if status == 204:
            empty += 1
        for layer in sorted(set(q) | set(p)):
            qn, qids = q.get(layer, (0, set()))
            pn, pids = p.get(layer, (0, set()))
            features += qn
            if layer == "sites" and qids != pids:
                site_diffs += [((z, x, y), i, "Qamtu") for i in qids - pids]
                site_diffs += [((z, x, y), i, "PostGIS") for i in pids - qids]
                continue
            if qn != pn:
                detail = ""
                if layer in ("sites", "districts", "roads"):
                    extra, missing = sorted(qids - pids)[:5], sorted(pids - qids)[:5]
                    detail = f" (only in Qamtu: {extra}; only in PostGIS: {missing})"
                mismatches.append(f"{z}/{x}/{y} {layer}: Qamtu {qn}, PostGIS {pn}{detail}")
    # A site in one side's tile only is a mismatch, unless it lies within half a tile unit of the buffered tile's
    # edge: there the rounding to whole units decides (PostGIS clips after snapping to the grid and its index
    # compares float4 boxes; the contract drops points outside the buffered tile before rounding).
    edge_ties = []
    if site_diffs:
        where = site_positions(data, {i for _, i, _ in site_diffs})
        for (z, x, y), i, side in site_diffs:
            pos = where.get(i)
            d = buffer_edge_distance(pos[0], pos[1], z, x, y) if pos else None
            line = f"{z}/{x}/{y} sites: {i} only in {side}'s tile" + (f", {d:+.4f} units from the buffer's edge" if pos else "")
            if d is not None and abs(d) <= 0.5:
                edge_ties.append(line)
            else:
                mismatches.append(line)
    text = (f"{len(unique)} distinct tiles decoded from both ({empty} empty: 204), {features} Qamtu features; "
            + ("equal feature counts per layer in every tile" if not mismatches else f"{len(mismatches)} MISMATCHES")
            + (f"; {len(edge_ties)} sites within half a unit of a buffer edge in one side's tile only (rounding, "
               "not counted as mismatches)" if edge_ties else ""))
    return {"ok": not mismatches, "text": text, "checked": len(unique), "features": features,
            "mismatches": mismatches[:200], "edge_ties": edge_ties[:200], "statuses": statuses}


# ---------------------------------------------------------------------------------------------
# Export


def export_postgis(pg, dbname, work):
    """The non-empty sites tiles of zooms EXPORT_ZOOMS over EXTENT into w6_export, by PSQL_EXPORT_SESSIONS
    psql sessions at once; returns (wall seconds, tiles per zoom)."""
    procs, paths = [], []
    setup = subprocess.run(pg.psql(dbname) + ["-c", "DROP TABLE IF EXISTS w6_export; "
                                              "CREATE UNLOGGED TABLE w6_export (z int, x int, y int, tile bytea)"],
                           capture_output=True, text=True)
    if setup.returncode != 0:
        raise RuntimeError(f"W6: {setup.stderr}")
    for k in range(PSQL_EXPORT_SESSIONS):
        lines = ["\\set ON_ERROR_STOP on"]
        for z in range(EXPORT_ZOOMS[0], EXPORT_ZOOMS[1] + 1):
            c0, c1, r0, r1 = tile_range(z)
            lines.append(
                f"INSERT INTO w6_export SELECT {z}, x, y, t FROM ("
                f"SELECT x, y, w6_sites_3857({z}, x, y) AS t FROM generate_series({c0}, {c1}) x, generate_series({r0}, {r1}) y "
                f"WHERE (x + y) % {PSQL_EXPORT_SESSIONS} = {k}) s WHERE length(t) > 0;")
        path = os.path.join(work, f"w6-export-{k}.sql")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(path, 0o644)
        paths.append(path)
    os.sync()
    t0 = time.perf_counter()
    for path in paths:
        procs.append(subprocess.Popen(pg.psql(dbname) + ["-f", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      start_new_session=True))
    errors = []
    for p in procs:
        out, err = p.communicate()
        if p.returncode != 0:
            errors.append(err.decode("utf-8", "replace")[-1500:])
    wall = time.perf_counter() - t0
    if errors:
        raise RuntimeError("W6: PostGIS export failed:\n" + "\n".join(errors))
    r = subprocess.run(pg.psql(dbname) + ["-c", "SELECT z, count(*), sum(length(tile)) FROM w6_export GROUP BY z ORDER BY z"],
                       capture_output=True, text=True)
    per_zoom = {}
    for line in r.stdout.split():
        z, n, b = line.split("|")
        per_zoom[int(z)] = (int(n), int(b))
    return wall, per_zoom


def mbtiles_tile_set(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {(z, x, (1 << z) - 1 - r) for z, x, r in
                con.execute("SELECT zoom_level, tile_column, tile_row FROM tiles")}
    finally:
        con.close()


def compare_export_tiles(pg, dbname, mbtiles, work):
    """Tiles only one side wrote. A tile only PostGIS wrote whose every site lies on the buffered tile's edge
    (x or y = -64 or 4160 after rounding) is an edge tie (see check_counts); any other is a difference."""
    r = subprocess.run(pg.psql(dbname) + ["-c", "SELECT z, x, y FROM w6_export"], capture_output=True, text=True)
    theirs = {tuple(int(v) for v in line.split("|")) for line in r.stdout.split()}
    ours = mbtiles_tile_set(mbtiles)
    diffs, ties = [], []
    for z, x, y in sorted(ours - theirs):
        diffs.append(f"{z}/{x}/{y}: only Qamtu wrote it")
    only_pg = sorted(theirs - ours)
    if only_pg:
        import mapbox_vector_tile
        cond = " OR ".join(f"(z = {z} AND x = {x} AND y = {y})" for z, x, y in only_pg[:500])
        r = subprocess.run(pg.psql(dbname) + ["-c", f"SELECT z, x, y, translate(encode(tile, 'base64'), E'\\n', '') FROM w6_export WHERE {cond}"],
                           capture_output=True, text=True)
        edge = (-MVT_BUFFER, MVT_EXTENT + MVT_BUFFER)
        for line in r.stdout.split("\n"):
            if not line.strip():
                continue
            z, x, y, b64 = line.split("|")
            tile = mapbox_vector_tile.decode(base64.b64decode(b64), default_options={"y_coord_down": True})
            feats = [f for layer in tile.values() for f in layer["features"]]
            ids = [f["properties"].get("id") for f in feats]
            on_edge = all(f["geometry"]["type"] == "Point" and (f["geometry"]["coordinates"][0] in edge
                                                                or f["geometry"]["coordinates"][1] in edge) for f in feats)
            (ties if on_edge else diffs).append(f"{z}/{x}/{y}: only PostGIS wrote it ({len(feats)} sites {ids[:3]}"
                                                + (", on the buffer's edge)" if on_edge else ")"))
    return diffs, ties


def mbtiles_counts(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT zoom_level, count(*), sum(length(tile_data)) FROM tiles GROUP BY zoom_level").fetchall()
    finally:
        con.close()
    return {int(z): (int(n), int(b)) for z, n, b in rows}


def export_qamtu(runner, qamtu, db, work):
    out = os.path.join(work, "w6-sites.mbtiles")
    if os.path.exists(out):
        os.remove(out)
    box = ",".join(f"{v:g}" for v in EXTENT)
    cmd = [qamtu, "tiles", "export", "sites", "--min-zoom", str(EXPORT_ZOOMS[0]), "--max-zoom", str(EXPORT_ZOOMS[1]),
           "--bbox", box, "-o", out, "--db", db]
    r = runner.run(cmd, measure=True, warm=(db,), timeout=3600)
    if r["rc"] != 0:
        raise RuntimeError(f"W6: {' '.join(cmd[1:])} failed (exit {r['rc']}):\n{(r['stdout'] + r['stderr'])[-1500:]}")
    return r["wall"], r["maxrss_kb"], mbtiles_counts(out), " ".join(cmd[1:]), out


# ---------------------------------------------------------------------------------------------
# The workload


def qamtu_has(qamtu, *args, must=()):
    r = subprocess.run([qamtu, *args, "--help"], capture_output=True, text=True)
    text = r.stdout + r.stderr
    return r.returncode == 0 and all(m in text for m in must)


def run(runner, pg, qamtu, data, work):
    result = {"loadavg_before": os.getloadavg(), "tiles_per_zoom": TILES_PER_ZOOM, "zooms": ZOOMS, "seed": SEED,
              "extent": EXTENT, "seconds": SECONDS, "connections": CONNECTIONS, "threads": THREADS, "notes": []}
    list_path = os.path.join(work, "w6-tiles.csv")
    tiles = make_tile_list(list_path)
    paths_file = os.path.join(work, "w6-paths.txt")
    with open(paths_file, "w") as f:
        for z, x, y in tiles:
            f.write(tile_path(z, x, y) + "\n")
    result["tiles"] = [list(t) for t in tiles]
    log(f"  tile list: {len(tiles)} tiles ({TILES_PER_ZOOM} per zoom {ZOOMS[0]}-{ZOOMS[-1]}, seed {SEED}), {list_path}")

    qdb = os.path.join(work, "w6_qamtu.sqlite")
    seconds, districts_note = load_qamtu(runner, qamtu, qdb, data)
    result["districts"] = districts_note
    result["load_qamtu_s"] = seconds
    log(f"  Qamtu database: L sites, districts ({districts_note}), road: {seconds:.1f} s")
    seconds, dbname, columns = load_postgis(runner, pg, qamtu, qdb, work)
    result["load_postgis_s"] = seconds
    result["postgis_columns"] = columns
    log(f"  PostGIS database {dbname} (from qamtu export of each layer): {seconds:.1f} s")
    r = subprocess.run(pg.psql(dbname) + ["-c", f"\\copy w6_tiles FROM '{list_path}' WITH (FORMAT csv, HEADER true)"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"W6: loading the tile list failed: {r.stderr}")
    subprocess.run(pg.psql(dbname) + ["-c", "VACUUM ANALYZE w6_tiles; CHECKPOINT"], capture_output=True, text=True)

    serve_ok = qamtu_has(qamtu, "serve", must=("--port",))
    tiles_ok = serve_ok  # the endpoint itself is probed once the server runs
    export_ok = qamtu_has(qamtu, "tiles", "export", must=("--max-zoom",))
    result["rows"] = []
    started = []
    try:
        servers = {}
        if serve_ok:
            s, _ = qamtu_server(qamtu, qdb, work, cache=True)
            servers["Qamtu"] = s
            s, note = qamtu_server(qamtu, qdb, work, cache=False)
            if s is None:
                result["notes"].append(f"no uncached run: {note}")
                log(f"  Qamtu without tile cache: {note}")
            else:
                servers["Qamtu no cache"] = s
            for name, s in servers.items():
                started.append(s)
                s.start()
                log(f"  {name} ready on port {s.port}")
            status, _, _ = w5.http_get(servers["Qamtu"].port, tile_path(*tiles[0]), timeout=120)
            if status not in (200, 204):
                tiles_ok = False
                result["notes"].append(f"the tile endpoint answered HTTP {status}: no Qamtu figure")
                log(f"  Qamtu: GET {tile_path(*tiles[0])} answered {status}: the endpoint is not there yet")
        else:
            result["notes"].append("qamtu serve is not available: no Qamtu figure")

        # Equal feature counts, before timing (it also warms both sides).
        if tiles_ok:
            log("  checking feature counts per tile and layer (mapbox-vector-tile) ...")
            t0 = time.perf_counter()
            result["check"] = check_counts(runner, pg, dbname, servers["Qamtu"].port, tiles, work, data)
            log(f"  check: {result['check']['text']} ({time.perf_counter() - t0:.0f} s)")
            for m in result["check"].get("mismatches", [])[:30]:
                log(f"    MISMATCH {m}")
            for m in result["check"].get("edge_ties", [])[:10]:
                log(f"    edge tie {m}")
        else:
            result["check"] = {"ok": False, "text": "not run (no Qamtu tiles)", "checked": 0}

        # Throughput: Qamtu (cached, uncached) and PostGIS (3857 column, 4326 column).
        result["loadavg_start_timing"] = os.getloadavg()
        if tiles_ok:
            for name, s in servers.items():
                # The first tile after a start builds the point layers' tile index (a cost paid once per
                # database change): timed on its own, so that the warm-up and the run measure serving only.
                z6 = next((t for t in tiles if t[0] == 6), tiles[0])
                t_first = time.perf_counter()
                status, _, _ = w5.http_get(s.port, tile_path(*z6), timeout=600)
                first_s = time.perf_counter() - t_first
                result.setdefault("first_tile_s", {})[name] = round(first_s, 3)
                log(f"  {name}: first tile {tile_path(*z6)} (builds the tile index): {first_s:.2f} s, status {status}")
                wrk_tiles(s.port, paths_file, work, f"warm-up {name}", seconds=WARMUP_SECONDS)
                r = wrk_tiles(s.port, paths_file, work, f"W6 {name}")
                r["tool"] = name
                if r["requests"] == 0:
                    result["notes"].append(f"{name}: no request completed in {SECONDS:g} s")
                result["rows"].append(r)
                log(f"  W6 {name:<16} {r['rps']:9.1f} tiles/s  p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:8.2f} ms  "
                    f"errors {r['socket_errors']}  non-2xx {r['status']}  {r['bytes'] / max(1, r['requests']):.0f} B/tile")
        for function, label in (("w6_tile_3857", "PostGIS 3857 col"), ("w6_tile_4326", "PostGIS 4326 col")):
            r = pgbench(pg, dbname, function, len(tiles), work, SECONDS, label)
            r["tool"] = label
            result["rows"].append(r)
            log(f"  W6 {label:<16} {r['rps']:9.1f} tiles/s  avg latency {r['latency_avg_ms']} ms  failed {r['failed']}")
        result["loadavg_end_timing"] = os.getloadavg()
    finally:
        for s in started:
            s.stop()

    # Export of zooms 0-12: Qamtu, then PostGIS.
    result["export"] = {"zooms": list(EXPORT_ZOOMS)}
    if export_ok:
        log(f"  export: qamtu tiles export sites, zooms {EXPORT_ZOOMS[0]}-{EXPORT_ZOOMS[1]} ...")
        try:
            wall, rss, counts, cmd, mbtiles = export_qamtu(runner, qamtu, qdb, work)
            result["export"]["qamtu"] = {"seconds": wall, "peak_rss_mb": rss / 1024, "per_zoom": counts, "command": cmd,
                                         "tiles": sum(n for n, _ in counts.values()), "path": mbtiles}
            log(f"  export Qamtu: {wall:.1f} s, {sum(n for n, _ in counts.values())} tiles")
        except RuntimeError as e:
            result["export"]["qamtu_error"] = str(e)
            log(f"  export Qamtu FAILED: {e}")
    else:
        result["export"]["qamtu_error"] = "qamtu tiles export is not available"
        log("  export: qamtu tiles export is not available: PostGIS only")
    log(f"  export: PostGIS, {PSQL_EXPORT_SESSIONS} sessions ...")
    wall, counts = export_postgis(pg, dbname, work)
    result["export"]["postgis"] = {"seconds": wall, "per_zoom": counts, "tiles": sum(n for n, _ in counts.values()),
                                   "sessions": PSQL_EXPORT_SESSIONS}
    log(f"  export PostGIS: {wall:.1f} s, {result['export']['postgis']['tiles']} tiles")
    q = result["export"].get("qamtu")
    if q:
        result["export"]["per_zoom_diffs"] = [
            f"z{z}: Qamtu {q['per_zoom'].get(z, (0, 0))[0]}, PostGIS {counts.get(z, (0, 0))[0]}"
            for z in range(EXPORT_ZOOMS[0], EXPORT_ZOOMS[1] + 1) if q["per_zoom"].get(z, (0, 0))[0] != counts.get(z, (0, 0))[0]]
        try:
            diffs, ties = compare_export_tiles(pg, dbname, q["path"], work)
        except Exception as e:  # noqa: BLE001 - the figures are kept; the comparison is reported as failed
            diffs, ties = [f"the comparison of the tiles written failed: {type(e).__name__}: {e}"], []
        result["export"]["tile_count_diffs"] = diffs
        result["export"]["tile_edge_ties"] = ties
        for d in diffs[:20]:
            log(f"    EXPORT DIFFERENCE {d}")
        for d in ties[:10]:
            log(f"    export edge tie {d}")
        result["export"]["ratio"] = wall / q["seconds"] if q["seconds"] else None
    result["loadavg_after"] = os.getloadavg()
    evaluate(result)
    return result


def evaluate(result):
    rows = {r["tool"]: r for r in result["rows"]}
    pg_best = max((r for r in result["rows"] if r["tool"].startswith("PostGIS")), key=lambda r: r["rps"], default=None)
    result["postgis_best"] = pg_best["tool"] if pg_best else None
    goals = []
    for name in ("Qamtu", "Qamtu no cache"):
        r = rows.get(name)
        if r and pg_best and pg_best["rps"]:
            r["ratio"] = r["rps"] / pg_best["rps"]
    # The goal is judged on the uncached run when there is one (the cache makes wrk's repeats free).
    judge = rows.get("Qamtu no cache") or rows.get("Qamtu")
    ok_endpoint = bool(judge and judge.get("ratio") and judge["ratio"] >= GOAL_RATIO
                       and not judge["status"] and not judge["socket_errors"])
    goals.append(("endpoint", ok_endpoint, judge["tool"] if judge else None))
    e = result["export"]
    ok_export = bool(e.get("ratio") and e["ratio"] >= GOAL_RATIO)
    goals.append(("export", ok_export, None))
    goals.append(("feature counts", bool(result["check"].get("ok")), None))
    if e.get("tile_count_diffs"):
        goals.append(("export tile counts", False, None))
    result["goals"] = goals
    result["ok"] = all(ok for _, ok, _ in goals)


def print_table(result, file=sys.stdout):
    w = file.write
    w(f"\nW6 vector tiles: L sites (1,000,000), districts ({result.get('districts')}), the bench road; "
      f"{len(result['tiles'])} tiles ({result['tiles_per_zoom']} per zoom {ZOOMS[0]}-{ZOOMS[-1]}, seed {result['seed']}) "
      f"over lon {EXTENT[0]}-{EXTENT[2]}, lat {EXTENT[1]}-{EXTENT[3]}\n")
    lb, ls, le, la = (result.get(k, (0, 0, 0)) for k in ("loadavg_before", "loadavg_start_timing", "loadavg_end_timing", "loadavg_after"))
    w(f"load average (1 min): before {lb[0]:.2f}, timing start {ls[0]:.2f}, timing end {le[0]:.2f}, after {la[0]:.2f}\n")
    for n in result["notes"]:
        w(f"note: {n}\n")
    w(f"feature counts: {'ok' if result['check'].get('ok') else 'FAILED'}: {result['check']['text']}\n")
    for m in result["check"].get("mismatches", [])[:20]:
        w(f"  MISMATCH {m}\n")
    for m in result["check"].get("edge_ties", [])[:10]:
        w(f"  edge tie {m}\n")
    w(f"\nendpoint: {CONNECTIONS} connections on {THREADS} threads, {result['seconds']:g} s each; "
      f"Qamtu: wrk over /tiles/WebMercatorQuad/{{z}}/{{y}}/{{x}}; PostGIS: pgbench -M prepared, ST_AsMVT per layer\n")
    head = f"{'tool':<20}{'tiles/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'avg ms':>9}{'errors':>8}{'x PostGIS':>11}\n"
    w(head + "-" * len(head) + "\n")
    for r in result["rows"]:
        if r["tool"].startswith("PostGIS"):
            w(f"{r['tool']:<20}{r['rps']:>10.1f}{'':>9}{'':>9}{(r['latency_avg_ms'] or 0):>9.2f}{r['failed']:>8}{'':>11}\n")
        else:
            ratio = f"{r['ratio']:.2f}x" if r.get("ratio") else "-"
            w(f"{r['tool']:<20}{r['rps']:>10.1f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['latency_mean_us'] / 1000:>9.2f}"
              f"{r['status'] + r['socket_errors']:>8}{ratio:>11}\n")
    w(f"ratio = Qamtu tiles/s / the faster PostGIS variant's ({result.get('postgis_best')}). "
      "3857 col: a stored EPSG:3857 column with GiST; 4326 col: ST_Transform per row, GiST on EPSG:4326.\n")
    e = result["export"]
    w(f"\nexport: the sites, zooms {e['zooms'][0]}-{e['zooms'][1]}, over the extent (wall time of the whole process)\n")
    q, p = e.get("qamtu"), e.get("postgis")
    if q:
        w(f"  Qamtu   {q['seconds']:8.2f} s  {q['tiles']:>8} tiles  {q['tiles'] / q['seconds']:9.0f} tiles/s  "
          f"peak RSS {q['peak_rss_mb']:.0f} MB  ({q['command']})\n")
    else:
        w(f"  Qamtu   {e.get('qamtu_error')}\n")
    if p:
        w(f"  PostGIS {p['seconds']:8.2f} s  {p['tiles']:>8} tiles  {p['tiles'] / p['seconds']:9.0f} tiles/s  "
          f"({p['sessions']} psql sessions, tiles into an unlogged table, not gzip'd)\n")
    if e.get("ratio"):
        w(f"  ratio PostGIS time / Qamtu time: {e['ratio']:.2f}x\n")
    for d in e.get("per_zoom_diffs", []):
        w(f"  tiles per zoom differ: {d}\n")
    for d in e.get("tile_count_diffs", [])[:20]:
        w(f"  EXPORT DIFFERENCE {d}\n")
    if e.get("tile_edge_ties"):
        w(f"  {len(e['tile_edge_ties'])} tiles only PostGIS wrote hold only sites on the buffer's edge (edge ties, "
          f"as in the check): {'; '.join(e['tile_edge_ties'][:5])}\n")
    w("\ngoals (issue 16): ")
    parts = []
    for name, ok, detail in result["goals"]:
        if name == "endpoint":
            parts.append(f"endpoint >= {GOAL_RATIO:g}x PostGIS tiles/s ({detail or 'no Qamtu run'}): {'ok' if ok else 'MISSED'}")
        elif name == "export":
            parts.append(f"export >= {GOAL_RATIO:g}x faster: {'ok' if ok else 'MISSED'}")
        else:
            parts.append(f"{name}: {'ok' if ok else 'FAILED'}")
    w("; ".join(parts) + "\n")
