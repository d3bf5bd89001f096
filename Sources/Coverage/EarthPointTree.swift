import Dispatch
import Foundation
import Geodesy

/// Rigorous relations between the chord (the straight line through the Earth) and the geodesic
/// distance on the WGS84 ellipsoid, used to decide "within range" and "nearer than" without the
/// exact (Karney) distance whenever the answer is already certain.
///
/// With `L` the length of the shortest geodesic, `c` the chord and `M₀ = b²/a = 6 335 439.33 m`
/// the smallest radius of curvature of the ellipsoid:
///
/// - **Lower bound** `c ≤ L`: no path is shorter than the straight segment.
/// - **Upper bound** `L ≤ 2 M₀ asin(c / (2 M₀))`: a geodesic has no curvature within the surface, so
///   its curvature as a space curve is the surface's normal curvature in its direction,
///   `cos²α / M + sin²α / N ≤ 1 / M₀` (both radii of curvature are at least `M₀`). By Schur's
///   comparison theorem a curve of length `L ≤ π M₀` whose curvature never exceeds that of a circle
///   of radius `M₀` has a chord at least as long as that circle's arc of length `L`,
///   `c ≥ 2 M₀ sin(L / (2 M₀))`. The shortcut is only taken for ranges up to 2 000 km, far below
///   `π M₀ ≈ 19 900 km`. The bound is tight: `L − c ≈ c³ / (24 M₀²)`, 1 mm at 10 km.
///
/// Computed chords carry an absolute rounding error below 1e-8 m (Earth-centred coordinates of
/// about 6.4e6 m); every threshold is moved by 1e-12 relative plus 1e-6 m, so a shortcut decides
/// only when the exact distance is at least a micrometre away from the threshold, where the exact
/// computation (good to about 10 nm) cannot disagree. Results therefore equal a brute-force
/// comparison of every pair with ``Geodesic/distanceMeters(_:_:)``, which the tests check.
enum DistanceBounds {
    /// `M₀ = b² / a`, metres.
    static let minimumRadiusOfCurvature = Ellipsoid.wgs84.minimumRadiusOfCurvatureMeters

    /// A computed chord above this many metres means the geodesic distance exceeds `range`.
    @inline(__always)
    static func outerChord(range: Double) -> Double { range * (1 + 1e-12) + 1e-6 }

    /// A computed chord at or below this many metres means the geodesic distance is within `range`;
    /// −1 (never) for ranges above 2 000 km.
    static func innerChord(range: Double) -> Double {
        guard range <= 2_000_000 else { return -1 }
        let m0 = minimumRadiusOfCurvature
        return 2 * m0 * sin(range / (2 * m0)) * (1 - 1e-12) - 1e-6
    }

    /// A lower bound of the geodesic distance, metres, from a computed chord.
    @inline(__always)
    static func lowerBound(chord: Double) -> Double {
        let bound = chord * (1 - 1e-12) - 1e-6
        return bound > 0 ? bound : 0
    }
}

/// A static 3-d tree (k-d tree) over points of the WGS84 surface, in Earth-centred Cartesian
/// coordinates (metres, EPSG:4978 axes).
///
/// Working in 3-d space makes the tree free of seams: the antimeridian and the poles need no
/// special cases. Each point carries the caller's index (`item`) and optionally a reach in metres
/// (a site's range); nodes keep the largest reach below them, so one traversal finds every point
/// whose reach may include a query position.
///
/// The layout is an implicit complete binary tree (children of node `i` are `2i+1` and `2i+2`, all
/// leaves on the last level, filled from the left, leaf `j` holding points `8j..<8j+8`), built
/// bottom-up over the points in a spatial order (``SpatialOrder``). Node boxes are single-precision
/// and rounded outwards (32 bytes a node, so that more of the tree stays in the cache); points keep
/// full precision. Read-only afterwards: its storage is allocated once and never moves, and
/// searches run on a ``View`` of it, which evaluation threads share without reference counting.
final class EarthPointTree: @unchecked Sendable {
    /// Points per leaf.
    static let leafSize = SpatialOrder.runLength

