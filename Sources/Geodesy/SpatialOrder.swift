import Dispatch

/// A spatial order of points on the WGS84 ellipsoid: the order of the leaves of a k-d tree in
/// Earth-centred coordinates (EPSG:4978 axes, metres), built by splits on the widest axis.
///
/// The splits follow the layout of a complete binary tree whose leaves hold ``runLength`` points
/// and fill from the left: a range of capacity `c` (a power of two times ``runLength``) keeps its
/// first `c / 2` points, by rank along the axis, on the left. A tree built bottom-up from the order
/// in runs of ``runLength`` therefore has exactly the k-d cells as its nodes. Points close in the
/// order are close on the ground. Working in 3-d space, the order has no seams at the antimeridian
/// or the poles.
///
/// The order only ever affects speed: an index built from any order answers the same.
public enum SpatialOrder {
    /// Points per leaf of the tree the order follows; ranges of at most this many points are not
    /// split further (their inner order is the input's).
    public static let runLength = 8

    /// The indices of `points` in k-d order (a permutation of `points.indices`).
    public static func order(_ points: [EarthCenteredPoint]) -> [Int32] {
        order(count: points.count) { points[$0] }
    }

    /// The indices `0..<count` in k-d order of the points `point(i)` (a permutation).
    public static func order(count: Int, _ point: (Int) -> EarthCenteredPoint) -> [Int32] {
        var entries = [Entry]()
        entries.reserveCapacity(count)
        for i in 0..<count {
            let p = point(i)
            entries.append(Entry(x: p.x, y: p.y, z: p.z, index: Int32(i)))
        }
        entries.withUnsafeMutableBufferPointer { sort($0) }
        return entries.map(\.index)
    }

    /// The rank of every point in k-d order (0 for the first), or nil for a point that is nil or
    /// not valid (``GeoPoint/isValid``); valid points get the ranks `0..<count` of the valid ones.
    public static func ranks(_ points: [GeoPoint?]) -> [UInt32?] {
        var valid: [EarthCenteredPoint] = []
        var source: [Int32] = []
        valid.reserveCapacity(points.count)
        source.reserveCapacity(points.count)
        for (i, point) in points.enumerated() {
            guard let point, point.isValid else { continue }
            valid.append(EarthCenteredPoint(point))
            source.append(Int32(i))
        }
        var ranks = [UInt32?](repeating: nil, count: points.count)
        for (rank, index) in order(valid).enumerated() { ranks[Int(source[Int(index)])] = UInt32(rank) }
        return ranks
    }

    /// A point being ordered: its coordinates and its index in the input.
    struct Entry {
        var x: Double, y: Double, z: Double
        var index: Int32
    }

    /// Sorts `entries` into k-d order in place: the top levels on this thread, the 8 subtrees
    /// below them in parallel (they touch disjoint ranges).
    static func sort(_ entries: UnsafeMutableBufferPointer<Entry>) {
        // The capacity of the root: the leaves' points times the smallest power of two of leaves.
        var capacity = runLength
        while capacity < entries.count { capacity *= 2 }
        var ranges = [(range: 0..<entries.count, capacity: capacity)]
        // Three levels split sequentially give up to 8 ranges for the cores.
        for _ in 0..<3 {
            var next: [(range: Range<Int>, capacity: Int)] = []
            for (range, capacity) in ranges {
                guard range.count > runLength else {
                    next.append((range, capacity))
                    continue
                }
                let mid = split(entries, range, capacity: capacity)
                next.append((range.lowerBound..<mid, capacity / 2))
                next.append((mid..<range.upperBound, capacity / 2))
            }
            ranges = next
        }
        let work = ranges
        let shared = SharedEntries(entries: entries)
        DispatchQueue.concurrentPerform(iterations: work.count) { k in
            shared.sortSubtree(work[k].range, capacity: work[k].capacity)
        }
    }

    /// Splits `range`, a node of capacity `capacity`, on the widest axis: its first `capacity / 2`
    /// points by rank along the axis go left (all of them when there are no more); returns the
    /// start of the right part.
    static func split(_ entries: UnsafeMutableBufferPointer<Entry>, _ range: Range<Int>, capacity: Int) -> Int {
        let start = range.lowerBound, end = range.upperBound
        let mid = min(end, start + capacity / 2)
        guard mid < end else { return end }
        // The widest axis, estimated from about 512 of the points (any axis gives a valid order;
        // the estimate picks the same axis almost always and saves a pass over every point).
        var lo = (Double.infinity, Double.infinity, Double.infinity)
        var hi = (-Double.infinity, -Double.infinity, -Double.infinity)
        let step = max(1, (end - start) / 512)
        for i in stride(from: start, to: end, by: step) {
            let e = entries[i]
            lo = (min(lo.0, e.x), min(lo.1, e.y), min(lo.2, e.z))
            hi = (max(hi.0, e.x), max(hi.1, e.y), max(hi.2, e.z))
        }
        let extent = (hi.0 - lo.0, hi.1 - lo.1, hi.2 - lo.2)
        if extent.0 >= extent.1 && extent.0 >= extent.2 {
            select(entries, start: start, end: end, k: mid) { $0.x }
        } else if extent.1 >= extent.2 {
            select(entries, start: start, end: end, k: mid) { $0.y }
        } else {
            select(entries, start: start, end: end, k: mid) { $0.z }
        }
        return mid
    }

    /// Reorders `start..<end` so that position `k` holds the element of rank `k` by `key`, with
    /// no larger key before it and no smaller one after it (Hoare's selection, median-of-three
    /// pivot).
    @inline(__always)
    private static func select(_ entries: UnsafeMutableBufferPointer<Entry>, start: Int, end: Int, k: Int,
                               key: (Entry) -> Double) {
        var lo = start, hi = end - 1
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            let a = key(entries[lo]), b = key(entries[mid]), c = key(entries[hi])
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = lo, j = hi
            while i <= j {
                while key(entries[i]) < pivot { i += 1 }
                while key(entries[j]) > pivot { j -= 1 }
                if i <= j {
                    entries.swapAt(i, j)
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

    /// The entries, shared by the threads that order disjoint ranges of them.
    private struct SharedEntries: @unchecked Sendable {
        let entries: UnsafeMutableBufferPointer<Entry>

        func sortSubtree(_ range: Range<Int>, capacity: Int) {
            guard range.count > SpatialOrder.runLength else { return }
            let mid = SpatialOrder.split(entries, range, capacity: capacity)
            sortSubtree(range.lowerBound..<mid, capacity: capacity / 2)
            sortSubtree(mid..<range.upperBound, capacity: capacity / 2)
        }
    }
}
