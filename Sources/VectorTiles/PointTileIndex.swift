import Geodesy

/// The points of a layer held for tiling: sorted along the Z-order (Morton) curve of Web
/// Mercator, so that the points of any tile are one contiguous run, with their properties as
/// indices into one table of distinct values.
///
/// A tile then costs a binary search for its own run and for the runs of the thin strips of its
/// neighbours that fall in its buffer (tiles ``stripDepth`` zooms deeper, whose side is at most
/// the buffer), plus the encoding of the points found: no database query and no hashing of text
/// per point. Built once per layer and database change (``Builder``), it is read by any number of
/// threads at once.
///
/// Memory: about 60 bytes a point plus the distinct values (a million sites: about 100 MB).
public final class PointTileIndex: Sendable {
    /// The layer's name (the MVT layer's).
    public let name: String
    /// Property names, by key index.
    let keys: [String]
    /// Distinct property values, by value index, each encoded as a layer's field 4:
    /// `valueFields[valueOffsets[v] ..< valueOffsets[v + 1]]`.
    let valueFields: [UInt8]
    let valueOffsets: [Int]
    /// Whether a value is a property of more than one point (only those are looked up to share
    /// one entry of a tile's value table; the others are written once where they occur).
    let valueShared: [Bool]
    /// Morton codes of the points (32 bits of world x and y interleaved), ascending.
    let codes: [UInt64]
    /// World x and y of the points in code order (``WebMercator``; not wrapped).
    let worldX: [Double]
    let worldY: [Double]
    /// `tags[tagStart[i] ..< tagStart[i + 1]]` are point i's (key index, value index) pairs.
    let tagStart: [UInt32]
    let tags: [UInt32]

    /// The number of points.
    public var count: Int { codes.count }

    private init(name: String, keys: [String], valueFields: [UInt8], valueOffsets: [Int], valueShared: [Bool],
                 codes: [UInt64], worldX: [Double], worldY: [Double], tagStart: [UInt32], tags: [UInt32]) {
        self.name = name
        self.keys = keys
        self.valueFields = valueFields
        self.valueOffsets = valueOffsets
        self.valueShared = valueShared
        self.codes = codes
        self.worldX = worldX
        self.worldY = worldY
        self.tagStart = tagStart
        self.tags = tags
    }

    /// Collects points and their properties in the layer's order; points beyond Web
    /// Mercator's latitudes (in no tile) are left out.
    public struct Builder {
        let name: String
        let keys: [String]
        private var valueIndex: [TileValue: UInt32] = [:]
        private var values: [TileValue] = []
        private var uses: [UInt32] = []
        private var codes: [UInt64] = []
        private var points: [GeoPoint] = []
        private var tagStart: [UInt32] = [0]
        private var tags: [UInt32] = []

        /// A builder of layer `name` whose properties are `keys` (by index).
        public init(name: String, keys: [String]) {
            self.name = name
            self.keys = keys
        }

        /// Adds a point with its properties (key index into ``keys``, value), nulls left out.
        public mutating func add(_ point: GeoPoint, properties: some Sequence<(Int, TileValue)>) {
            guard let code = PointTileIndex.code(point) else { return }
            codes.append(code)
            points.append(point)
            for (key, value) in properties {
                let v: UInt32
                if let known = valueIndex[value] {
                    v = known
                    uses[Int(v)] += 1
                } else {
                    v = UInt32(values.count)
                    values.append(value)
                    uses.append(1)
                    valueIndex[value] = v
                }
                tags.append(UInt32(key))
                tags.append(v)
            }
            tagStart.append(UInt32(tags.count))
        }

        /// The index, points sorted by code (ties in the order added).
        public func build() -> PointTileIndex {
            let order = codes.indices.sorted { codes[$0] != codes[$1] ? codes[$0] < codes[$1] : $0 < $1 }
            var sortedTags: [UInt32] = []
            sortedTags.reserveCapacity(tags.count)
            var starts: [UInt32] = [0]
            starts.reserveCapacity(order.count + 1)
            for i in order {
                sortedTags.append(contentsOf: tags[Int(tagStart[i])..<Int(tagStart[i + 1])])
                starts.append(UInt32(sortedTags.count))
            }
            var fields: [UInt8] = []
            var offsets = [0]
            offsets.reserveCapacity(values.count + 1)
            for value in values {
                fields.append(contentsOf: value.layerField())
                offsets.append(fields.count)
            }
            return PointTileIndex(name: name, keys: keys, valueFields: fields, valueOffsets: offsets, valueShared: uses.map { $0 > 1 },
                                  codes: order.map { codes[$0] },
                                  worldX: order.map { WebMercator.worldX(longitude: points[$0].longitude) },
                                  worldY: order.map { WebMercator.worldY(latitude: points[$0].latitude) },
                                  tagStart: starts, tags: sortedTags)
        }
    }

    /// The Morton code of a point, or nil beyond Web Mercator's latitudes.
    static func code(_ p: GeoPoint) -> UInt64? {
        guard abs(p.latitude) <= WebMercator.maxLatitude, p.longitude.isFinite, p.latitude.isFinite else { return nil }
        var wx = WebMercator.worldX(longitude: p.longitude)
        wx -= wx.rounded(.down)
        let wy = min(1, max(0, WebMercator.worldY(latitude: p.latitude)))
        let scale = 4_294_967_296.0
        let x = UInt32(min(scale - 1, max(0, (wx * scale).rounded(.down))))
        let y = UInt32(min(scale - 1, max(0, (wy * scale).rounded(.down))))
        return interleave(x) | interleave(y) << 1
    }

