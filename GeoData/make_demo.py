#!/usr/bin/env python3
"""Generate Qamtu's ILLUSTRATIVE demo dataset for Zhambyl oblast (Kazakhstan).

    python3 GeoData/make_demo.py            # writes the files next to this script

Everything here comes from general knowledge, not from any official or third-party data set:

* the oblast outline, the district centres' "seed" points and the Taraz city polygon are hand-drawn
  approximations; district polygons are a Voronoi partition of that outline around the seeds;
* the curated settlements (table CURATED) are real place names with APPROXIMATE coordinates and rough
  populations; each row carries a confidence mark (see README.md);
* filler settlements (ids "demo-NNNN"), all sites, institutions and commitments are INVENTED, built
  with a fixed random seed so the output is byte-for-byte reproducible;
* the source figures the dataset must reproduce (372 settlements, 199 fibre-connected, 53 Starlink
  schools, the programmes' target counts ...) are encoded exactly; see README.md.

Regenerating needs Python 3.9+ and shapely 2.x (only for the district polygons); the outputs need
nothing. The script is deterministic: same inputs, same shapely version -> same bytes.
"""
import csv
import io
import json
import math
import os
import random
import sys

try:
    import shapely
    from shapely.geometry import MultiPoint, Point, Polygon
    from shapely.geometry.polygon import orient
    from shapely.prepared import prep
except ImportError:  # pragma: no cover
    sys.exit("make_demo.py needs shapely 2.x to regenerate the polygons (pip install shapely); "
             "the committed GeoJSON/CSV files do not need it")

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240615
GRID = 1e-6  # coordinates are snapped/rounded to 6 decimals everywhere


# ---------------------------------------------------------------------------------------------
# 1. Hand-drawn geography (APPROXIMATE)
# ---------------------------------------------------------------------------------------------

# Oblast outline, counter-clockwise (lon, lat). A coarse sketch of Zhambyl oblast: Kyrgyz border
# along the south (Talas Alatau, Kyrgyz range, Chu river), Almaty oblast to the east, Balkhash
# corner in the north-east, Karaganda / Ulytau to the north, Turkestan oblast to the west.
OUTLINE = [
    (70.32, 42.42), (70.60, 42.38), (70.90, 42.40), (71.10, 42.55), (71.35, 42.62),
    (71.60, 42.63), (71.90, 42.60), (72.20, 42.65), (72.50, 42.70), (72.80, 42.68),
    (73.10, 42.72), (73.40, 42.75), (73.70, 42.85), (74.00, 42.95), (74.40, 42.93),
    (74.70, 42.92), (75.00, 42.88), (75.30, 42.82), (75.60, 42.85), (75.80, 43.05),
    (75.70, 43.40), (75.55, 43.75), (75.30, 44.10), (75.05, 44.50), (74.80, 44.95),
    (74.55, 45.40), (74.35, 45.80), (74.00, 46.00), (73.50, 45.95), (73.00, 45.75),
    (72.50, 45.55), (72.00, 45.40), (71.50, 45.30), (71.00, 45.15), (70.50, 44.95),
    (70.10, 44.70), (69.70, 44.40), (69.40, 44.05), (69.20, 43.70), (69.30, 43.35),
    (69.60, 43.10), (69.90, 42.90), (70.10, 42.70),
]

# Taraz city: a small hand-drawn polygon around the city centre (about 71.38 E, 42.90 N).
TARAZ_POLYGON = [
    (71.455, 42.885), (71.460, 42.915), (71.440, 42.945), (71.405, 42.962), (71.365, 42.960),
    (71.325, 42.945), (71.300, 42.918), (71.298, 42.885), (71.318, 42.858), (71.352, 42.842),
    (71.392, 42.840), (71.430, 42.855),
]

# The 10 districts: id, English name, Kazakh, Russian, illustrative code, Voronoi seeds.
# Several seeds per district shape the partition; the first seed is near the district centre.
DISTRICTS = [
    ("bayzak", "Bayzak District", "Байзақ ауданы", "Байзакский район", "ZH-01",
     [(71.52, 43.00), (71.62, 42.76), (71.80, 43.08), (71.58, 43.30), (71.85, 43.55), (71.98, 42.82)]),
    ("zhambyl", "Zhambyl District", "Жамбыл ауданы", "Жамбылский район", "ZH-02",
     [(71.17, 42.95), (71.02, 43.08), (71.24, 42.74), (71.22, 43.16)]),
    ("zhualy", "Zhualy District", "Жуалы ауданы", "Жуалынский район", "ZH-03",
     [(70.80, 42.62), (70.52, 42.55), (70.66, 42.80), (70.98, 42.55), (70.30, 42.70)]),
    ("kordai", "Kordai District", "Қордай ауданы", "Кордайский район", "ZH-04",
     [(74.71, 43.04), (75.20, 43.50), (75.05, 43.08), (75.40, 43.90), (74.95, 44.30),
      (74.50, 43.25), (75.45, 43.20)]),
    ("merke", "Merke District", "Меркі ауданы", "Меркенский район", "ZH-05",
     [(73.18, 42.87), (73.42, 43.08), (73.15, 43.35), (73.30, 43.62)]),
    ("moiynkum", "Moiynkum District", "Мойынқұм ауданы", "Мойынкумский район", "ZH-06",
     [(72.94, 44.27), (72.30, 44.62), (71.62, 44.78), (72.97, 44.93), (73.68, 45.42),
      (73.95, 45.10), (72.30, 45.20), (71.70, 44.30), (74.30, 45.60), (73.60, 44.60), (72.40, 44.05)]),
    ("sarysu", "Sarysu District", "Сарысу ауданы", "Сарысуский район", "ZH-07",
     [(69.75, 43.57), (69.45, 43.35), (69.70, 44.05), (70.20, 44.25), (70.55, 44.65), (70.05, 43.80)]),
    ("talas", "Talas District", "Талас ауданы", "Таласский район", "ZH-08",
     [(70.46, 43.18), (70.85, 43.35), (70.90, 43.70), (71.05, 44.00), (70.15, 42.98)]),
    ("t-ryskulov", "T. Ryskulov District", "Т. Рысқұлов ауданы", "район Турара Рыскулова", "ZH-09",
     [(72.73, 42.92), (72.18, 42.98), (72.45, 43.32), (72.85, 43.40), (72.25, 43.65)]),
    ("shu", "Shu District", "Шу ауданы", "Шуский район", "ZH-10",
     [(73.90, 43.17), (73.76, 43.60), (74.20, 43.45), (74.45, 43.80), (73.70, 43.95), (74.20, 44.10)]),
]
TARAZ_DISTRICT = ("taraz-city", "Taraz City", "Тараз қаласы", "город Тараз", "ZH-00")


def build_districts():
    """Voronoi partition of OUTLINE around DISTRICTS' seeds, Taraz cut out; snapped to GRID."""
    outline = Polygon(OUTLINE)
    assert outline.is_valid
    seeds, owner = [], []
    for d in DISTRICTS:
        for s in d[5]:
            seeds.append(s)
            owner.append(d[0])
    env = Polygon([(60, 35), (85, 35), (85, 55), (60, 55)])
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=env)
    by_district = {d[0]: [] for d in DISTRICTS}
    for cell in cells.geoms:
        hits = [i for i, s in enumerate(seeds) if cell.contains(Point(s))]
        assert len(hits) == 1, hits
        by_district[owner[hits[0]]].append(cell)
    taraz = shapely.set_precision(Polygon(TARAZ_POLYGON), GRID)
    outline = shapely.set_precision(outline, GRID)
    raw = {}
    for d in DISTRICTS:
        geom = shapely.union_all(by_district[d[0]], grid_size=GRID)
        geom = shapely.intersection(geom, outline, grid_size=GRID)
        raw[d[0]] = shapely.difference(geom, taraz, grid_size=GRID)
    raw[TARAZ_DISTRICT[0]] = taraz
    # Rebuild every polygon from one noded set of boundary lines so that neighbours share exactly
    # the same vertices (no slivers, no overlaps after rounding).
    keys = sorted(raw)
    lines = shapely.union_all([raw[k].boundary for k in keys], grid_size=GRID)
    faces = {k: [] for k in keys}
    for face in shapely.polygonize(list(lines.geoms)).geoms:
        owner = max(keys, key=lambda k: (shapely.intersection(raw[k], face).area, k))
        faces[owner].append(face)
    result = {}
    for k in keys:
        result[k] = shapely.union_all(faces[k], grid_size=GRID)
    return result


