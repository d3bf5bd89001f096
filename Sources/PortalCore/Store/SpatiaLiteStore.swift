import Coverage
import Foundation
import GeoModel
import Geodesy
import GeoStorage

/// The portal's SpatiaLite file as a ``PortalStore``.
///
/// Readers of plain columns (coverage, nearest, names) use a connection without SpatiaLite, so
/// that they start without loading its fifty shared libraries; the first call that needs
/// spatial SQL (a bounding-box export of lines or polygons) opens a second connection with it.
/// Both are opened read-only for a read-only store. A writable store has one connection, which
/// loads SpatiaLite when a call first needs it.
public final class SpatiaLiteStore: PortalStore, @unchecked Sendable {
    /// The database file.
    public let path: String
    /// Whether the store refuses writes (every reader, and the server).
    public let readOnly: Bool
    private let lock = NSLock()
    private var plainDatabase: PortalDatabase?
    private var spatialDatabase: PortalDatabase?
    /// Imports committed through this store (SQLite's data version counts only other connections').
    private var localWrites: Int64 = 0

    private init(path: String, readOnly: Bool) {
        self.path = path
        self.readOnly = readOnly
    }

    /// Opens the portal file at `path`; the first connection is opened (and the schema checked)
    /// here, so that a missing or foreign file fails at once.
    /// - Parameter spatialSQL: open the first connection with SpatiaLite (a command that will
    ///   need it anyway saves a second connection).
    /// - Throws: `StorageError.missingDatabase`, `.notAQamtuDatabase`, `.newerSchema`, `.olderSchema`.
    public static func open(at path: String, readOnly: Bool = true, spatialSQL: Bool = false) throws -> SpatiaLiteStore {
        let store = SpatiaLiteStore(path: path, readOnly: readOnly)
        _ = try store.database(spatial: spatialSQL)
        return store
    }

    /// Creates the portal file at `path`, or upgrades an existing one, and rebuilds the site pack
    /// when it is not current.
    /// - Returns: the store and the number of sites packed (nil when the pack was current).
    public static func initialise(at path: String) throws -> (store: SpatiaLiteStore, packedSites: Int?) {
        let database = try PortalDatabase.create(at: path)
        let packed = try database.refreshSitePack()
        try database.checkpoint()
        let store = SpatiaLiteStore(path: path, readOnly: false)
        store.spatialDatabase = database
        return (store, packed)
    }

    /// The connection with (`spatial`) or without SpatiaLite, opened on first use.
    ///
    /// A writable store has one connection, which gets SpatiaLite the first time a call asks for
    /// it (an import loads it itself only when a statement needs it, see
    /// ``PortalDatabase/importFeatures(from:into:fileName:options:progress:)``).
    func database(spatial: Bool) throws -> PortalDatabase {
        try lock.withLock {
            if let spatialDatabase {
                if spatial { try spatialDatabase.loadSpatialSQL() }
                return spatialDatabase
            }
            if !spatial, let plainDatabase { return plainDatabase }
            let opened = try PortalDatabase.open(at: path, readOnly: readOnly, spatialSQL: spatial)
            if spatial || !readOnly { spatialDatabase = opened } else { plainDatabase = opened }
            return opened
        }
    }

    /// The path.
    public var location: String { path }

    public func count(_ query: ExportQuery) throws -> Int {
        try database(spatial: PortalDatabase.intersectsExactly(query)).count(query)
    }

    public func features(_ query: ExportQuery) throws -> [FeatureRecord] {
        try database(spatial: PortalDatabase.intersectsExactly(query)).features(query)
    }

    public func forEachFeature(_ query: ExportQuery, columns names: [String], _ body: (FeatureRecord) throws -> Void) throws {
        try database(spatial: false).forEachFeature(query, columns: names, body)
    }

    public func export(_ query: ExportQuery, options: ExportOptions, to sink: OutputSink) throws -> Int {
        try database(spatial: PortalDatabase.intersectsExactly(query)).export(query, options: options, to: sink)
    }

    public func features(_ layer: LayerSchema, ids: [String]) throws -> [FeatureRecord] {
        try database(spatial: false).features(layer, ids: ids)
    }

    public func nameCandidates(_ layer: LayerSchema) throws -> [NameMatcher.Candidate] {
        try database(spatial: false).nameCandidates(layer)
    }

    public func points(_ layer: LayerSchema) throws -> [PointFeature] {
        var out: [PointFeature] = []
        try database(spatial: false).scanPointAttributes(layer) { row in
            out.append(PointFeature(id: row.id, name: row.name,
                                    position: row.position ?? .init(longitude: .nan, latitude: .nan)))
        }
        return out
    }

    public func coverageSource() -> any StoreCoverageSource {
        SpatiaLiteCoverageSource(store: self)
    }

    public func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                               options: ImportOptions, progress: ((ImportProgress) -> Void)?) throws -> ImportReport {
        let database = try database(spatial: false)
        let report = try database.importFeatures(from: source, into: layer, fileName: fileName, options: options,
                                                 progress: progress)
        if !options.dryRun {
            lock.withLock { localWrites += 1 }
            try database.checkpoint()
        }
        return report
    }

    public func interrupt() {
        for database in lock.withLock({ [plainDatabase, spatialDatabase] }) { database?.interrupt() }
    }

    public func extent(_ layer: LayerSchema) throws -> BoundingBox? {
        try database(spatial: false).extent(layer)
    }

    public func status() throws -> StoreStatus {
        let database = try database(spatial: false)
        let counts = try database.layerCounts().map { StoreStatus.LayerCount(layer: $0.layer, count: $0.count) }
        var packCurrent: Bool?
        if counts.contains(where: { $0.layer == LayerSchema.sites.name && $0.count > 0 }) {
            packCurrent = try database.sitePackIsUsable()
        }
        return StoreStatus(location: path, schema: try database.appliedMigrations().last, layerCounts: counts,
                           sitePackCurrent: packCurrent)
    }

    /// SQLite's data version (commits of other connections and processes) and this store's own
    /// imports, in one number.
    public func changeToken() throws -> Int64 {
        let version = try database(spatial: false).dataVersion()
        return (version << 32) &+ lock.withLock { localWrites }
    }
}
