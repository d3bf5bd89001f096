import Coverage
import Foundation
import GeoModel
import Geodesy

/// Several stores over the same data (a read-only connection each) behind one ``PortalStore``:
/// every call goes to the store with the fewest calls running, so that that many use cases read
/// at once (a server's requests) instead of queueing on one connection.
///
/// Each member is itself safe to call from several threads (it serialises on its connection);
/// the pool only spreads the calls. The change token is read from the first member only, so that
/// it is one sequence of values (SQLite's data version is counted per connection).
public final class PooledStore: PortalStore, @unchecked Sendable {
    /// The members, each with its own connection.
    public let members: [any PortalStore]
    private let lock = NSLock()
    private var running: [Int]

    /// A pool over `members` (at least one).
    /// - Throws: ``PortalError`` (internal) for an empty list.
    public init(members: [any PortalStore]) throws(PortalError) {
        guard !members.isEmpty else { throw PortalError(.internal, "a store pool needs at least one store") }
        self.members = members
        running = Array(repeating: 0, count: members.count)
    }

    /// Opens `size` read-only SpatiaLite stores of the file at `path` (at least one).
    /// - Throws: what ``SpatiaLiteStore/open(at:readOnly:spatialSQL:)`` throws.
    public static func openSpatiaLite(at path: String, size: Int) throws -> PooledStore {
        let members: [any PortalStore] = try (0..<max(1, size)).map { _ in try SpatiaLiteStore.open(at: path, readOnly: true) }
        return try PooledStore(members: members)
    }

    /// Runs `body` with the least busy member.
    private func withMember<T>(_ body: (any PortalStore) throws -> T) rethrows -> T {
        let index = lock.withLock {
            var best = 0
            for i in running.indices where running[i] < running[best] { best = i }
            running[best] += 1
            return best
        }
        defer { lock.withLock { running[index] -= 1 } }
        return try body(members[index])
    }

    public var location: String { members[0].location }

    public func count(_ query: ExportQuery) throws -> Int { try withMember { try $0.count(query) } }

    public func features(_ query: ExportQuery) throws -> [FeatureRecord] { try withMember { try $0.features(query) } }

    public func forEachFeature(_ query: ExportQuery, columns names: [String], _ body: (FeatureRecord) throws -> Void) throws {
        try withMember { try $0.forEachFeature(query, columns: names, body) }
    }

    public func export(_ query: ExportQuery, options: ExportOptions, to sink: OutputSink) throws -> Int {
        try withMember { try $0.export(query, options: options, to: sink) }
    }

    public func features(_ layer: LayerSchema, ids: [String]) throws -> [FeatureRecord] {
        try withMember { try $0.features(layer, ids: ids) }
    }

    public func nameCandidates(_ layer: LayerSchema) throws -> [NameMatcher.Candidate] {
        try withMember { try $0.nameCandidates(layer) }
    }

    public func points(_ layer: LayerSchema) throws -> [PointFeature] { try withMember { try $0.points(layer) } }

    public func coverageSource() -> any StoreCoverageSource { withMember { $0.coverageSource() } }

    public func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                               options: ImportOptions, progress: ((ImportProgress) -> Void)?) throws -> ImportReport {
        try members[0].importFeatures(from: source, into: layer, fileName: fileName, options: options, progress: progress)
    }

    public func interrupt() {
        for member in members { member.interrupt() }
    }

    public func status() throws -> StoreStatus { try withMember { try $0.status() } }

    public func extent(_ layer: LayerSchema) throws -> BoundingBox? { try withMember { try $0.extent(layer) } }

    public func changeToken() throws -> Int64 { try members[0].changeToken() }
}
