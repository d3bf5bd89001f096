#!/usr/bin/env python3
"""Vector tiles are right (issue 16's acceptance): `qamtu tiles export` and the tile endpoints of `qamtu serve`
checked against the layers' own features, with the mapbox-vector-tile package, shapely and GDAL's MVT driver.

Run by Scripts/test-clients.sh (its venv holds mapbox-vector-tile and shapely, pinned in
Scripts/clients/requirements.txt); alone:
    python Scripts/test-tiles.py --qamtu "$(swift build --show-bin-path)/qamtu" [--work DIR] [--keep]

(a) The demo database (GeoData/, loaded as Scripts/demo.sh does) exported with
    `qamtu tiles export districts roads settlements sites institutions --min-zoom 6 --max-zoom 12 --bbox DATA -o
    demo.mbtiles`. MBTiles 1.3: metadata (name, format=pbf, minzoom, maxzoom, bounds, center, json with
    vector_layers), tile_data gzip'd, rows in TMS order (flipped y). Every tile decodes (mapbox-vector-tile); GDAL's
    MVT driver (ogrinfo on the MBTiles file, -oo ZOOM_LEVEL=z -oo CLIP=NO) opens every zoom with the feature counts
    per layer of our decoding. Point layers: each tile holds exactly the layer's features inside the buffered tile
    (extent 4096, buffer 64; lon/lat projected to Web Mercator tile space from `qamtu export LAYER`), by `id`,
    each decoded within one tile unit of its projected position, with the layer's non-null properties (ints stay
    ints); a point within half a unit of the buffer's edge may fall either way (rounding). No tile of the exported
    range that should hold a point is missing. Lines and polygons: valid after decoding (shapely, in tile
    coordinates); polygon rings per the MVT 2.1 rules: the first ring of each polygon has positive area by the
    surveyor's formula with y down (clockwise), holes negative.
(b) Over HTTP (qamtu serve on the demo database) for a sample of tiles: /tiles/WebMercatorQuad/{z}/{y}/{x} answers the
    bytes of the MBTiles tile (after gunzip), /collections/sites/tiles/WebMercatorQuad/{z}/{y}/{x} the bytes of a
    sites-only export; Content-Type application/vnd.mapbox-vector-tile; an empty tile answers 204; ETag and
    If-None-Match give 304; TileJSON at /tiles/WebMercatorQuad?f=tilejson.
(c) Antimeridian and 85°: a small database of sites at lon 179.99 / -179.99 and lat 85.0 / 85.06: tile x=0 at
    zoom 9 holds the 179.99 point in its buffer (x < 0), zoom 10 does not; the 85.0 point is in row 0 up to zoom 9;
    the 85.06 point (beyond Web Mercator's 85.0511°) is in no tile.

Prints one line per failure and a summary (tiles checked, features checked); exits 1 on any failure.
"""
from __future__ import annotations

import argparse
import gzip
import http.client
import json
import math
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

import mapbox_vector_tile
from mapbox_vector_tile.decoder import TileData
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.validation import explain_validity

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTENT, BUFFER = 4096, 64
MAX_LAT = 85.0511287798066
POINT_LAYERS = ["settlements", "sites", "institutions"]
LAYERS = ["districts", "roads", "settlements", "sites", "institutions"]
ZOOMS = (6, 12)
MVT_TYPE = "application/vnd.mapbox-vector-tile"


class Report:
    def __init__(self):
        self.failures, self.tiles, self.features, self.notes, self.http = [], 0, 0, [], 0

    def fail(self, message):
        self.failures.append(message)
        if len(self.failures) <= 200:
            print(f"FAIL {message}", flush=True)

    def expect(self, ok, message):
        if not ok:
            self.fail(message)
        return ok


R = Report()


def log(message):
    print(message, flush=True)


# ---------------------------------------------------------------------------------------------
# qamtu


