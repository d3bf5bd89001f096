-- Loads one scale of the benchmark data into a plain SpatiaLite database (the SpatiaLite peer).
-- Run by the sqlite3 CLI (for its CSV .import) with the mod_spatialite extension; @DATA@ and @SCALE@
-- are replaced by Scripts/bench/bench.py. Geometry in EPSG:4326 with an R*Tree index on every layer.
.bail on
.load mod_spatialite
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
SELECT InitSpatialMetadata(1);
CREATE TABLE settlements(id INTEGER PRIMARY KEY, name TEXT, population INTEGER, lon REAL, lat REAL);
CREATE TABLE sites(id INTEGER PRIMARY KEY, name TEXT, operator TEXT, tech TEXT, radius_m INTEGER, height_m REAL,
                   lon REAL, lat REAL);
CREATE TABLE road(id INTEGER PRIMARY KEY, name TEXT, wkt TEXT);
.import --csv --skip 1 @DATA@/settlements_@SCALE@.csv settlements
.import --csv --skip 1 @DATA@/sites_@SCALE@.csv sites
.import --csv --skip 1 @DATA@/road.csv road
SELECT AddGeometryColumn('settlements', 'geom', 4326, 'POINT', 'XY');
SELECT AddGeometryColumn('sites', 'geom', 4326, 'POINT', 'XY');
SELECT AddGeometryColumn('road', 'geom', 4326, 'LINESTRING', 'XY');
UPDATE settlements SET geom = MakePoint(lon, lat, 4326);
UPDATE sites SET geom = MakePoint(lon, lat, 4326);
UPDATE road SET geom = GeomFromText(wkt, 4326);
SELECT CreateSpatialIndex('settlements', 'geom');
SELECT CreateSpatialIndex('sites', 'geom');
SELECT CreateSpatialIndex('road', 'geom');
ANALYZE;
