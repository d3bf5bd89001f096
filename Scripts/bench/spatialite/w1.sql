-- W1 coverage, SpatiaLite SQL: every settlement against every site's radius_m, distance on the
-- WGS84 ellipsoid: PtDistWithin(a, b, r, 1) (the same answers as ST_Distance(a, b, 1) <= r, about
-- 5x faster). R*Tree pre-filter: each site's own radius as a lon/lat frame (1 degree of latitude
-- >= 110.57 km; longitude widened by 1/cos of the frame's highest latitude) searched in the
-- settlements' R*Tree (idx_settlements_geom).
-- Output: settlement id, best covering tech (fibre-node > 4G > 3G > 2G; empty when uncovered).
.bail on
.headers off
.mode list
.separator ,
WITH frame AS (
  SELECT id, tech, geom, radius_m, lon, lat,
         radius_m / 110000.0 AS dlat,
         radius_m / 110000.0 / cos(radians(abs(lat) + radius_m / 110000.0)) AS dlon
  FROM sites
), covering AS (
  SELECT r.pkid AS settlement_id, f.tech AS tech
  FROM frame AS f
  CROSS JOIN idx_settlements_geom AS r
  JOIN settlements AS p ON p.id = r.pkid
  WHERE r.xmin <= f.lon + f.dlon AND r.xmax >= f.lon - f.dlon
    AND r.ymin <= f.lat + f.dlat AND r.ymax >= f.lat - f.dlat
    AND PtDistWithin(p.geom, f.geom, f.radius_m, 1)
), best AS (
  SELECT settlement_id,
         min(CASE tech WHEN 'fibre-node' THEN 1 WHEN '4G' THEN 2 WHEN '3G' THEN 3 WHEN '2G' THEN 4 END) AS rank
  FROM covering GROUP BY settlement_id
)
SELECT p.id, coalesce(CASE b.rank WHEN 1 THEN 'fibre-node' WHEN 2 THEN '4G' WHEN 3 THEN '3G' WHEN 4 THEN '2G' END, '')
FROM settlements AS p LEFT JOIN best AS b ON b.settlement_id = p.id
ORDER BY p.id;