def qamtu(binary, *args, check=True):
    r = subprocess.run([binary, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"qamtu {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r


def load_demo(binary, db):
    qamtu(binary, "init", "--db", db)
    for layer in LAYERS:
        qamtu(binary, "import", layer, os.path.join(REPO, "GeoData", f"{layer}.geojson"), "--db", db)


def export_layer(binary, db, layer, work):
    path = os.path.join(work, f"{os.path.basename(db)}-{layer}.geojson")
    qamtu(binary, "export", layer, "--precision", "15", "-o", path, "--db", db)
    with open(path, encoding="utf-8") as f:
        return json.load(f)["features"]


def bounds_of(features_by_layer):
    xs, ys = [], []

    def walk(c):
        if isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for p in c:
                walk(p)
    for feats in features_by_layer.values():
        for f in feats:
            walk(f["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


# ---------------------------------------------------------------------------------------------
# Tile arithmetic: Web Mercator tile space, y down, XYZ rows (OGC WebMercatorQuad)


def world_xy(lon, lat, z):
    """Position in tile units of the whole world at zoom z (0 … 2^z * EXTENT), y down."""
    n = (1 << z) * EXTENT
    x = (lon + 180.0) / 360.0 * n
    r = math.radians(lat)
    y = (1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * n
    return x, y


def tile_range(box, z):
    n = 1 << z
    x0, y1 = world_xy(box[0], max(-MAX_LAT, box[1]), z)
    x1, y0 = world_xy(box[2], min(MAX_LAT, box[3]), z)
    clamp = lambda v: min(n - 1, max(0, int(math.floor(v / EXTENT))))  # noqa: E731
    return clamp(x0), clamp(x1), clamp(y0), clamp(y1)


def expected_points(features, z):
    """{(x, y): {id: (tx, ty, ambiguous)}}: the buffered tiles at zoom z holding each point (beyond ±85.0511°: none);
    ambiguous when within half a unit of the buffered tile's edge (rounding may put it either side)."""
    n = 1 << z
    world = n * EXTENT
    out = {}
    for f in features:
        lon, lat = f["geometry"]["coordinates"][:2]
        if abs(lat) > MAX_LAT:
            continue
        wx, wy = world_xy(lon, lat, z)
        fid = str(f["id"])
        for shift in (-world, 0.0, world):  # across the antimeridian
            px = wx + shift
            for tx in range(int(math.floor((px - BUFFER - 0.5) / EXTENT)), int(math.floor((px + BUFFER + 0.5) / EXTENT)) + 1):
                if not 0 <= tx < n:
                    continue
                for ty in range(int(math.floor((wy - BUFFER - 0.5) / EXTENT)), int(math.floor((wy + BUFFER + 0.5) / EXTENT)) + 1):
                    if not 0 <= ty < n:
                        continue
                    lx, ly = px - tx * EXTENT, wy - ty * EXTENT
                    lo, hi = -BUFFER, EXTENT + BUFFER
                    if lo - 0.5 <= lx <= hi + 0.5 and lo - 0.5 <= ly <= hi + 0.5:
                        amb = not (lo + 0.5 <= lx <= hi - 0.5 and lo + 0.5 <= ly <= hi - 0.5)
                        out.setdefault((tx, ty), {})[fid] = (lx, ly, amb)
    return out


# ---------------------------------------------------------------------------------------------
# Decoding


def unzip(data):
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def zigzag(v):
    return (v >> 1) ^ -(v & 1)


def raw_geometry(commands):
    """The parts of one feature's geometry commands: a list of lists of (x, y), y down; ClosePath ends a ring."""
    parts, cur, x, y, i = [], [], 0, 0, 0
    while i < len(commands):
        cmd, count = commands[i] & 7, commands[i] >> 3
        i += 1
        if cmd == 7:
            parts.append(cur)
            cur = []
            continue
        for _ in range(count):
            x += zigzag(commands[i])
            y += zigzag(commands[i + 1])
            i += 2
            if cmd == 1 and cur:
                parts.append(cur)
                cur = []
            cur.append((x, y))
    if cur:
        parts.append(cur)
    return parts


def surveyor(ring):
    return sum(ring[i][0] * ring[(i + 1) % len(ring)][1] - ring[(i + 1) % len(ring)][0] * ring[i][1]
               for i in range(len(ring))) / 2.0


def check_line_polygon(where, layer, ftype, commands):
    parts = raw_geometry(commands)
    if ftype == 2:
        lines = [p for p in parts]
        if not R.expect(lines and all(len(p) >= 2 for p in lines), f"{where} {layer}: a line with fewer than 2 points"):
            return
        geom = MultiLineString(lines) if len(lines) > 1 else LineString(lines[0])
        R.expect(geom.is_valid and geom.length > 0, f"{where} {layer}: invalid line ({explain_validity(geom)})")
        return
    polygons = []
    for k, ring in enumerate(parts):
        area = surveyor(ring)
        if k == 0 and not R.expect(area > 0, f"{where} {layer}: first ring has area {area} (exterior rings must be "
                                               "clockwise in tile space: positive surveyor's area with y down)"):
            return
        if not R.expect(area != 0, f"{where} {layer}: a ring of zero area"):
            return
        if not R.expect(len(ring) >= 3, f"{where} {layer}: a ring of {len(ring)} points"):
            return
        if area > 0:
            polygons.append([ring, []])
        else:
            polygons[-1][1].append(ring)
    geoms = [Polygon(shell, holes) for shell, holes in polygons]
    for g in geoms:
        if not R.expect(g.is_valid, f"{where} {layer}: invalid polygon ({explain_validity(g)})"):
            return
    if len(geoms) > 1:
        mp = MultiPolygon(geoms)
        R.expect(mp.is_valid, f"{where} {layer}: invalid multipolygon ({explain_validity(mp)})")


def same_value(expected, got):
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected == got and isinstance(expected, bool) == isinstance(got, bool)
    if isinstance(expected, int):
        return isinstance(got, int) and got == expected  # ints stay ints
    if isinstance(expected, float):
        return isinstance(got, (int, float)) and abs(got - expected) <= 1e-9 * max(1.0, abs(expected))
    return expected == got


def check_tile(where, z, x, y, data, expected, props, ambiguous_count):
    """Checks one decoded tile; returns {layer: feature count}."""
    counts = {}
    try:
        decoded = mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})
        raw = TileData(data).tile
    except Exception as e:  # noqa: BLE001 - any decoding error is a failure of this tile
        R.fail(f"{where}: does not decode ({type(e).__name__}: {e})")
        return counts
    R.tiles += 1
    total = 0
    for layer in raw.layers:
        R.expect(layer.extent == EXTENT, f"{where} {layer.name}: extent {layer.extent}, expected {EXTENT}")
        R.expect(layer.version == 2, f"{where} {layer.name}: version {layer.version}")
        counts[layer.name] = len(layer.features)
        total += len(layer.features)
        R.features += len(layer.features)
        dec = decoded[layer.name]["features"]
        ids = [f["properties"].get("id") for f in dec]
        R.expect(all(i is not None for i in ids), f"{where} {layer.name}: a feature without an id property")
        R.expect(len(set(ids)) == len(ids), f"{where} {layer.name}: an id twice")
        if layer.name in POINT_LAYERS:
            exp = expected.get(layer.name, {}).get((x, y), {})
            got = {}
            for f in dec:
                g = f["geometry"]
                if not R.expect(g["type"] == "Point", f"{where} {layer.name} {f['properties'].get('id')}: {g['type']}"):
                    continue
                got[str(f["properties"].get("id"))] = (g["coordinates"], f["properties"])
            must = {i for i, (_, _, amb) in exp.items() if not amb}
            missing = sorted(must - set(got))
            extra = sorted(set(got) - set(exp))
            R.expect(not missing, f"{where} {layer.name}: missing {len(missing)} features inside the buffered tile: "
                                  f"{missing[:8]}")
            R.expect(not extra, f"{where} {layer.name}: {len(extra)} features outside the buffered tile: {extra[:8]}")
            ambiguous_count[0] += sum(1 for i, (_, _, amb) in exp.items() if amb)
            for fid, ((px, py), p) in got.items():
                if fid in exp:
                    ex, ey, _ = exp[fid]
                    d = math.hypot(px - ex, py - ey)
                    R.expect(d <= 1.0, f"{where} {layer.name} {fid}: at ({px}, {py}), projected ({ex:.2f}, {ey:.2f}): "
                                       f"{d:.2f} tile units off")
                want = props.get(layer.name, {}).get(fid)
                if want is not None:
                    wanted = {k: v for k, v in want.items() if v is not None}
                    bad = [k for k in set(wanted) | set(p) if not (k in wanted and k in p and same_value(wanted[k], p[k]))]
                    R.expect(not bad, f"{where} {layer.name} {fid}: properties differ in {sorted(bad)[:6]}: "
                                      f"{ {k: (wanted.get(k), p.get(k)) for k in sorted(bad)[:4]} }")
        else:
            for feat in layer.features:
                check_line_polygon(where, layer.name, feat.type, list(feat.geometry))
    R.expect(total > 0, f"{where}: an empty tile stored (empty tiles are not written)")
    return counts


# ---------------------------------------------------------------------------------------------
# (a) MBTiles


def check_metadata(path, box, layers):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(con.execute("SELECT name, value FROM metadata").fetchall())
    except sqlite3.Error as e:
        R.fail(f"{path}: no metadata table ({e})")
        return {}
    finally:
        pass
    for key in ("name", "format", "minzoom", "maxzoom", "bounds", "center", "json"):
        R.expect(key in meta, f"metadata: no '{key}'")
    R.expect(meta.get("format") == "pbf", f"metadata: format {meta.get('format')!r}, expected 'pbf'")
    R.expect(meta.get("minzoom") == str(ZOOMS[0]), f"metadata: minzoom {meta.get('minzoom')!r}")
    R.expect(meta.get("maxzoom") == str(ZOOMS[1]), f"metadata: maxzoom {meta.get('maxzoom')!r}")
    try:
        b = [float(v) for v in meta.get("bounds", "").split(",")]
        R.expect(len(b) == 4 and all(abs(b[i] - box[i]) <= 1e-4 for i in range(4)) or
                 (len(b) == 4 and b[0] <= box[0] + 1e-6 and b[1] <= box[1] + 1e-6 and b[2] >= box[2] - 1e-6 and b[3] >= box[3] - 1e-6),
                 f"metadata: bounds {meta.get('bounds')} do not cover the data's {box}")
        c = [float(v) for v in meta.get("center", "").split(",")]
        R.expect(len(c) == 3 and b[0] <= c[0] <= b[2] and b[1] <= c[1] <= b[3] and ZOOMS[0] <= c[2] <= ZOOMS[1],
                 f"metadata: center {meta.get('center')} (lon,lat,zoom inside bounds and zooms)")
    except ValueError:
        R.fail(f"metadata: bounds {meta.get('bounds')!r} / center {meta.get('center')!r} are not numbers")
    try:
        j = json.loads(meta.get("json", "{}"))
        vl = {v.get("id"): v for v in j.get("vector_layers", [])}
        R.expect(sorted(vl) == sorted(layers), f"metadata json: vector_layers {sorted(vl)}, expected {sorted(layers)}")
        for lid, v in vl.items():
            R.expect(isinstance(v.get("fields"), dict), f"metadata json: vector_layers {lid} has no fields object")
    except ValueError as e:
        R.fail(f"metadata json is not JSON: {e}")
    return meta


def read_tiles(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles").fetchall()
    finally:
        con.close()
    tiles = {}
    for z, col, tms_row, data in rows:
        y = (1 << z) - 1 - tms_row  # TMS rows count from the bottom
        R.expect(data[:2] == b"\x1f\x8b", f"z{z} x{col} tms-row {tms_row}: tile_data is not gzip'd")
        if (z, col, y) in tiles:
            R.fail(f"z{z} x{col} y{y}: stored twice")
        tiles[(z, col, y)] = unzip(data)
    return tiles


def gdal_counts(path, z):
    """{layer: feature count} that GDAL's MVT driver reports for zoom z (every feature of every tile: CLIP=NO)."""
    r = subprocess.run(["ogrinfo", "-ro", "-al", "-so", "-oo", f"ZOOM_LEVEL={z}", "-oo", "CLIP=NO", path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        R.fail(f"ogrinfo -oo ZOOM_LEVEL={z} failed: {r.stderr.strip()[-400:]}")
        return None
    counts, layer = {}, None
    for line in r.stdout.splitlines():
        if line.startswith("Layer name: "):
            layer = line.split(": ", 1)[1].strip()
        elif line.startswith("Feature Count: ") and layer:
            counts[layer] = int(line.split(": ", 1)[1])
    return counts


def part_a(binary, work):
    log("\n== (a) qamtu tiles export of the demo database, zooms 6-12")
    db = os.path.join(work, "demo.sqlite")
    load_demo(binary, db)
    feats = {layer: export_layer(binary, db, layer, work) for layer in LAYERS}
    box = bounds_of(feats)
    bbox = ",".join(f"{v:.6f}" for v in (math.floor(box[0] * 1e6) / 1e6, math.floor(box[1] * 1e6) / 1e6,
                                          math.ceil(box[2] * 1e6) / 1e6, math.ceil(box[3] * 1e6) / 1e6))
    out = os.path.join(work, "demo.mbtiles")
    t = time.monotonic()
    r = qamtu(binary, "tiles", "export", *LAYERS, "--min-zoom", str(ZOOMS[0]), "--max-zoom", str(ZOOMS[1]),
              "--bbox", bbox, "-o", out, "--db", db, check=False)
    if r.returncode != 0:
        R.fail(f"qamtu tiles export failed ({r.returncode}): {(r.stdout + r.stderr).strip()[-800:]}")
        return None
    log(f"  qamtu tiles export ... --bbox {bbox}: {time.monotonic() - t:.1f} s, {os.path.getsize(out)} bytes")
    check_metadata(out, box, LAYERS)
    tiles = read_tiles(out)
    props = {layer: {str(f["id"]): f["properties"] for f in feats[layer]} for layer in POINT_LAYERS}
    ambiguous = [0]
    box_int = [float(v) for v in bbox.split(",")]
    for z in range(ZOOMS[0], ZOOMS[1] + 1):
        expected = {layer: expected_points(feats[layer], z) for layer in POINT_LAYERS}
        x0, x1, y0, y1 = tile_range(box_int, z)
        stored = sorted(k for k in tiles if k[0] == z)
        R.expect(stored, f"z{z}: no tile stored")
        totals = {}
        for (_, x, y) in stored:
            R.expect(x0 <= x <= x1 and y0 <= y <= y1, f"z{z}/{x}/{y}: outside the bbox's tiles x {x0}-{x1}, y {y0}-{y1}")
            counts = check_tile(f"mbtiles {z}/{x}/{y}", z, x, y, tiles[(z, x, y)], expected, props, ambiguous)
            for k, v in counts.items():
                totals[k] = totals.get(k, 0) + v
        # No tile that should hold a point is missing (within the exported range).
        for layer in POINT_LAYERS:
            for (x, y), ids in expected[layer].items():
                if x0 <= x <= x1 and y0 <= y <= y1 and (z, x, y) not in tiles and any(not a for _, _, a in ids.values()):
                    R.fail(f"z{z}/{x}/{y}: not stored, but {layer} {sorted(ids)[:5]} lie inside its buffered tile")
        g = gdal_counts(out, z)
        if g is not None:
            for layer in sorted(set(g) | set(totals)):
                R.expect(g.get(layer, 0) == totals.get(layer, 0),
                         f"z{z} {layer}: GDAL's MVT driver counts {g.get(layer, 0)} features, our decoding {totals.get(layer, 0)}")
        log(f"  z{z}: {len(stored)} tiles, features per layer {dict(sorted(totals.items()))}; GDAL {dict(sorted((g or {}).items()))}")
    R.notes.append(f"{ambiguous[0]} point placements within half a unit of a buffer edge (either way accepted)")
    return {"db": db, "mbtiles": out, "tiles": tiles, "feats": feats, "bbox": bbox, "box": box_int}


# ---------------------------------------------------------------------------------------------
# (b) HTTP


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, target, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest("GET", target, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        r = conn.getresponse()
        body = r.read()
        h = {k.lower(): v for k, v in r.getheaders()}
        if h.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return r.status, h, body
    finally:
        conn.close()


class Serve:
    def __init__(self, binary, db, work, pid_file=None):
        self.port = free_port()
        self.log = open(os.path.join(work, "serve-tiles.log"), "ab")
        self.proc = subprocess.Popen([binary, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(self.port)],
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, start_new_session=True)
        if pid_file:
            with open(pid_file, "a") as f:
                f.write(f"{self.proc.pid}\n")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"qamtu serve exited with {self.proc.returncode}")
            try:
                if request(self.port, "/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("qamtu serve did not answer /health in 30 s")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def part_b(binary, a, work, pid_file):
    log("\n== (b) the tile endpoints of qamtu serve against the MBTiles tiles")
    sites_mb = os.path.join(work, "demo-sites.mbtiles")
    r = qamtu(binary, "tiles", "export", "sites", "--min-zoom", str(ZOOMS[0]), "--max-zoom", str(ZOOMS[1]),
              "--bbox", a["bbox"], "-o", sites_mb, "--db", a["db"], check=False)
    sites_tiles = read_tiles(sites_mb) if r.returncode == 0 else {}
    R.expect(r.returncode == 0, f"qamtu tiles export sites failed: {(r.stdout + r.stderr).strip()[-400:]}")
    server = Serve(binary, a["db"], work, pid_file)
    checked = 0
    try:
        rng = random.Random(16)
        keys = sorted(a["tiles"])
        sample = rng.sample(keys, min(150, len(keys)))
        sample += [k for k in keys if k[0] == ZOOMS[0]]  # every tile of the lowest zoom (the largest)
        for z, x, y in sorted(set(sample)):
            status, h, body = request(server.port, f"/tiles/WebMercatorQuad/{z}/{y}/{x}")
            checked += 1
            if not R.expect(status == 200, f"GET /tiles/WebMercatorQuad/{z}/{y}/{x}: HTTP {status}"):
                continue
            R.expect(h.get("content-type", "").startswith(MVT_TYPE), f"/tiles/.../{z}/{y}/{x}: Content-Type {h.get('content-type')}")
            R.expect(body == a["tiles"][(z, x, y)], f"/tiles/WebMercatorQuad/{z}/{y}/{x}: {len(body)} bytes differ from "
                                                     f"the MBTiles tile ({len(a['tiles'][(z, x, y)])} bytes)")
            status, h, body = request(server.port, f"/collections/sites/tiles/WebMercatorQuad/{z}/{y}/{x}")
            want = sites_tiles.get((z, x, y))
            if want is None:
                R.expect(status == 204, f"/collections/sites/tiles/WebMercatorQuad/{z}/{y}/{x}: HTTP {status}, "
                                        "expected 204 (no site in the sites-only export)")
            else:
                R.expect(status == 200 and body == want, f"/collections/sites/tiles/WebMercatorQuad/{z}/{y}/{x}: HTTP {status}, "
                                                         f"{len(body)} bytes; the sites-only MBTiles tile has {len(want)}")
                # And the sites layer of the all-layers tile is the same features.
                full = mapbox_vector_tile.decode(a["tiles"][(z, x, y)], default_options={"y_coord_down": True}).get("sites")
                mine = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True}).get("sites")
                R.expect(full == mine, f"/collections/sites/tiles/.../{z}/{y}/{x}: the sites differ from the all-layers tile's")
        # Empty tiles: 204.
        for target in ("/tiles/WebMercatorQuad/6/0/0", "/collections/sites/tiles/WebMercatorQuad/12/0/0",
                       "/tiles/WebMercatorQuad/14/8000/8000"):
            status, _, body = request(server.port, target)
            R.expect(status == 204 and not body, f"GET {target} (an empty tile): HTTP {status}, {len(body)} bytes")
        # ETag / 304.
        z, x, y = sample[0]
        target = f"/tiles/WebMercatorQuad/{z}/{y}/{x}"
        status, h, body = request(server.port, target)
        etag = h.get("etag")
        if R.expect(etag, f"GET {target}: no ETag"):
            status, h2, body2 = request(server.port, target, {"If-None-Match": etag})
            R.expect(status == 304 and not body2, f"GET {target} with If-None-Match {etag}: HTTP {status}, {len(body2)} bytes")
            status, _, _ = request(server.port, target, {"If-None-Match": '"not-the-etag"'})
            R.expect(status == 200, f"GET {target} with another If-None-Match: HTTP {status}")
        R.expect("cache-control" in h, f"GET {target}: no Cache-Control")
        # TileJSON.
        status, h, body = request(server.port, "/tiles/WebMercatorQuad?f=tilejson")
        if R.expect(status == 200, f"GET /tiles/WebMercatorQuad?f=tilejson: HTTP {status}"):
            try:
                tj = json.loads(body)
                R.expect(str(tj.get("tilejson", "")).startswith("3"), f"TileJSON: tilejson {tj.get('tilejson')!r}")
                R.expect(any("{z}" in t and "{x}" in t and "{y}" in t for t in tj.get("tiles", [])),
                         f"TileJSON: tiles {tj.get('tiles')}")
                R.expect(sorted(v.get("id") for v in tj.get("vector_layers", [])) == sorted(LAYERS),
                         f"TileJSON: vector_layers {[v.get('id') for v in tj.get('vector_layers', [])]}")
            except ValueError as e:
                R.fail(f"TileJSON is not JSON: {e}")
    finally:
        server.stop()
    R.http += checked
    log(f"  {checked} tiles compared over HTTP (both endpoints), empty tiles, ETag/304, TileJSON")


# ---------------------------------------------------------------------------------------------
# (c) antimeridian and 85°


EDGE_SITES = [  # id, lon, lat
    ("am-east", 179.99, 60.0), ("am-west", -179.99, 60.0), ("lat-85", 10.0, 85.0), ("lat-8506", 10.0, 85.06),
]


def part_c(binary, work, pid_file, http):
    log("\n== (c) the antimeridian and 85°")
    db = os.path.join(work, "edges.sqlite")
    qamtu(binary, "init", "--db", db)
    src = os.path.join(work, "edges.geojson")
    with open(src, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": i, "geometry": {"type": "Point", "coordinates": [lon, lat]},
             "properties": {"id": i, "name": i, "kind": "base_station", "operator": "Kcell", "technologies": "4G",
                            "status": "operational"}} for i, lon, lat in EDGE_SITES]}, f)
    r = qamtu(binary, "import", "sites", src, "--db", db, check=False)
    if not R.expect(r.returncode == 0, f"import of the edge sites (lon ±179.99, lat 85.0 and 85.06) refused: "
                                       f"{(r.stdout + r.stderr).strip()[-600:]}"):
        return
    feats = export_layer(binary, db, "sites", work)
    R.expect(sorted(str(f["id"]) for f in feats) == sorted(i for i, _, _ in EDGE_SITES),
             f"the edge sites exported: {[f['id'] for f in feats]}")

    def decode_sites(where, body):
        R.tiles += 1
        layer = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True}).get("sites", {"features": []})
        R.features += len(layer["features"])
        return {f["properties"]["id"]: f["geometry"]["coordinates"] for f in layer["features"]}

    # From MBTiles: small boxes around the three places, zooms 0-10 (every tile of a box's range is looked at).
    exported = {}
    for k, box in enumerate(("-180,59.9,-179.9,60.1", "179.9,59.9,180,60.1", "9.9,84.9,10.1,85.06")):
        out = os.path.join(work, f"edges-{k}.mbtiles")
        r = qamtu(binary, "tiles", "export", "sites", "--min-zoom", "0", "--max-zoom", "10", "--bbox", box, "-o", out,
                  "--db", db, check=False)
        if R.expect(r.returncode == 0, f"qamtu tiles export sites --bbox {box} (edge sites): "
                                       f"{(r.stdout + r.stderr).strip()[-400:]}"):
            for key, body in read_tiles(out).items():
                exported[key] = decode_sites(f"edges mbtiles {key}", body)
    sources = [("mbtiles", lambda z, x, y: exported.get((z, x, y), {}))]
    server = None
    if http:
        server = Serve(binary, db, work, pid_file)

        def over_http(z, x, y):
            target = f"/collections/sites/tiles/WebMercatorQuad/{z}/{y}/{x}"
            status, _, body = request(server.port, target)
            if status == 204:
                return {}
            if not R.expect(status == 200, f"GET {target} (edge sites): HTTP {status}"):
                return {}
            return decode_sites(target, body)
        sources.append(("http", over_http))
    try:
        for label, tile in sources:
            edge_checks(label, tile)
    finally:
        if server:
            server.stop()
    log(f"  antimeridian (z9 buffer across 180°, z10 not) and 85° (row 0 up to z9; 85.06 in no tile) checked: "
        f"{', '.join(label for label, _ in sources)}")


