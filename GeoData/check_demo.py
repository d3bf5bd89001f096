#!/usr/bin/env python3
"""Check the demo dataset written by make_demo.py (stdlib only; uses shapely for extra polygon
checks when it is installed).   python3 GeoData/check_demo.py   -> exit status 1 on any failure."""
import csv
import json
import math
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
FAIL = []


def check(cond, msg):
    if not cond:
        FAIL.append(msg)
    return cond


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as fh:
        fc = json.load(fh)
    assert fc["type"] == "FeatureCollection" and "crs" not in fc
    return fc["features"]


def dist_km(a, b):
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def ring_area(r):
    return sum(r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1] for i in range(len(r) - 1)) / 2.0


def in_ring(p, r):
    x, y, inside = p[0], p[1], False
    for i in range(len(r) - 1):
        (x1, y1), (x2, y2) = r[i], r[i + 1]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def in_multipolygon(p, mp):
    return any(in_ring(p, poly[0]) and not any(in_ring(p, h) for h in poly[1:]) for poly in mp)


def segments_cross(a, b, c, d):
    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0


def offset_km(p, line):
    best = float("inf")
    for a, b in zip(line, line[1:]):
        k = 111.320 * math.cos(math.radians(a[1]))
        bx, by = (b[0] - a[0]) * k, (b[1] - a[1]) * 110.574
        px, py = (p[0] - a[0]) * k, (p[1] - a[1]) * 110.574
        L2 = bx * bx + by * by
        t = 0.0 if L2 == 0 else max(0.0, min(1.0, (px * bx + py * by) / L2))
        best = min(best, math.hypot(px - t * bx, py - t * by))
    return best


def coords_of(geom):
    t, c = geom["type"], geom["coordinates"]
    if t == "Point":
        return [c]
    if t == "LineString":
        return c
    if t == "MultiPolygon":
        return [p for poly in c for ring in poly for p in ring]
    raise ValueError(t)


