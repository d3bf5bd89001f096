import Coverage
import GeoModel
import Geodesy

/// What the application core needs from a database: feature scans with a query, counts,
/// features by id, names for matching, the coverage source, imports in one transaction, and a
/// change token for caches.
///
/// No SQLite type appears in it (statements, raw rows, `FILE*`), so that a PostGIS store can
/// implement it. ``SpatiaLiteStore`` is the portal's file; ``MemoryStore`` keeps layers in memory
/// for tests. Every method blocks its thread (stores do disk and CPU work): async callers go
/// through ``Portal``'s async entry points, which run them off Swift's cooperative pool.
public protocol PortalStore: AnyObject, Sendable {
    /// How the store is named in messages (a path, `memory`).
    var location: String { get }

    /// Counts the features a query selects, ignoring its limit and offset.
    func count(_ query: ExportQuery) throws -> Int

    /// The features of `query` in its order and page, with every column.
    func features(_ query: ExportQuery) throws -> [FeatureRecord]

    /// Calls `body` with each feature of `query`, reading only the `id` and the columns `names`
    /// (the others are null), without holding them all in memory.
    /// - Throws: `GeoModelError.unknownField` (possibly wrapped) for a name that is not a column.
    func forEachFeature(_ query: ExportQuery, columns names: [String], _ body: (FeatureRecord) throws -> Void) throws

    /// Writes the features of `query` to `sink` as `options` say, streamed; returns the count.
    /// The sink is finished when this returns.
    func export(_ query: ExportQuery, options: ExportOptions, to sink: OutputSink) throws -> Int

    /// The features of `layer` with these ids, in the order of `ids` (unknown ids are left out).
    func features(_ layer: LayerSchema, ids: [String]) throws -> [FeatureRecord]

    /// Every feature's id and names, for name matching (find, roads and districts by name).
    func nameCandidates(_ layer: LayerSchema) throws -> [NameMatcher.Candidate]

    /// Every feature of a point layer as id, name and position, in the layer's order; a feature
    /// without a point keeps its place with a NaN position.
    func points(_ layer: LayerSchema) throws -> [PointFeature]

    /// The box of every geometry of `layer` (EPSG:4326 degrees; possibly a few metres larger
    /// than the data), or nil when it has no features with a geometry.
    func extent(_ layer: LayerSchema) throws -> BoundingBox?

    /// The coverage engine's input read from this store.
    func coverageSource() -> any StoreCoverageSource

    /// Imports every feature of `source` into `layer`, all or nothing, in one transaction.
    func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                        options: ImportOptions, progress: ((ImportProgress) -> Void)?) throws -> ImportReport

    /// Stops the running import at its next feature or statement, from any thread (Ctrl-C, a
    /// server shutting down): it rolls back and throws `ImportError.interrupted`. Without a
    /// running import, the next one stops at once. The import that honours it clears it.
    func interrupt()

    /// What the store holds: schema, layer counts, notes.
    func status() throws -> StoreStatus

    /// A value that changes whenever any process commits a change to the store: caches keyed by
    /// it are emptied when the data changes.
    func changeToken() throws -> Int64
}

