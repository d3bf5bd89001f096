-- W4 export, PostGIS: every site as one RFC 7946 FeatureCollection, one feature per line, each built by
-- ST_AsGeoJSON(record, 'geom', 6) (PostGIS 3: a Feature with the other columns as properties; fastest
-- of the ways tried, ahead of json_build_object + ST_AsGeoJSON(geom, 6)), streamed with COPY (CSV
-- format with a quote and delimiter that never occur, so the JSON text comes out unaltered).
COPY (SELECT '{"type":"FeatureCollection","features":[') TO STDOUT WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02');
COPY (
  SELECT CASE WHEN row_number() OVER () = 1 THEN '' ELSE ',' END || ST_AsGeoJSON(t.*, 'geom', 6)
  FROM (SELECT id, name, operator, tech, radius_m, height_m, geom FROM sites) AS t
) TO STDOUT WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02');
COPY (SELECT ']}') TO STDOUT WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02');
