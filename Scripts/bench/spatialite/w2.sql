-- W2 corridor, SpatiaLite SQL: sites within 5 km of the road with offset and chainage, by chainage.
-- R*Tree pre-filter on the road's bounding box widened by 5 km; offset = ST_Distance(road, site, 1)
-- (SpatiaLite finds the closest point in degree space, then measures on the ellipsoid: not the
-- geodesic distance to the line, so the set is known to be wrong near the 5 km edge);
-- chainage = ST_Line_Locate_Point on lon/lat (degree space) times the road's geodesic length.
-- Both CTEs are MATERIALIZED so that the road's length and each distance are computed once.
-- Output: site id, offset_m, chainage_km.
.bail on
.headers off
.mode list
.separator ,
WITH box AS MATERIALIZED (
  SELECT geom, GeodesicLength(geom) AS length_m,
         MbrMinX(geom) - 5000 / 110000.0 / cos(radians(MbrMaxY(geom) + 0.05)) AS x0,
         MbrMaxX(geom) + 5000 / 110000.0 / cos(radians(MbrMaxY(geom) + 0.05)) AS x1,
         MbrMinY(geom) - 5000 / 110000.0 AS y0,
         MbrMaxY(geom) + 5000 / 110000.0 AS y1
  FROM road WHERE id = 1
), near AS MATERIALIZED (
  SELECT s.id AS id, ST_Distance(b.geom, s.geom, 1) AS offset_m,
         ST_Line_Locate_Point(b.geom, s.geom) * b.length_m / 1000.0 AS chainage_km
  FROM box AS b
  CROSS JOIN idx_sites_geom AS r
  JOIN sites AS s ON s.id = r.pkid
  WHERE r.xmin <= b.x1 AND r.xmax >= b.x0 AND r.ymin <= b.y1 AND r.ymax >= b.y0
)
SELECT id, offset_m, chainage_km FROM near WHERE offset_m <= 5000 ORDER BY chainage_km, id;
