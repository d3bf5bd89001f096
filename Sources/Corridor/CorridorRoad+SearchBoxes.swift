import Geodesy

extension CorridorRoad {
    /// Longitude/latitude boxes (EPSG:4326 degrees, none crossing the antimeridian, no two
    /// overlapping except along an edge) that together contain every point within
    /// `withinMeters` (ellipsoidal distance) of the road, for a spatial-index pre-filter such
    /// as SpatiaLite's R*Tree.
    ///
    /// The corridor is cut into latitude bands about half the distance high (at least 50 m,
    /// and at most 256 bands), and in each band into the longitude runs it
    /// occupies. The boxes hug a winding or diagonal road much more closely than one box over
    /// its whole extent, and because they do not overlap, a point site is found by one query
    /// only (or two, if it lies exactly on a shared edge).
    ///
    /// **Why every point is inside.** Sample points are taken at every vertex and, on
    /// segments longer than the spacing `s`, at most `s` apart along the segment, so every
    /// point of the road is within `s / 2` of a sample along its segment and hence (the
    /// geodesic being the shortest path) within `s / 2` geodesically. A point within `d` of
    /// the road is therefore within `d + s / 2` of a sample, and so inside
    /// ``BoundingBox/around(_:radiusMeters:)`` of that sample with that radius (one box,
    /// or two split at ±180°). Each such box is added to every band it meets, and a band's
    /// runs are the union of the longitude intervals added to it, with the latitudes they
    /// span, so the union of all boxes contains the union of the sample boxes. `s` is a
    /// quarter of the distance, between 50 m and 2 km.
    ///
    /// - Returns: the boxes, by band from south to north, then west to east; empty for a
    ///   negative or non-finite distance.
    public func searchBoxes(withinMeters: Double) -> [BoundingBox] {
        guard withinMeters.isFinite, withinMeters >= 0 else { return [] }
        let spacing = min(2_000, max(50, withinMeters / 4))
        let radius = withinMeters + spacing / 2
        // Sample boxes, all split at ±180° already.
        var boxes: [BoundingBox] = []
        for part in parts {
            let vertices = part.vertices
            let chainages = part.cumulativeLengthsMeters
            boxes += BoundingBox.around(vertices[0], radiusMeters: radius)
            for i in 0..<max(0, vertices.count - 1) {
                let length = chainages[i + 1] - chainages[i]
                if length > spacing {
                    let steps = Int((length / spacing).rounded(.up))
                    for k in 1..<steps {
                        let along = chainages[i] + length * Double(k) / Double(steps)
                        boxes += BoundingBox.around(part.point(atChainageMeters: along), radiusMeters: radius)
                    }
                }
                boxes += BoundingBox.around(vertices[i + 1], radiusMeters: radius)
            }
        }
        guard let south = boxes.map(\.minLatitude).min(), let north = boxes.map(\.maxLatitude).max() else { return [] }
        // Band height in degrees of latitude (a degree is at least 110.5 km; the exact value
        // does not matter for correctness, only for how tightly the bands fit).
        let height = max(max(25, withinMeters / 2) / 110_574, (north - south) / 256)
        var bands: [Int: [BoundingBox]] = [:]
        for box in boxes {
            let first = Int((box.minLatitude / height).rounded(.down))
            let last = Int((box.maxLatitude / height).rounded(.down))
            for band in first...max(first, last) {
                let bottom = Double(band) * height
                var clipped = box
                clipped.minLatitude = max(box.minLatitude, bottom)
                clipped.maxLatitude = min(box.maxLatitude, bottom + height)
                if clipped.minLatitude <= clipped.maxLatitude { bands[band, default: []].append(clipped) }
            }
        }
        var result: [BoundingBox] = []
        for band in bands.keys.sorted() {
            guard let pieces = bands[band]?.sorted(by: { $0.minLongitude < $1.minLongitude }) else { continue }
            var run: BoundingBox?
            for piece in pieces {
                if var current = run, piece.minLongitude <= current.maxLongitude {
                    current.maxLongitude = max(current.maxLongitude, piece.maxLongitude)
                    current.minLatitude = min(current.minLatitude, piece.minLatitude)
                    current.maxLatitude = max(current.maxLatitude, piece.maxLatitude)
                    run = current
                } else {
                    if let run { result.append(run) }
                    run = piece
                }
            }
            if let run { result.append(run) }
        }
        return result
    }
}
