// The SQLite C API, for the few places that step through rows without GRDB (bulk reads and
// writes of GeoStorage). SpatiaLite is not linked: GeoStorage loads it at run time, on the first
// connection that needs spatial SQL (see SpatiaLiteSetup.swift).
#include <sqlite3.h>
