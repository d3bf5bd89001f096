import Foundation
import GRDB
import GeoModel

/// A Qamtu portal database: one SpatiaLite file holding every layer (EPSG:4326, lon/lat).
///
/// Open it with `PortalDatabase.create(at:)` (`qamtu init`) or `PortalDatabase.open(at:)` (every
/// other command). Both check that the file is a Qamtu database of a schema version this build
/// understands, then bring older schemas up to date through `PortalDatabase.migrator`.
///
/// ```swift
/// let portal = try PortalDatabase.create(at: "qamtu.sqlite")
/// let report = try portal.importFeatures(from: source, into: .settlements)
/// ```
public final class PortalDatabase: Sendable {
    /// SQLite's `application_id` of a Qamtu file: ASCII `QAMT`.
    public static let applicationID: Int32 = 0x5141_4D54

    /// The path of the database file.
    public let path: String
    let queue: DatabaseQueue
    let interruption = InterruptFlag()
    /// Whether SpatiaLite is initialised on the connection (see ``SpatialSQLState``).
    let spatialSQL: SpatialSQLState
    /// Idle read-only C-API connections kept for the next export or scan.
    let rawConnections: RawConnectionPool

    private init(path: String, queue: DatabaseQueue, spatialSQL: SpatialSQLState) {
        self.path = path
        self.queue = queue
        self.spatialSQL = spatialSQL
        rawConnections = RawConnectionPool(path: path)
    }

    /// Creates the database at `path` (or opens it when it is already a Qamtu database) and
    /// applies every migration.
    /// - Throws: `StorageError.notAQamtuDatabase` for any other SQLite file or non-SQLite file;
    ///   `StorageError.newerSchema` for a file of a newer Qamtu.
    public static func create(at path: String) throws -> PortalDatabase {
        try open(path: path, create: true, readOnly: false)
    }

    /// Opens an existing Qamtu database.
    /// - Parameters:
    ///   - readOnly: open without write access (the file is never changed; a schema older than
    ///     this build is refused instead of migrated).
    ///   - spatialSQL: initialise SpatiaLite on the connection now (loading libspatialite on
    ///     first use, see ``SpatiaLiteSetup``). A read-only reader of plain columns leaves it out
    ///     to start faster: the coverage and nearest loaders, which decode geometry blobs
    ///     themselves; queries that call SpatiaLite functions (a bounding-box export, `ST_*` in
    ///     SQL) then fail with "no such function". A writer that leaves it out gets it when it
    ///     needs it: migrations and ``importFeatures(from:into:fileName:options:progress:)`` load
    ///     it themselves, and any other write must call ``loadSpatialSQL()`` first (SpatiaLite's
    ///     triggers on the layers call its functions).
    ///
    /// A read-only open first rolls back a write that an interrupted program left unfinished (see
    /// ``rollBackUnfinishedWrite(path:)``). Every connection waits up to ``busyTimeout`` for a lock.
    /// - Throws: `StorageError.missingDatabase`, `.missingFolder`, `.notAQamtuDatabase`,
    ///   `.newerSchema`; `.locked` when another writer holds the database longer than
    ///   ``busyTimeout``; `.readOnlyDatabase` when a read-write open meets a read-only file;
    ///   `.unfinishedWrite` when a read-only open meets a hot journal it has no right to roll back;
    ///   `.spatialite` when SpatiaLite is asked for and cannot be loaded.
    public static func open(at path: String, readOnly: Bool = false, spatialSQL: Bool = true) throws -> PortalDatabase {
        try open(path: path, create: false, readOnly: readOnly, spatialSQL: spatialSQL)
    }

    /// How long any connection waits for another connection's lock before giving up with
    /// `StorageError.locked`, seconds. The same for every command and every connection
    /// (GRDB's queue, the raw read connections, the journal recovery).
    public static let busyTimeout: Double = 5