def multipolygon_coords(geom):
    """RFC 7946 MultiPolygon coordinates: CCW exteriors, CW holes, rings start at their min vertex."""
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for p in sorted(polys, key=lambda g: -g.area):
        p = orient(p, sign=1.0)
        rings = [p.exterior] + list(p.interiors)
        coords = []
        for ring in rings:
            pts = [(round(x, 6), round(y, 6)) for x, y in ring.coords[:-1]]
            k = min(range(len(pts)), key=lambda i: pts[i])
            pts = pts[k:] + pts[:k]
            pts.append(pts[0])
            coords.append([[x, y] for x, y in pts])
        out.append(coords)
    return out


# Curated settlements: real names, APPROXIMATE positions (+-5..20 km; "low" rows may be further off)
# and rough populations (order of magnitude only). Columns:
#   id, Kazakh, Russian, Latin, kind, population, lon, lat, intended district, confidence, roles
# confidence: high = well-known place, position good to a few km; medium = name believed real and in
# this district, position rough; low = name believed to exist in the oblast, position guessed.
# roles: centre (district centre), a2 (on/near the A-2), remote (remote Sarysu/Moiynkum village),
#        hub (gets a full set of operators' 4G sites).
CURATED = [
    ("taraz", "Тараз", "Тараз", "Taraz", "city", 422000, 71.378, 42.900, "taraz-city", "high", "centre hub a2"),
    # Zhambyl district
    ("asa", "Аса", "Аса", "Asa", "village", 12000, 71.150, 42.950, "zhambyl", "medium", "centre hub"),
    ("aisha-bibi", "Айша бибі", "Айша-Биби", "Aisha Bibi", "village", 9000, 71.215, 42.850, "zhambyl", "medium", "a2"),
    ("besagash", "Бесағаш", "Бесагаш", "Besagash", "village", 5000, 71.255, 43.035, "zhambyl", "medium", ""),
    ("polatkosshy", "Полатқосшы", "Полаткосшы", "Polatkosshy", "village", 2500, 71.040, 43.090, "zhambyl", "medium", ""),
    ("kumshagal", "Құмшағал", "Кумшагал", "Kumshagal", "village", 4000, 71.290, 43.120, "zhambyl", "low", ""),
    ("zhalpaktobe", "Жалпақтөбе", "Жалпактобе", "Zhalpaktobe", "village", 2000, 70.990, 42.900, "zhambyl", "low", ""),
    # Bayzak district
    ("sarykemer", "Сарыкемер", "Сарыкемер", "Sarykemer", "village", 16000, 71.510, 43.000, "bayzak", "high", "centre hub"),
    ("kostobe", "Қостөбе", "Костобе", "Kostobe", "village", 3500, 71.600, 42.830, "bayzak", "medium", ""),
    ("dikhan", "Диқан", "Дихан", "Dikhan", "village", 2500, 71.760, 43.130, "bayzak", "medium", ""),
    ("buryl", "Бурыл", "Бурыл", "Buryl", "village", 3000, 71.700, 42.945, "bayzak", "medium", "a2"),
    ("koktal", "Көктал", "Коктал", "Koktal", "village", 2000, 71.480, 43.250, "bayzak", "low", ""),
    ("zhalgyztobe", "Жалғызтөбе", "Жалгызтобе", "Zhalgyztobe", "village", 2000, 71.930, 42.880, "bayzak", "low", ""),
    ("tuimekent", "Түймекент", "Туймекент", "Tuimekent", "village", 1500, 71.640, 43.400, "bayzak", "low", ""),
    # Zhualy district
    ("bauyrzhan-momyshuly", "Бауыржан Момышұлы", "Бауыржан Момышулы", "Bauyrzhan Momyshuly", "village", 13000,
     70.790, 42.620, "zhualy", "high", "centre hub a2"),
    ("shakpak-ata", "Шақпақ ата", "Шакпак ата", "Shakpak-Ata", "village", 600, 70.505, 42.495, "zhualy", "medium", "a2"),
    ("mynbulak", "Мыңбұлақ", "Мынбулак", "Mynbulak", "village", 2500, 70.950, 42.730, "zhualy", "medium", ""),
    ("kurenbel", "Күреңбел", "Куренбель", "Kurenbel", "village", 1500, 70.600, 42.690, "zhualy", "low", ""),
    ("kokbastau", "Көкбастау", "Кокбастау", "Kokbastau", "village", 1200, 70.900, 42.540, "zhualy", "low", ""),
    ("koshkarata", "Қошқарата", "Кошкарата", "Koshkarata", "village", 1500, 70.700, 42.790, "zhualy", "low", ""),
    # Talas district
    ("karatau", "Қаратау", "Каратау", "Karatau", "town", 30000, 70.460, 43.180, "talas", "high", "centre hub"),
    ("akkol", "Ақкөл", "Акколь", "Akkol", "village", 3000, 70.950, 43.420, "talas", "medium", ""),
    ("oyyk", "Ойық", "Ойык", "Oyyk", "village", 1500, 70.800, 43.700, "talas", "low", ""),
    ("usharal", "Үшарал", "Ушарал", "Usharal", "village", 2000, 70.700, 43.300, "talas", "low", ""),
    ("bostandyk", "Бостандық", "Бостандык", "Bostandyk", "village", 800, 70.950, 43.950, "talas", "low", ""),
    # T. Ryskulov district
    ("kulan", "Құлан", "Кулан", "Kulan", "village", 18000, 72.730, 42.920, "t-ryskulov", "high", "centre hub a2"),
    ("akyrtobe", "Ақыртөбе", "Акыртобе", "Akyrtobe", "village", 5000, 72.100, 42.980, "t-ryskulov", "medium", "a2"),
    ("koragaty", "Қорағаты", "Корагаты", "Koragaty", "village", 2000, 72.880, 43.250, "t-ryskulov", "low", ""),
    ("akbulym", "Ақбұлым", "Акбулым", "Akbulym", "village", 1500, 72.550, 42.840, "t-ryskulov", "low", ""),
    ("kaiyndy", "Қайыңды", "Каинды", "Kaiyndy", "village", 2500, 72.860, 42.800, "t-ryskulov", "low", ""),
    ("kumaryk", "Құмарық", "Кумарык", "Kumaryk", "village", 1500, 72.400, 43.120, "t-ryskulov", "low", ""),
    # Merke district
    ("merke", "Меркі", "Мерке", "Merke", "village", 28000, 73.180, 42.870, "merke", "high", "centre hub a2"),
    ("aspara", "Аспара", "Аспара", "Aspara", "village", 2500, 73.520, 42.930, "merke", "medium", "a2"),
    ("oital", "Ойтал", "Ойтал", "Oital", "village", 2500, 73.300, 42.800, "merke", "low", ""),
    ("sarymoldayev", "Сарымолдаев", "Сарымолдаев", "Sarymoldayev", "village", 2000, 73.050, 42.960, "merke", "low", ""),
    ("andas-batyr", "Андас батыр", "Андас батыр", "Andas Batyr", "village", 1800, 73.340, 42.980, "merke", "low", ""),
    ("tatti", "Тәтті", "Татти", "Tatti", "village", 1000, 73.420, 43.160, "merke", "low", ""),
    # Shu district
    ("tole-bi", "Төле би", "Толе би", "Tole Bi", "village", 16000, 73.900, 43.170, "shu", "medium", "centre hub a2"),
    ("shu", "Шу", "Шу", "Shu", "town", 37000, 73.760, 43.600, "shu", "high", "hub"),
    ("tasotkel", "Тасөткел", "Тасоткель", "Tasotkel", "village", 1500, 73.620, 43.440, "shu", "low", ""),
    ("shokpar", "Шоқпар", "Чокпар", "Shokpar", "village", 1500, 74.450, 43.780, "shu", "low", ""),
    ("birlikustem", "Бірлікүстем", "Бирликустем", "Birlikustem", "village", 2500, 74.100, 43.300, "shu", "low", ""),
    ("dalakainar", "Далақайнар", "Далакайнар", "Dalakainar", "village", 1200, 73.880, 43.720, "shu", "low", ""),
    # Kordai district
    ("korday", "Қордай", "Кордай", "Korday", "village", 28000, 74.710, 43.040, "kordai", "high", "centre hub a2"),
    ("otar", "Отар", "Отар", "Otar", "village", 5000, 75.210, 43.530, "kordai", "high", "a2"),
    ("sortobe", "Сортөбе", "Сортобе", "Sortobe", "village", 12000, 74.930, 43.060, "kordai", "medium", "a2"),
    ("masanchi", "Масаншы", "Масанчи", "Masanchi", "village", 13000, 75.080, 42.990, "kordai", "medium", "a2"),
    ("shortobe", "Шортөбе", "Шортобе", "Shortobe", "village", 8000, 74.990, 43.020, "kordai", "medium", ""),
    ("kenen", "Кенен", "Кенен", "Kenen", "village", 2500, 75.000, 43.360, "kordai", "medium", "a2"),
    ("kasyk", "Қасық", "Касык", "Kasyk", "village", 1500, 74.880, 43.220, "kordai", "medium", "a2"),
    ("sulutor", "Сұлутөр", "Сулутор", "Sulutor", "village", 2000, 74.400, 43.200, "kordai", "low", ""),
    ("aukhatty", "Ауқатты", "Аухатты", "Aukhatty", "village", 2000, 74.300, 43.060, "kordai", "low", ""),
    ("karakemer", "Қаракемер", "Каракемер", "Karakemer", "village", 3000, 74.580, 43.120, "kordai", "low", ""),
    # Moiynkum district
    ("moiynkum", "Мойынқұм", "Мойынкум", "Moiynkum", "village", 9000, 72.940, 44.270, "moiynkum", "medium", "centre hub"),
    ("ulanbel", "Ұланбел", "Уланбель", "Ulanbel", "village", 900, 71.620, 44.780, "moiynkum", "low", "remote"),
    ("birlik", "Бірлік", "Бирлик", "Birlik", "village", 700, 72.350, 44.620, "moiynkum", "low", "remote"),
    ("akbakai", "Ақбақай", "Акбакай", "Akbakai", "village", 4000, 72.970, 44.930, "moiynkum", "medium", ""),
    ("mynaral", "Мыңарал", "Мынарал", "Mynaral", "village", 600, 73.680, 45.420, "moiynkum", "medium", "remote"),
    ("khantau", "Хантау", "Хантау", "Khantau", "village", 1000, 73.780, 44.220, "shu", "low", ""),
    ("shyganak", "Шығанақ", "Шыганак", "Shyganak", "village", 800, 73.950, 45.100, "moiynkum", "low", "remote"),
    # Sarysu district
    ("zhanatas", "Жаңатас", "Жанатас", "Zhanatas", "town", 22000, 69.750, 43.570, "sarysu", "high", "centre hub"),
    ("saudakent", "Саудакент", "Саудакент", "Saudakent", "village", 5000, 70.320, 43.730, "sarysu", "medium", ""),
    ("kamkaly", "Қамқалы", "Камкалы", "Kamkaly", "village", 700, 70.700, 44.400, "sarysu", "low", "remote"),
    ("igilik", "Игілік", "Игилик", "Igilik", "village", 1000, 69.950, 43.950, "sarysu", "low", "remote"),
]

