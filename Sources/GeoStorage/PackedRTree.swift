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
/// The entries are ordered along a Hilbert curve through the centres of their boxes (on a
/// 65,536 × 65,536 grid over the boxes' extent, ties by input order), cut into leaves of as
/// equal a size as possible, at most ``capacity`` cells each (so every node but the root holds at
/// least half of what it can, well above the third that SQLite's deletions keep); the levels above
/// are built the same way from the leaves in that order (Kamel and Faloutsos's Hilbert packing).
/// Nodes are numbered from the root down, level by level.
struct PackedRTree {
    /// One row of the index: the feature's `fid` and its stored box.
    struct Entry: Sendable {
        /// The row id (`pkid`, the layer's `fid`).
        var id: Int64
        /// The box as the R*Tree stores it.
        var box: RTreeBox
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

    /// Builds the tree of `entries` and hands out its rows.
    ///
    /// - Parameters:
    ///   - entries: the rows of the index, in any order (ids unique).
    ///   - node: called once per node with its number and its blob (`nodeSize` bytes), level by
    ///     level from the leaves up to the root (number 1).
    ///   - parent: called once per node but the root with its number and its parent's, after
    ///     both nodes were handed to `node`.
    /// - Returns: the leaf node number of every entry, by the entry's position in `entries`.
    func write(_ entries: [Entry], node: (Int64, [UInt8]) throws -> Void, parent: (Int64, Int64) throws -> Void) rethrows -> [Int64] {
        guard !entries.isEmpty else {
            try node(1, [UInt8](repeating: 0, count: nodeSize))
            return []
        }
        // Nodes per level, leaves first, up to the single root.
        var nodesPerLevel: [Int] = []
        var items = entries.count
        repeat {
            items = (items + capacity - 1) / capacity
            nodesPerLevel.append(items)
        } while items > 1
        let depth = nodesPerLevel.count - 1
        // The first node number of each level (numbered from the root down).
        var firstNumber = [Int64](repeating: 1, count: nodesPerLevel.count)
        var next: Int64 = 1
        for level in stride(from: depth, through: 0, by: -1) {
            firstNumber[level] = next
            next += Int64(nodesPerLevel[level])
        }

        // Built and handed out from the leaves up; only the boxes of one level are kept.
        var leafOf = [Int64](repeating: 0, count: entries.count)
        var positions = Self.hilbertOrder(entries)
        var cells: [(id: Int64, box: RTreeBox)] = positions.map { (entries[$0].id, entries[$0].box) }
        var blob = [UInt8](repeating: 0, count: nodeSize)
        for level in 0...depth {
            let groups = nodesPerLevel[level]
            var above: [(id: Int64, box: RTreeBox)] = []
            above.reserveCapacity(groups)
            for group in 0..<groups {
                let start = cells.count * group / groups, end = cells.count * (group + 1) / groups
                let number = firstNumber[level] + Int64(group)
                for i in blob.indices { blob[i] = 0 }
                if level == depth { Self.put(UInt16(depth), into: &blob, at: 0) }
                Self.put(UInt16(end - start), into: &blob, at: 2)
                var box = cells[start].box
                for (slot, cell) in cells[start..<end].enumerated() {
                    let offset = 4 + slot * Self.cellSize
                    Self.put(UInt64(bitPattern: cell.id), into: &blob, at: offset)
                    Self.put(cell.box.minX.bitPattern, into: &blob, at: offset + 8)
                    Self.put(cell.box.maxX.bitPattern, into: &blob, at: offset + 12)
                    Self.put(cell.box.minY.bitPattern, into: &blob, at: offset + 16)
                    Self.put(cell.box.maxY.bitPattern, into: &blob, at: offset + 20)
                    box = box.union(cell.box)
                    if level == 0 { leafOf[positions[start + slot]] = number }
                }
                try node(number, blob)
                if level > 0 {
                    for cell in cells[start..<end] { try parent(cell.id, number) }
                }
                above.append((number, box))
            }
            cells = above
            positions = []
        }
        return leafOf
    }

    /// The positions of `entries` along a Hilbert curve through their boxes' centres (on a
    /// 2¹⁶ × 2¹⁶ grid spanning the centres), ties in input order.
    static func hilbertOrder(_ entries: [Entry]) -> [Int] {
        guard let first = entries.first else { return [] }
        func centre(_ box: RTreeBox) -> (Double, Double) {
            ((Double(box.minX) + Double(box.maxX)) / 2, (Double(box.minY) + Double(box.maxY)) / 2)
        }
        var (lowX, lowY) = centre(first.box)
        var (highX, highY) = (lowX, lowY)
        for entry in entries {
            let (x, y) = centre(entry.box)
            lowX = Swift.min(lowX, x); highX = Swift.max(highX, x)
            lowY = Swift.min(lowY, y); highY = Swift.max(highY, y)
        }
        func cell(_ value: Double, _ low: Double, _ high: Double) -> UInt32 {
            guard high > low else { return 0 }
            return UInt32(Swift.min(65_535, Swift.max(0, ((value - low) / (high - low) * 65_535).rounded(.down))))
        }
        // The key in the high 32 bits, the position in the low ones: one sort of plain integers.
        var keys = [UInt64](repeating: 0, count: entries.count)
        for (position, entry) in entries.enumerated() {
            let (x, y) = centre(entry.box)
            keys[position] = UInt64(hilbertIndex(x: cell(x, lowX, highX), y: cell(y, lowY, highY))) << 32 | UInt64(position)
        }
        keys.sort()
        return keys.map { Int($0 & 0xFFFF_FFFF) }
    }

    /// The distance along the Hilbert curve of order 16 of the grid cell (`x`, `y`), both below 2¹⁶.
    static func hilbertIndex(x: UInt32, y: UInt32) -> UInt32 {
        let n: UInt32 = 1 << 16
        var x = x, y = y, d: UInt32 = 0
        var s = n / 2
        while s > 0 {
            let rx: UInt32 = (x & s) > 0 ? 1 : 0
            let ry: UInt32 = (y & s) > 0 ? 1 : 0
            d &+= s &* s &* ((3 &* rx) ^ ry)
            if ry == 0 {
                if rx == 1 {
                    x = n - 1 - x
                    y = n - 1 - y
                }
                swap(&x, &y)
            }
            s /= 2
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
