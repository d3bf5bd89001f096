import Geodesy

/// A box as SQLite's R*Tree module stores it: four single-precision floats, EPSG:4326 degrees
/// (longitude as x, latitude as y), rounded outward from the double-precision bounds.
struct RTreeBox: Equatable, Sendable {
    /// West edge, degrees of longitude.
    var minX: Float
    /// East edge, degrees of longitude.
    var maxX: Float
    /// South edge, degrees of latitude.
    var minY: Float
    /// North edge, degrees of latitude.
    var maxY: Float

    /// The box SQLite's R*Tree stores for `box` (what `INSERT INTO idx (pkid, xmin, xmax, ymin,
    /// ymax)` with these doubles writes): minima rounded down, maxima up, see ``roundedDown(_:)``.
    init(_ box: BoundingBox) {
        minX = Self.roundedDown(box.minLongitude)
        maxX = Self.roundedUp(box.maxLongitude)
        minY = Self.roundedDown(box.minLatitude)
        maxY = Self.roundedUp(box.maxLatitude)
    }

    /// A box from its four stored floats.
    init(minX: Float, maxX: Float, minY: Float, maxY: Float) {
        self.minX = minX
        self.maxX = maxX
        self.minY = minY
        self.maxY = maxY
    }

    /// The smallest box holding both.
    func union(_ other: RTreeBox) -> RTreeBox {
        RTreeBox(minX: Swift.min(minX, other.minX), maxX: Swift.max(maxX, other.maxX),
                 minY: Swift.min(minY, other.minY), maxY: Swift.max(maxY, other.maxY))
    }

    /// SQLite's `rtreeValueDown` (ext/rtree/rtree.c): the nearest float, and when that lies
    /// above `value`, `value` scaled by (1 ∓ 2⁻²³) towards minus infinity and converted again.
    /// Bit for bit what the R*Tree module writes for a minimum.
    static func roundedDown(_ value: Double) -> Float {
        var f = Float(value)
        if Double(f) > value { f = Float(value * (value < 0 ? roundAway : roundTowards)) }
        return f
    }

    /// SQLite's `rtreeValueUp`: the mirror of ``roundedDown(_:)`` for a maximum.
    static func roundedUp(_ value: Double) -> Float {
        var f = Float(value)
        if Double(f) < value { f = Float(value * (value < 0 ? roundTowards : roundAway)) }
        return f
    }

    /// SQLite's `RNDTOWARDS` and `RNDAWAY`: 1 ∓ 1/8388608.
    private static let roundTowards = 1.0 - 1.0 / 8_388_608.0
    private static let roundAway = 1.0 + 1.0 / 8_388_608.0
}

/// A bulk-loaded R*Tree in SQLite's own storage format, written straight into the three shadow
/// tables of an `rtree` virtual table with two dimensions (SpatiaLite's `idx_<layer>_geom`).
///
/// The format (SQLite's ext/rtree/rtree.c, "the r-tree file format"): every node is one blob of
/// the table's node size in `<name>_node (nodeno, data)`; node 1 is the root. A node starts with
/// a 2-byte big-endian field that, in the root, holds the depth of the tree (0 when the root is a
/// leaf), then a 2-byte big-endian cell count, then the cells: an 8-byte big-endian integer (the
/// row id in a leaf, a child's node number above) and the four coordinates as big-endian IEEE
/// single-precision floats in column order (xmin, xmax, ymin, ymax). The rest of the blob is
/// zero. `<name>_rowid (rowid, nodeno)` names the leaf of every row; `<name>_parent (nodeno,
/// parentnode)` the parent of every node but the root.
///
/// The entries come in the order of ``hilbertKey(_:)`` (a Hilbert curve through the centres of
/// their boxes on a 2³² × 2³² grid over the whole Earth, ties by row id), cut into leaves of as
/// equal a size as possible, at most ``capacity`` cells each (so every node but the root holds at
/// least half of what it can, well above the third that SQLite's deletions keep); the levels above
/// are built the same way from the leaves in that order (Kamel and Faloutsos's Hilbert packing).
/// Nodes are numbered from the root down, level by level. Only the levels above the leaves are
/// held in memory (one box per leaf: 1/51 of the rows).
struct PackedRTree {
    /// One row of the index: the feature's `fid` and its stored box.
    struct Entry: Sendable, BitwiseCopyable {
        /// The row id (`pkid`, the layer's `fid`).
        var id: Int64
        /// The box as the R*Tree stores it.
        var box: RTreeBox
    }

