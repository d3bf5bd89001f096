#!/usr/bin/env python3
"""Reference values for CorridorTests, computed independently of Qamtu with GeographicLib.

Run: python3 make_reference.py > CorridorReferenceData.swift
Tool: geographiclib 2.1 (Python, C. F. F. Karney), WGS84, `Geodesic.WGS84`.

Methods (none shares code or algorithm with Sources/Corridor or Sources/Geodesy):
- locate: for every segment of every part, the foot of the geodesic perpendicular is found by
  bisection (200 halvings) on the sign of d(distance)/ds = cos(azi2(q -> X) - azi(X along the
  segment)), with ends tested; the nearest over all segments wins (smallest chainage on ties).
- coverage: the distance from the site to the road is sampled every 2 m along every segment; each
  sign change of (distance - range) is refined by bisection (200 halvings) on the exact distance.
"""
import math
from geographiclib.geodesic import Geodesic

G = Geodesic.WGS84
MASK = Geodesic.STANDARD | Geodesic.DISTANCE_IN

ROADS = {
    # A bent road of four segments near Taraz (Zhambyl oblast).
    "bent": [[(71.30, 42.90), (71.42, 42.93), (71.55, 42.91), (71.63, 42.98), (71.70, 42.99)]],
    # Two north-south parts mirrored about the meridian 73 E, with 16 km of no road between them.
    "mirrored": [[(72.90, 42.80), (72.90, 43.20)], [(73.10, 43.20), (73.10, 42.80)]],
    # Chukotka: a road crossing the 180 degree meridian.
    "antimeridian": [[(179.90, 65.00), (179.97, 65.02), (-179.95, 65.03), (-179.85, 65.01)]],
}

QUERIES = {
    "bent": [
        ("north of segment 0", (71.36, 42.922)),
        ("beyond the start", (71.25, 42.88)),
        ("beyond the end", (71.76, 43.00)),
        ("outside the bend at vertex 2", (71.555, 42.895)),
        ("south of segment 3", (71.66, 42.95)),
        ("inside the bend", (71.56, 42.93)),
    ],
    "mirrored": [
        ("equidistant from both parts", (73.0, 43.0)),
        ("near part 1", (73.12, 42.9)),
        ("between the part ends", (73.0, 43.25)),
        ("beyond the start of part 0", (72.9, 42.7)),
    ],
    "antimeridian": [
        ("north of the crossing", (179.99, 65.06)),
        ("south, east of 180", (-179.99, 64.99)),
        ("beyond the start", (179.85, 64.99)),
        ("beyond the end", (-179.80, 65.00)),
    ],
}

SITES = {
    "bent": [
        # 2 km north of the middle of segment 0; 3 km range: both ends of segment 0 are out of range.
        ("dip", (71.36, 42.933), 3000.0),
        # Near vertex 2, 6 km range: covers across the bend.
        ("bend", (71.555, 42.905), 6000.0),
        ("far", (71.50, 43.20), 5000.0),
    ],
    "mirrored": [("between", (73.0, 43.2), 9000.0)],
    "antimeridian": [("date line", (180.0, 65.0), 5000.0)],
}


def segments(parts):
    """(part, index, start chainage, line) for every segment; part lengths."""
    out, lengths, total = [], [], 0.0
    for p, verts in enumerate(parts):
        start = total
        for i in range(len(verts) - 1):
            (lon1, lat1), (lon2, lat2) = verts[i], verts[i + 1]
            line = G.InverseLine(lat1, lon1, lat2, lon2, MASK)
            out.append((p, i, total, line))
            total += line.s13
        lengths.append(total - start)
    return out, lengths


def distance(q, line, s):
    pos = line.Position(s, MASK)
    inv = G.Inverse(q[1], q[0], pos["lat2"], pos["lon2"])
    return inv["s12"], inv["azi2"], pos


def slope(q, line, s):
    d, azi_arrive, pos = distance(q, line, s)
    return math.cos(math.radians(azi_arrive - pos["azi2"]))