    /// A box around the points below a node, in single precision rounded outwards, with the
    /// largest squared outer chord (``DistanceBounds/outerChord(range:)``) among them rounded up.
    /// An empty node has an empty box (`minX > maxX`) and `maxOuterSquared` −∞.
    struct Node: Sendable {
        var minX = Float.infinity, minY = Float.infinity, minZ = Float.infinity
        var maxX = -Float.infinity, maxY = -Float.infinity, maxZ = -Float.infinity
        var maxOuterSquared = -Float.infinity
        private var padding: Int32 = 0

        /// Whether no point lies below the node.
        var isEmpty: Bool { !(minX <= maxX) }

        /// Squared distance from a point to this node's box (0 inside), metres²; never more than
        /// the squared distance to any point below the node.
        @inline(__always)
        func distanceSquared(_ x: Double, _ y: Double, _ z: Double) -> Double {
            // Without branches (which the search mispredicts): the larger of the distances below
            // and above the box, and 0 inside. An empty box (+∞ … −∞) is infinitely far.
            let dx = max(max(Double(minX) - x, x - Double(maxX)), 0)
            let dy = max(max(Double(minY) - y, y - Double(maxY)), 0)
            let dz = max(max(Double(minZ) - z, z - Double(maxZ)), 0)
            return dx * dx + dy * dy + dz * dz
        }

        /// The box from `low` to `high` (metres) rounded outwards, with the largest squared outer
        /// chord rounded up.
        init(low: (Double, Double, Double), high: (Double, Double, Double), maxOuterSquared: Double) {
            minX = Self.down(low.0); minY = Self.down(low.1); minZ = Self.down(low.2)
            maxX = Self.up(high.0); maxY = Self.up(high.1); maxZ = Self.up(high.2)
            self.maxOuterSquared = Self.up(maxOuterSquared)
        }

        /// The box holding two boxes.
        init(_ l: Node, _ r: Node) {
            minX = min(l.minX, r.minX); maxX = max(l.maxX, r.maxX)
            minY = min(l.minY, r.minY); maxY = max(l.maxY, r.maxY)
            minZ = min(l.minZ, r.minZ); maxZ = max(l.maxZ, r.maxZ)
            maxOuterSquared = max(l.maxOuterSquared, r.maxOuterSquared)
        }

        init() {}

        /// The largest `Float` not above `v`.
        @inline(__always)
        static func down(_ v: Double) -> Float {
            let f = Float(v)
            return Double(f) > v ? f.nextDown : f
        }

        /// The smallest `Float` not below `v`.
        @inline(__always)
        static func up(_ v: Double) -> Float {
            let f = Float(v)
            return Double(f) < v ? f.nextUp : f
        }
    }

    /// A point in tree order: Earth-centred coordinates (metres), its reach (metres, 0 without
    /// reaches), its squared outer chord (``DistanceBounds/outerChord(range:)``) in single
    /// precision rounded up, and the caller's item: what the search reads for every candidate,
    /// side by side in 40 bytes.
    struct Point: Sendable {
        var x: Double, y: Double, z: Double
        var reach: Double
        var outerSquared: Float
        var item: Int32
    }

    /// The tree's storage as plain pointers: what searches read. Valid while its tree is alive;
    /// copying it costs no reference counting (two threads searching one tree never contend).
    struct View: @unchecked Sendable {
        /// The points, in tree order.
        let points: UnsafePointer<Point>
        /// The nodes of the implicit tree.
        let nodes: UnsafePointer<Node>
        /// The number of points.
        let count: Int
        /// The level of the leaves (0: the root is a leaf).
        let depth: Int

        /// The caller's item of the point at tree position `p`.
        @inline(__always)
        func item(_ p: Int) -> Int32 { points[p].item }

        /// True when the point at tree position `p` (squared chord `d2` to `position`) is within
        /// its reach of `position` by exact geodesic distance: the inner chord of the reach
        /// (computed here: few points get this far) decides almost always, the exact distance
        /// within a micrometre-wide band (with the point's position from `positions`).
        @inline(__always)
        func reaches(_ p: Int, _ d2: Double, _ position: GeoPoint, _ positions: ItemPositions) -> Bool {
            let point = points[p]
            let inner = DistanceBounds.innerChord(range: point.reach)
            if inner >= 0 && d2 <= inner * inner { return true }
            return Geodesic.distanceMeters(position, positions[point.item]) <= point.reach
        }

