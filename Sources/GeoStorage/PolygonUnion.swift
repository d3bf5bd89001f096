import Dispatch
import Foundation
import GRDB
import GeoModel
import Geodesy

/// Unions of polygons by SpatiaLite's GEOS functions on a private in-memory connection (no
/// portal file is touched), e.g. coverage circles merged into one footprint per operator.
///
/// ```swift
/// let union = try PolygonUnion()
/// let merged = try union.union(of: circles, gridDegrees: 1e-6)
/// print(merged.geometry, merged.areaSquareMeters)
/// ```
public final class PolygonUnion: Sendable {
    private let queue: DatabaseQueue

    /// The union of some polygons.
    public struct Result: Sendable {
        /// A Polygon or MultiPolygon in EPSG:4326 (lon/lat), valid in the OGC simple-features sense,
        /// rings oriented by the RFC 7946 right-hand rule; nil when the input was empty.
        public var geometry: Geometry?
        /// The area on the WGS84 ellipsoid, square metres (SpatiaLite's `ST_Area(g, 1)`, edges taken
        /// as geodesics: exact for small polygons, not for the all-longitude boxes used at the poles).
        public var areaSquareMeters: Double
    }

    /// Opens the in-memory SpatiaLite connection (with the WGS84 spatial reference only).
    /// - Throws: `StorageError.spatialite` when SpatiaLite cannot be initialised.
    public init() throws {
        var configuration = Configuration()
        configuration.label = "qamtu-geometry"
        configuration.prepareDatabase { db in try SpatiaLiteSetup.prepare(db) }
        do {
            queue = try DatabaseQueue(configuration: configuration)
            try queue.writeWithoutTransaction { db in
                _ = try Int.fetchOne(db, sql: "SELECT InitSpatialMetadata(1, 'WGS84')")
            }
        } catch let error as DatabaseError {
            throw StorageError.spatialite("cannot open an in-memory workspace: \(error.message ?? "unknown error")")
        }
    }

    /// The union of `polygons` (each an array of closed rings, exterior first; they may overlap).
    ///
    /// GEOS's cascaded unary union merges them; the result is then snapped to a grid of
    /// `gridDegrees` (when given) so that writing coordinates with that many decimals cannot make it
    /// invalid, and repaired with `ST_MakeValid` if snapping did. Snapping moves a vertex by at
    /// most `gridDegrees / 2` in each axis.
    /// - Parameter gridDegrees: the grid in degrees, e.g. `1e-6` for six decimals; nil to keep
    ///   coordinates as GEOS computed them.
    /// - Throws: `StorageError.spatialite` when a GEOS call fails or its result cannot be read.
    public func union(of polygons: [[[GeoPoint]]], gridDegrees: Double? = nil) throws -> Result {
        guard !polygons.isEmpty else { return Result(geometry: nil, areaSquareMeters: 0) }
        let input = SpatiaLiteBlob.encode(.multiPolygon(polygons))
        let grid = gridDegrees.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        do {
            return try queue.read { db -> Result in
                let sql = """
                    WITH merged AS (SELECT ST_UnaryUnion(?) AS g),
                         snapped AS (SELECT CASE WHEN ?2 IS NULL THEN g ELSE ST_SnapToGrid(g, ?2) END AS g FROM merged),
                         valid AS (SELECT CASE WHEN ST_IsValid(g) = 1 THEN g
                                               ELSE ST_CollectionExtract(ST_MakeValid(g), 3) END AS g FROM snapped)
                    SELECT g, ST_Area(g, 1), ST_IsValid(g) FROM valid
                    """
                guard let row = try Row.fetchOne(db, sql: sql, arguments: [Data(input), grid]),
                      let blob = row[0] as Data? else {
                    throw StorageError.spatialite("the union of \(polygons.count) polygons failed (GEOS returned nothing)")
                }
                guard (row[2] as Int?) == 1 else {
                    throw StorageError.spatialite("the union of \(polygons.count) polygons is not valid even after ST_MakeValid")
                }
                let geometry: Geometry
                do {
                    geometry = try blob.withUnsafeBytes { bytes throws(SpatiaLiteBlob.DecodeError) in
                        try SpatiaLiteBlob.decode(bytes)
                    }
                } catch let error as SpatiaLiteBlob.DecodeError {
                    throw StorageError.spatialite("cannot read the union's geometry: \(error.reason)")
                }
                guard geometry.type == .polygon || geometry.type == .multiPolygon else {
                    throw StorageError.spatialite("the union is a \(geometry.type.rawValue), not a polygon")
                }
                guard let area = row[1] as Double?, area.isFinite else {
                    throw StorageError.spatialite("the ellipsoidal area of the union is not available (ST_Area(g, 1))")
                }
                return Result(geometry: geometry.orientedByRightHandRule, areaSquareMeters: area)
            }
        } catch let error as DatabaseError {
            throw StorageError.spatialite("the union of \(polygons.count) polygons failed: \(error.message ?? "unknown error")")
        }
    }

    /// ``union(of:gridDegrees:)`` of each of `groups`, on up to `workers` connections in parallel;
    /// results in the order of `groups`. `progress` is called from the worker threads after
    /// each union with the index of the group done.
    /// - Throws: the first error of any union.
    /// - Parameter names: how errors name each group (e.g. `Tele2 4G`); by index when nil.
    public static func unions(of groups: [[[[GeoPoint]]]], names: [String]? = nil, gridDegrees: Double? = nil,
                              workers: Int = 2, progress: (@Sendable (Int) -> Void)? = nil) throws -> [Result] {
        let count = max(1, min(workers, groups.count))
        let unions = try (0..<count).map { _ in try PolygonUnion() }
        let collector = Collector(count: groups.count)
        // Largest groups first, so that the workers finish together.
        let order = groups.indices.sorted { groups[$0].count > groups[$1].count }
        DispatchQueue.concurrentPerform(iterations: count) { worker in
            while let next = collector.claim() {
                let index = order[next]
                let outcome = Swift.Result { try unions[worker].union(of: groups[index], gridDegrees: gridDegrees) }
                    .mapError { error -> any Error in
                        let name = names.flatMap { index < $0.count ? $0[index] : nil } ?? "group \(index + 1)"
                        if case .spatialite(let message)? = error as? StorageError {
                            return StorageError.spatialite("\(name): \(message)")
                        }
                        return StorageError.spatialite("\(name): \(error)")
                    }
                collector.store(outcome, at: index)
                progress?(index)
            }
        }
        return try collector.results()
    }

    /// Hands out work and gathers results across threads.
    private final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private var slots: [Swift.Result<Result, any Error>?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func claim() -> Int? {
            lock.withLock {
                guard nextIndex < slots.count else { return nil }
                defer { nextIndex += 1 }
                return nextIndex
            }
        }

        func store(_ outcome: Swift.Result<Result, any Error>, at index: Int) {
            lock.withLock { slots[index] = outcome }
        }

        func results() throws -> [Result] {
            try lock.withLock { slots }.map { slot in
                guard let slot else { throw StorageError.spatialite("a union was not computed") }
                return try slot.get()
            }
        }
    }
}
