"""W1 coverage with GeoPandas 1.x / shapely 2 and pyproj: the way a GIS engineer would do it in Python.

Usage: python3 w1.py DATA_DIR SCALE OUT.csv

Reads settlements_SCALE.csv and sites_SCALE.csv into GeoDataFrames (EPSG:4326), then, technology by
technology from the best (fibre-node > 4G > 3G > 2G), for the settlements not covered yet:
  1. a spatial join (shapely STRtree through GeoDataFrame.sindex) of the settlements against a lon/lat
     box around each site that certainly contains its geodesic circle;
  2. the exact ellipsoidal distance of every candidate pair with pyproj.Geod("WGS84").inv (vectorised);
  3. covered when the distance is at most the site's radius_m.
Writes `id,tech` per settlement in id order (tech empty when no site covers it), as the other peers do.

The box: a geodesic of length r spans at most r / 110 574 m of latitude per degree (the shortest
meridian degree, at the equator) and, at latitudes up to |lat| + that span, at most
r / (111 319.49 m * cos(lat_max)) of longitude per degree; a 2 % margin covers the difference between
a parallel and the geodesic. Boxes reaching a pole or wider than 90 degrees of longitude take the whole
longitude range (none in the benchmark data).
"""
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

RANKS = ["fibre-node", "4G", "3G", "2G"]


def site_boxes(lon, lat, radius):
    dlat = radius / 110_574.0 * 1.02
    lat_max = np.minimum(np.abs(lat) + dlat, 90.0)
    cos_max = np.cos(np.radians(lat_max))
    with np.errstate(divide="ignore"):
        dlon = np.where(cos_max > 1e-9, radius / (111_319.49 * cos_max) * 1.02, 360.0)
    wide = (dlon > 90.0) | (lat_max >= 90.0)
    west = np.where(wide, -180.0, lon - dlon)
    east = np.where(wide, 180.0, lon + dlon)
    return shapely.box(west, np.maximum(lat - dlat, -90.0), east, np.minimum(lat + dlat, 90.0))


def main():
    data, scale, out = sys.argv[1], sys.argv[2], sys.argv[3]
    settlements = pd.read_csv(f"{data}/settlements_{scale}.csv")
    sites = pd.read_csv(f"{data}/sites_{scale}.csv")
    points = gpd.GeoDataFrame(settlements[["id"]], geometry=gpd.points_from_xy(settlements.lon, settlements.lat),
                              crs="EPSG:4326")
    geod = pyproj.Geod(ellps="WGS84")
    best = np.full(len(points), "", dtype=object)
    uncovered = np.ones(len(points), dtype=bool)
    s_lon, s_lat = settlements.lon.to_numpy(), settlements.lat.to_numpy()
    for tech in RANKS:
        chosen = sites[sites.tech == tech]
        if chosen.empty or not uncovered.any():
            continue
        boxes = gpd.GeoDataFrame(chosen[["radius_m"]].reset_index(drop=True),
                                 geometry=site_boxes(chosen.lon.to_numpy(), chosen.lat.to_numpy(),
                                                     chosen.radius_m.to_numpy(dtype=float)),
                                 crs="EPSG:4326")
        todo = np.flatnonzero(uncovered)
        # Candidate pairs: (settlement position in `todo`, site position in `boxes`).
        pairs = boxes.sindex.query(points.geometry.iloc[todo], predicate="intersects")
        if pairs.shape[1] == 0:
            continue
        p_idx, b_idx = todo[pairs[0]], pairs[1]
        lon2, lat2 = chosen.lon.to_numpy()[b_idx], chosen.lat.to_numpy()[b_idx]
        _, _, dist = geod.inv(s_lon[p_idx], s_lat[p_idx], lon2, lat2)
        hit = dist <= boxes.radius_m.to_numpy(dtype=float)[b_idx]
        covered = np.unique(p_idx[hit])
        best[covered] = tech
        uncovered[covered] = False
    order = np.argsort(settlements.id.to_numpy(), kind="stable")
    pd.DataFrame({"id": settlements.id.to_numpy()[order], "tech": best[order]}).to_csv(out, header=False, index=False)


if __name__ == "__main__":
    main()
