// The only C boundary of Qamtu. sqlite3.h must come before spatialite.h:
// spatialite.h uses sqlite3 types without including the header itself.
#include <sqlite3.h>
#include <spatialite.h>