def edge_checks(label, tile):
    # Antimeridian: 179.99 is 0.01° (2^z * 0.114 units) west of 180: in tile x=0's buffer up to zoom 9.
    for z in (9, 10):
        n = 1 << z
        _, wy = world_xy(0, 60.0, z)
        y = int(wy // EXTENT)
        west, east = tile(z, 0, y), tile(z, n - 1, y)
        d = 0.01 / 360 * n * EXTENT
        if z == 9:
            ok = "am-east" in west and -BUFFER <= west["am-east"][0] < 0 and abs(west["am-east"][0] + d) <= 1
            R.expect(ok, f"{label}: z9 tile x=0 y={y}: the point at lon 179.99 should be in its buffer at x ≈ {-d:.1f}: {west}")
            ok = "am-west" in east and EXTENT < east["am-west"][0] <= EXTENT + BUFFER and abs(east["am-west"][0] - EXTENT - d) <= 1
            R.expect(ok, f"{label}: z9 tile x={n - 1} y={y}: the point at lon -179.99 should be in its buffer at "
                         f"x ≈ {EXTENT + d:.1f}: {east}")
            R.expect("am-west" in west and abs(west["am-west"][0] - d) <= 1, f"{label}: z9 tile x=0: the point at -179.99: {west}")
        else:
            R.expect("am-east" not in west, f"{label}: z10 tile x=0 y={y}: the point at 179.99 ({d:.0f} units away) is "
                                            f"beyond the buffer: {west}")
            R.expect("am-west" not in east, f"{label}: z10 tile x={n - 1} y={y}: the point at -179.99 is beyond the buffer: {east}")
            R.expect("am-west" in west, f"{label}: z10 tile x=0 y={y}: the point at -179.99 is missing: {west}")
    # 85.0 in row 0 up to zoom 9; 85.06 in no tile (beyond 85.0511°), even where it would be within the buffer.
    for z in range(0, 11):
        wx, wy = world_xy(10.0, 85.0, z)
        x = int(wx // EXTENT)
        top = tile(z, x, 0)
        if z <= 9:
            R.expect("lat-85" in top and abs(top["lat-85"][1] - wy) <= 1,
                     f"{label}: z{z} tile x={x} y=0: the point at lat 85.0 should be at y ≈ {wy:.1f}: {top}")
        R.expect("lat-8506" not in top, f"{label}: z{z} tile x={x} y=0: holds the point at lat 85.06 (beyond 85.0511°): {top}")
        if z == 10:
            row = int(wy // EXTENT)
            R.expect("lat-85" in tile(z, x, row), f"{label}: z10: the point at lat 85.0 should be in row {row}")
    ids = set(tile(0, 0, 0))
    R.expect(ids == {"am-east", "am-west", "lat-85"}, f"{label}: z0 tile: sites {sorted(ids)}, expected am-east, am-west, lat-85")


def endpoints_available(binary, work):
    """Whether `qamtu serve` has the tile endpoints (a failure when it has not: (b) cannot run)."""
    db = os.path.join(work, "probe.sqlite")
    qamtu(binary, "init", "--db", db)
    server = Serve(binary, db, work)
    try:
        status, _, body = request(server.port, "/tiles/WebMercatorQuad/0/0/0")
    finally:
        server.stop()
    return R.expect(status in (200, 204), f"qamtu serve has no tile endpoint: GET /tiles/WebMercatorQuad/0/0/0 answered "
                                          f"HTTP {status}: (b) and the HTTP half of (c) not run")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qamtu", required=True)
    p.add_argument("--work", help="folder for the databases and MBTiles files (default: a temporary folder)")
    p.add_argument("--pid-file", help="append the servers' pids here (Scripts/test-clients.sh stops them on exit)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="qamtu-tiles.", dir=a.work)
    started = time.monotonic()
    try:
        if not shutil.which("ogrinfo"):
            R.fail("ogrinfo (gdal-bin) is missing: GDAL's MVT driver cannot be checked")
        help_text = qamtu(a.qamtu, "tiles", "export", "--help", check=False)
        http = endpoints_available(a.qamtu, work)
        if help_text.returncode != 0:
            R.fail(f"qamtu tiles export is not available: {(help_text.stdout + help_text.stderr).strip()[-300:]}")
        else:
            res = part_a(a.qamtu, work)
            if res and http:
                part_b(a.qamtu, res, work, a.pid_file)
            part_c(a.qamtu, work, a.pid_file, http)
    except Exception as e:  # noqa: BLE001 - a crash is a failure, reported with its traceback
        import traceback
        traceback.print_exc()
        R.fail(f"test-tiles stopped with {type(e).__name__}: {e}")
    finally:
        if a.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for n in R.notes:
        log(f"note: {n}")
    log(f"\ntiles: {R.tiles} tiles checked, {R.features} features checked, {R.http} tiles compared over HTTP, "
        f"{len(R.failures)} failures "
        f"({time.monotonic() - started:.0f} s)")
    return 1 if R.failures else 0


if __name__ == "__main__":
    sys.exit(main())
