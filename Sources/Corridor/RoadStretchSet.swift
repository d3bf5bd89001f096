/// Set operations on lists of ``RoadStretch`` values, kept sorted in road order (by part,
/// then chainage) and disjoint.
public enum RoadStretchSet {
    /// Stretches shorter than this, metres, are dropped when a difference is taken: 1 mm,
    /// well above the micrometre accuracy of the coverage boundaries and far below any
    /// length that matters on a road.
    public static let toleranceMeters = 1e-3

    /// `stretches` sorted in road order with overlapping or touching stretches of the same
    /// part merged.
    public static func union(_ stretches: [RoadStretch]) -> [RoadStretch] {
        let sorted = stretches.filter { !$0.fromMeters.isNaN && !$0.toMeters.isNaN }.sorted(by: inRoadOrder)
        var result: [RoadStretch] = []
        result.reserveCapacity(sorted.count)
        for stretch in sorted {
            if let last = result.last, last.partIndex == stretch.partIndex, stretch.fromMeters <= last.toMeters {
                result[result.count - 1].toMeters = max(last.toMeters, stretch.toMeters)
            } else {
                result.append(stretch)
            }
        }
        return result
    }

    /// What of `stretches` is not in `removed` (both in any order; `removed` need not be
    /// merged), sorted in road order; remaining pieces of at most ``toleranceMeters`` are
    /// dropped.
    public static func subtracting(_ removed: [RoadStretch], from stretches: [RoadStretch]) -> [RoadStretch] {
        let cuts = union(removed)
        var result: [RoadStretch] = []
        var first = 0  // first cut that may still overlap (cuts and pieces both in road order)
        for piece in union(stretches) {
            while first < cuts.count && !overlapsOrFollows(cuts[first], piece) {
                first += 1
            }
            var start = piece.fromMeters
            var k = first
            while k < cuts.count, cuts[k].partIndex == piece.partIndex, cuts[k].fromMeters <= piece.toMeters {
                let cut = cuts[k]
                if cut.toMeters >= start {
                    if cut.fromMeters - start > toleranceMeters {
                        result.append(RoadStretch(partIndex: piece.partIndex, fromMeters: start, toMeters: cut.fromMeters))
                    }
                    start = max(start, cut.toMeters)
                }
                k += 1
            }
            if piece.toMeters - start > toleranceMeters {
                result.append(RoadStretch(partIndex: piece.partIndex, fromMeters: start, toMeters: piece.toMeters))
            }
        }
        return result
    }

    /// The parts common to `a` and `b`, sorted in road order and merged.
    public static func intersection(_ a: [RoadStretch], _ b: [RoadStretch]) -> [RoadStretch] {
        let left = union(a)
        let right = union(b)
        var result: [RoadStretch] = []
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            let x = left[i]
            let y = right[j]
            if x.partIndex != y.partIndex {
                if x.partIndex < y.partIndex { i += 1 } else { j += 1 }
                continue
            }
            let from = max(x.fromMeters, y.fromMeters)
            let to = min(x.toMeters, y.toMeters)
            if from <= to { result.append(RoadStretch(partIndex: x.partIndex, fromMeters: from, toMeters: to)) }
            if x.toMeters < y.toMeters { i += 1 } else { j += 1 }
        }
        return result
    }

    /// Total length, metres.
    public static func length(_ stretches: [RoadStretch]) -> Double {
        stretches.reduce(0) { $0 + $1.lengthMeters }
    }

    /// Road order: by part, then start chainage, then end chainage.
    static func inRoadOrder(_ a: RoadStretch, _ b: RoadStretch) -> Bool {
        if a.partIndex != b.partIndex { return a.partIndex < b.partIndex }
        if a.fromMeters != b.fromMeters { return a.fromMeters < b.fromMeters }
        return a.toMeters < b.toMeters
    }

    /// Whether `cut` reaches `piece` or lies after it (same part and ending at or after the
    /// piece's start, or a later part).
    private static func overlapsOrFollows(_ cut: RoadStretch, _ piece: RoadStretch) -> Bool {
        cut.partIndex > piece.partIndex || (cut.partIndex == piece.partIndex && cut.toMeters >= piece.fromMeters)
    }
}