        /// Calls `body(position, chordSquared)` for every point (by tree position) whose squared
        /// chord to `query` is within its squared outer chord, i.e. every point whose reach may
        /// include the query; the caller decides with ``reaches(_:_:_:_:)``. Nearer subtrees come
        /// first, and the traversal stops as soon as `body` returns true.
        @inline(__always)
        func forEachPossiblyReaching(_ query: EarthCenteredPoint, until body: (Int, Double) -> Bool) {
            guard count > 0 else { return }
            let qx = query.x, qy = query.y, qz = query.z
            let root = nodes[0]
            if root.isEmpty || root.distanceSquared(qx, qy, qz) > Double(root.maxOuterSquared) { return }
            let leafStart = (1 << depth) - 1
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * depth + 4) { stack in
                stack[0] = 0
                var top = 1
                while top > 0 {
                    top -= 1
                    let index = Int(stack[top])
                    if index >= leafStart {
                        let start = (index - leafStart) * EarthPointTree.leafSize
                        for p in start..<min(count, start + EarthPointTree.leafSize) {
                            let point = points[p]
                            let dx = point.x - qx, dy = point.y - qy, dz = point.z - qz
                            let d2 = dx * dx + dy * dy + dz * dz
                            if d2 <= Double(point.outerSquared) && body(p, d2) { return }
                        }
                    } else {
                        // Children that may reach the query (an empty one never does: its box
                        // is empty and its largest outer chord −∞), the nearer one first.
                        let left = 2 * index + 1, right = left + 1
                        let l = nodes[left], r = nodes[right]
                        let dl = l.distanceSquared(qx, qy, qz), dr = r.distanceSquared(qx, qy, qz)
                        let useLeft = dl <= Double(l.maxOuterSquared), useRight = dr <= Double(r.maxOuterSquared)
                        if useLeft && useRight {
                            let (near, far) = dl <= dr ? (left, right) : (right, left)
                            stack[top] = Int32(far)
                            stack[top + 1] = Int32(near)
                            top += 2
                        } else if useLeft {
                            stack[top] = Int32(left)
                            top += 1
                        } else if useRight {
                            stack[top] = Int32(right)
                            top += 1
                        }
                    }
                }
            }
        }
    }

    /// The points, filled in tree order before the tree is built.
    private let storage: Storage

    /// The tree's storage for searches (valid while the tree is alive).
    let view: View

    /// The number of points.
    var count: Int { view.count }

    /// The caller's item of the point at tree position `p`.
    @inline(__always)
    func item(_ p: Int) -> Int32 { view.item(p) }

    /// A tree's points in tree order, allocated once for `count` points and filled by the caller
    /// (from several threads at once when each fills its own positions) before
    /// ``EarthPointTree/init(storage:)`` builds the nodes over them.
    final class Storage: @unchecked Sendable {
        let count: Int
        let points: UnsafeMutablePointer<Point>

        init(count: Int) {
            self.count = count
            // A trivial type: allocated once, never deinitialised.
            points = .allocate(capacity: max(count, 1))
        }

        deinit {
            points.deallocate()
        }

        /// Fills tree position `p` (see ``Writer/set(_:_:item:reach:)``).
        func set(_ p: Int, _ e: EarthCenteredPoint, item: Int32, reach: Double?) {
            writer.set(p, e, item: item, reach: reach)
        }

        /// The storage as plain pointers, for filling from several threads without reference counting.
        var writer: Writer {
            Writer(points: points)
        }

        /// Fills a ``Storage`` (valid while the storage is alive).
        struct Writer: @unchecked Sendable {
            let points: UnsafeMutablePointer<Point>

            /// Fills tree position `p`: the Earth-centred coordinates of a valid point, the
            /// caller's item (whose WGS84 position ``ItemPositions`` gives the searches) and its
            /// reach in metres (nil: none).
            @inline(__always)
            func set(_ p: Int, _ e: EarthCenteredPoint, item: Int32, reach: Double?) {
                var outer = 0.0
                if let reach {
                    let c = DistanceBounds.outerChord(range: reach)
                    outer = c * c
                }
                (points + p).initialize(to: Point(x: e.x, y: e.y, z: e.z, reach: reach ?? 0,
                                                  outerSquared: Node.up(outer), item: item))
            }
        }
    }

    /// Builds a tree over `points` (WGS84 lon/lat; invalid points must be filtered out first), in
    /// their k-d order (``SpatialOrder``). Searches find an item's position through the
    /// ``ItemPositions`` their caller passes.
    ///
    /// - Parameters:
    ///   - items: the index reported for each point (same count as `points`); empty means `0..<n`.
    ///   - reaches: the reach of each point in metres (same count), or empty for none.
    convenience init(points: [GeoPoint], items: [Int32] = [], reaches: [Double] = []) {
        precondition(items.isEmpty || items.count == points.count, "items must match points")
        precondition(reaches.isEmpty || reaches.count == points.count, "reaches must match points")
        let centred = points.map(EarthCenteredPoint.init)
        let storage = Storage(count: points.count)
        for (p, index32) in SpatialOrder.order(centred).enumerated() {
            let i = Int(index32)
            storage.set(p, centred[i], item: items.isEmpty ? index32 : items[i],
                        reach: reaches.isEmpty ? nil : reaches[i])
        }
        self.init(storage: storage)
    }

    /// Builds the tree over points already in tree order (a spatial order: consecutive points
    /// near each other), bottom-up: each leaf takes the next ``leafSize`` points, each node the
    /// boxes of its two children. The order only affects speed, never what a search finds.
    init(storage: Storage) {
        let n = storage.count
        let leaves = (n + Self.leafSize - 1) / Self.leafSize
        var depth = 0
        while (1 << depth) < leaves { depth += 1 }
        let nodeCount = (1 << (depth + 1)) - 1
        let nodes = UnsafeMutablePointer<Node>.allocate(capacity: nodeCount)
        nodes.initialize(repeating: Node(), count: nodeCount)
        let leafStart = (1 << depth) - 1
        for leaf in 0..<leaves {
            // The leaf's box in double precision, rounded outwards once.
            var lo = (Double.infinity, Double.infinity, Double.infinity)
            var hi = (-Double.infinity, -Double.infinity, -Double.infinity)
            var outer = -Double.infinity
            for i in (leaf * Self.leafSize)..<min(n, (leaf + 1) * Self.leafSize) {
                let p = storage.points[i]
                lo = (min(lo.0, p.x), min(lo.1, p.y), min(lo.2, p.z))
                hi = (max(hi.0, p.x), max(hi.1, p.y), max(hi.2, p.z))
                outer = max(outer, Double(p.outerSquared))
            }
            nodes[leafStart + leaf] = Node(low: lo, high: hi, maxOuterSquared: outer)
        }
        for node in stride(from: leafStart - 1, through: 0, by: -1) {
            nodes[node] = Node(nodes[2 * node + 1], nodes[2 * node + 2])
        }
        self.storage = storage
        nodeStorage = nodes
        view = View(points: storage.points,
                    nodes: nodes, count: n, depth: depth)
    }

    private let nodeStorage: UnsafeMutablePointer<Node>

    deinit {
        nodeStorage.deallocate()
    }

    /// The `k` nearest points to `query` by exact geodesic distance on WGS84
    /// (``Geodesic/distanceMeters(_:_:)``), nearest first; equal distances in increasing item order.
    ///
    /// - Parameters:
    ///   - exclude: an item never reported (the query itself in a self-join), or nil.
    /// - Returns: pairs of item and distance in metres, at most `k`.
    ///   - within: only points at most this far (metres) are reported; a known upper bound of the
    ///     k-th distance speeds the search up.
    ///   - positions: the items' WGS84 positions.
    func nearest(to query: GeoPoint, k: Int, excluding exclude: Int32? = nil,
                 within limit: Double = .infinity, positions: ItemPositions) -> [(item: Int32, distanceMeters: Double)] {
        guard k > 0, count > 0, query.isValid else { return [] }
        let q = EarthCenteredPoint(query)
        var best: [(item: Int32, distanceMeters: Double)] = []
        best.reserveCapacity(k + 1)
        // The k-th distance so far (the limit until k are found).
        var bound = limit
        let tree = view
        let leafStart = (1 << tree.depth) - 1
        withUnsafeTemporaryAllocation(of: (node: Int32, lowerSquared: Double).self, capacity: 2 * tree.depth + 4) { stack in
            var top = 1
            stack[0] = (0, 0)
            while top > 0 {
                top -= 1
                let (index32, lowerSquared) = stack[top]
                // Prune: every point of the node is at least the box distance away (chord ≤ geodesic).
                if lowerSquared > 0, DistanceBounds.lowerBound(chord: lowerSquared.squareRoot()) > bound { continue }
                let index = Int(index32)
                if tree.nodes[index].isEmpty { continue }
                if index >= leafStart {
                    let start = (index - leafStart) * Self.leafSize
                    for p in start..<min(tree.count, start + Self.leafSize) {
                        let point = tree.points[p]
                        let item = point.item
                        if item == exclude { continue }
                        let dx = point.x - q.x, dy = point.y - q.y, dz = point.z - q.z
                        let chord = (dx * dx + dy * dy + dz * dz).squareRoot()
                        if DistanceBounds.lowerBound(chord: chord) > bound { continue }
                        let distance = Geodesic.distanceMeters(query, positions[item])
                        if distance > limit { continue }
                        Self.insert((item, distance), into: &best, k: k)
                        if best.count == k { bound = best[k - 1].distanceMeters }
                    }
                } else {
                    let left = 2 * index + 1, right = left + 1
                    let dl = tree.nodes[left].distanceSquared(q.x, q.y, q.z)
                    let dr = tree.nodes[right].distanceSquared(q.x, q.y, q.z)
                    // Push the farther child first so that the nearer one is searched first.
                    if dl <= dr {
                        stack[top] = (Int32(right), dr)
                        stack[top + 1] = (Int32(left), dl)
                    } else {
                        stack[top] = (Int32(left), dl)
                        stack[top + 1] = (Int32(right), dr)
                    }
                    top += 2
                }
            }
        }
        return best
    }

    /// Inserts into a list sorted by (distance, item), keeping at most `k`.
    @inline(__always)
    private static func insert(_ candidate: (item: Int32, distanceMeters: Double),
                               into best: inout [(item: Int32, distanceMeters: Double)], k: Int) {
        var i = best.count
        while i > 0 {
            let other = best[i - 1]
            if other.distanceMeters < candidate.distanceMeters
                || (other.distanceMeters == candidate.distanceMeters && other.item < candidate.item) { break }
            i -= 1
        }
        guard i < k else { return }
        best.insert(candidate, at: i)
        if best.count > k { best.removeLast() }
    }
}

