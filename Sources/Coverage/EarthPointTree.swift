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
/// leaves on the last level), built by median splits on the widest axis, the top levels
/// sequentially and the subtrees below them in parallel. Read-only afterwards; a class, so that the
/// evaluation threads share one tree without retaining each of its arrays per query.
final class EarthPointTree: Sendable {
    /// Points per leaf (at most).
    static let leafSize = 8

    struct Node: Sendable {
        var minX = Double.infinity, minY = Double.infinity, minZ = Double.infinity
        var maxX = -Double.infinity, maxY = -Double.infinity, maxZ = -Double.infinity
        /// The largest squared outer chord (``DistanceBounds/outerChord(range:)``) of the points below.
        var maxOuterSquared = -Double.infinity
        var start: Int32 = 0
        var end: Int32 = 0

        /// Squared distance from a point to this node's box (0 inside), metres².
        @inline(__always)
        func distanceSquared(_ x: Double, _ y: Double, _ z: Double) -> Double {
            let dx = x < minX ? minX - x : (x > maxX ? x - maxX : 0)
            let dy = y < minY ? minY - y : (y > maxY ? y - maxY : 0)
            let dz = z < minZ ? minZ - z : (z > maxZ ? z - maxZ : 0)
            return dx * dx + dy * dy + dz * dz
        }
    }

    /// A point in tree order: Earth-centred coordinates (metres), its squared outer chord
    /// (``DistanceBounds/outerChord(range:)``, 0 without reaches) and the caller's item. What the
    /// search reads for every candidate, side by side.
    struct Point: Sendable {
        var x: Double, y: Double, z: Double
        var outerSquared: Double
        /// While building: the index in the input; afterwards the caller's item.
        var item: Int32
    }

    /// The points, in tree order.
    let points: [Point]
    /// Geographic positions, in tree order (for exact distances).
    let positions: [GeoPoint]
    /// Reach in metres, in tree order (0 when built without reaches).
    let reaches: [Double]
    /// Inner chords (−1: never decide without the exact distance), in tree order.
    let innerChords: [Double]
    /// The nodes of the implicit tree.
    let nodes: [Node]
    /// The level of the leaves (0: the root is a leaf).
    let depth: Int

    /// The number of points.
    var count: Int { points.count }

    /// The caller's item of the point at tree position `p`.
    @inline(__always)
    func item(_ p: Int) -> Int32 { points[p].item }

    /// One input of a tree: points (WGS84 lon/lat; invalid ones filtered out first), the item of
    /// each (empty: their indices over all parts) and the reach of each in metres (empty: none).
    struct Part: Sendable {
        var points: [GeoPoint] = []
        var items: [Int32] = []
        var reaches: [Double] = []
    }

    /// Builds a tree over `points` (WGS84 lon/lat; invalid points must be filtered out first).
    ///
    /// - Parameters:
    ///   - items: the index reported for each point (same count as `points`); empty means `0..<n`.
    ///   - reaches: the reach of each point in metres (same count), or empty for none.
    convenience init(points: [GeoPoint], items: [Int32] = [], reaches: [Double] = []) {
        self.init(parts: [Part(points: points, items: items, reaches: reaches)])
    }

    /// Builds a tree over the points of all `parts`, in order (no concatenated copy is made).
    init(parts: [Part]) {
        for part in parts {
            precondition(part.items.isEmpty || part.items.count == part.points.count, "items must match points")
            precondition(part.reaches.isEmpty || part.reaches.count == part.points.count, "reaches must match points")
        }
        let n = parts.reduce(0) { $0 + $1.points.count }
        var built = [Point]()
        built.reserveCapacity(n)
        for part in parts {
            for (i, p) in part.points.enumerated() {
                let e = EarthCenteredPoint(p)
                var outer = 0.0
                if !part.reaches.isEmpty {
                    let c = DistanceBounds.outerChord(range: part.reaches[i])
                    outer = c * c
                }
                built.append(Point(x: e.x, y: e.y, z: e.z, outerSquared: outer, item: Int32(built.count)))
            }
        }
        var depth = 0
        while (n + (1 << depth) - 1) >> depth > Self.leafSize { depth += 1 }
        self.depth = depth
        var nodes = [Node](repeating: Node(), count: (1 << (depth + 1)) - 1)
        built.withUnsafeMutableBufferPointer { pointBuffer in
            nodes.withUnsafeMutableBufferPointer { nodeBuffer in
                let builder = TreeBuilder(points: pointBuffer, nodes: nodeBuffer, depth: depth)
                let parallelLevel = min(depth, 3)
                builder.build(node: 0, start: 0, end: n, level: 0, stopLevel: parallelLevel)
                let first = (1 << parallelLevel) - 1
                DispatchQueue.concurrentPerform(iterations: 1 << parallelLevel) { k in
                    builder.buildSubtree(node: first + k, level: parallelLevel)
                }
                builder.summarise(node: 0, level: 0, stopLevel: parallelLevel)
            }
        }
        // Where each input index lies: (part, index in part).
        var partStarts: [Int] = []
        var running = 0
        for part in parts {
            partStarts.append(running)
            running += part.points.count
        }
        var positions = [GeoPoint](), treeReaches = [Double](), inner = [Double]()
        positions.reserveCapacity(n)
        treeReaches.reserveCapacity(n)
        inner.reserveCapacity(n)
        built.withUnsafeMutableBufferPointer { buffer in
            for p in buffer.indices {
                let index = Int(buffer[p].item)
                // The part holding `index` (a handful of parts: a linear search).
                var k = partStarts.count - 1
                while partStarts[k] > index { k -= 1 }
                let i = index - partStarts[k]
                // Element by element: binding `parts[k]` to a constant would retain its arrays per point.
                positions.append(parts[k].points[i])
                let hasReaches = !parts[k].reaches.isEmpty
                let reach = hasReaches ? parts[k].reaches[i] : 0
                treeReaches.append(reach)
                inner.append(hasReaches ? DistanceBounds.innerChord(range: reach) : -1)
                buffer[p].item = parts[k].items.isEmpty ? Int32(index) : parts[k].items[i]
            }
        }
        self.points = built
        self.positions = positions
        self.reaches = treeReaches
        self.innerChords = inner
        self.nodes = nodes
    }