    private static func open(path: String, create: Bool, readOnly: Bool, spatialSQL: Bool = true) throws -> PortalDatabase {
        try checkFolder(of: path)
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && !create { throw StorageError.missingDatabase(path: path) }
        if exists { try checkHeader(path: path) }
        if !readOnly { try checkWritable(path: path) }
        if exists && readOnly { try rollBackUnfinishedWrite(path: path) }
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.foreignKeysEnabled = true
        configuration.label = "qamtu"
        configuration.busyMode = .timeout(busyTimeout)
        let spatialState = SpatialSQLState(loaded: false)
        configuration.prepareDatabase { db in
            guard let connection = db.sqliteConnection else { return }
            try CaseInsensitiveCollation.register(on: connection)
            if spatialSQL { try spatialState.load(on: db) }
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw StorageError(error, path: path)
        }
        let portal = PortalDatabase(path: path, queue: queue, spatialSQL: spatialState)
        do {
            try portal.checkAndMigrate(allowEmpty: create, readOnly: readOnly)
        } catch let error as DatabaseError {
            throw StorageError(error, path: path)
        }
        return portal
    }

    /// Refuses a path whose folder is missing, with the folder's name (SQLite would only say
    /// "unable to open database file").
    private static func checkFolder(of path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            throw StorageError.missingFolder(path: path, folder: folder)
        }
        if !isFolder.boolValue {
            throw StorageError.cannotOpen(path: path, reason: "\(folder) is a file, not a folder")
        }
    }

    /// Refuses a read-write open of a file that this user cannot write, or in a folder where
    /// SQLite cannot create its journal, before any write fails with SQLite's bare "attempt to
    /// write a readonly database".
    private static func checkWritable(path: String) throws {
        if FileManager.default.fileExists(atPath: path) && !FileManager.default.isWritableFile(atPath: path) {
            throw StorageError.readOnlyDatabase(path: path, reason: "the file is read-only")
        }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        if !FileManager.default.isWritableFile(atPath: folder) {
            let why = FileManager.default.fileExists(atPath: path) ? "SQLite writes \(path)-journal there" : "the file cannot be created"
            throw StorageError.readOnlyDatabase(path: path, reason: "its folder \(folder) is read-only (\(why))")
        }
    }

    /// Rolls back a write that an interrupted program left unfinished, before a read-only open.
    ///
    /// A write in SQLite's rollback-journal mode keeps the original pages in `FILE-journal` until
    /// it commits. When the writing process dies (SIGKILL, a crash, a power cut), the journal stays
    /// "hot", and the next connection that reads must first copy the original pages back, which a
    /// read-only connection cannot do: it fails with `SQLITE_READONLY_ROLLBACK`. So when a journal
    /// is present, a short-lived read-write connection reads the schema first: SQLite rolls a hot
    /// journal back (and leaves the journal of a live writer alone, waiting at most
    /// ``busyTimeout`` for its lock). Without write access, SQLite opens that connection
    /// read-only, which reads a journal that is not hot and fails only on a hot one.
    /// See <https://www.sqlite.org/lockingv3.html#hot_journals>.
    /// - Throws: `StorageError.unfinishedWrite` when the journal is hot and the file or its folder
    ///   is not writable, `.locked` when a live writer holds the database past the timeout.
    private static func rollBackUnfinishedWrite(path: String) throws {
        let journal = path + "-journal"
        let size = (try? FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int) ?? 0
        guard size > 0 else { return }
        var configuration = Configuration()
        configuration.label = "qamtu-recovery"
        configuration.busyMode = .timeout(busyTimeout)
        do {
            let recovery = try DatabaseQueue(path: path, configuration: configuration)
            _ = try recovery.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            try recovery.close()
        } catch let error as DatabaseError where error.extendedResultCode != .SQLITE_READONLY_ROLLBACK
                    && [.SQLITE_READONLY, .SQLITE_CANTOPEN].contains(error.resultCode.primaryResultCode) {
            // No write access, and the journal is not hot (a live writer's, or one whose header was
            // never synced): the read-only open reads the file as it is.
            return
        } catch let error as DatabaseError {
            throw StorageError(error, path: path)
        }
    }

    /// Refuses files that are not SQLite at all, before SQLite touches them.
    private static func checkHeader(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StorageError.cannotOpen(path: path, reason: "this user cannot read the file")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        if head.isEmpty { return }  // an empty file becomes a new database
        if head != Data("SQLite format 3\u{0}".utf8) {
            throw StorageError.notAQamtuDatabase(path: path, reason: "not an SQLite file")
        }
    }

    private func checkAndMigrate(allowEmpty: Bool, readOnly: Bool) throws {
        let migrator = Self.migrator
        let state = try queue.read { db -> (appID: Int32, tables: Int, superseded: Bool, applied: [String], complete: Bool) in
            let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
            let hasMigrations = try db.tableExists("grdb_migrations")
            let applied = hasMigrations ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            let superseded = hasMigrations ? try migrator.hasBeenSuperseded(db) : false
            let complete = hasMigrations ? try migrator.hasCompletedMigrations(db) : false
            return (appID, tables, superseded, applied, complete)
        }
        if state.appID != Self.applicationID {
            if state.tables > 0 || state.appID != 0 {
                throw StorageError.notAQamtuDatabase(path: path, reason: "it has tables but no Qamtu application id")
            }
            if !allowEmpty { throw StorageError.emptyDatabase(path: path) }
        }
        if state.superseded {
            let known = Set(migrator.migrations)
            throw StorageError.newerSchema(path: path, unknownMigrations: state.applied.filter { !known.contains($0) })
        }
        if state.complete { return }
        if readOnly {
            let known = Set(state.applied)
            throw StorageError.olderSchema(path: path, missingMigrations: migrator.migrations.filter { !known.contains($0) })
        }
        // The migrations call SpatiaLite (InitSpatialMetadata, AddGeometryColumn, triggers).
        try loadSpatialSQL()
        if state.tables == 0 {
            try createSchema(with: migrator)
        } else {
            try migrator.migrate(queue)
        }
    }

    /// Applies every migration to a new, empty file without waiting for the disk after each
    /// (`PRAGMA synchronous = OFF`: four transactions, each of which would sync the journal, the
    /// folder and the file), then syncs the file and its folder once. A crash of the program
    /// loses nothing (the writes are in the kernel's cache); a power cut before the final sync
    /// can leave a damaged new file, which holds no data: `qamtu init` makes it again once it is
    /// deleted.
    private func createSchema(with migrator: DatabaseMigrator) throws {
        let previous = try writeWithoutTransaction { db in
            let level = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 2
            try db.execute(sql: "PRAGMA synchronous = OFF")
            return level
        }
        try migrator.migrate(queue)
        try writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(previous)") }
        let folder = (path as NSString).deletingLastPathComponent
        for file in [path, folder.isEmpty ? "." : folder] {
            do {
                guard let handle = FileHandle(forReadingAtPath: file) else { throw CocoaError(.fileReadNoPermission) }
                defer { try? handle.close() }
                try handle.synchronize()
            } catch {
                throw StorageError.cannotOpen(path: path, reason: "\(file) could not be synced to disk (\(error.localizedDescription))")
            }
        }
    }

    /// Initialises SpatiaLite on the connection unless it already is: before a write outside an
    /// import on a writer opened with `spatialSQL: false`.
    /// - Throws: `StorageError.spatialite` when libspatialite cannot be loaded.
    public func loadSpatialSQL() throws {
        if spatialSQL.isLoaded { return }
        try writeWithoutTransaction { db in try spatialSQL.load(on: db) }
    }

    /// The schema, as ordered, named migrations. Never edit a shipped migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-layers") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            // WGS84 only: the full EPSG table is 6.6 MB and Qamtu stores EPSG:4326 alone.
            let initialised = try Int.fetchOne(db, sql: "SELECT InitSpatialMetadata(0, 'WGS84')") ?? 0
            if initialised != 1 { throw StorageError.spatialite("InitSpatialMetadata failed") }
            try db.execute(sql: """
                CREATE TABLE qamtu_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT);
                INSERT INTO qamtu_meta (key, value) VALUES ('created_by', 'qamtu'), ('crs', 'EPSG:4326');
                """)
            // The layers of the first schema; later layers come with their own migrations.
            for layer in [LayerSchema.districts, .settlements, .roads, .sites, .institutions, .commitments] {
                try createLayerTable(layer, in: db)
            }
        }
        migrator.registerMigration("v2-site-pack") { db in
            // A derived index of the sites' coverage attributes (see SitePack), built for the
            // sites already stored.
            try SitePack.createSchema(db)
            try SitePack.rebuild(db)
        }
        migrator.registerMigration("v3-applications") { db in
            // The portal's service applications: the services catalogue and the applications'
            // public layer, with their private tables (see ApplicationTables).
            try createLayerTable(.services, in: db)
            try createLayerTable(.applications, in: db)
            try ApplicationTables.create(db)
        }
        return migrator
    }

    private static func createLayerTable(_ layer: LayerSchema, in db: Database) throws {
        let table = SQL.identifier(layer.name)
        var columns = ["fid INTEGER PRIMARY KEY AUTOINCREMENT"]
        for column in layer.columns {
            var definition = "\(SQL.identifier(column.name)) \(column.type.sqlType)"
            if column.name == "id" { definition += " NOT NULL UNIQUE" } else if column.required { definition += " NOT NULL" }
            columns.append(definition)
        }
        try db.execute(sql: "CREATE TABLE \(table) (\(columns.joined(separator: ", ")))")
        guard let geometryType = layer.geometryType else { return }
        let added = try Int.fetchOne(
            db, sql: "SELECT AddGeometryColumn(?, 'geom', 4326, ?, 'XY', ?)",
            arguments: [layer.name, geometryType.ogcName, layer.geometryIsDerived ? 0 : 1]) ?? 0
        if added != 1 { throw StorageError.spatialite("AddGeometryColumn failed for \(layer.name)") }
        let indexed = try Int.fetchOne(db, sql: "SELECT CreateSpatialIndex(?, 'geom')", arguments: [layer.name]) ?? 0
        if indexed != 1 { throw StorageError.spatialite("CreateSpatialIndex failed for \(layer.name)") }
    }

    /// Writes the WAL into the main file, so that the `.sqlite` file alone is complete
    /// (before handing it to QGIS, GDAL or a copy).
    public func checkpoint() throws {
        try writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }

    /// Interrupts the portal's import: the running one stops at its next row or SQL statement,
    /// rolls back and throws `ImportError.interrupted`; without a running one, the next import
    /// does so at once (a Ctrl-C that came first). The import that honours it clears it. A read
    /// running on the portal's own connection at that moment fails too (SQLite interrupts the
    /// connection). Safe to call from any thread (e.g. a Ctrl-C handler).
    public func interrupt() {
        interruption.raise()
        queue.interrupt()
    }

    /// Whether ``interrupt()`` was called.
    var isInterrupted: Bool { interruption.isRaised }

    /// Runs `body` in a read transaction; SQLite errors become `StorageError`s naming this file.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch let error as DatabaseError { throw StorageError(error, path: path) }
    }

    /// Runs `body` outside of any transaction, with write access; SQLite errors become
    /// `StorageError`s naming this file.
    func writeWithoutTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.writeWithoutTransaction(body) } catch let error as DatabaseError { throw StorageError(error, path: path) }
    }

    /// Feature counts per layer, in `LayerSchema.all` order.
    public func layerCounts() throws -> [(layer: String, count: Int)] {
        try read { db in
            try LayerSchema.all.map { layer in
                (layer.name, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(SQL.identifier(layer.name))") ?? 0)
            }
        }
    }

    /// The names of applied schema migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try read { db in try Self.migrator.appliedMigrations(db) }
    }
}

/// SQL text helpers. Identifiers come from `LayerSchema` only, and are quoted anyway.
enum SQL {
    /// A double-quoted identifier.
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
