import GeoModel
import Geodesy

extension Portal {
    /// Counts the features of `request` (its page ignored): OGC API `numberMatched` of a
    /// `near=…&within=…` query.
    /// - Throws: ``PortalError`` (invalid input) as ``NearbyRequest/validate()`` says, and store errors.
    public func nearbyCount(_ request: NearbyRequest) throws -> Int {
        try request.validate()
        return try nearbyMatches(request).count
    }

    /// Writes the page of `request` to `sink` (finished on return), nearest first, and returns the
    /// number of features written.
    ///
    /// The output is `qamtu export`'s for the same features, in the distance order, with one more
    /// property: `distance_m`, the geodesic distance on the WGS84 ellipsoid in metres rounded to
    /// 0.1 m (``NearbyRequest/distanceDecimals``), a JSON number such as `4990.3` — last among a
    /// GeoJSON feature's properties (`{"type":"Feature","id":…,"geometry":…,"properties":{…,
    /// "distance_m":4990.3}}`) and the last CSV column (after `lon`,`lat`). `options` work as for an
    /// export: format, precision of coordinates, the `properties` column list (which may name
    /// `distance_m`; it is written anyway) and the collection's further members.
    ///
    /// Only the features in a box around the circle (and inside the query's bbox) are read: up to
    /// 1,024 of them whole in one query; when the box holds more, their ids and points only, then
    /// the page's features by id.
    /// - Throws: ``PortalError`` (invalid input) as ``NearbyRequest/validate()`` says,
    ///   `GeoModelError.unknownField` for a property that is not a column, store errors, and the
    ///   sink's write errors.
    @discardableResult
    public func nearby(_ request: NearbyRequest, options: ExportOptions = ExportOptions(), to sink: OutputSink) throws -> Int {
        try request.validate()
        let writer = try NearbyWriter(layer: request.layer, options: options)
        let matches = try nearbyMatches(request)
        let start = min(request.query.offset, matches.count)
        let end = request.query.limit.map { min(matches.count, start + $0) } ?? matches.count
        let page = matches[start..<end]
        var features: [NearbyFeature] = []
        features.reserveCapacity(page.count)
        var byID: [String: FeatureRecord] = [:]
        let missing = page.filter { $0.record == nil }.map(\.id)
        if !missing.isEmpty {
            for record in try store.features(request.layer, ids: missing) { byID[record.id] = record }
        }
        // A feature deleted between the two reads (an import by another process) is left out.
        for match in page {
            if let record = match.record ?? byID[match.id] {
                features.append(NearbyFeature(record: record, distanceMeters: match.distanceMeters))
            }
        }
        return try writer.write(features, to: sink)
    }

    /// Starts ``nearby(_:options:to:)`` on a thread of its own and returns the sink that the
    /// caller drains (an HTTP response body), as ``exportStream(_:options:sink:)`` does.
    ///
    /// Unlike it, the request and the property list are checked here, before the thread starts,
    /// so that a front end answers bad input with an error status rather than a broken stream;
    /// later failures (store, sink) reach the reader as the stream's error.
    /// - Throws: ``PortalError`` (invalid input) as ``NearbyRequest/validate()`` says, and
    ///   `GeoModelError.unknownField` for a property that is not a column.
    public func nearbyStream(_ request: NearbyRequest, options: ExportOptions = ExportOptions(),
                             sink: ChunkedSink = ChunkedSink()) throws -> ChunkedSink {
        try request.validate()
        _ = try NearbyWriter(layer: request.layer, options: options)
        let portal = self
        BlockingExecutor.detach {
            do {
                _ = try portal.nearby(request, options: options, to: sink)
            } catch {
                sink.finish(throwing: error)
            }
        }
        return sink
    }

    /// ``nearbyCount(_:)`` from async code.
    public func nearbyCount(_ request: NearbyRequest) async throws -> Int {
        try await perform { try $0.nearbyCount(request) }
    }

    /// ``nearby(_:options:to:)`` from async code.
    public func nearby(_ request: NearbyRequest, options: ExportOptions = ExportOptions(),
                       to sink: OutputSink & Sendable) async throws -> Int {
        try await perform { try $0.nearby(request, options: options, to: sink) }
    }

    /// Features read whole in the first query of a search (see ``nearbyMatches(_:)``).
    static let nearbyWholeRecordLimit = 1_024

    /// Every feature of the (valid) request, unpaged, in the answer's order: distance as written,
    /// then insertion order.
    ///
    /// Most circles hold few features: the first query reads up to ``nearbyWholeRecordLimit``
    /// of the box's features whole, on the store's open connection, and when that is all of
    /// them the answer needs no other read (a 5 km circle in 25,000 sites: about 0.3 ms). A box
    /// with more is read again with only the id and point of each feature, so that memory stays
    /// small however large the layer, and the page's records are read by id afterwards.
    func nearbyMatches(_ request: NearbyRequest) throws -> [NearbyMatch] {
        guard let box = request.searchBox else { return [] }
        var query = request.query.unpaged
        query.bbox = box
        let center = request.center
        let radius = request.radius.meters
        var matches: [NearbyMatch] = []
        // The store returns the features in insertion order.
        func consider(_ record: FeatureRecord, keeping: Bool) {
            guard case .point(let point)? = record.geometry else { return }
            let distance = Geodesic.distanceMeters(center, point)
            guard distance <= radius else { return }
            matches.append(NearbyMatch(id: record.id, distanceMeters: NearbyRequest.published(distance),
                                       order: matches.count, record: keeping ? record : nil))
        }
        let first = try store.features(query.paged(limit: Self.nearbyWholeRecordLimit + 1))
        if first.count <= Self.nearbyWholeRecordLimit {
            for record in first { consider(record, keeping: true) }
        } else {
            try store.forEachFeature(query, columns: []) { consider($0, keeping: false) }
        }
        matches.sort { a, b in
            a.distanceMeters != b.distanceMeters ? a.distanceMeters < b.distanceMeters : a.order < b.order
        }
        return matches
    }
}

/// A feature within the radius: its id, its distance as written, its place in the layer's
/// insertion order among the features read, and its record when it was read whole.
struct NearbyMatch: Sendable {
    let id: String
    let distanceMeters: Double
    let order: Int
    let record: FeatureRecord?
}
