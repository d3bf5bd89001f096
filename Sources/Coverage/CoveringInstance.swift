/// A weighted maximum-coverage instance (the maximal covering location problem, MCLP): demand
/// points with non-negative integer weights (people), and candidates (possible mast positions),
/// each covering a set of demand points. Choosing candidates covers the union of their sets; the
/// value of a choice is the total weight of the demand points it covers, each counted once.
///
/// Stored both ways as compressed rows: each candidate's demand points (ascending) and each
/// demand point's candidates (ascending), so that a solver updates marginal gains when a demand
/// point becomes covered without searching.
///
/// ```swift
/// let instance = try CoveringInstance(weights: [120, 80, 300], covers: [[0, 1], [1, 2], [2]])
/// let plan = MaximalCovering.solve(instance, budget: 1)   // picks candidate 1: 380
/// ```
public struct CoveringInstance: Sendable {
    /// The weight of each demand point (people; at least 0).
    public let weights: [Int64]
    /// Candidate `c`'s demand points are `coverMembers[coverStart[c]..<coverStart[c + 1]]`.
    let coverStart: [Int]
    /// The demand points of every candidate, candidate after candidate, each run ascending.
    let coverMembers: [Int32]
    /// Demand point `d`'s candidates are `coveredByMembers[coveredByStart[d]..<coveredByStart[d + 1]]`.
    let coveredByStart: [Int]
    /// The candidates of every demand point, point after point, each run ascending.
    let coveredByMembers: [Int32]

    /// An instance from per-candidate lists of demand indices (any order; repeats are ignored).
    /// - Throws: `CoverageError.invalidSetting` for a negative weight or a demand index outside
    ///   `weights`.
    public init(weights: [Int64], covers: [[Int32]]) throws(CoverageError) {
        if let bad = weights.firstIndex(where: { $0 < 0 }) {
            throw .invalidSetting("weight of demand point \(bad)", reason: "\(weights[bad]) is negative")
        }
        var start = [0]
        start.reserveCapacity(covers.count + 1)
        var members: [Int32] = []
        for (c, cover) in covers.enumerated() {
            let sorted = Set(cover).sorted()
            if let first = sorted.first, first < 0 {
                throw .invalidSetting("cover of candidate \(c)", reason: "demand index \(first) is negative")
            }
            if let last = sorted.last, Int(last) >= weights.count {
                throw .invalidSetting("cover of candidate \(c)", reason: "demand index \(last) is not below \(weights.count)")
            }
            members.append(contentsOf: sorted)
            start.append(members.count)
        }
        self.init(weights: weights, coverStart: start, coverMembers: members)
    }

    /// An instance from compressed rows that are already valid (each run ascending, without
    /// repeats, every index below `weights.count`, weights at least 0).
    init(weights: [Int64], coverStart: [Int], coverMembers: [Int32]) {
        self.weights = weights
        self.coverStart = coverStart
        self.coverMembers = coverMembers
        // The transpose: count, prefix sums, fill in candidate order (so each run is ascending).
        var starts = [Int](repeating: 0, count: weights.count + 1)
        for d in coverMembers { starts[Int(d) + 1] += 1 }
        for d in 0..<weights.count { starts[d + 1] += starts[d] }
        var fill = starts
        var byDemand = [Int32](repeating: 0, count: coverMembers.count)
        for c in 0..<(coverStart.count - 1) {
            for k in coverStart[c]..<coverStart[c + 1] {
                let d = Int(coverMembers[k])
                byDemand[fill[d]] = Int32(c)
                fill[d] += 1
            }
        }
        coveredByStart = starts
        coveredByMembers = byDemand
    }

    /// The number of candidates.
    public var candidateCount: Int { coverStart.count - 1 }
    /// The number of demand points.
    public var demandCount: Int { weights.count }
    /// The number of (candidate, demand point) pairs.
    public var pairCount: Int { coverMembers.count }

    /// The demand points candidate `candidate` covers, ascending.
    public func cover(_ candidate: Int) -> ArraySlice<Int32> {
        coverMembers[coverStart[candidate]..<coverStart[candidate + 1]]
    }

    /// The candidates that cover demand point `demand`, ascending.
    public func candidates(covering demand: Int) -> ArraySlice<Int32> {
        coveredByMembers[coveredByStart[demand]..<coveredByStart[demand + 1]]
    }

    /// The total weight of the demand points that `candidates` cover together (each point once).
    public func value(of candidates: some Sequence<Int>) -> Int64 {
        var covered = [Bool](repeating: false, count: weights.count)
        var total: Int64 = 0
        for c in candidates {
            for d in cover(c) where !covered[Int(d)] {
                covered[Int(d)] = true
                total += weights[Int(d)]
            }
        }
        return total
    }

    /// The total weight of every demand point.
    public var totalWeight: Int64 { weights.reduce(0, +) }

    /// The total weight of the demand points that some candidate covers: the most any choice
    /// of candidates can reach.
    public var coverableWeight: Int64 {
        var total: Int64 = 0
        for d in 0..<weights.count where coveredByStart[d + 1] > coveredByStart[d] { total += weights[d] }
        return total
    }
}