def foot(q, line):
    L = line.s13
    if slope(q, line, 0.0) >= 0:
        return 0.0
    if slope(q, line, L) <= 0:
        return L
    lo, hi = 0.0, L
    for _ in range(200):
        mid = (lo + hi) / 2
        if slope(q, line, mid) > 0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def locate(parts, q):
    segs, _ = segments(parts)
    best = None
    for p, i, start, line in segs:
        s = foot(q, line)
        d, _, pos = distance(q, line, s)
        cand = (d, start + s, p, i, pos["lon2"], pos["lat2"])
        if best is None or d < best[0] - 1e-9 or (abs(d - best[0]) <= 1e-9 and cand[1] < best[1]):
            best = cand
    return best


def covered(parts, site, rng):
    segs, _ = segments(parts)
    pieces = []
    for p, i, start, line in segs:
        L = line.s13
        n = max(1, int(math.ceil(L / 2.0)))
        ss = [L * k / n for k in range(n + 1)]
        ex = [distance(site, line, s)[0] - rng for s in ss]
        cur = 0.0 if ex[0] <= 0 else None
        for k in range(n):
            if (ex[k] <= 0) != (ex[k + 1] <= 0):
                lo, hi = ss[k], ss[k + 1]
                inside_lo = ex[k] <= 0
                for _ in range(200):
                    mid = (lo + hi) / 2
                    if (distance(site, line, mid)[0] - rng <= 0) == inside_lo:
                        lo = mid
                    else:
                        hi = mid
                root = (lo + hi) / 2
                if inside_lo:
                    pieces.append((p, start + cur, start + root))
                    cur = None
                else:
                    cur = root
        if cur is not None:
            pieces.append((p, start + cur, start + L))
    merged = []
    for piece in pieces:
        if merged and merged[-1][0] == piece[0] and piece[1] <= merged[-1][2] + 1e-9:
            merged[-1] = (piece[0], merged[-1][1], max(merged[-1][2], piece[2]))
        else:
            merged.append(piece)
    return merged


def swift_points(points):
    return "[" + ", ".join(f"p({lon}, {lat})" for lon, lat in points) + "]"


print("// Generated by make_reference.py with geographiclib 2.1 (Python); do not edit by hand.")
print("// Independent of Sources/Corridor and Sources/Geodesy: see the methods in make_reference.py.")
print("@testable import Corridor")
print("import Geodesy")
print()
print("enum CorridorReferenceData {")
print("    static func p(_ lon: Double, _ lat: Double) -> GeoPoint { GeoPoint(longitude: lon, latitude: lat) }")
print()
print("    /// Road parts by name (EPSG:4326, lon/lat).")
print("    static let roads: [String: [[GeoPoint]]] = [")
for name, parts in ROADS.items():
    print(f'        "{name}": [' + ", ".join(swift_points(part) for part in parts) + "],")
print("    ]")
print()
print("    /// Part lengths, metres.")
print("    static let partLengths: [String: [Double]] = [")
for name, parts in ROADS.items():
    _, lengths = segments(parts)
    print(f'        "{name}": [' + ", ".join(f"{x!r}" for x in lengths) + "],")
print("    ]")
print()
print("    struct Location {")
print("        var road: String, what: String, query: GeoPoint")
print("        var offset: Double, chainage: Double, part: Int, segment: Int, nearest: GeoPoint")
print("    }")
print()
print("    /// Nearest road point of each query: offset m, chainage m, part, segment, nearest point.")
print("    static let locations: [Location] = [")
for name, queries in QUERIES.items():
    for what, q in queries:
        d, c, p, i, lon, lat = locate(ROADS[name], q)
        print(f'        Location(road: "{name}", what: "{what}", query: p({q[0]}, {q[1]}),')
        print(f"                 offset: {d!r}, chainage: {c!r}, part: {p}, segment: {i}, nearest: p({lon!r}, {lat!r})),")
print("    ]")
print()
print("    struct Coverage {")
print("        var road: String, site: String, position: GeoPoint, range: Double")
print("        /// (part, from m, to m)")
print("        var covered: [(Int, Double, Double)]")
print("    }")
print()
print("    /// Covered stretches of single sites.")
print("    static let coverages: [Coverage] = [")
for name, sites in SITES.items():
    for sid, pos, rng in sites:
        pieces = covered(ROADS[name], pos, rng)
        body = ", ".join(f"({p}, {a!r}, {b!r})" for p, a, b in pieces)
        print(f'        Coverage(road: "{name}", site: "{sid}", position: p({pos[0]}, {pos[1]}), range: {rng!r},')
        print(f"                 covered: [{body}]),")
print("    ]")
print("}")
