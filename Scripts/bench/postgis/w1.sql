-- W1 coverage, PostGIS: geography + GiST, ST_DWithin(geog, geog, radius_m) (use_spheroid defaults
-- to true: geodesic distance on the WGS84 ellipsoid). The index condition is the expanded site
-- (geog && _ST_Expand(site, radius_m)) on the settlements' GiST index.
-- Output: settlement id, best covering tech (fibre-node > 4G > 3G > 2G; empty when uncovered).
COPY (
  WITH best AS (
    SELECT p.id,
           min(CASE s.tech WHEN 'fibre-node' THEN 1 WHEN '4G' THEN 2 WHEN '3G' THEN 3 WHEN '2G' THEN 4 END) AS rank
    FROM sites AS s JOIN settlements AS p ON ST_DWithin(s.geog, p.geog, s.radius_m)
    GROUP BY p.id
  )
  SELECT p.id, CASE b.rank WHEN 1 THEN 'fibre-node' WHEN 2 THEN '4G' WHEN 3 THEN '3G' WHEN 4 THEN '2G' END
  FROM settlements AS p LEFT JOIN best AS b ON b.id = p.id
  ORDER BY p.id
) TO STDOUT WITH (FORMAT csv);