    /// An entry with its place on the Hilbert curve, for sorting.
    struct Keyed: Sendable, BitwiseCopyable {
        var key: UInt64
        var entry: Entry

        init(_ entry: Entry) {
            key = PackedRTree.hilbertKey(entry.box)
            self.entry = entry
        }

        /// The packing order: by key, then by row id.
        static func precedes(_ a: Keyed, _ b: Keyed) -> Bool {
            a.key != b.key ? a.key < b.key : a.entry.id < b.entry.id
        }
    }

    /// Bytes of one cell: the 8-byte id and 4 × 4 bytes of coordinates.
    static let cellSize = 24
    /// SQLite's `RTREE_MAXCELLS`: no node holds more cells, whatever its size.
    static let maxCells = 51

    /// Size of every node blob, bytes (the length of the existing root's blob).
    let nodeSize: Int
    /// Cells per node: what fits in `nodeSize`, at most ``maxCells``.
    let capacity: Int

    /// A packer for nodes of `nodeSize` bytes; nil when not even two cells fit (no real R*Tree).
    init?(nodeSize: Int) {
        let capacity = Swift.min((nodeSize - 4) / Self.cellSize, Self.maxCells)
        guard capacity >= 2 else { return nil }
        self.nodeSize = nodeSize
        self.capacity = capacity
    }

    /// Builds the tree of `entries` (in any order) and hands out its nodes; for tests and small
    /// inputs (the import streams through ``write(count:next:node:parent:leaf:)``).
    /// - Returns: the leaf node number of every entry, by the entry's position in `entries`.
    func write(_ entries: [Entry], node: (Int64, [UInt8]) throws -> Void, parent: (Int64, Int64) throws -> Void) rethrows -> [Int64] {
        let ordered = entries.enumerated().map { (position: $0.offset, keyed: Keyed($0.element)) }
            .sorted { Keyed.precedes($0.keyed, $1.keyed) }
        var positionOf: [Int64: Int] = [:]
        for (position, entry) in entries.enumerated() { positionOf[entry.id] = position }
        var leafOf = [Int64](repeating: 0, count: entries.count)
        var next = 0
        try write(count: entries.count, next: {
            defer { next += 1 }
            return ordered[next].keyed.entry
        }, node: node, parent: parent, leaf: { id, leaf in
            if let position = positionOf[id] { leafOf[position] = leaf }
        })
        return leafOf
    }

