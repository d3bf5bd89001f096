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

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
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
    ///   - spatialSQL: initialise SpatiaLite on the connection (loading libspatialite on first
    ///     use, see ``SpatiaLiteSetup``). Only a read-only reader of plain columns may leave it
    ///     out, to start faster: the coverage and nearest loaders, which decode geometry blobs
    ///     themselves. Without it, queries that call SpatiaLite functions (a bounding-box export,
    ///     imports, `ST_*` in SQL) fail with "no such function".
    /// - Throws: `StorageError.missingDatabase`, `.notAQamtuDatabase`, `.newerSchema`;
    ///   `.spatialite` when SpatiaLite is asked for and cannot be loaded.
    public static func open(at path: String, readOnly: Bool = false, spatialSQL: Bool = true) throws -> PortalDatabase {
        try open(path: path, create: false, readOnly: readOnly, spatialSQL: spatialSQL || !readOnly)
    }

    private static func open(path: String, create: Bool, readOnly: Bool, spatialSQL: Bool = true) throws -> PortalDatabase {
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && !create { throw StorageError.missingDatabase(path: path) }
        if exists { try checkHeader(path: path) }
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.foreignKeysEnabled = true
        configuration.label = "qamtu"
        if spatialSQL { configuration.prepareDatabase { db in try SpatiaLiteSetup.prepare(db) } }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw StorageError.notAQamtuDatabase(path: path, reason: error.message ?? "SQLite cannot open it")
        }
        let portal = PortalDatabase(path: path, queue: queue)
        try portal.checkAndMigrate(allowEmpty: create, readOnly: readOnly)
        return portal
    }

    /// Refuses files that are not SQLite at all, before SQLite touches them.
    private static func checkHeader(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StorageError.notAQamtuDatabase(path: path, reason: "cannot read the file")
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
            if !allowEmpty { throw StorageError.missingDatabase(path: path) }
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
        try migrator.migrate(queue)
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
            for layer in LayerSchema.all {
                try createLayerTable(layer, in: db)
            }
        }
        migrator.registerMigration("v2-site-pack") { db in
            // A derived index of the sites' coverage attributes (see SitePack), built for the
            // sites already stored.
            try SitePack.createSchema(db)
            try SitePack.rebuild(db)
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
        try queue.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }

    /// Feature counts per layer, in `LayerSchema.all` order.
    public func layerCounts() throws -> [(layer: String, count: Int)] {
        try queue.read { db in
            try LayerSchema.all.map { layer in
                (layer.name, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(SQL.identifier(layer.name))") ?? 0)
            }
        }
    }

    /// The names of applied schema migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try queue.read { db in try Self.migrator.appliedMigrations(db) }
    }
}

/// SQL text helpers. Identifiers come from `LayerSchema` only, and are quoted anyway.
enum SQL {
    /// A double-quoted identifier.
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
