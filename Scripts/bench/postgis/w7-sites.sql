-- W7 load: the sites of one scale on their own into a fresh database (created and dropped by
-- Scripts/bench/w7.py, untimed), query-ready: the table of load.sql (geometry and geography generated
-- columns, primary key), COPY, the GiST index on geography, ANALYZE (no VACUUM). @DATA@, @SCALE@ and
-- @RSS@ are replaced by w7.py. The `w7mark` lines (epoch seconds) split the wall time into its steps.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT 'w7mark', 'start', extract(epoch FROM clock_timestamp());
CREATE EXTENSION postgis;
CREATE TABLE sites(
  id integer PRIMARY KEY, name text, operator text, tech text, radius_m integer, height_m float8, lon float8, lat float8,
  geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
  geog geography(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED);
SELECT 'w7mark', 'setup', extract(epoch FROM clock_timestamp());
\copy sites (id, name, operator, tech, radius_m, height_m, lon, lat) FROM '@DATA@/sites_@SCALE@.csv' WITH (FORMAT csv, HEADER true)
SELECT 'w7mark', 'copy', extract(epoch FROM clock_timestamp());
CREATE INDEX sites_geog ON sites USING gist (geog);
SELECT 'w7mark', 'index', extract(epoch FROM clock_timestamp());
ANALYZE sites;
SELECT 'w7mark', 'analyze', extract(epoch FROM clock_timestamp());
-- The server backend's peak RSS (the work happens there, not in psql), untimed in effect (microseconds).
\o @RSS@
SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*(\d+) kB');
\o