    /// Builds the tree of `count` entries, which `next` hands out one by one in packing order
    /// (``Keyed/precedes(_:_:)``), and hands out its nodes.
    ///
    /// - Parameters:
    ///   - count: how many entries `next` hands out.
    ///   - next: the next entry; called exactly `count` times.
    ///   - node: called once per node with its number and its blob (`nodeSize` bytes), level by
    ///     level from the leaves up to the root (number 1).
    ///   - parent: called once per node but the root with its number and its parent's, after
    ///     both nodes were handed to `node`.
    ///   - leaf: called once per entry with its id and the number of its leaf, in packing order.
    func write(count: Int, next: () throws -> Entry, node: (Int64, [UInt8]) throws -> Void,
               parent: (Int64, Int64) throws -> Void, leaf: (Int64, Int64) throws -> Void) rethrows {
        guard count > 0 else {
            try node(1, [UInt8](repeating: 0, count: nodeSize))
            return
        }
        // Nodes per level, leaves first, up to the single root.
        var nodesPerLevel: [Int] = []
        var items = count
        repeat {
            items = (items + capacity - 1) / capacity
            nodesPerLevel.append(items)
        } while items > 1
        let depth = nodesPerLevel.count - 1
        // The first node number of each level (numbered from the root down).
        var firstNumber = [Int64](repeating: 1, count: nodesPerLevel.count)
        var number: Int64 = 1
        for level in stride(from: depth, through: 0, by: -1) {
            firstNumber[level] = number
            number += Int64(nodesPerLevel[level])
        }

        var blob = [UInt8](repeating: 0, count: nodeSize)
        /// Writes one node of `cells` at `level`; returns the box of all its cells.
        func writeNode(_ number: Int64, level: Int, _ cells: ArraySlice<Entry>) throws -> RTreeBox {
            for i in blob.indices { blob[i] = 0 }
            if level == depth { Self.put(UInt16(depth), into: &blob, at: 0) }
            Self.put(UInt16(cells.count), into: &blob, at: 2)
            var box = cells[cells.startIndex].box
            for (slot, cell) in cells.enumerated() {
                let offset = 4 + slot * Self.cellSize
                Self.put(UInt64(bitPattern: cell.id), into: &blob, at: offset)
                Self.put(cell.box.minX.bitPattern, into: &blob, at: offset + 8)
                Self.put(cell.box.maxX.bitPattern, into: &blob, at: offset + 12)
                Self.put(cell.box.minY.bitPattern, into: &blob, at: offset + 16)
                Self.put(cell.box.maxY.bitPattern, into: &blob, at: offset + 20)
                box = box.union(cell.box)
            }
            try node(number, blob)
            return box
        }

        // The leaves, streamed; the level above them is kept (one cell per leaf).
        var cells: [Entry] = []
        cells.reserveCapacity(nodesPerLevel[0])
        var group: [Entry] = []
        group.reserveCapacity(capacity)
        let leaves = nodesPerLevel[0]
        for index in 0..<leaves {
            let size = count * (index + 1) / leaves - count * index / leaves
            group.removeAll(keepingCapacity: true)
            for _ in 0..<size { group.append(try next()) }
            let number = firstNumber[0] + Int64(index)
            let box = try writeNode(number, level: 0, group[...])
            for entry in group { try leaf(entry.id, number) }
            cells.append(Entry(id: number, box: box))
        }
        // The levels above, from memory.
        for level in stride(from: 1, through: depth, by: 1) {
            let groups = nodesPerLevel[level]
            var above: [Entry] = []
            above.reserveCapacity(groups)
            for index in 0..<groups {
                let start = cells.count * index / groups, end = cells.count * (index + 1) / groups
                let number = firstNumber[level] + Int64(index)
                let box = try writeNode(number, level: level, cells[start..<end])
                for cell in cells[start..<end] { try parent(cell.id, number) }
                above.append(Entry(id: number, box: box))
            }
            cells = above
        }
    }

    /// The place of a box's centre on a Hilbert curve of order 32 over the whole Earth (longitude
    /// −180…180 and latitude −90…90 each cut into 2³² steps; centres outside are clamped).
    static func hilbertKey(_ box: RTreeBox) -> UInt64 {
        let x = (Double(box.minX) + Double(box.maxX)) / 2, y = (Double(box.minY) + Double(box.maxY)) / 2
        func cell(_ value: Double, _ low: Double, _ span: Double) -> UInt32 {
            let scaled = ((value - low) / span * 4_294_967_295).rounded(.down)
            guard scaled.isFinite, scaled > 0 else { return 0 }
            return scaled >= 4_294_967_295 ? UInt32.max : UInt32(scaled)
        }
        return hilbertIndex(x: cell(x, -180, 360), y: cell(y, -90, 180))
    }

    /// The distance along the Hilbert curve of order 32 of the grid cell (`x`, `y`).
    static func hilbertIndex(x: UInt32, y: UInt32) -> UInt64 {
        var x = UInt64(x), y = UInt64(y), d: UInt64 = 0
        let last: UInt64 = (1 << 32) - 1
        var s: UInt64 = 1 << 31
        while s > 0 {
            let rx: UInt64 = (x & s) > 0 ? 1 : 0
            let ry: UInt64 = (y & s) > 0 ? 1 : 0
            d &+= s &* s &* ((3 &* rx) ^ ry)
            if ry == 0 {
                if rx == 1 {
                    x = last - x
                    y = last - y
                }
                swap(&x, &y)
            }
            s >>= 1
        }
        return d
    }

    /// Writes `value` big-endian at `offset`.
    private static func put<T: FixedWidthInteger>(_ value: T, into blob: inout [UInt8], at offset: Int) {
        var big = value.bigEndian
        withUnsafeBytes(of: &big) { bytes in
            for (i, byte) in bytes.enumerated() { blob[offset + i] = byte }
        }
    }
}
