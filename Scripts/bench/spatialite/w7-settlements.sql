-- W7 load: the settlements of one scale on their own into a fresh SpatiaLite file, query-ready (the same steps
-- as load.sql for this layer). Run by the sqlite3 CLI (for its CSV .import) with mod_spatialite;
-- @DATA@ and @SCALE@ are replaced by Scripts/bench/w7.py. The `w7mark` lines (epoch seconds, ms
-- resolution) split the wall time into its steps; they cost nothing measurable.
.bail on
.load mod_spatialite
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
SELECT 'w7mark', 'start', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);
SELECT InitSpatialMetadata(1);
CREATE TABLE settlements(id INTEGER PRIMARY KEY, name TEXT, population INTEGER, lon REAL, lat REAL);
SELECT 'w7mark', 'setup', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);
.import --csv --skip 1 @DATA@/settlements_@SCALE@.csv settlements
SELECT 'w7mark', 'import', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);
SELECT AddGeometryColumn('settlements', 'geom', 4326, 'POINT', 'XY');
UPDATE settlements SET geom = MakePoint(lon, lat, 4326);
SELECT 'w7mark', 'geometry', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);
SELECT CreateSpatialIndex('settlements', 'geom');
SELECT 'w7mark', 'index', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);
ANALYZE;
SELECT 'w7mark', 'analyze', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);
