import ArgumentParser
import Foundation
import PortalCore

/// `--db FILE|URL`, shared by every command: a SpatiaLite file, or a PostgreSQL database with
/// PostGIS named by a `postgresql://` URL (libpq's conventions; see `PostGISStore`).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The portal database: a SpatiaLite file, or postgresql://user@host:port/dbname (default: $QAMTU_DB, else qamtu.sqlite).", valueName: "file|url"))
    var db: String?

    /// The database path: `--db`, else `$QAMTU_DB`, else `qamtu.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["QAMTU_DB"], !env.isEmpty { return env }
        return "qamtu.sqlite"
    }

    /// Whether the database is a PostgreSQL URL rather than a file.
    var isPostGIS: Bool { PostGISStore.isURL(path) }

    /// The store of the database: a ``PostGISStore`` for a URL, else the SpatiaLite file.
    /// - Parameter readOnly: open read-only (every command but `import`).
    func store(readOnly: Bool = true) throws -> any PortalStore {
        try Self.openStore(path, readOnly: readOnly)
    }

    /// The store at `location`: a ``PostGISStore`` for a `postgresql://` URL, else a SpatiaLite file.
    static func openStore(_ location: String, readOnly: Bool) throws -> any PortalStore {
        if PostGISStore.isURL(location) { return try PostGISStore.open(url: location, readOnly: readOnly) }
        return try SpatiaLiteStore.open(at: location, readOnly: readOnly)
    }

    /// Creates (or upgrades) the store at `location`, open for writing.
    static func initialiseStore(_ location: String) throws -> any PortalStore {
        if PostGISStore.isURL(location) { return try PostGISStore.initialise(url: location) }
        return try SpatiaLiteStore.initialise(at: location).store
    }

    /// The service applications of `store`, opened at `location`: the PostGIS store's own, or
    /// the SpatiaLite file's ledger (read-only: never changed).
    static func ledger(of store: any PortalStore, at location: String, readOnly: Bool) throws -> any ApplicationLedger {
        if let postGIS = store as? PostGISStore { return postGIS.ledger }
        return try SpatiaLiteStore.openLedger(at: location, concurrent: false, readOnly: readOnly)
    }

    /// The application core over the database; notes go to standard error. SpatiaLite is loaded
    /// only when a query calls its functions (see ``SpatiaLiteStore``).
    /// - Parameter readOnly: open read-only (every command but `import`).
    func portal(readOnly: Bool = true) throws -> Portal {
        Portal(store: try store(readOnly: readOnly), notify: { Terminal.note($0) })
    }

    /// The application core with the database's service applications (users, applications,
    /// events), opened for writing (the schema is migrated first when it is older) or, with
    /// `readOnly`, for reading only (the database is never changed): a SpatiaLite file, or a
    /// PostGIS database whose ledger shares the store's connection pool.
    func applicationsPortal(readOnly: Bool = false) throws -> Portal {
        if isPostGIS {
            let store = try PostGISStore.open(url: path, readOnly: readOnly)
            return Portal(store: store, ledger: store.ledger, notify: { Terminal.note($0) })
        }
        let ledger = try SpatiaLiteStore.openLedger(at: path, concurrent: false, readOnly: readOnly)
        let store = try SpatiaLiteStore.open(at: path, readOnly: true)
        return Portal(store: store, ledger: ledger, notify: { Terminal.note($0) })
    }
}