# Filler settlements per district: count and Gaussian clusters (lon, lat, sigma km, weight, median
# population). The clusters only say where villages are dense (irrigated south, Chu valley) and where
# they are sparse (Moiynkum sands, north of Sarysu); every filler point is INVENTED.
FILLER_PLAN = {
    "bayzak": (48, [(71.60, 42.90, 15, 0.50, 1000), (71.75, 43.10, 15, 0.30, 900), (71.65, 43.40, 18, 0.20, 600)]),
    "zhambyl": (36, [(71.12, 42.95, 12, 0.60, 1000), (71.15, 43.10, 12, 0.40, 900)]),
    "zhualy": (34, [(70.75, 42.62, 15, 0.60, 900), (70.60, 42.75, 12, 0.40, 700)]),
    "kordai": (36, [(74.80, 43.08, 18, 0.55, 1100), (75.10, 43.40, 18, 0.25, 700), (75.00, 43.95, 35, 0.20, 300)]),
    "merke": (26, [(73.25, 42.90, 15, 0.70, 1000), (73.30, 43.25, 18, 0.30, 600)]),
    "t-ryskulov": (30, [(72.55, 42.93, 18, 0.70, 1000), (72.60, 43.30, 20, 0.30, 600)]),
    "shu": (36, [(73.90, 43.25, 15, 0.40, 1000), (73.75, 43.55, 15, 0.35, 800), (74.30, 43.75, 25, 0.25, 400)]),
    "talas": (24, [(70.55, 43.20, 15, 0.45, 800), (70.90, 43.45, 18, 0.30, 600), (70.90, 43.95, 30, 0.25, 300)]),
    "sarysu": (16, [(69.80, 43.60, 15, 0.40, 600), (70.10, 44.20, 40, 0.60, 250)]),
    "moiynkum": (22, [(72.94, 44.27, 20, 0.30, 500), (72.20, 44.70, 40, 0.40, 250), (73.60, 45.10, 40, 0.30, 250)]),
}

# A-2 (Shakpakata–Otar) waypoints, west to east, from general knowledge; the line is a smooth curve
# through them, resampled to evenly spaced vertices. APPROXIMATE (a few km off the real road).
A2_WAYPOINTS = [
    (70.440, 42.470),  # Shakpak-Ata pass area (start)
    (70.500, 42.507),  # Shakpak-Ata
    (70.620, 42.562),
    (70.780, 42.630),  # Bauyrzhan Momyshuly
    (70.930, 42.690),
    (71.080, 42.790),
    (71.215, 42.860),  # Aisha Bibi
    (71.300, 42.872),
    (71.378, 42.885),  # Taraz
    (71.470, 42.902),
    (71.600, 42.930),
    (71.700, 42.955),  # Buryl
    (71.900, 42.966),
    (72.100, 42.974),  # Akyrtobe
    (72.350, 42.952),
    (72.550, 42.926),
    (72.730, 42.914),  # Kulan
    (72.950, 42.890),
    (73.180, 42.863),  # Merke
    (73.350, 42.895),
    (73.520, 42.922),  # Aspara
    (73.700, 43.030),
    (73.900, 43.162),  # Tole Bi
    (74.100, 43.120),
    (74.300, 43.068),  # Aukhatty
    (74.500, 43.060),
    (74.710, 43.046),  # Korday
    (74.800, 43.120),
    (74.880, 43.212),  # Kasyk
    (74.950, 43.290),  # Kordai pass (approx.)
    (75.000, 43.358),  # Kenen
    (75.100, 43.450),
    (75.205, 43.527),  # Otar
]
A2_VERTICES = 64

# Other illustrative roads: id, ref, name, category, vertices. refs of regional roads left null.
OTHER_ROADS = [
    ("taraz-karatau-zhanatas", None, "Taraz–Karatau–Zhanatas", "regional",
     [(71.378, 42.905), (71.300, 42.930), (71.160, 42.958), (71.000, 43.020), (70.850, 43.080),
      (70.650, 43.140), (70.462, 43.185), (70.300, 43.280), (70.120, 43.400), (69.950, 43.490),
      (69.752, 43.572)]),
    ("shu-moiynkum", None, "Shu–Moiynkum", "regional",
     [(73.760, 43.605), (73.620, 43.750), (73.480, 43.880), (73.300, 44.000), (73.120, 44.140),
      (72.945, 44.268)]),
    ("korday-masanchi", None, "Korday–Masanchi", "local",
     [(74.712, 43.042), (74.820, 43.055), (74.930, 43.058), (74.990, 43.025), (75.080, 42.992)]),
]

# Source figures (see README.md).
N_SETTLEMENTS = 372
N_FIBRE_CONNECTED = 199
FIBRE_PLANNED = {2024: 30, 2025: 86, 2026: 44, 2027: 10}
N_FIBRE_NONE = 3
FIBRE_INSTITUTIONS = {2024: 144, 2025: 204, 2026: 96, 2027: 11}
N_STARLINK_SCHOOLS = 53
N_SITES = 600
N_LAST_MILE = 120

