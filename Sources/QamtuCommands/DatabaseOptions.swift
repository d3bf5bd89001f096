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

    /// The application core over the database; notes go to standard error.
    /// - Parameters:
    ///   - readOnly: open read-only (every command but `import`).
    ///   - spatialSQL: open the first connection with SpatiaLite (commands that will need it).
    func portal(readOnly: Bool = true, spatialSQL: Bool = false) throws -> Portal {
        let store = try SpatiaLiteStore.open(at: path, readOnly: readOnly, spatialSQL: spatialSQL)
        return Portal(store: store, notify: { Terminal.note($0) })
    }
}
