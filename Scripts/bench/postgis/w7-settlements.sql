-- W7 load: the settlements of one scale on their own into a fresh database (created and dropped by
-- Scripts/bench/w7.py, untimed), query-ready: the table of load.sql (geometry and geography generated
-- columns, primary key), COPY, the GiST index on geography, ANALYZE (no VACUUM). @DATA@, @SCALE@ and
-- @RSS@ are replaced by w7.py. The `w7mark` lines (epoch seconds) split the wall time into its steps.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT 'w7mark', 'start', extract(epoch FROM clock_timestamp());
CREATE EXTENSION postgis;
CREATE TABLE settlements(
  id integer PRIMARY KEY, name text, population integer, lon float8, lat float8,
  geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
  geog geography(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED);
SELECT 'w7mark', 'setup', extract(epoch FROM clock_timestamp());
\copy settlements (id, name, population, lon, lat) FROM '@DATA@/settlements_@SCALE@.csv' WITH (FORMAT csv, HEADER true)
SELECT 'w7mark', 'copy', extract(epoch FROM clock_timestamp());
CREATE INDEX settlements_geog ON settlements USING gist (geog);
SELECT 'w7mark', 'index', extract(epoch FROM clock_timestamp());
ANALYZE settlements;
SELECT 'w7mark', 'analyze', extract(epoch FROM clock_timestamp());
-- The server backend's peak RSS (the work happens there, not in psql), untimed in effect (microseconds).
\o @RSS@
SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*(\d+) kB');
\o
