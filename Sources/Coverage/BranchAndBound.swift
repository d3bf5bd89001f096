/// Depth-first branch and bound for a budget (see ``MaximalCovering``): exact when it runs to
/// the end, else a valid upper bound.
final class BranchAndBound {
    private let state: CoverState
    /// Candidates that cover any weight, by their own weight (descending; ties: lower index).
    private let order: [Int]
    private let workLimit: Int
    private var work = 0
    /// The best value found (or the value to beat, given at the start).
    private(set) var incumbent: Int64
    /// The candidates of ``incumbent`` (empty while nothing beat the starting value).
    private(set) var incumbentSet: [Int]
    /// True when the work limit stopped the search.
    private(set) var aborted = false

    /// Lagrangian scores `s_c` of fixed multipliers λ and their constant `Σ_d (w_d − λ_d)`
    /// (``LagrangianBound``): a second bound of every node, `constant + Σ_{chosen} s_c +` the r
    /// largest scores of the candidates it may still add (nil: not used).
    private let relaxation: (scores: [Double], constant: Double)?
    /// The sum of the chosen candidates' scores.
    private var chosenScore = 0.0

    /// A search that tries to beat `incumbent` (whose set is `incumbentSet`).
    /// - Parameters:
    ///   - allowed: per candidate, whether a set better than the incumbent may contain it
    ///     (nil: all may); the others are never added.
    ///   - multipliers: Lagrangian multipliers per demand point for the second node bound (nil: none).
    init(_ instance: CoveringInstance, workLimit: Int, incumbent: Int64, incumbentSet: [Int], allowed: [Bool]? = nil,
         multipliers: [Double]? = nil) {
        relaxation = multipliers.map { lambda in
            var constant = 0.0
            for d in 0..<instance.demandCount { constant += Double(instance.weights[d]) - lambda[d] }
            let scores = (0..<instance.candidateCount).map { c in instance.cover(c).reduce(0.0) { $0 + lambda[Int($1)] } }
            return (scores, constant)
        }
        state = CoverState(instance)
        let initial = state.gain
        order = (0..<instance.candidateCount).filter { initial[$0] > 0 && (allowed?[$0] ?? true) }
            .sorted { initial[$0] != initial[$1] ? initial[$0] > initial[$1] : $0 < $1 }
        self.workLimit = workLimit
        self.incumbent = incumbent
        self.incumbentSet = incumbentSet
    }

    /// Searches sets of at most `budget` candidates; returns an upper bound of the best value
    /// (the best value when not ``aborted``).
    func run(budget: Int) -> Int64 {
        max(branch(from: 0, remaining: budget), incumbent)
    }

    private func branch(from p: Int, remaining r: Int) -> Int64 {
        let v = state.value
        if v > incumbent {
            incumbent = v
            incumbentSet = state.chosen
        }
        let n = order.count
        if r == 0 || p >= n { return v }
        // Bounds: the node's (its r largest gains) and each child's (its own gain and the r − 1
        // largest gains after it), from one backward scan.
        var childBounds = [Int64](repeating: 0, count: n - p)
        var nodeTop = TopSum<Int64>(capacity: r)
        var childTop = TopSum<Int64>(capacity: r - 1)
        state.gain.withUnsafeBufferPointer { gain in
            var i = n - 1
            while i >= p {
                let g = gain[order[i]]
                childBounds[i - p] = v + g + childTop.sum
                childTop.offer(g)
                nodeTop.offer(g)
                i -= 1
            }
        }
        work += n - p
        var nodeBound = v + nodeTop.sum
        if let relaxation {
            // The same backward scan over the scores: the node's and each child's bound.
            var nodeScores = TopSum<Double>(capacity: r)
            var childScores = TopSum<Double>(capacity: r - 1)
            var i = n - 1
            while i >= p {
                let score = relaxation.scores[order[i]]
                let child = Self.rounded(relaxation.constant + chosenScore + score + childScores.sum)
                childBounds[i - p] = min(childBounds[i - p], child)
                childScores.offer(score)
                nodeScores.offer(score)
                i -= 1
            }
            nodeBound = min(nodeBound, max(v, Self.rounded(relaxation.constant + chosenScore + nodeScores.sum)))
        }
        if nodeBound <= incumbent { return nodeBound }
        if work > workLimit {
            aborted = true
            return nodeBound
        }
        var result = v
        for i in p..<n {
            let c = order[i]
            guard state.gain[c] > 0 else { continue }
            let childBound = childBounds[i - p]
            if childBound <= incumbent || aborted {
                result = max(result, childBound)
                continue
            }
            state.add(c)
            chosenScore += relaxation?.scores[c] ?? 0
            let sub = branch(from: i + 1, remaining: r - 1)
            chosenScore -= relaxation?.scores[c] ?? 0
            state.remove(c)
            result = max(result, sub)
        }
        return min(result, nodeBound)
    }

    /// A relaxed value as a bound on whole people: rounded down after a margin for the rounding
    /// of the sums (relative 1e-9).
    private static func rounded(_ value: Double) -> Int64 {
        Int64(min(9e18, (value * (1 + 1e-9) + 1e-6).rounded(.down)))
    }
}