/// Where a search finds an item's WGS84 position (lon/lat degrees) for exact distances: the trees
/// keep Earth-centred coordinates only, and the positions stay in the caller's array, read in
/// place (a million sites' positions are not stored a second time). Valid only while that
/// array's buffer is, i.e. inside the caller's `withUnsafeBufferPointer`; a plain pointer, so
/// threads share no reference count.
struct ItemPositions: @unchecked Sendable {
    private let base: UnsafeRawPointer?
    private let stride: Int
    private let count: Int

    /// The positions of the elements of `buffer` (item `i` is element `i`), read at the stored
    /// property `position`.
    init<Element>(_ buffer: UnsafeBufferPointer<Element>, position: KeyPath<Element, GeoPoint>) {
        guard let offset = MemoryLayout<Element>.offset(of: position) else {
            preconditionFailure("ItemPositions needs a stored position property")
        }
        base = buffer.baseAddress.map { UnsafeRawPointer($0) + offset }
        stride = MemoryLayout<Element>.stride
        count = buffer.count
    }

    /// The position of `item` (an index into the caller's array).
    @inline(__always)
    subscript(item: Int32) -> GeoPoint {
        assert(item >= 0 && Int(item) < count, "item \(item) is not an index of the caller's array")
        return base.unsafelyUnwrapped.load(fromByteOffset: Int(item) * stride, as: GeoPoint.self)
    }
}
