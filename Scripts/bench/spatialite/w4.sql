-- W4 export, SpatiaLite SQL: every site as one RFC 7946 FeatureCollection, one feature per line,
-- built with json_object; geometry from AsGeoJSON(geom, 6) (6 decimals).
.bail on
.headers off
.mode list
SELECT '{"type":"FeatureCollection","features":[';
SELECT CASE WHEN id = (SELECT min(id) FROM sites) THEN '' ELSE ',' END
       || json_object('type', 'Feature', 'id', id,
                      'geometry', json(AsGeoJSON(geom, 6)),
                      'properties', json_object('id', id, 'name', name, 'operator', operator, 'tech', tech,
                                                'radius_m', radius_m, 'height_m', height_m))
FROM sites ORDER BY id;
SELECT ']}';
