import Dispatch
import GeoModel
import Geodesy

/// A point feature of any point layer (settlements, sites, institutions), for nearest-neighbour joins.
public struct PointFeature: Sendable, Hashable {
    /// The feature's `id`.
    public var id: String
    /// Its name, when it has one.
    public var name: String?
    /// Position, WGS84 lon/lat degrees.
    public var position: GeoPoint

    /// Creates a point feature.
    public init(id: String, name: String? = nil, position: GeoPoint) {
        self.id = id
        self.name = name
        self.position = position
    }
}

/// One neighbour found by a nearest-neighbour join.
public struct Neighbour: Sendable, Hashable {
    /// The index of the neighbour in the target list.
    public var target: Int
    /// The geodesic distance on the WGS84 ellipsoid, metres.
    public var distanceMeters: Double

    /// Creates a neighbour.
    public init(target: Int, distanceMeters: Double) {
        self.target = target
        self.distanceMeters = distanceMeters
    }
}

/// Exact k-nearest-neighbour joins on the WGS84 ellipsoid.
///
/// For each source point, the `k` target points with the smallest geodesic distance
/// (``Geodesic/distanceMeters(_:_:)``), nearest first; equal distances are ordered by target index
/// (the target layer's order), so the result is exactly that of sorting every pair. A 3-d tree over
/// the targets (``EarthPointTree``) prunes with chord bounds and computes exact distances only for
/// candidates that can still enter the k best. Targets with invalid positions are skipped; sources
/// with invalid positions get no neighbours. Sources are processed in parallel.
public struct NearestNeighbours: Sendable {
    /// The targets searched.
    public let targets: [PointFeature]
    let tree: EarthPointTree

    /// Indexes the targets.
    public init(targets: [PointFeature]) {
        self.targets = targets
        var points: [GeoPoint] = []
        var items: [Int32] = []
        for (i, target) in targets.enumerated() where target.position.isValid {
            points.append(target.position)
            items.append(Int32(i))
        }
        tree = EarthPointTree(points: points, items: items)
    }

    /// The `k` nearest targets of `point`, nearest first; `excluding` a target index (a self-join's
    /// own feature).
    public func nearest(to point: GeoPoint, k: Int, excluding: Int? = nil) -> [Neighbour] {
        targets.withUnsafeBufferPointer { targets in
            nearest(to: point, k: k, excluding: excluding, positions: ItemPositions(targets, position: \.position))
        }
    }

    /// ``nearest(to:k:excluding:)`` with the targets' positions at hand.
    private func nearest(to point: GeoPoint, k: Int, excluding: Int?, positions: ItemPositions) -> [Neighbour] {
        tree.nearest(to: point, k: k, excluding: excluding.map { Int32($0) }, positions: positions)
            .map { Neighbour(target: Int($0.item), distanceMeters: $0.distanceMeters) }
    }

    /// The `k` nearest targets of every source, in source order.
    /// - Parameter excludeSameIndex: skip target `i` for source `i` (when sources and targets are
    ///   the same list).
    public func join(_ sources: [PointFeature], k: Int, excludeSameIndex: Bool = false) -> [[Neighbour]] {
        let n = sources.count
        guard n > 0 else { return [] }
        let chunk = 256
        let slots = WriteOnceSlots<[Neighbour]>(count: n)
        targets.withUnsafeBufferPointer { targets in
            let positions = ItemPositions(targets, position: \.position)
            DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
                for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                    slots.set(i, nearest(to: sources[i].position, k: k, excluding: excludeSameIndex ? i : nil,
                                         positions: positions))
                }
            }
        }
        return slots.values()
    }
}

/// Writes nearest-neighbour pairs: CSV rows `from_id,from_name,rank,to_id,to_name,distance_m`, or
/// GeoJSON features (one per pair) whose geometry is the segment from the source to the neighbour
/// (a straight line in lon/lat, for display; the distance is the geodesic one) with the same properties.
public struct NearestWriter: Sendable {
    /// The format written.
    public var format: ExportFormat
    /// Decimals of coordinates (0–15).
    public var precision: Int

    /// Creates a writer.
    public init(format: ExportFormat = .geojson, precision: Int = 6) {
        self.format = format
        self.precision = precision
    }

    /// Writes every pair; returns the number of pairs. Distances are in metres with 3 decimals.
    @discardableResult
    public func write(sources: [PointFeature], targets: [PointFeature], neighbours: [[Neighbour]],
                      fromLayer: String, toLayer: String, k: Int, to sink: OutputSink) throws(GeoModelError) -> Int {
        let writer = GeoJSONWriter(precision: precision)
        var out = JSONBuffer(capacity: 1 << 20)
        var count = 0
        switch format {
        case .geojson:
            out.raw("{\"type\":\"FeatureCollection\",\"name\":\"nearest\",\"qamtu\":")
            writer.json(.object([("from", .string(fromLayer)), ("to", .string(toLayer)), ("k", .integer(Int64(k))),
                                 ("distance", .string("geodesic on the WGS84 ellipsoid, metres"))]), into: &out)
            out.raw(",\"features\":[\n")
        case .geojsonseq: break
        case .csv: out.raw("from_id,from_name,rank,to_id,to_name,distance_m\n")
        }
        for (i, list) in neighbours.enumerated() where i < sources.count {
            let source = sources[i]
            for (rank, neighbour) in list.enumerated() {
                let target = targets[neighbour.target]
                switch format {
                case .geojson, .geojsonseq:
                    if format == .geojson && count > 0 { out.raw(",\n") }
                    out.raw("{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[")
                    writer.position(source.position, into: &out)
                    out.raw(",")
                    writer.position(target.position, into: &out)
                    out.raw("]},\"properties\":{\"from_id\":")
                    out.string(source.id)
                    out.raw(",\"from_name\":")
                    if let name = source.name { out.string(name) } else { out.raw("null") }
                    out.raw(",\"rank\":")
                    out.integer(Int64(rank + 1))
                    out.raw(",\"to_id\":")
                    out.string(target.id)
                    out.raw(",\"to_name\":")
                    if let name = target.name { out.string(name) } else { out.raw("null") }
                    out.raw(",\"distance_m\":")
                    out.fixed(neighbour.distanceMeters, decimals: 3)
                    out.raw("}}")
                    if format == .geojsonseq { out.raw("\n") }
                case .csv:
                    out.csvField(source.id)
                    out.raw(",")
                    out.csvField(source.name ?? "")
                    out.raw(",")
                    out.integer(Int64(rank + 1))
                    out.raw(",")
                    out.csvField(target.id)
                    out.raw(",")
                    out.csvField(target.name ?? "")
                    out.raw(",")
                    out.fixed(neighbour.distanceMeters, decimals: 3)
                    out.raw("\n")
                }
                count += 1
                if out.count >= 1 << 20 { try sink.drain(&out) }
            }
        }
        if format == .geojson { out.raw(count > 0 ? "\n]}\n" : "]}\n") }
        try sink.drain(&out)
        try sink.finish()
        return count
    }
}