    /// The bits of `v` spread to the even bits of a 64-bit word.
    @inline(__always)
    static func interleave(_ v: UInt32) -> UInt64 {
        var x = UInt64(v)
        x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
        x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F
        x = (x | x << 2) & 0x3333_3333_3333_3333
        x = (x | x << 1) & 0x5555_5555_5555_5555
        return x
    }

    /// The index range of the points in tile (z, x, y) (x already wrapped, y in range).
    func run(z: Int, x: Int, y: Int) -> Range<Int> {
        guard z > 0 else { return 0..<codes.count }
        let shift = UInt64(64 - 2 * z)
        let prefix = Self.interleave(UInt32(x)) | Self.interleave(UInt32(y)) << 1
        let last = prefix == (UInt64(1) << UInt64(2 * z)) - 1
        let start = lowerBound(prefix << shift)
        let end = last ? codes.count : lowerBound((prefix + 1) << shift)
        return start..<end
    }

    /// The first index whose code is ≥ `code`.
    private func lowerBound(_ code: UInt64) -> Int {
        var low = 0
        var high = codes.count
        while low < high {
            let mid = (low + high) / 2
            if codes[mid] < code { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// How many zooms deeper the buffer strips are looked up: the first depth whose tiles are no
    /// wider than the buffer.
    static func stripDepth(extent: Int, buffer: Int) -> Int {
        var depth = 0
        while depth < 16, extent >> depth > max(1, buffer) { depth += 1 }
        return depth
    }

    /// The ranges of points that can fall in the buffered tile of `projection`: the tile's own
    /// run, and the runs of the deeper tiles along its neighbours' edges within the buffer.
    func candidateRuns(_ projection: TileProjection) -> [Range<Int>] {
        let tile = projection.tile
        var runs = [run(z: tile.z, x: tile.x, y: tile.y)]
        guard tile.z > 0, projection.buffer > 0 else { return runs }
        let depth = Self.stripDepth(extent: projection.extent, buffer: projection.buffer)
        let z = tile.z + depth
        guard z <= 31 else { return runs }
        let side = 1 << depth
        let strip = min(side, (projection.buffer * side + projection.extent - 1) / projection.extent)
        let deepSize = 1 << z
        // Deep columns and rows of the buffered tile: the tile's, widened by `strip` on each side,
        // and one more to the east and south, whose first points lie exactly on the buffer's edge
        // (the buffered tile is closed: ``TileProjection/point(_:)`` keeps them).
        let columns = (tile.x * side - strip)..<((tile.x + 1) * side + strip + 1)
        let rows = max(0, tile.y * side - strip)..<min(deepSize, (tile.y + 1) * side + strip + 1)
        let inner = (tile.x * side)..<((tile.x + 1) * side)
        let innerRows = (tile.y * side)..<((tile.y + 1) * side)
        for r in rows {
            for c in columns where !(inner.contains(c) && innerRows.contains(r)) {
                // Columns wrap around the antimeridian; at zoom 1 the strips of both sides are
                // distinct columns of the other tile.
                let wrapped = ((c % deepSize) + deepSize) % deepSize
                let found = run(z: z, x: wrapped, y: r)
                if !found.isEmpty { runs.append(found) }
            }
        }
        return runs
    }

    /// The layer of this tile: every point whose projected position is in the buffered tile, in
    /// code order, with its properties.
    public func tileLayer(_ projection: TileProjection) -> VectorTileLayer {
        var layer = VectorTileLayer(name: name, extent: projection.extent)
        let keyIndices = keys.map { layer.key($0) }
        let runs = candidateRuns(projection)
        let candidates = runs.reduce(0) { $0 + $1.count }
        // About what the points need (a point feature ~ 40 bytes, its own values ~ 30): the
        // buffers then grow at most once or twice instead of about twenty times for a big tile.
        layer.reserve(features: candidates * 40, values: candidates * 32)
        var local = IndexMap(capacity: min(1 << 12, candidates * 2 + 8))
        var tagList: [UInt32] = []
        valueFields.withUnsafeBufferPointer { fields in
            for range in runs {
                for i in range {
                    guard let point = projection.point(worldX: worldX[i], worldY: worldY[i]) else { continue }
                    tagList.removeAll(keepingCapacity: true)
                    var t = Int(tagStart[i])
                    let end = Int(tagStart[i + 1])
                    while t < end {
                        let global = Int(tags[t + 1])
                        let field = UnsafeBufferPointer(rebasing: fields[valueOffsets[global]..<valueOffsets[global + 1]])
                        let v: UInt32
                        if !valueShared[global] {
                            v = layer.appendEncodedValue(field)
                        } else if let known = local.value(UInt32(global)) {
                            v = known
                        } else {
                            v = layer.appendEncodedValue(field)
                            local.insert(UInt32(global), v)
                        }
                        tagList.append(keyIndices[Int(tags[t])])
                        tagList.append(v)
                        t += 2
                    }
                    layer.addPoint(point, tags: tagList)
                }
            }
        }
        return layer
    }
}
