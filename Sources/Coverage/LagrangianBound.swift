import Foundation

/// The Lagrangian relaxation of the maximal covering problem, minimised by projected subgradient
/// steps: a proven upper bound that approaches the linear-programming bound, and candidate sets
/// found on the way.
///
/// Relaxing "a demand point counts only when a chosen candidate covers it" with a multiplier
/// `λ_d ∈ [0, w_d]` per demand point gives, for every such `λ`,
///
///     OPT ≤ L(λ) = Σ_d (w_d − λ_d) + the sum of the k largest scores s_c = Σ_{d ∈ cover(c)} λ_d
///
/// (for any set X of at most k candidates, `f(X) = Σ_{d covered} w_d ≤ Σ_d (w_d − λ_d) +
/// Σ_{d covered} λ_d ≤ Σ_d (w_d − λ_d) + Σ_{c ∈ X} s_c`). With `λ_d = 0` on the points a set S
/// covers and `w_d` elsewhere, `L(λ)` is the submodular bound `f(S) +` the k largest marginal
/// gains; the subgradient steps lower it from there. Shared demand points (a city within reach
/// of many candidates) are what the submodular bound counts many times and `L` learns to count once.
enum LagrangianBound {
    /// The best (lowest) bound found and the best set seen.
    struct Result {
        /// A proven upper bound on the optimum (rounded down: the optimum is a whole number).
        var bound: Int64
        /// The best value of the sets the relaxation chose (and the incumbent given).
        var bestValue: Int64
        /// That set.
        var bestSet: [Int]
        /// Subgradient iterations run.
        var iterations: Int
        /// The multipliers of the lowest bound (per demand point).
        var multipliers: [Double] = []
        /// That bound, before rounding.
        var relaxedValue = Double.infinity
    }

    /// The candidates that some set of at most `k` candidates better than `incumbent` may
    /// contain, by the reduced costs of `result`'s multipliers: fixing candidate `c` in, the
    /// bound becomes `L − s_k + s_c` (with `s_k` the k-th largest score) when `c` is not among
    /// the k best scores; when that is not above `incumbent`, no better set contains `c`.
    static func candidatesThatMayImprove(_ instance: CoveringInstance, budget k: Int, result: Result,
                                         incumbent: Int64) -> [Bool] {
        let n = instance.candidateCount
        guard !result.multipliers.isEmpty, result.relaxedValue.isFinite, k > 0 else {
            return [Bool](repeating: true, count: n)
        }
        var score = [Double](repeating: 0, count: n)
        for c in 0..<n {
            var s = 0.0
            for d in instance.cover(c) { s += result.multipliers[Int(d)] }
            score[c] = s
        }
        let top = topK(score, min(k, n))
        var inTop = [Bool](repeating: false, count: n)
        var kth = Double.infinity
        for c in top {
            inTop[c] = true
            kth = min(kth, score[c])
        }
        // Fewer than k positive scores: adding a candidate replaces nothing.
        if top.count < k { kth = 0 }
        return (0..<n).map { c in
            if inTop[c] { return true }
            let fixed = result.relaxedValue - kth + score[c]
            return Int64(min(9e18, (fixed * (1 + 1e-9) + 1e-6).rounded(.down))) > incumbent
        }
    }

