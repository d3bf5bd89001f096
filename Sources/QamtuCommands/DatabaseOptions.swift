import ArgumentParser
import Foundation
import PortalCore

/// `--db FILE`, shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The portal database file (default: $QAMTU_DB, else qamtu.sqlite).", valueName: "file"))
    var db: String?

    /// The database path: `--db`, else `$QAMTU_DB`, else `qamtu.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["QAMTU_DB"], !env.isEmpty { return env }
        return "qamtu.sqlite"
    }

    /// The application core over the database; notes go to standard error. SpatiaLite is loaded
    /// only when a query calls its functions (see ``SpatiaLiteStore``).
    /// - Parameter readOnly: open read-only (every command but `import`).
    func portal(readOnly: Bool = true) throws -> Portal {
        let store = try SpatiaLiteStore.open(at: path, readOnly: readOnly)
        return Portal(store: store, notify: { Terminal.note($0) })
    }

    /// The application core with the file's service applications (users, applications,
    /// events), opened for writing (the schema is migrated first when it is older) or, with
    /// `readOnly`, for reading only (the file is never changed).
    func applicationsPortal(readOnly: Bool = false) throws -> Portal {
        let ledger = try SpatiaLiteStore.openLedger(at: path, concurrent: false, readOnly: readOnly)
        let store = try SpatiaLiteStore.open(at: path, readOnly: true)
        return Portal(store: store, ledger: ledger, notify: { Terminal.note($0) })
    }
}
