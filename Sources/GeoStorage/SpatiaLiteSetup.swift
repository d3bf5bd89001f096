import CSQLite
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-connection SpatiaLite set-up, for `Configuration.prepareDatabase`.
///
/// **Loaded at run time.** libspatialite is not linked into Qamtu: it pulls in some fifty shared
/// libraries (GEOS, PROJ, libxml2, curl, GnuTLS …) whose loading costs every process about 20 ms,
/// even one that prints its `--help` or reads plain columns only. The library is opened with
/// `dlopen` on the first connection that needs spatial SQL, once per process: the name in
/// `$QAMTU_SPATIALITE` when set (a file name or path), else the platform's usual names
/// (``candidateNames``). The library must use the same SQLite as Qamtu (the system's
/// libsqlite3): it is handed Qamtu's connections. Debian's and Ubuntu's packages do; on macOS,
/// Homebrew's libspatialite links Homebrew's SQLite, so point `$QAMTU_SPATIALITE` at a build
/// against the SQLite Qamtu links.
///
/// SpatiaLite 5 keeps a per-connection cache (`spatialite_alloc_connection`) that must be freed
/// when the connection closes. SQLite offers no close hook, so the cache is tied to a do-nothing
/// SQL function whose destroy callback SQLite calls when the connection closes.
enum SpatiaLiteSetup {
    /// Initialises SpatiaLite on `db`.
    /// - Throws: `StorageError.spatialite` when libspatialite cannot be loaded or the cache cannot
    ///   be allocated.
    static func prepare(_ db: Database) throws {
        guard let connection = db.sqliteConnection else { throw StorageError.spatialite("no open connection") }
        try prepare(connection: connection)
    }

    /// Initialises SpatiaLite on a connection opened with the C API.
    static func prepare(connection: OpaquePointer) throws {
        let library = try spatiaLiteLibrary.get()
        guard let cache = library.allocateConnection() else {
            throw StorageError.spatialite("cannot allocate the connection cache")
        }
        library.initialise(connection, cache, 0)
        let rc = sqlite3_create_function_v2(
            connection, "qamtu_spatialite_cache", 0, SQLITE_UTF8, cache,
            { context, _, _ in sqlite3_result_null(context) }, nil, nil,
            { cache in
                // Only reached after a successful load (the function is registered then).
                if let cache, case .success(let library) = spatiaLiteLibrary { library.cleanup(cache) }
            })
        if rc != SQLITE_OK {
            library.cleanup(cache)
            throw StorageError.spatialite("cannot register the cache release hook (SQLite code \(rc))")
        }
    }

    /// The environment variable naming the library to load instead of the usual names.
    static let environmentVariable = "QAMTU_SPATIALITE"

    /// The names tried in order when ``environmentVariable`` is not set.
    static var candidateNames: [String] {
        #if canImport(Darwin)
        ["libspatialite.dylib", "/opt/homebrew/lib/libspatialite.dylib", "/usr/local/lib/libspatialite.dylib"]
        #else
        ["libspatialite.so.7", "libspatialite.so.8", "libspatialite.so"]
        #endif
    }
}

/// The three entry points of libspatialite that Qamtu calls, resolved from the loaded library.
struct SpatiaLiteLibrary: Sendable {
    /// `void *spatialite_alloc_connection(void)`.
    let allocateConnection: @convention(c) () -> UnsafeMutableRawPointer?
    /// `void spatialite_init_ex(sqlite3 *db, const void *cache, int verbose)`.
    let initialise: @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int32) -> Void
    /// `void spatialite_cleanup_ex(const void *cache)`.
    let cleanup: @convention(c) (UnsafeRawPointer?) -> Void

    /// Opens the first of `names` that loads and has the three functions.
    static func load(names: [String]) -> Result<SpatiaLiteLibrary, StorageError> {
        var failures: [String] = []
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                failures.append(dlerror().map { String(cString: $0) } ?? "\(name): cannot be loaded")
                continue
            }
            guard let alloc = dlsym(handle, "spatialite_alloc_connection"), let initEx = dlsym(handle, "spatialite_init_ex"),
                  let cleanupEx = dlsym(handle, "spatialite_cleanup_ex") else {
                failures.append("\(name): not SpatiaLite 4.3 or later (no spatialite_init_ex)")
                dlclose(handle)
                continue
            }
            // The handle stays open for the life of the process.
            return .success(SpatiaLiteLibrary(
                allocateConnection: unsafeBitCast(alloc, to: (@convention(c) () -> UnsafeMutableRawPointer?).self),
                initialise: unsafeBitCast(initEx, to: (@convention(c) (OpaquePointer?, UnsafeRawPointer?, Int32) -> Void).self),
                cleanup: unsafeBitCast(cleanupEx, to: (@convention(c) (UnsafeRawPointer?) -> Void).self)))
        }
        return .failure(.spatialite("""
            cannot load libspatialite (\(failures.joined(separator: "; "))). Install it (Debian 12: \
            apt-get install libspatialite7; Debian 13, Ubuntu 24.04: libspatialite8t64) or set \
            \(SpatiaLiteSetup.environmentVariable) to the library's path
            """))
    }
}

/// The library, loaded on first use (once per process; Swift initialises globals thread-safely).
let spatiaLiteLibrary: Result<SpatiaLiteLibrary, StorageError> = {
    let override = getenv(SpatiaLiteSetup.environmentVariable).map { String(cString: $0) } ?? ""
    return SpatiaLiteLibrary.load(names: override.isEmpty ? SpatiaLiteSetup.candidateNames : [override])
}()
