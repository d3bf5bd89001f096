-- W3 nearest, SpatiaLite SQL: the 3 nearest sites of every settlement through the KNN virtual
-- table (R*Tree driven; for EPSG:4326 it ranks by the geodesic distance in metres on the ellipsoid).
-- Output: settlement id, rank, site id, distance_m.
.bail on
.headers off
.mode list
.separator ,
SELECT p.id, k.pos, k.fid, k.distance
FROM settlements AS p
CROSS JOIN KNN AS k
WHERE k.f_table_name = 'sites' AND k.f_geometry_column = 'geom' AND k.ref_geometry = p.geom AND k.max_items = 3
ORDER BY p.id, k.pos;