    /// Calls `body(position, chordSquared)` for every point (by tree position) whose squared chord
    /// to `query` is within its squared outer chord, i.e. every point whose reach may include the
    /// query; the caller decides with ``innerChords`` and, in between, the exact distance.
    /// The traversal stops as soon as `body` returns true.
    @inline(__always)
    func forEachPossiblyReaching(_ query: EarthCenteredPoint, until body: (Int, Double) -> Bool) {
        guard !points.isEmpty else { return }
        let qx = query.x, qy = query.y, qz = query.z
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * depth + 4) { stack in
            var top = 0
            stack[0] = 0
            top = 1
            let leafStart = (1 << depth) - 1
            nodes.withUnsafeBufferPointer { nodes in
              points.withUnsafeBufferPointer { points in
                while top > 0 {
                    top -= 1
                    let index = Int(stack[top])
                    let node = nodes[index]
                    if node.start >= node.end { continue }
                    if node.distanceSquared(qx, qy, qz) > node.maxOuterSquared { continue }
                    if index >= leafStart {
                        for p in Int(node.start)..<Int(node.end) {
                            let point = points[p]
                            let dx = point.x - qx, dy = point.y - qy, dz = point.z - qz
                            let d2 = dx * dx + dy * dy + dz * dz
                            if d2 <= point.outerSquared && body(p, d2) { return }
                        }
                    } else {
                        stack[top] = Int32(2 * index + 1)
                        stack[top + 1] = Int32(2 * index + 2)
                        top += 2
                    }
                }
              }
            }
        }
    }

    /// The `k` nearest points to `query` by exact geodesic distance on WGS84
    /// (``Geodesic/distanceMeters(_:_:)``), nearest first; equal distances in increasing item order.
    ///
    /// - Parameters:
    ///   - exclude: an item never reported (the query itself in a self-join), or nil.
    /// - Returns: pairs of item and distance in metres, at most `k`.
    ///   - within: only points at most this far (metres) are reported; a known upper bound of the
    ///     k-th distance speeds the search up.
    func nearest(to query: GeoPoint, k: Int, excluding exclude: Int32? = nil,
                 within limit: Double = .infinity) -> [(item: Int32, distanceMeters: Double)] {
        guard k > 0, !points.isEmpty, query.isValid else { return [] }
        let q = EarthCenteredPoint(query)
        var best: [(item: Int32, distanceMeters: Double)] = []
        best.reserveCapacity(k + 1)
        // The k-th distance so far (the limit until k are found).
        var bound = limit
        let leafStart = (1 << depth) - 1
        withUnsafeTemporaryAllocation(of: (node: Int32, lowerSquared: Double).self, capacity: 2 * depth + 4) { stack in
            var top = 1
            stack[0] = (0, 0)
            nodes.withUnsafeBufferPointer { nodes in
                while top > 0 {
                    top -= 1
                    let (index32, lowerSquared) = stack[top]
                    // Prune: every point of the node is at least the box distance away (chord ≤ geodesic).
                    if lowerSquared > 0, DistanceBounds.lowerBound(chord: lowerSquared.squareRoot()) > bound { continue }
                    let index = Int(index32)
                    let node = nodes[index]
                    if node.start >= node.end { continue }
                    if index >= leafStart {
                        for p in Int(node.start)..<Int(node.end) {
                            let point = points[p]
                            let item = point.item
                            if item == exclude { continue }
                            let dx = point.x - q.x, dy = point.y - q.y, dz = point.z - q.z
                            let chord = (dx * dx + dy * dy + dz * dz).squareRoot()
                            if DistanceBounds.lowerBound(chord: chord) > bound { continue }
                            let distance = Geodesic.distanceMeters(query, positions[p])
                            if distance > limit { continue }
                            Self.insert((item, distance), into: &best, k: k)
                            if best.count == k { bound = best[k - 1].distanceMeters }
                        }
                    } else {
                        let left = 2 * index + 1, right = left + 1
                        let dl = nodes[left].distanceSquared(q.x, q.y, q.z)
                        let dr = nodes[right].distanceSquared(q.x, q.y, q.z)
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

/// Builds the implicit tree over shared buffers; subtrees touch disjoint parts, so they can be built
/// on different threads.
private struct TreeBuilder: @unchecked Sendable {
    let points: UnsafeMutableBufferPointer<EarthPointTree.Point>
    let nodes: UnsafeMutableBufferPointer<EarthPointTree.Node>
    let depth: Int

    /// Splits `node` (covering `start..<end`) down to `stopLevel`; at the leaf level it computes the
    /// node's box. Nodes above `stopLevel` get their boxes from ``summarise(node:level:stopLevel:)``.
    func build(node: Int, start: Int, end: Int, level: Int, stopLevel: Int) {
        nodes[node].start = Int32(start)
        nodes[node].end = Int32(end)
        if level == depth {
            var box = EarthPointTree.Node()
            box.start = Int32(start)
            box.end = Int32(end)
            for i in start..<end {
                let e = points[i]
                box.minX = min(box.minX, e.x); box.maxX = max(box.maxX, e.x)
                box.minY = min(box.minY, e.y); box.maxY = max(box.maxY, e.y)
                box.minZ = min(box.minZ, e.z); box.maxZ = max(box.maxZ, e.z)
                box.maxOuterSquared = max(box.maxOuterSquared, e.outerSquared)
            }
            nodes[node] = box
            return
        }
        if level == stopLevel { return }
        let mid = start + (end - start + 1) / 2
        if end - start > 1 {
            // The widest axis of the points, estimated from about 512 of them in a large range
            // (any axis gives a correct tree; the estimate picks the same one almost always and
            // saves a pass over every point per level).
            var lo = (Double.infinity, Double.infinity, Double.infinity)
            var hi = (-Double.infinity, -Double.infinity, -Double.infinity)
            let step = max(1, (end - start) / 512)
            for i in stride(from: start, to: end, by: step) {
                let e = points[i]
                lo = (min(lo.0, e.x), min(lo.1, e.y), min(lo.2, e.z))
                hi = (max(hi.0, e.x), max(hi.1, e.y), max(hi.2, e.z))
            }
            let extent = (hi.0 - lo.0, hi.1 - lo.1, hi.2 - lo.2)
            let axis = extent.0 >= extent.1 && extent.0 >= extent.2 ? 0 : (extent.1 >= extent.2 ? 1 : 2)
            select(start: start, end: end, k: mid, axis: axis)
        }
        build(node: 2 * node + 1, start: start, end: mid, level: level + 1, stopLevel: stopLevel)
        build(node: 2 * node + 2, start: mid, end: end, level: level + 1, stopLevel: stopLevel)
        // Above the parallel level the children are not built yet: summarise() combines those later.
        if stopLevel == depth { combine(node) }
    }

    /// Builds the subtree below `node` (on `level`), whose range the top levels have set.
    func buildSubtree(node: Int, level: Int) {
        build(node: node, start: Int(nodes[node].start), end: Int(nodes[node].end), level: level, stopLevel: depth)
    }

    /// Fills the boxes of the nodes above `stopLevel` from their children (bottom-up).
    func summarise(node: Int, level: Int, stopLevel: Int) {
        guard level < stopLevel else { return }
        summarise(node: 2 * node + 1, level: level + 1, stopLevel: stopLevel)
        summarise(node: 2 * node + 2, level: level + 1, stopLevel: stopLevel)
        combine(node)
    }

    private func combine(_ node: Int) {
        let l = nodes[2 * node + 1], r = nodes[2 * node + 2]
        nodes[node].minX = min(l.minX, r.minX); nodes[node].maxX = max(l.maxX, r.maxX)
        nodes[node].minY = min(l.minY, r.minY); nodes[node].maxY = max(l.maxY, r.maxY)
        nodes[node].minZ = min(l.minZ, r.minZ); nodes[node].maxZ = max(l.maxZ, r.maxZ)
        nodes[node].maxOuterSquared = max(l.maxOuterSquared, r.maxOuterSquared)
    }

    @inline(__always)
    private func key(_ i: Int, _ axis: Int) -> Double {
        switch axis {
        case 0: points[i].x
        case 1: points[i].y
        default: points[i].z
        }
    }

    /// Reorders `start..<end` so that position `k` holds the element of rank `k` on `axis`, with no
    /// larger key before it and no smaller one after it (Hoare's selection, median-of-three pivot).
    private func select(start: Int, end: Int, k: Int, axis: Int) {
        var lo = start, hi = end - 1
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            let a = key(lo, axis), b = key(mid, axis), c = key(hi, axis)
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = lo, j = hi
            while i <= j {
                while key(i, axis) < pivot { i += 1 }
                while key(j, axis) > pivot { j -= 1 }
                if i <= j {
                    points.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return
            }
        }
    }
}
