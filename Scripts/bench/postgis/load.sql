-- Loads one scale of the benchmark data into PostGIS (run by psql in a fresh database).
-- @DATA@ and @SCALE@ are replaced by Scripts/bench/bench.py. Points and the road are kept both as
-- geometry (EPSG:4326) and geography, with GiST indexes on the geography columns.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE settlements(
  id integer PRIMARY KEY, name text, population integer, lon float8, lat float8,
  geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
  geog geography(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED);
CREATE TABLE sites(
  id integer PRIMARY KEY, name text, operator text, tech text, radius_m integer, height_m float8, lon float8, lat float8,
  geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
  geog geography(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED);
CREATE TABLE road(
  id integer PRIMARY KEY, name text, wkt text,
  geom geometry(LineString, 4326) GENERATED ALWAYS AS (ST_GeomFromText(wkt, 4326)) STORED,
  geog geography(LineString, 4326) GENERATED ALWAYS AS (ST_GeomFromText(wkt, 4326)::geography) STORED);
\copy settlements (id, name, population, lon, lat) FROM '@DATA@/settlements_@SCALE@.csv' WITH (FORMAT csv, HEADER true)
\copy sites (id, name, operator, tech, radius_m, height_m, lon, lat) FROM '@DATA@/sites_@SCALE@.csv' WITH (FORMAT csv, HEADER true)
\copy road (id, name, wkt) FROM '@DATA@/road.csv' WITH (FORMAT csv, HEADER true)
CREATE INDEX settlements_geog ON settlements USING gist (geog);
CREATE INDEX sites_geog ON sites USING gist (geog);
VACUUM ANALYZE settlements;
VACUUM ANALYZE sites;
VACUUM ANALYZE road;
-- Write the loaded pages out now, so that the checkpointer does not do it during the measured runs.
CHECKPOINT;
