import Foundation
import GRDB
import GeoModel

/// The service applications of a portal file: users, applications with their private details,
/// and the append-only events. The only SQL of the workflow is in this type.
///
/// Open it ``concurrent`` for a server: the file is switched to WAL (a persistent setting of the
/// file), reads run beside the writer, and writes go through a ``GroupCommitWriter``. Open it
/// plainly for a command: one connection in the file's journal mode. Either way every write
/// connection uses `synchronous = FULL`, so that a write that returns is on disk.
public final class ApplicationDatabase: Sendable {
    /// The portal file.
    public let path: String
    private let writer: any DatabaseWriter
    private let group: GroupCommitWriter

    private init(path: String, writer: any DatabaseWriter) {
        self.path = path
        self.writer = writer
        group = GroupCommitWriter(writer: writer, path: path)
    }

    /// Opens the applications of the Qamtu file at `path`, migrating an older schema first.
    /// - Parameters:
    ///   - concurrent: WAL, readers beside the writer, group commit (a server).
    ///   - readOnly: for reading only (a listing, a report): the file is never changed, and an
    ///     older schema is refused instead of migrated; every write fails.
    /// - Throws: what ``PortalDatabase/open(at:readOnly:spatialSQL:)`` throws.
    public static func open(at path: String, concurrent: Bool, readOnly: Bool = false) throws -> ApplicationDatabase {
        // Checks the file and brings its schema up to date (or refuses an older one read-only);
        // its connection closes at once.
        _ = try PortalDatabase.open(at: path, readOnly: readOnly, spatialSQL: !readOnly)
        var configuration = Configuration()
        configuration.readonly = readOnly && !concurrent
        configuration.foreignKeysEnabled = true
        configuration.label = "qamtu-applications"
        configuration.busyMode = .timeout(PortalDatabase.busyTimeout)
        configuration.prepareDatabase { db in
            guard let connection = db.sqliteConnection else { return }
            try CaseInsensitiveCollation.register(on: connection)
            if !db.configuration.readonly {
                // The spatial index's triggers of `applications` call SpatiaLite.
                try SpatiaLiteSetup.prepare(db)
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        do {
            let writer: any DatabaseWriter
            if concurrent {
                let pool = try DatabasePool(path: path, configuration: configuration)
                // GRDB's pool sets `synchronous = NORMAL` on its writer when it switches to WAL (after
                // prepareDatabase): a commit would then not be synced, and a power cut could lose an
                // acknowledged write. FULL syncs the WAL at every commit.
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
                writer = pool
            } else {
                writer = try DatabaseQueue(path: path, configuration: configuration)
            }
            return ApplicationDatabase(path: path, writer: writer)
        } catch let error as DatabaseError {
            throw StorageError(error, path: path)
        }
    }

    /// Runs `body` in a read transaction (beside the writer when concurrent).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch let error as DatabaseError { throw StorageError(error, path: path) }
    }

    /// Runs `body` in a write transaction of its own, now, on the calling thread (a command).
    func writeNow<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.write(body) } catch let error as DatabaseError { throw StorageError(error, path: path) }
    }

    /// Runs `body` in the next group commit; returns once it is on disk (a server).
    func writeGrouped<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await group.write(body)
    }

    /// Transactions and requests committed by the group writer so far.
    public var groupCommitStatistics: (batches: Int, requests: Int) { group.statistics }

    /// The file's journal mode (`wal`, `delete` …) and the writer connection's `synchronous`
    /// setting (2: FULL), as the writer sees them.
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        do {
            return try writer.writeWithoutTransaction { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
            }
        } catch let error as DatabaseError {
            throw StorageError(error, path: path)
        }
    }
}