def main():
    D = load("districts.geojson")
    S = load("settlements.geojson")
    R = load("roads.geojson")
    T = load("sites.geojson")
    I = load("institutions.geojson")
    with open(os.path.join(HERE, "commitments.csv"), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, C = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]

    props = {
        "districts": (D, ["id", "name", "name_kk", "name_ru", "code"], "MultiPolygon"),
        "settlements": (S, ["id", "name", "name_kk", "name_ru", "name_en", "kind", "population", "district",
                            "fibre", "fibre_year", "osm_id"], "Point"),
        "roads": (R, ["id", "ref", "name", "category"], "LineString"),
        "sites": (T, ["id", "name", "kind", "operator", "technologies", "band_mhz", "height_m", "eirp_dbm",
                      "range_m", "status", "planned_year", "position"], "Point"),
        "institutions": (I, ["id", "name", "kind", "settlement_id", "connection", "provider", "speed_mbps"], "Point"),
    }
    ids = {}
    for layer, (feats, keys, gtype) in props.items():
        for f in feats:
            check(list(f["properties"].keys()) == keys, "%s: properties %s" % (layer, list(f["properties"])))
            check(f["geometry"]["type"] == gtype, "%s: geometry %s" % (layer, f["geometry"]["type"]))
            for p in coords_of(f["geometry"]):
                check(len(p) == 2 and all(round(v, 6) == v for v in p), "%s %s: coordinate %s not 6 decimals"
                      % (layer, f["properties"]["id"], p))
        lid = [f["properties"]["id"] for f in feats]
        check(len(set(lid)) == len(lid), "%s: duplicate ids" % layer)
        ids[layer] = set(lid)
    check(header == ["id", "programme", "party", "technology", "target_layer", "target_id", "planned_year", "done_year"],
          "commitments header %s" % header)
    check(len({c["id"] for c in C}) == len(C), "commitments: duplicate ids")

    # Districts: 11 units, closed CCW exteriors, no self-intersections, no overlaps.
    check(len(D) == 11, "districts: %d" % len(D))
    polys = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in D}
    for did, mp in polys.items():
        for poly in mp:
            for k, ring in enumerate(poly):
                check(ring[0] == ring[-1] and len(ring) >= 4, "%s: ring not closed" % did)
                a = ring_area(ring)
                check(a > 0 if k == 0 else a < 0, "%s: ring %d orientation (area %.4f)" % (did, k, a))
                segs = list(zip(ring, ring[1:]))
                for i in range(len(segs)):
                    for j in range(i + 2, len(segs)):
                        if i == 0 and j == len(segs) - 1:
                            continue
                        check(not segments_cross(*segs[i], *segs[j]), "%s: self-intersection" % did)
    try:
        import shapely
        from shapely.geometry import shape
        geoms = {f["properties"]["id"]: shape(f["geometry"]) for f in D}
        for k, g in geoms.items():
            check(g.is_valid, "%s: invalid (%s)" % (k, shapely.is_valid_reason(g)))
        keys = sorted(geoms)
        worst = 0.0
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                worst = max(worst, geoms[a].intersection(geoms[b]).area)
        check(worst == 0.0, "districts overlap, max area %g deg2" % worst)
        whole = shapely.union_all(list(geoms.values()))
        check(whole.geom_type == "Polygon" and not list(whole.interiors), "districts leave gaps / holes")
        if hasattr(shapely, "coverage_is_valid"):
            check(bool(shapely.coverage_is_valid(list(geoms.values()))), "districts: not a valid coverage")
        print("polygons (shapely): all valid, max pairwise overlap area %g" % worst)
    except ImportError:
        print("shapely not installed: polygon validity checked with the stdlib tests only")

    def districts_of(p):
        return [d for d, mp in polys.items() if in_multipolygon(p, mp)]

    # Settlements.
    sp = {f["properties"]["id"]: f for f in S}
    P = [f["properties"] for f in S]
    check(len(S) == 372, "settlements: %d" % len(S))
    fib = Counter(p["fibre"] for p in P)
    planned_years = Counter(p["fibre_year"] for p in P if p["fibre"] == "planned")
    check(fib["connected"] == 199, "connected %d" % fib["connected"])
    check(all(p["fibre_year"] is not None and p["fibre_year"] <= 2023 for p in P if p["fibre"] == "connected"), "connected years")
    check(dict(planned_years) == {2024: 30, 2025: 86, 2026: 44, 2027: 10}, "planned years %s" % dict(planned_years))
    check(fib["none"] == 3 and all(p["fibre_year"] is None for p in P if p["fibre"] == "none"), "none %d" % fib["none"])
    check(all(p["kind"] in ("city", "town", "village", "hamlet") for p in P), "settlement kinds")
    check(all(p["district"] is None and p["osm_id"] is None and p["name"] == p["name_kk"] for p in P), "district/osm_id/name")
    curated = [p for p in P if not p["id"].startswith("demo-")]
    filler = [p for p in P if p["id"].startswith("demo-")]
    check(len(curated) >= 60, "curated %d" % len(curated))
    check(all(50 <= p["population"] <= 3000 for p in filler), "filler population")
    for name in ["sarykemer", "shu", "kulan", "merke", "karatau", "bauyrzhan-momyshuly", "korday", "zhanatas",
                 "moiynkum", "tole-bi", "asa", "taraz", "shakpak-ata", "otar", "ulanbel", "kamkaly", "birlik"]:
        check(name in sp, "missing curated %s" % name)
    names = Counter(n for p in P for n in {p["name_kk"], p["name_ru"], p["name_en"]})
    check(all(v == 1 for v in names.values()), "duplicate settlement names %s" % [k for k, v in names.items() if v > 1])
    where = {}
    for f in S:
        ds = districts_of(f["geometry"]["coordinates"])
        check(len(ds) == 1, "settlement %s in %s" % (f["properties"]["id"], ds))
        where[f["properties"]["id"]] = ds[0] if ds else None
    print("settlements: %d (%d curated, %d filler), fibre %s, planned %s" % (
        len(S), len(curated), len(filler), dict(fib), dict(sorted(planned_years.items()))))
    print("settlements per district:", dict(sorted(Counter(where.values()).items())))

    # Roads.
    road = {f["properties"]["id"]: f for f in R}
    a2 = road.get("a2-shakpakata-otar")
    if check(a2 is not None, "A-2 missing"):
        pr, line = a2["properties"], a2["geometry"]["coordinates"]
        check(pr["ref"] == "A-2" and pr["name"] == "Shakpakata\u2013Otar" and pr["category"] == "international", "A-2 props")
        check(len(line) >= 30, "A-2 vertices %d" % len(line))
        check(70.4 <= line[0][0] <= 70.6 and 42.4 <= line[0][1] <= 42.6, "A-2 start %s" % line[0])
        check(dist_km(line[-1], (75.2, 43.5)) < 10, "A-2 end %s" % line[-1])
        length = sum(dist_km(a, b) for a, b in zip(line, line[1:]))
        print("A-2: %d vertices, %.1f km" % (len(line), length))
    check(all(f["properties"]["category"] in ("international", "national", "regional", "local") for f in R), "road categories")

    # Sites.
    TP = [f["properties"] for f in T]
    pos = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in T}
    check(len(T) >= 200, "sites %d" % len(T))
    for p in TP:
        check(p["kind"] in ("base_station", "antenna_mast", "fibre_node"), "site kind %s" % p["kind"])
        check(p["operator"] in ("Beeline", "Kcell", "Tele2", "Altel", "Kazakhtelecom")
              or (p["operator"] is None and p["kind"] == "antenna_mast"), "operator %s" % p["operator"])
        techs = p["technologies"].split(";")
        check(techs == [t for t in ["2G", "3G", "4G", "5G", "fibre"] if t in techs], "technologies %s" % p["technologies"])
        check((p["kind"] == "fibre_node") == (techs == ["fibre"]), "fibre node technologies %s" % p["id"])
        check(p["status"] in ("planned", "building", "operational", "retired"), "status")
        check(p["position"] in ("surveyed", "estimated"), "position")
        if p["status"] in ("planned", "building"):
            check(p["planned_year"] is not None and 2024 <= p["planned_year"] <= 2027, "planned_year %s" % p["id"])
        else:
            check(p["planned_year"] is None, "planned_year on %s site %s" % (p["status"], p["id"]))
        if p["kind"] != "fibre_node":
            check(20 <= p["height_m"] <= 70 and 50 <= p["eirp_dbm"] <= 65 and p["band_mhz"] > 0, "radio values %s" % p["id"])
    masts = [p for p in TP if p["kind"] == "antenna_mast"]
    check(sorted(p["id"] for p in masts) == ["a2-mast-%d" % i for i in range(1, 8)], "mast ids")
    check(all(p["status"] == "planned" and p["planned_year"] == 2024 and p["technologies"] == "4G" for p in masts), "mast props")
    if a2:
        offs = [offset_km(pos[p["id"]], a2["geometry"]["coordinates"]) * 1000 for p in masts]
        check(all(o <= 300 for o in offs), "mast offsets %s" % offs)
        print("masts: %d, offsets from the A-2 %s m" % (len(masts), [round(o) for o in offs]))
        near_a2 = [p for p in TP if p["kind"] == "base_station"
                   and offset_km(pos[p["id"]], a2["geometry"]["coordinates"]) <= 2.0]
        print("base stations within 2 km of the A-2:", len(near_a2))
    outside = [p["id"] for p in TP if not districts_of(pos[p["id"]])]
    print("sites: %d %s; status %s; outside every district: %d" % (
        len(T), dict(Counter(p["kind"] for p in TP)), dict(Counter(p["status"] for p in TP)), len(outside)))
    print("  operators %s; retired 2G %d; explicit range_m on %d" % (
        dict(Counter(p["operator"] for p in TP)),
        sum(1 for p in TP if p["status"] == "retired" and p["technologies"] == "2G"),
        sum(1 for p in TP if p["range_m"] is not None)))

    # Institutions.
    IP = [f["properties"] for f in I]
    for f in I:
        p = f["properties"]
        check(p["settlement_id"] in sp, "institution settlement %s" % p["settlement_id"])
        check(p["kind"] in ("school", "hospital", "clinic", "akimat", "library", "kindergarten", "other"), "inst kind")
        check(p["connection"] in ("fibre", "adsl", "3G", "4G", "satellite", "none"), "connection")
        ds = districts_of(f["geometry"]["coordinates"])
        check(len(ds) == 1 and ds[0] == where.get(p["settlement_id"]), "institution %s in %s" % (p["id"], ds))
        if sp.get(p["settlement_id"]) and sp[p["settlement_id"]]["properties"]["fibre"] != "connected":
            check(p["connection"] != "fibre", "fibre institution in unconnected settlement %s" % p["id"])
    starlink = [p for p in IP if p["kind"] == "school" and p["connection"] == "satellite" and p["provider"] == "Starlink"]
    check(len(starlink) == 53, "starlink schools %d" % len(starlink))
    check(len([p for p in IP if p["connection"] == "satellite"]) == 53, "satellite institutions")
    check(all(sp[p["settlement_id"]]["properties"]["fibre"] != "connected" for p in starlink), "starlink in fibre village")
    print("institutions: %d %s; connection %s; Starlink schools %d" % (
        len(I), dict(Counter(p["kind"] for p in IP)), dict(Counter(p["connection"] for p in IP)), len(starlink)))

    # Commitments.
    for c in C:
        check(c["target_layer"] in ids and c["target_id"] in ids[c["target_layer"]],
              "unresolved %s -> %s/%s" % (c["id"], c["target_layer"], c["target_id"]))
    def group(programme, party, tech, layer):
        return [c for c in C if (c["programme"], c["party"], c["technology"], c["target_layer"]) == (programme, party, tech, layer)]
    mts = group("Accessible Internet", "Mobile Telecom-Service", "4G", "settlements")
    kt = group("Accessible Internet", "Kar-Tel", "4G", "settlements")
    kc = group("Kcell modernisation", "Kcell", "4G", "settlements")
    frs = group("Fibre roll-out", "Kazakhtelecom", "fibre", "settlements")
    fri = group("Fibre roll-out", "Kazakhtelecom", "fibre", "institutions")
    lm = group("Last mile subsidy", "Kazakhtelecom", "fibre", "settlements")
    mast = group("Accessible Internet", "Kazakhtelecom", "4G", "sites")
    done = lambda g: sum(1 for c in g if c["done_year"])
    check(len(mts) == 68 and done(mts) == 18, "MTS %d/%d" % (done(mts), len(mts)))
    check(all(c["planned_year"] in ("2023", "2024") for c in mts), "MTS planned years")
    check(all(c["done_year"] in ("", "2023", "2024") for c in mts), "MTS done years")
    check(len(kt) == 61 and done(kt) == 31, "Kar-Tel %d/%d" % (done(kt), len(kt)))
    check(len(kc) == 51 and 0 < done(kc) < 51, "Kcell %d/%d" % (done(kc), len(kc)))
    check(len({c["target_id"] for c in mts + kt + kc}) == 68 + 61 + 51, "4G targets overlap")
    fr_by_year = Counter(c["planned_year"] for c in frs)
    check(dict(fr_by_year) == {"2024": 30, "2025": 86, "2026": 44, "2027": 10}, "fibre settlements %s" % dict(fr_by_year))
    check({(c["target_id"], int(c["planned_year"])) for c in frs}
          == {(p["id"], p["fibre_year"]) for p in P if p["fibre"] == "planned"}, "fibre plan != fibre=planned")
    fi_by_year = Counter(c["planned_year"] for c in fri)
    check(dict(fi_by_year) == {"2024": 144, "2025": 204, "2026": 96, "2027": 11}, "fibre institutions %s" % dict(fi_by_year))
    check(len({c["target_id"] for c in fri}) == len(fri), "institution targeted twice")
    inst_by_id = {p["id"]: p for p in IP}
    for c in fri:
        x = inst_by_id[c["target_id"]]
        s = sp[x["settlement_id"]]["properties"]
        check(x["connection"] != "fibre", "fibre target already on fibre %s" % x["id"])
        check(s["fibre"] == "connected" or (s["fibre"] == "planned" and s["fibre_year"] <= int(c["planned_year"])),
              "institution %s planned before its settlement gets fibre" % x["id"])
    check(len(lm) == 120, "last mile %d" % len(lm))
    check(all(sp[c["target_id"]]["properties"]["fibre"] == "connected" for c in lm), "last mile target not connected")
    check(sorted(c["target_id"] for c in mast) == ["a2-mast-%d" % i for i in range(1, 8)]
          and all(c["planned_year"] == "2024" for c in mast), "mast commitments")
    check(len(C) == 68 + 61 + 51 + 170 + 455 + 120 + 7, "commitment rows %d" % len(C))
    print("commitments: %d rows; MTS %d/%d done, Kar-Tel %d/%d, Kcell %d/%d, fibre settlements %s, fibre institutions %s,"
          " last mile %d (%d done), masts %d" % (len(C), done(mts), len(mts), done(kt), len(kt), done(kc), len(kc),
                                               dict(sorted(fr_by_year.items())), dict(sorted(fi_by_year.items())),
                                               len(lm), done(lm), len(mast)))

    # 4G commitments against sites: done -> operational 4G site of the party's brand within 3 km;
    # open -> planned/building 4G site of that brand within 3 km.
    brands = {"Mobile Telecom-Service": ("Tele2", "Altel"), "Kar-Tel": ("Beeline",), "Kcell": ("Kcell",)}
    for c in mts + kt + kc:
        s = sp[c["target_id"]]["geometry"]["coordinates"]
        mine = [p for p in TP if p["operator"] in brands[c["party"]] and "4G" in p["technologies"]
                and dist_km(pos[p["id"]], s) <= 3.0]
        if c["done_year"]:
            check(any(p["status"] == "operational" for p in mine), "done %s has no operational 4G site" % c["id"])
        else:
            check(any(p["status"] in ("planned", "building") for p in mine), "open %s has no planned site" % c["id"])
            check(not any(p["status"] == "operational" for p in mine), "open %s already has 4G" % c["id"])

    # Villages without broadband now (no fibre, no operational 4G/5G site within an assumed range).
    ops4g = [pos[p["id"]] for p in TP if p["status"] == "operational" and ("4G" in p["technologies"] or "5G" in p["technologies"])]
    any_mobile = [(pos[p["id"]], p["technologies"]) for p in TP if p["status"] == "operational" and p["kind"] == "base_station"]
    for rng_km in (10, 20, 35):
        lacking = [p for p in P if p["fibre"] != "connected"
                   and min(dist_km(sp[p["id"]]["geometry"]["coordinates"], q) for q in ops4g) > rng_km]
        print("without broadband now if 4G reaches %2d km: %3d settlements, %6d people" % (
            rng_km, len(lacking), sum(p["population"] for p in lacking)))
        check(len(lacking) > 0, "no village without broadband at %d km" % rng_km)
    nothing = [p["id"] for p in P if min(dist_km(sp[p["id"]]["geometry"]["coordinates"], q[0]) for q in any_mobile) > 35]
    print("settlements with no operational base station within 35 km:", len(nothing))

    if FAIL:
        print("\nFAILED (%d):" % len(FAIL))
        for m in FAIL[:50]:
            print("  -", m)
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
