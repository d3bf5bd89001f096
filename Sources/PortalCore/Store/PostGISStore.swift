import Coverage
import Foundation
import GeoModel
import Geodesy
import PostGISStorage

/// A portal in PostgreSQL with PostGIS as a ``PortalStore``: the same layers, answers and
/// exports as the SpatiaLite store, for a portal that outgrows one file (issue 19).
///
/// All SQL is in PostGISStorage (``PostGISDatabase``); this adapter formats records as the other
/// stores do. Queries are answered as the in-memory store answers them: PostgreSQL selects,
/// orders and pages what it can decide exactly, the GiST index narrows bounding boxes, and the
/// exact tests (a box against each line or polygon in the plane of degrees, text equality
/// ignoring case, a ``FeatureCondition``) run in Swift on the streamed rows. A query's box takes
/// in the points SpatiaLite's R*Tree takes in (their boxes rounded outwards to single precision,
/// so a point up to about 1e-5° outside can be in), so that such exports are the same bytes; a
/// ``FeatureCondition``'s boxes are decided exactly, as by the in-memory store. Imports keep the derived data as
/// SpatiaLite does (settlements' districts, commitments' positions); the site pack of the
/// SpatiaLite file has no counterpart (sites are read in bulk in one statement).
///
/// Every method blocks its thread until PostgreSQL answers: call it as the core does, from
/// ``BlockingExecutor`` threads or a command's main thread.
public final class PostGISStore: PortalStore, @unchecked Sendable {
    /// The database, through its connection pool.
    public let database: PostGISDatabase
    private let lock = NSLock()
    private var interrupted = false

    private init(database: PostGISDatabase) { self.database = database }

    /// Whether `location` (a `--db` value) names a PostgreSQL database (`postgresql://…` or
    /// `postgres://…`) rather than a SpatiaLite file.
    public static func isURL(_ location: String) -> Bool { PostgresLocation.isURL(location) }

    /// A `postgresql://` URL as messages show it: without its password.
    public static func displayLocation(_ url: String) -> String {
        (try? PostgresLocation(parsing: url).description) ?? "a PostgreSQL database (unreadable URL)"
    }

    /// Opens the portal at a `postgresql://` URL and checks its schema.
    /// - Parameter connections: the most connections the pool opens at once.
    /// - Throws: ``PostGISError`` (a bad URL, an unreachable server, no or another schema).
    public static func open(url: String, readOnly: Bool = true, connections: Int = 4) throws -> PostGISStore {
        let location = try PostgresLocation(parsing: url)
        return PostGISStore(database: try PostGISDatabase(location: location, readOnly: readOnly, connections: connections))
    }

    /// Creates the PostGIS extension (when missing and allowed) and the schema at a
    /// `postgresql://` URL, or applies the migrations it lacks; the store is open for writing.
    public static func initialise(url: String) throws -> PostGISStore {
        PostGISStore(database: try PostGISDatabase.initialise(location: try PostgresLocation(parsing: url)))
    }

    /// The URL without its password.
    public var location: String { database.location.description }

    /// The service applications of this database (users, applications with their private
    /// details, events), through the store's connection pool. Writes need a store opened for
    /// writing (an older schema is migrated then).
    public var ledger: any ApplicationLedger { database }

    public func count(_ query: ExportQuery) throws -> Int { try database.count(query) }

    public func features(_ query: ExportQuery) throws -> [FeatureRecord] {
        var out: [FeatureRecord] = []
        try database.forEachRecord(query) { out.append($0) }
        return out
    }

    public func forEachFeature(_ query: ExportQuery, columns names: [String], _ body: (FeatureRecord) throws -> Void) throws {
        let kept = try RecordStreaming.columns(names, of: query.layer)
        try database.forEachRecord(query, columns: kept.sorted()) { record in
            try body(RecordStreaming.keeping(kept, of: record))
        }
    }

    public func export(_ query: ExportQuery, options: ExportOptions, to sink: OutputSink) throws -> Int {
        let included = try RecordStreaming.exported(options, of: query.layer)
        return try RecordStreaming.export(query.layer, included: included, options: options, to: sink) { write in
            try database.forEachRecord(query, columns: Set(included + [0]).sorted(), write)
        }
    }

    public func features(_ layer: LayerSchema, ids: [String]) throws -> [FeatureRecord] {
        try database.records(layer, ids: ids)
    }

    public func nameCandidates(_ layer: LayerSchema) throws -> [NameMatcher.Candidate] {
        let isSettlements = layer.name == LayerSchema.settlements.name
        return try database.nameRows(layer).map { row in
            let prominence = isSettlements
                ? NameMatcher.settlementProminence(population: row.population, kind: row.kind, inRegion: row.inRegion) : 0
            return NameMatcher.Candidate(id: row.id, names: row.names, prominence: prominence)
        }
    }

    public func points(_ layer: LayerSchema) throws -> [PointFeature] {
        try database.pointRows(layer).map { row in
            PointFeature(id: row.id, name: row.name, position: row.position ?? GeoPoint(longitude: .nan, latitude: .nan))
        }
    }

    public func extent(_ layer: LayerSchema) throws -> BoundingBox? { try database.extent(layer) }

    public func coverageSource() -> any StoreCoverageSource { PostGISCoverageSource(store: self) }

    public func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                               options: ImportOptions, progress: ((ImportProgress) -> Void)?) throws -> ImportReport {
        // The interrupt this import honours (or that came before it) ends with it.
        defer { lock.withLock { interrupted = false } }
        return try database.importFeatures(from: source, into: layer, fileName: fileName, options: options,
                                           interrupted: { [weak self] in self?.isInterrupted ?? false }, progress: progress)
    }

    private var isInterrupted: Bool { lock.withLock { interrupted } }

    /// Stops the running import before its next feature or COPY chunk (it rolls back), or the
    /// next import when none runs; the import that honours it clears it.
    public func interrupt() {
        lock.withLock { interrupted = true }
    }

    public func status() throws -> StoreStatus {
        let counts = try database.layerCounts().map { StoreStatus.LayerCount(layer: $0.layer, count: $0.count) }
        return StoreStatus(location: location, schema: try database.appliedMigrations()?.last, layerCounts: counts,
                           sitePackCurrent: nil)
    }

    /// The database's change counter, bumped in the transaction of every import by any process.
    public func changeToken() throws -> Int64 { try database.changeCounter() }
}