OPERATORS_COMPANY = {"Beeline": "Kar-Tel", "Kcell": "Kcell", "Tele2": "Mobile Telecom-Service",
                     "Altel": "Mobile Telecom-Service", "Kazakhtelecom": "Kazakhtelecom"}
TECH_ORDER = ["2G", "3G", "4G", "5G", "fibre"]


# ---------------------------------------------------------------------------------------------
# 2. Small helpers
# ---------------------------------------------------------------------------------------------

def dist_km(a, b):
    """Great-circle distance (km) between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def move(p, km, bearing_deg):
    """The point `km` from `p` towards `bearing_deg` (local flat approximation, fine for < 50 km)."""
    b = math.radians(bearing_deg)
    dlat = km * math.cos(b) / 110.574
    dlon = km * math.sin(b) / (111.320 * math.cos(math.radians(p[1])))
    return (p[0] + dlon, p[1] + dlat)


def r6(x):
    v = round(x, 6)
    return 0.0 if v == 0 else v


KK_RU = {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
KK_EN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}


def kk_to_ru(s):
    out = []
    for ch in s:
        low = ch.lower()
        t = KK_RU.get(low, low)
        out.append(t.upper() if ch != low else t)
    return "".join(out)


def kk_to_en(s):
    out = []
    for ch in s:
        low = ch.lower()
        t = KK_EN.get(low, low)
        out.append(t[:1].upper() + t[1:] if ch != low else t)
    return "".join(out)


# Synthetic Kazakh-like names: two invented syllables + a toponymic ending, with vowel harmony.
BACK_V, FRONT_V = "аоұы", "әеөүі"
BACK_C0, FRONT_C0 = "бджзқлмнстш", "бджзклмнстш"  # onsets; a syllable may also start with the vowel
BACK_C, FRONT_C = "бджзқлмнрстшғ", "бджзклмнрстшг"
BACK_CODA, FRONT_CODA = ["", "", "л", "н", "р", "қ", "с", "ң"], ["", "", "л", "н", "р", "к", "с", "ң"]
BACK_END = ["сай", "бұлақ", "тау", "құдық", "тоғай", "қорған", "жол", "құм", "бастау", "арық"]
FRONT_END = ["бел", "төбе", "кент", "көл", "терек", "шілік", "бет", "өзек"]


def synthetic_name(rng):
    """An invented, pronounceable Kazakh-like place name (vowel harmony, toponymic ending)."""
    back = rng.random() < 0.6
    V, C0, C, CODA, END = ((BACK_V, BACK_C0, BACK_C, BACK_CODA, BACK_END) if back
                           else (FRONT_V, FRONT_C0, FRONT_C, FRONT_CODA, FRONT_END))
    s1 = (rng.choice(C0) if rng.random() < 0.85 else "") + rng.choice(V)
    stem = s1 + rng.choice(C) + rng.choice(V) + rng.choice(CODA)
    end = rng.choice(END)
    if stem[-1] in BACK_V + FRONT_V and end[0] in BACK_V + FRONT_V:
        end = END[0]
    name = stem + end
    return name[0].upper() + name[1:]


def tech_string(techs):
    return ";".join(t for t in TECH_ORDER if t in techs)


def best_tech(techs):
    for t in ("5G", "4G", "3G", "2G"):
        if t in techs:
            return t
    return None


# ---------------------------------------------------------------------------------------------
# 3. Settlements
# ---------------------------------------------------------------------------------------------

def make_settlements(rng, districts):
    """Curated rows, then invented fillers inside their district; returns a list of dicts.
    Keys starting with "_" are internal (position, district used for planning, roles)."""
    out = []
    for (sid, kk, ru, en, kind, pop, lon, lat, dist, conf, roles) in CURATED:
        out.append({
            "id": sid, "name": kk, "name_kk": kk, "name_ru": ru, "name_en": en, "kind": kind,
            "population": pop, "district": None, "fibre": None, "fibre_year": None, "osm_id": None,
            "_pos": (lon, lat), "_district": dist, "_roles": set(roles.split()), "_curated": True,
        })
    used_names = {s["name_kk"] for s in out} | {s["name_ru"] for s in out} | {s["name_en"] for s in out}
    n_filler = N_SETTLEMENTS - len(out)
    assert sum(v[0] for v in FILLER_PLAN.values()) == n_filler, (sum(v[0] for v in FILLER_PLAN.values()), n_filler)
    prepared = {k: prep(g) for k, g in districts.items()}
    serial = 0
    for dist in sorted(FILLER_PLAN):
        count, clusters = FILLER_PLAN[dist]
        boundary = districts[dist].boundary
        weights = [c[3] for c in clusters]
        made = 0
        while made < count:
            c = rng.choices(clusters, weights=weights)[0]
            p = move((c[0], c[1]), abs(rng.gauss(0, c[2])), rng.uniform(0, 360))
            p = (round(p[0], 6), round(p[1], 6))
            pt = Point(p)
            if not prepared[dist].contains(pt) or boundary.distance(pt) < 0.02:
                continue
            if any(dist_km(p, s["_pos"]) < 3.0 for s in out):
                continue
            pop = int(round(min(3000, max(50, rng.lognormvariate(math.log(c[4]), 0.7))) / 10.0) * 10)
            pop = max(50, pop)
            while True:
                kk = synthetic_name(rng)
                ru, en = kk_to_ru(kk), kk_to_en(kk)
                if not ({kk, ru, en} & used_names):
                    break
            used_names |= {kk, ru, en}
            serial += 1
            made += 1
            out.append({
                "id": "demo-%04d" % serial, "name": kk, "name_kk": kk, "name_ru": ru, "name_en": en,
                "kind": "hamlet" if pop < 200 else "village", "population": pop, "district": None,
                "fibre": None, "fibre_year": None, "osm_id": None,
                "_pos": p, "_district": dist, "_roles": set(), "_curated": False,
            })
    return out


def assign_fibre(rng, settlements):
    """Rank settlements (size, centrality, remoteness) and hand out the fibre statuses of the
    source figures: 199 connected (year <= 2023), planned 30/86/44/10 for 2024..2027, 3 none."""
    hubs = [s["_pos"] for s in settlements if "hub" in s["_roles"]]
    for s in settlements:
        score = math.log10(s["population"])
        if s["kind"] in ("city", "town") or "centre" in s["_roles"]:
            score += 10
        d_hub = min(dist_km(s["_pos"], h) for h in hubs)
        score -= max(0.0, s["_pos"][1] - 43.55) * 2.5 + max(0.0, d_hub - 25) / 25.0
        score += rng.gauss(0, 0.35)
        s["_score"] = score
    ranked = sorted(settlements, key=lambda s: (-s["_score"], s["id"]))
    for i, s in enumerate(ranked[:N_FIBRE_CONNECTED]):
        year = 2009 + int(14 * i / N_FIBRE_CONNECTED) + rng.choice([-1, 0, 0, 1])
        if s["kind"] == "city":
            year = 2008
        elif s["kind"] == "town" or "centre" in s["_roles"]:
            year = min(year, 2011)
        s["fibre"], s["fibre_year"] = "connected", max(2008, min(2023, year))
    k = N_FIBRE_CONNECTED
    for year in sorted(FIBRE_PLANNED):
        for s in ranked[k:k + FIBRE_PLANNED[year]]:
            s["fibre"], s["fibre_year"] = "planned", year
        k += FIBRE_PLANNED[year]
    assert len(ranked) - k == N_FIBRE_NONE
    for s in ranked[k:]:
        s["fibre"], s["fibre_year"] = "none", None


# ---------------------------------------------------------------------------------------------
# 4. Roads
# ---------------------------------------------------------------------------------------------

def _xy(p, origin):
    return ((p[0] - origin[0]) * 111.320 * math.cos(math.radians(origin[1])), (p[1] - origin[1]) * 110.574)


def _lonlat(xy, origin):
    return (origin[0] + xy[0] / (111.320 * math.cos(math.radians(origin[1]))), origin[1] + xy[1] / 110.574)


def make_a2(rng):
    """Catmull-Rom curve through A2_WAYPOINTS, resampled to A2_VERTICES evenly spaced vertices,
    with a small deterministic meander (<= 250 m) on the inner vertices."""
    origin = A2_WAYPOINTS[0]
    P = [_xy(p, origin) for p in A2_WAYPOINTS]
    P = [P[0]] + P + [P[-1]]
    dense = []
    for i in range(1, len(P) - 2):
        p0, p1, p2, p3 = P[i - 1], P[i], P[i + 1], P[i + 2]
        for k in range(40):
            t = k / 40.0
            t2, t3 = t * t, t * t * t
            dense.append(tuple(0.5 * (2 * p1[j] + (-p0[j] + p2[j]) * t + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t2
                                      + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3) for j in (0, 1)))
    dense.append(P[-2])
    cum = [0.0]
    for a, b in zip(dense, dense[1:]):
        cum.append(cum[-1] + math.hypot(b[0] - a[0], b[1] - a[1]))
    total = cum[-1]
    verts, j = [], 0
    for n in range(A2_VERTICES):
        target = total * n / (A2_VERTICES - 1)
        while j < len(cum) - 2 and cum[j + 1] < target:
            j += 1
        seg = cum[j + 1] - cum[j]
        f = 0.0 if seg == 0 else (target - cum[j]) / seg
        x = dense[j][0] + f * (dense[j + 1][0] - dense[j][0])
        y = dense[j][1] + f * (dense[j + 1][1] - dense[j][1])
        if 0 < n < A2_VERTICES - 1:
            dx, dy = dense[j + 1][0] - dense[j][0], dense[j + 1][1] - dense[j][1]
            norm = math.hypot(dx, dy) or 1.0
            m = rng.uniform(-0.25, 0.25)
            x, y = x - dy / norm * m, y + dx / norm * m
        verts.append(_lonlat((x, y), origin))
    return [(r6(x), r6(y)) for x, y in verts]


class Polyline:
    """Chainage (km from the start) and positions along a lon/lat polyline."""

    def __init__(self, pts):
        self.pts = pts
        self.cum = [0.0]
        for a, b in zip(pts, pts[1:]):
            self.cum.append(self.cum[-1] + dist_km(a, b))
        self.length = self.cum[-1]

    def at(self, km):
        """(point, bearing of the segment) at chainage km."""
        km = max(0.0, min(self.length, km))
        i = 0
        while i < len(self.pts) - 2 and self.cum[i + 1] < km:
            i += 1
        a, b = self.pts[i], self.pts[i + 1]
        seg = self.cum[i + 1] - self.cum[i]
        f = 0.0 if seg == 0 else (km - self.cum[i]) / seg
        p = (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]))
        ax, ay = _xy(b, a)
        return p, math.degrees(math.atan2(ax, ay))

    def offset_km(self, p):
        """Distance (km) from p to the polyline (local flat approximation)."""
        best = float("inf")
        for a, b in zip(self.pts, self.pts[1:]):
            bx, by = _xy(b, a)
            px, py = _xy(p, a)
            L2 = bx * bx + by * by
            t = 0.0 if L2 == 0 else max(0.0, min(1.0, (px * bx + py * by) / L2))
            best = min(best, math.hypot(px - t * bx, py - t * by))
        return best


# ---------------------------------------------------------------------------------------------
# 5. Sites and the operators' 4G commitments (all INVENTED)
# ---------------------------------------------------------------------------------------------

class SiteFactory:
    def __init__(self, rng):
        self.rng = rng
        self.sites = []
        self.serial = {}

    def add(self, op, kind, pos, techs, status="operational", planned_year=None, name=None,
            setting="rural", settlement=None, position=None, range_m=None, sid=None):
        rng = self.rng
        key = {"Kazakhtelecom": "kt"}.get(op, (op or "mast").lower())
        if sid is None:
            self.serial[key] = self.serial.get(key, 0) + 1
            sid = "%s-%04d" % (key, self.serial[key])
        techs = set(techs)
        band = height = eirp = None
        if kind != "fibre_node":
            best = best_tech(techs)
            if best == "5G":
                band = 3600
            elif best == "4G":
                band = (2600 if op == "Altel" and rng.random() < 0.5 else 1800) if setting == "urban" else 800
            elif best == "3G":
                band = 2100 if setting == "urban" or rng.random() < 0.5 else 900
            else:
                band = 900
            height = {"urban": rng.randint(20, 36), "rural": rng.randint(30, 60), "road": rng.randint(45, 70)}[setting]
            eirp = {"urban": rng.randint(50, 58), "rural": rng.randint(56, 65), "road": rng.randint(58, 65)}[setting]
        if position is None:
            position = "estimated" if status in ("planned", "building") or rng.random() < 0.2 else "surveyed"
        site = {
            "id": sid, "name": name, "kind": kind, "operator": op, "technologies": tech_string(techs),
            "band_mhz": band, "height_m": height, "eirp_dbm": eirp, "range_m": range_m, "status": status,
            "planned_year": planned_year, "position": position,
            "_pos": (r6(pos[0]), r6(pos[1])), "_settlement": settlement,
        }
        self.sites.append(site)
        return site

    def near(self, s, op, techs, max_km=1.5, min_km=0.2, **kw):
        """A base station of `op` a short distance from settlement s."""
        pos = move(s["_pos"], self.rng.uniform(min_km, max_km), self.rng.uniform(0, 360))
        count = sum(1 for x in self.sites if x["_settlement"] == s["id"] and x["operator"] == op) + 1
        kw.setdefault("name", "%s %s %d" % (op, s["name_en"], count))
        return self.add(op, "base_station", pos, techs, settlement=s["id"], **kw)


def operational_4g(site):
    return site["status"] == "operational" and ("4G" in site["technologies"] or "5G" in site["technologies"])


def make_sites(rng, settlements, a2):
    """Sites plus the 4G commitment targets (settlement ids per programme, with years)."""
    F = SiteFactory(rng)
    by_id = {s["id"]: s for s in settlements}
    hubs = [s for s in settlements if "hub" in s["_roles"]]
    big = [s for s in settlements if "hub" not in s["_roles"] and s["population"] >= 4000]
    served_places = hubs + big

    # Kazakhtelecom fibre nodes: Taraz (3) and every fibre-connected district centre / town.
    taraz = by_id["taraz"]
    for i, (km, brg) in enumerate([(0.4, 20), (2.5, 110), (3.0, 250)]):
        F.add("Kazakhtelecom", "fibre_node", move(taraz["_pos"], km, brg), ["fibre"],
              name="Kazakhtelecom node Taraz %d" % (i + 1), settlement="taraz", position="surveyed")
    for s in hubs:
        if s["id"] != "taraz" and s["fibre"] == "connected":
            F.add("Kazakhtelecom", "fibre_node", move(s["_pos"], rng.uniform(0.1, 0.8), rng.uniform(0, 360)),
                  ["fibre"], name="Kazakhtelecom node %s" % s["name_en"], settlement=s["id"], position="surveyed")

    # Taraz: four operators, a few 5G sites, Altel small cells with an explicit range.
    for op, n, techs in [("Beeline", 5, "2G 3G 4G"), ("Kcell", 5, "2G 3G 4G"), ("Tele2", 4, "2G 3G 4G"), ("Altel", 4, "4G")]:
        for i in range(n):
            F.near(taraz, op, techs.split(), max_km=5.0, min_km=0.3, setting="urban", position="surveyed",
                   range_m=1500.0 if op == "Altel" and i < 3 else None)
    F.near(taraz, "Beeline", ["4G", "5G"], max_km=2.0, setting="urban", position="surveyed")
    F.near(taraz, "Kcell", ["4G", "5G"], max_km=2.0, setting="urban", position="surveyed")

    # Towns, district centres and big villages: 4G from the three big operators, Altel in the larger ones.
    for s in served_places:
        if s["id"] == "taraz":
            continue
        town = s["kind"] == "town"
        setting = "urban" if s["population"] >= 10000 else "rural"
        if s["id"] == "saudakent":
            F.near(s, "Kcell", ["2G", "3G", "4G"], setting=setting)
            F.near(s, "Beeline", ["2G", "3G"], setting=setting)
            continue
        for op in ("Beeline", "Kcell", "Tele2"):
            F.near(s, op, ["2G", "3G", "4G"], max_km=3.0 if town else 1.5, setting=setting)
            if town and op != "Tele2":
                F.near(s, op, ["2G", "3G", "4G"], max_km=3.0, setting=setting)
        if town or s["population"] >= 15000:
            F.near(s, "Altel", ["4G"], max_km=2.0, setting=setting)

    # Sites along the A-2 (roadside, within 0.1..0.7 km of the line).
    line = Polyline(a2)
    roadside = [(0.05, "Kcell", "2G 3G 4G"), (0.17, "Beeline", "2G 3G 4G"), (0.30, "Tele2", "2G 3G 4G"),
                (0.42, "Kcell", "2G 3G 4G"), (0.50, "Beeline", "2G 3G 4G"), (0.58, "Kcell", "2G 3G 4G"),
                (0.66, "Tele2", "2G 3G 4G"), (0.79, "Beeline", "2G 3G 4G"),
                (0.71, "Kcell", "2G 3G"), (0.87, "Beeline", "2G 3G"), (0.95, "Kcell", "2G")]
    for k, (frac, op, techs) in enumerate(roadside):
        km = frac * line.length
        p, brg = line.at(km)
        pos = move(p, rng.uniform(0.1, 0.7), brg + (90 if k % 2 else -90))
        F.add(op, "base_station", pos, techs.split(), setting="road", name="%s A-2 km %d" % (op, round(km)),
              range_m=8000.0 if k in (2, 6) else None)

    # Which villages are "far" (no existing 4G nearby): > 30 km from every town/centre/big village.
    existing4g = [x["_pos"] for x in F.sites if operational_4g(x)]
    eligible = [s for s in settlements
                if "hub" not in s["_roles"] and s["population"] < 4000 and s["population"] >= 150
                and s["fibre"] != "none" and min(dist_km(s["_pos"], p) for p in existing4g) > 5.0]
    far = lambda s: min(dist_km(s["_pos"], h["_pos"]) for h in served_places) > 30.0
    order = sorted(eligible, key=lambda s: (-(math.log10(s["population"]) + rng.gauss(0, 0.4)), s["id"]))
    near_pool = [s for s in order if not far(s)]
    far_pool = [s for s in order if far(s)]

    picked = []

    def take(pool, n):
        """The first n of pool that are > 4.6 km from every target picked so far (so that one
        programme's new 4G site never lands next to another's open target)."""
        chosen = []
        for s in list(pool):
            if len(chosen) == n:
                break
            if all(dist_km(s["_pos"], q) > 4.6 for q in picked):
                chosen.append(s)
                picked.append(s["_pos"])
                pool.remove(s)
        assert len(chosen) == n, ("pool too small", len(chosen), n)
        return chosen

    # Accessible Internet, Mobile Telecom-Service (Tele2 / Altel brands): 68 villages, 18 done.
    mts_done = take(near_pool, 18)
    mts_open = take(far_pool, 12) + take(near_pool, 38)
    # Accessible Internet, Kar-Tel (Beeline): 61 villages (61 new base stations), 31 done.
    kt_done = take(near_pool, 31)
    kt_open = take(far_pool, 8) + take(near_pool, 22)
    # Kcell base-station modernisation: 51 villages, 20 done.
    kc_done = take(near_pool, 20)
    kc_open = take(far_pool, 6) + take(near_pool, 25)

    rows = []  # (programme key, settlement, planned_year, done_year)
    for i, s in enumerate(mts_done):
        planned = 2023 if i % 2 == 0 else 2024
        done = 2023 if planned == 2023 and i % 4 == 0 else 2024
        op = "Tele2" if i % 3 else "Altel"
        F.near(s, op, ["2G", "4G"] if op == "Tele2" else ["4G"], position="surveyed")
        rows.append(("mts", s, planned, done))
    for i, s in enumerate(mts_open):
        planned = 2023 if i % 2 == 0 else 2024
        op = "Tele2" if i % 3 else "Altel"
        is_far = i < 12
        status, year = ("planned", 2025) if is_far or i % 3 == 0 else ("building", 2024)
        F.near(s, op, ["2G", "4G"] if op == "Tele2" else ["4G"], status=status, planned_year=year)
        rows.append(("mts", s, planned, None))
    for i, s in enumerate(kt_done):
        planned = 2023 if i < 16 else 2024
        done = 2023 if i < 12 else 2024
        F.near(s, "Beeline", ["2G", "4G"], position="surveyed")
        rows.append(("kartel", s, planned, done))
    for i, s in enumerate(kt_open):
        planned = 2023 if i % 3 == 0 else 2024
        is_far = i < 8
        status, year = ("planned", 2025) if is_far or i % 2 == 0 else ("building", 2024)
        F.near(s, "Beeline", ["2G", "4G"], status=status, planned_year=year)
        rows.append(("kartel", s, planned, None))
    for i, s in enumerate(kc_done):
        planned = 2024 if i < 12 else 2025
        done = 2023 if i < 5 else 2024
        F.near(s, "Kcell", ["2G", "3G", "4G"])  # modernised in place
        rows.append(("kcell", s, planned, done))
    for i, s in enumerate(kc_open):
        planned = 2024 if i % 2 == 0 else 2025
        is_far = i < 6
        old = F.near(s, "Kcell", ["2G", "3G"], name="Kcell %s 1" % s["name_en"])
        year = 2025 if is_far else planned
        F.add("Kcell", "base_station", move(old["_pos"], 0.05, rng.uniform(0, 360)), ["4G"],
              status="planned" if year > 2024 else "building", planned_year=year,
              name="Kcell %s 1 (4G upgrade)" % s["name_en"], settlement=s["id"])
        rows.append(("kcell", s, planned, None))
    target_ids = {r[1]["id"]: r[0] for r in rows}
    brand_of = {"mts": ("Tele2", "Altel"), "kartel": ("Beeline",), "kcell": ("Kcell",)}
    open_targets = [(r[1]["_pos"], brand_of[r[0]]) for r in rows if r[3] is None]

    # Remote villages that are not targets: legacy 2G or 3G only, or nothing at all.
    for i, s in enumerate(far_pool):
        r = i % 5
        if r in (0, 2):
            F.near(s, "Kcell" if i % 2 else "Beeline", ["2G"], range_m=30000.0 if i < 4 else None)
        elif r == 3:
            F.near(s, "Kcell", ["2G", "3G"])
    for s in settlements:
        if s["fibre"] == "none":
            s["_roles"].add("left-behind")  # no site on purpose

    # A few retired 2G sites (replaced by the newer site next to them).
    for i, s in enumerate([x for x in served_places if x["id"] not in ("taraz",)][:6]):
        F.near(s, "Kcell" if i % 2 else "Beeline", ["2G"], status="retired",
               name="%s %s old 2G" % ("Kcell" if i % 2 else "Beeline", s["name_en"]), position="estimated")

    # Generic village sites until the layer holds N_SITES (the 7 A-2 masts come last).
    present = {(x["_settlement"], x["operator"]) for x in F.sites}
    candidates = []
    served_ids = {x["id"] for x in served_places}
    for s in [x for x in settlements if x["id"] not in served_ids and x["fibre"] != "none" and not far(x)]:
        for op, bias in (("Kcell", 0.3), ("Beeline", 0.25), ("Tele2", 0.0), ("Altel", -0.5)):
            if (s["id"], op) in present:
                continue
            prog = target_ids.get(s["id"])
            if prog == "mts" and op in ("Tele2", "Altel") or prog == "kartel" and op == "Beeline" \
                    or prog == "kcell" and op == "Kcell":
                continue
            if op == "Altel" and (s["population"] < 1500 or prog or any(
                    "Altel" in brands and dist_km(s["_pos"], p) < 4.5 for p, brands in open_targets)):
                continue
            candidates.append((-(math.log10(s["population"]) + bias + rng.gauss(0, 0.3)), s["id"], op))
    candidates.sort()
    need = N_SITES - 7 - len(F.sites)
    assert need <= len(candidates), (need, len(candidates))
    for _, sid, op in candidates[:need]:
        s = by_id[sid]
        pop = s["population"]
        if op == "Altel":
            techs = ["4G"]
        elif sid in target_ids:  # targets of a 4G programme have no 4G yet (unless done by that programme)
            techs = ["2G", "3G"] if pop >= 400 or rng.random() < 0.5 else ["2G"]
        elif any(op in brands and dist_km(s["_pos"], p) < 4.5 for p, brands in open_targets):
            techs = ["2G", "3G"]  # keep 4G away from a nearby open commitment of the same brand
        elif pop >= 1000 or (pop >= 400 and rng.random() < 0.6):
            techs = ["2G", "3G", "4G"]
        else:
            techs = ["2G", "3G"] if rng.random() < 0.5 else ["2G"]
        F.near(s, op, techs)

    # Seven planned masts on the A-2, greedily in the longest stretches without operational 4G;
    # the source article plans them for its own year, 2024 (the year of the 30-settlement fibre plan).
    ops4g = [x["_pos"] for x in F.sites if operational_4g(x)]
    samples = [i * 0.5 for i in range(10, int((line.length - 5.0) / 0.5) + 1)]  # not at the very ends
    gap = {km: min(dist_km(line.at(km)[0], p) for p in ops4g) for km in samples}
    masts = []
    for n in range(7):
        km = max(samples, key=lambda k: (gap[k], -k))
        masts.append(km)
        mp = line.at(km)[0]
        for k in samples:
            gap[k] = min(gap[k], dist_km(line.at(k)[0], mp))
    for n, km in enumerate(sorted(masts)):
        p, brg = line.at(km)
        pos = move(p, rng.uniform(0.06, 0.25), brg + (90 if n % 2 else -90))
        F.add(None, "antenna_mast", pos, ["4G"], status="planned", planned_year=2024, setting="road",
              name="A-2 mast %d (km %d)" % (n + 1, round(km)), sid="a2-mast-%d" % (n + 1), position="estimated")
    assert len(F.sites) == N_SITES
    return F.sites, rows, line


# ---------------------------------------------------------------------------------------------
# 6. Institutions (INVENTED; names are generic Kazakh designations with the settlement's name)
# ---------------------------------------------------------------------------------------------

KIND_PRIORITY = {"school": 0, "hospital": 1, "clinic": 2, "akimat": 3, "kindergarten": 4, "library": 5, "other": 6}
DISTRICT_KK = {d[0]: d[2] for d in DISTRICTS}


def institution_plan(rng, s):
    """(kind, name) list for one settlement, by size and role."""
    n = s["name_kk"]
    pop, kind = s["population"], s["kind"]
    centre = "centre" in s["_roles"]
    items = []

    def numbered(k, count, fmt_one, fmt_many):
        for i in range(1, count + 1):
            items.append((k, fmt_one % n if count == 1 else fmt_many % (n, i)))

    if kind == "city":
        numbered("school", 12, "%s орта мектебі", "%s №%d орта мектебі")
        numbered("hospital", 3, "%s ауруханасы", "%s №%d қалалық ауруханасы")
        numbered("clinic", 6, "%s емханасы", "%s №%d емханасы")
        items.append(("akimat", "%s қаласы әкімдігі" % n))
        numbered("library", 3, "%s кітапханасы", "%s №%d кітапханасы")
        numbered("kindergarten", 8, "%s балабақшасы", "%s №%d балабақшасы")
        items.append(("other", "%s халыққа қызмет көрсету орталығы" % n))
        items.append(("other", "%s облыстық ғылыми кітапханасы" % n))
    elif kind == "town" or centre:
        numbered("school", 5 if kind == "town" else 4, "%s орта мектебі", "%s №%d орта мектебі")
        items.append(("hospital", ("%s орталық аудандық ауруханасы" if centre else "%s қалалық ауруханасы") % n))
        numbered("clinic", 2 if kind == "town" else 1, "%s емханасы", "%s №%d емханасы")
        if centre:
            items.append(("akimat", "%s әкімдігі" % DISTRICT_KK[s["_district"]]))
        items.append(("akimat", ("%s қаласы әкімдігі" if kind == "town" else "%s ауылдық округі әкімдігі") % n))
        items.append(("library", "%s орталық кітапханасы" % n))
        numbered("kindergarten", 3 if kind == "town" else 2, "%s балабақшасы", "%s №%d балабақшасы")
        items.append(("other", "%s халыққа қызмет көрсету орталығы" % n))
    elif pop >= 2000:
        numbered("school", 2, "%s орта мектебі", "%s №%d орта мектебі")
        items.append(("clinic", "%s дәрігерлік амбулаториясы" % n))
        items.append(("akimat", "%s ауылдық округі әкімдігі" % n))
        items.append(("library", "%s ауылдық кітапханасы" % n))
        items.append(("kindergarten", "%s балабақшасы" % n))
    elif pop >= 1000:
        items.append(("school", "%s орта мектебі" % n))
        items.append(("clinic", "%s дәрігерлік амбулаториясы" % n))
        if rng.random() < 0.5:
            items.append(("akimat", "%s ауылдық округі әкімдігі" % n))
        if rng.random() < 0.5:
            items.append(("library", "%s ауылдық кітапханасы" % n))
        items.append(("kindergarten", "%s балабақшасы" % n))
    elif pop >= 300:
        items.append(("school", "%s орта мектебі" % n))
        items.append(("clinic", "%s медициналық пункті" % n))
        if rng.random() < 0.3:
            items.append(("kindergarten", "%s шағын орталығы" % n))
    else:
        if rng.random() < 0.6:
            items.append(("school", "%s бастауыш мектебі" % n))
        if rng.random() < 0.5:
            items.append(("clinic", "%s медициналық пункті" % n))
    return items


def make_institutions(rng, settlements, sites):
    insts = []
    for s in settlements:
        spread = 3.0 if s["kind"] == "city" else (1.2 if s["kind"] == "town" else 0.5)
        for kind, name in institution_plan(rng, s):
            pos = move(s["_pos"], rng.uniform(0.05, spread), rng.uniform(0, 360))
            insts.append({"id": None, "name": name, "kind": kind, "settlement_id": s["id"],
                          "connection": None, "provider": None, "speed_mbps": None,
                          "_pos": (r6(pos[0]), r6(pos[1]))})
    for i, x in enumerate(insts):
        x["id"] = "inst-%04d" % (i + 1)
    by_id = {s["id"]: s for s in settlements}

    # Fibre roll-out targets per year: institutions of the settlements planned for that year, topped
    # up with not-yet-connected institutions in fibre-connected villages.
    fibre_targets = {}
    taken = set()
    prio = lambda x: (KIND_PRIORITY[x["kind"]], x["id"])
    topup = [x for x in insts if by_id[x["settlement_id"]]["fibre"] == "connected"
             and by_id[x["settlement_id"]]["kind"] == "village" and x["kind"] in ("school", "clinic", "kindergarten", "library")]
    rng.shuffle(topup)
    for year in sorted(FIBRE_INSTITUTIONS):
        want = FIBRE_INSTITUTIONS[year]
        pool = sorted([x for x in insts if by_id[x["settlement_id"]]["fibre_year"] == year
                       and by_id[x["settlement_id"]]["fibre"] == "planned"], key=prio)
        chosen = pool[:want]
        while len(chosen) < want:
            x = topup.pop()
            if x["id"] not in taken:
                chosen.append(x)
        for x in chosen:
            taken.add(x["id"])
        fibre_targets[year] = sorted(chosen, key=lambda x: x["id"])

    # Mobile service at each settlement (best operational site of each operator within 3 km).
    local = {}
    for site in sites:
        if site["kind"] != "base_station" or site["status"] != "operational" or not site["_settlement"]:
            continue
        s = by_id[site["_settlement"]]
        if dist_km(site["_pos"], s["_pos"]) <= 3.0:
            local.setdefault(s["id"], []).append(site)
    ops4g = [x["_pos"] for x in sites if operational_4g(x)]

    # 53 Starlink schools in settlements without fibre: remote (no 4G within 15 km) first.
    candidates = []
    for s in settlements:
        if s["fibre"] == "connected":
            continue
        schools = [x for x in insts if x["settlement_id"] == s["id"] and x["kind"] == "school"]
        if not schools:
            continue
        remote = min(dist_km(s["_pos"], p) for p in ops4g) > 15.0
        candidates.append((0 if remote else 1, rng.random(), schools[0]["id"]))
    candidates.sort()
    starlink = {c[2] for c in candidates[:N_STARLINK_SCHOOLS]}
    assert len(starlink) == N_STARLINK_SCHOOLS

    for x in insts:
        s = by_id[x["settlement_id"]]
        if x["id"] in starlink:
            x["connection"], x["provider"], x["speed_mbps"] = "satellite", "Starlink", rng.choice([80, 100, 120, 150, 200])
        elif s["fibre"] == "connected" and x["id"] not in taken:
            speed = 100 if x["kind"] in ("school", "hospital", "akimat") else rng.choice([30, 50, 100])
            x["connection"], x["provider"], x["speed_mbps"] = "fibre", "Kazakhtelecom", speed
        else:
            here = local.get(s["id"], [])
            four = [y for y in here if "4G" in y["technologies"]]
            three = [y for y in here if "3G" in y["technologies"]]
            adsl_ok = s["population"] >= 400 and (s["fibre"] == "connected" or s["_pos"][1] < 43.6)
            if adsl_ok and (not four or rng.random() < 0.5):
                x["connection"], x["provider"], x["speed_mbps"] = "adsl", "Kazakhtelecom", rng.choice([4, 6, 8, 10, 16])
            elif four:
                x["connection"], x["provider"], x["speed_mbps"] = "4G", rng.choice(four)["operator"], rng.choice([10, 15, 20, 30, 40])
            elif three:
                x["connection"], x["provider"], x["speed_mbps"] = "3G", rng.choice(three)["operator"], rng.choice([2, 3, 4, 6])
            else:
                x["connection"], x["provider"], x["speed_mbps"] = "none", None, None
    return insts, fibre_targets


# ---------------------------------------------------------------------------------------------
# 7. Commitments
# ---------------------------------------------------------------------------------------------

def make_commitments(rng, settlements, rows4g, fibre_targets):
    out = []

    def add(cid, programme, party, tech, layer, target, planned, done):
        out.append({"id": cid, "programme": programme, "party": party, "technology": tech,
                    "target_layer": layer, "target_id": target, "planned_year": planned, "done_year": done})

    spec = {"mts": ("ai-mts-4g-%03d", "Accessible Internet", "Mobile Telecom-Service"),
            "kartel": ("ai-kartel-4g-%03d", "Accessible Internet", "Kar-Tel"),
            "kcell": ("kcell-mod-4g-%03d", "Kcell modernisation", "Kcell")}
    for key in ("mts", "kartel", "kcell"):
        mine = sorted([r for r in rows4g if r[0] == key], key=lambda r: r[1]["id"])
        fmt, programme, party = spec[key]
        for i, (_, s, planned, done) in enumerate(mine):
            add(fmt % (i + 1), programme, party, "4G", "settlements", s["id"], planned, done)

    planned_settlements = sorted([s for s in settlements if s["fibre"] == "planned"],
                                 key=lambda s: (s["fibre_year"], s["id"]))
    for i, s in enumerate(planned_settlements):
        add("fr-kt-set-%03d" % (i + 1), "Fibre roll-out", "Kazakhtelecom", "fibre", "settlements",
            s["id"], s["fibre_year"], None)
    i = 0
    for year in sorted(fibre_targets):
        for x in fibre_targets[year]:
            i += 1
            add("fr-kt-inst-%03d" % i, "Fibre roll-out", "Kazakhtelecom", "fibre", "institutions", x["id"], year, None)

    # Last-mile subsidy: 120 fibre-connected villages (household access over the existing fibre).
    # 70 planned for 2023 (62 done in 2023, 8 overdue), 50 planned for 2024 (20 done, 30 open).
    pool = sorted([s for s in settlements if s["fibre"] == "connected" and s["kind"] in ("village", "hamlet")
                   and "centre" not in s["_roles"]], key=lambda s: s["id"])
    rng.shuffle(pool)
    chosen = sorted(pool[:N_LAST_MILE], key=lambda s: s["id"])
    order = list(range(N_LAST_MILE))
    rng.shuffle(order)
    for rank, k in enumerate(order):
        s = chosen[k]
        if rank < 70:
            planned, done = 2023, (2023 if rank < 62 else None)
        else:
            planned, done = 2024, (2024 if rank < 90 else None)
        chosen[k] = (s, planned, done)
    for i, (s, planned, done) in enumerate(chosen):
        add("lm-kt-fibre-%03d" % (i + 1), "Last mile subsidy", "Kazakhtelecom", "fibre", "settlements",
            s["id"], planned, done)

    for n in range(1, 8):
        add("ai-kt-mast-%d" % n, "Accessible Internet", "Kazakhtelecom", "4G", "sites", "a2-mast-%d" % n, 2024, None)
    return out


# ---------------------------------------------------------------------------------------------
# 8. Output
# ---------------------------------------------------------------------------------------------

SETTLEMENT_PROPS = ["id", "name", "name_kk", "name_ru", "name_en", "kind", "population", "district",
                    "fibre", "fibre_year", "osm_id"]
SITE_PROPS = ["id", "name", "kind", "operator", "technologies", "band_mhz", "height_m", "eirp_dbm",
              "range_m", "status", "planned_year", "position"]
INSTITUTION_PROPS = ["id", "name", "kind", "settlement_id", "connection", "provider", "speed_mbps"]
COMMITMENT_COLS = ["id", "programme", "party", "technology", "target_layer", "target_id", "planned_year", "done_year"]


def feature(props, geometry):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def point(pos):
    return {"type": "Point", "coordinates": [r6(pos[0]), r6(pos[1])]}


def write_fc(name, features):
    lines = ['{"type":"FeatureCollection","features":[']
    for i, f in enumerate(features):
        text = json.dumps(f, ensure_ascii=False, separators=(",", ":"))
        lines.append(text + ("," if i < len(features) - 1 else ""))
    lines.append("]}")
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")


def main():
    rng = random.Random(SEED)
    districts = build_districts()
    settlements = make_settlements(rng, districts)
    assign_fibre(rng, settlements)
    a2 = make_a2(rng)
    sites, rows4g, _ = make_sites(rng, settlements, a2)
    institutions, fibre_targets = make_institutions(rng, settlements, sites)
    commitments = make_commitments(rng, settlements, rows4g, fibre_targets)

    meta = {d[0]: d for d in DISTRICTS}
    meta[TARAZ_DISTRICT[0]] = TARAZ_DISTRICT + ([],)
    order = [d[0] for d in DISTRICTS] + [TARAZ_DISTRICT[0]]
    write_fc("districts.geojson", [
        feature({"id": k, "name": meta[k][1], "name_kk": meta[k][2], "name_ru": meta[k][3], "code": meta[k][4]},
                {"type": "MultiPolygon", "coordinates": multipolygon_coords(districts[k])})
        for k in order])
    write_fc("settlements.geojson", [feature({k: s[k] for k in SETTLEMENT_PROPS}, point(s["_pos"])) for s in settlements])
    roads = [("a2-shakpakata-otar", "A-2", "Shakpakata–Otar", "international", a2)] + OTHER_ROADS
    write_fc("roads.geojson", [
        feature({"id": rid, "ref": ref, "name": name, "category": cat},
                {"type": "LineString", "coordinates": [[r6(x), r6(y)] for x, y in pts]})
        for rid, ref, name, cat, pts in roads])
    write_fc("sites.geojson", [feature({k: x[k] for k in SITE_PROPS}, point(x["_pos"])) for x in sites])
    write_fc("institutions.geojson", [feature({k: x[k] for k in INSTITUTION_PROPS}, point(x["_pos"])) for x in institutions])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COMMITMENT_COLS)
    for c in commitments:
        w.writerow(["" if c[k] is None else c[k] for k in COMMITMENT_COLS])
    with open(os.path.join(HERE, "commitments.csv"), "w", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())
    print("wrote %d districts, %d settlements, %d roads, %d sites, %d institutions, %d commitments"
          % (len(order), len(settlements), len(roads), len(sites), len(institutions), len(commitments)))


if __name__ == "__main__":
    main()