    /// Minimises `L(λ)` for a budget of `k`, starting from the multipliers of `incumbentSet`
    /// (0 on the points it covers, the weight elsewhere), for at most `maxIterations` steps or
    /// `seconds`, and stops early when the bound reaches the incumbent's value (then it is optimal).
    static func run(_ instance: CoveringInstance, budget k: Int, incumbent: Int64, incumbentSet: [Int],
                    maxIterations: Int = 1_500, seconds: Double = 10) -> Result {
        let n = instance.candidateCount, m = instance.demandCount
        let weights = instance.weights.map(Double.init)
        var lambda = weights
        for c in incumbentSet { for d in instance.cover(c) { lambda[Int(d)] = 0 } }
        // Points no candidate covers count nothing: their multiplier is their weight.
        var score = [Double](repeating: 0, count: n)
        var hits = [Int32](repeating: 0, count: m)
        var best = Result(bound: Int64.max, bestValue: incumbent, bestSet: incumbentSet, iterations: 0)
        var bestL = Double.infinity
        var theta = 1.0
        var sinceImprovement = 0
        let deadline = Date().addingTimeInterval(seconds)
        let kk = max(0, min(k, n))
        for iteration in 0..<maxIterations {
            best.iterations = iteration + 1
            // Scores, and the k best candidates by score (ties: the lower index).
            var base = 0.0
            for d in 0..<m { base += weights[d] - lambda[d] }
            for c in 0..<n {
                var s = 0.0
                for d in instance.cover(c) { s += lambda[Int(d)] }
                score[c] = s
            }
            let chosen = topK(score, kk)
            var L = base
            for c in chosen { L += score[c] }
            if !bestL.isFinite || L < bestL - 1e-9 * max(1, bestL) {
                bestL = L
                best.multipliers = lambda
                best.relaxedValue = L
                sinceImprovement = 0
            } else {
                sinceImprovement += 1
            }
            // Rounded down after a margin for the rounding of the sums (relative 1e-9).
            let bound = Int64(min(9e18, (bestL * (1 + 1e-9) + 1e-6).rounded(.down)))
            best.bound = min(best.bound, bound)
            // The set chosen, as a solution.
            var value: Int64 = 0
            for c in chosen {
                for d in instance.cover(c) {
                    if hits[Int(d)] == 0 { value += instance.weights[Int(d)] }
                    hits[Int(d)] += 1
                }
            }
            if value > best.bestValue {
                best.bestValue = value
                best.bestSet = chosen
            }
            if best.bound <= best.bestValue { break }
            // The projected subgradient of L: −1 + how many chosen candidates cover each point.
            var norm = 0.0
            for d in 0..<m where weights[d] > 0 {
                let g = Double(hits[Int(d)]) - 1
                if (g > 0 && lambda[d] <= 0) || (g < 0 && lambda[d] >= weights[d]) { continue }
                norm += g * g
            }
            guard norm > 0 else {
                for c in chosen { for d in instance.cover(c) { hits[Int(d)] = 0 } }
                break
            }
            let step = theta * max(L - Double(best.bestValue), 1e-9 * max(1, L)) / norm
            for d in 0..<m where weights[d] > 0 {
                let g = Double(hits[d]) - 1
                lambda[d] = min(weights[d], max(0, lambda[d] - step * g))
            }
            for c in chosen { for d in instance.cover(c) { hits[Int(d)] = 0 } }
            if sinceImprovement >= 25 {
                theta /= 2
                sinceImprovement = 0
                if theta < 1e-4 { break }
            }
            if Date() >= deadline { break }
        }
        return best
    }

    /// The indices of the `k` largest positive values (ties: the lower index), in no particular order.
    static func topK(_ values: [Double], _ k: Int) -> [Int] {
        guard k > 0 else { return [] }
        // A min-heap of (value, index) where the root is the worst kept: the smallest value, and
        // at equal values the higher index.
        var heap: [(Double, Int)] = []
        heap.reserveCapacity(k)
        func worse(_ a: (Double, Int), _ b: (Double, Int)) -> Bool { a.0 < b.0 || (a.0 == b.0 && a.1 > b.1) }
        for (i, v) in values.enumerated() where v > 0 {
            if heap.count < k {
                heap.append((v, i))
                var j = heap.count - 1
                while j > 0 {
                    let parent = (j - 1) / 2
                    guard worse(heap[j], heap[parent]) else { break }
                    heap.swapAt(j, parent)
                    j = parent
                }
            } else if worse(heap[0], (v, i)) {
                heap[0] = (v, i)
                var j = 0
                while true {
                    let l = 2 * j + 1, r = l + 1
                    var w = j
                    if l < heap.count && worse(heap[l], heap[w]) { w = l }
                    if r < heap.count && worse(heap[r], heap[w]) { w = r }
                    if w == j { break }
                    heap.swapAt(j, w)
                    j = w
                }
            }
        }
        return heap.map(\.1)
    }
}
