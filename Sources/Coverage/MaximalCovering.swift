import Foundation

/// Solves the maximal covering location problem (weighted maximum coverage) on a
/// ``CoveringInstance``: the candidates that together cover the most weight, with a budget of
/// candidates (``solve(_:budget:options:)``), or the fewest candidates that cover a target
/// weight (``fewest(_:target:options:)``).
///
/// **Method.**
/// 1. *Greedy*: repeatedly the candidate with the largest marginal gain (ties: the lower
///    index). Marginal gains are kept exact for every candidate and updated when a demand point
///    becomes covered (each point's candidates, through the instance's compressed rows), so one
///    step is one scan of the gains.
/// 2. *Swap local search*: for each chosen candidate, the best replacement given the others; a
///    swap is made when it strictly increases the value; passes repeat until none does (or
///    ``Options/localSearchSeconds`` runs out).
/// 3. *Lagrangian relaxation* (``LagrangianBound``): projected subgradient steps on the
///    multipliers of the coverage constraints, from those of the best set so far; it lowers the
///    bound towards the linear-programming bound and proposes sets on the way (a better one is
///    improved by swaps in turn).
/// 4. *Branch and bound* (when the bound does not already equal the value), over the candidates
///    that the Lagrangian reduced costs do not rule out (a set containing a ruled-out candidate
///    cannot beat the best value): depth-first over the
///    candidates in order of their own weight, each child adding one candidate after the last
///    one added; a node is cut when its bound is not above the best value found. It runs to the
///    end within ``Options/exactWorkLimit`` scanned gains — then the value is proven optimal —
///    else it stops and its bound (the largest bound of the nodes left open) still counts.
///
/// **Upper bound.** The coverage function `f` is monotone and submodular, so for any set `S` and
/// any set `O` of at most `k` candidates, `f(O) ≤ f(S) + Σ_{o ∈ O} Δ(o | S) ≤ f(S) +` the `k`
/// largest marginal gains `Δ(· | S)`. The stated bound is the least of this bound evaluated at
/// every greedy step, after the local search, the Lagrangian bound (which starts from the
/// latter and generalises it) and branch and bound's bound (where the `k`
/// becomes the number of candidates still to add below a node, since those sets contain the
/// node's). It is never below the optimum; the classic `value / (1 − (1 − 1/k)^k)` is never
/// tighter than the greedy steps' bound and is not used.
///
/// Results are deterministic: every tie goes to the lower candidate index, and the limits that
/// stop the search are counts (scanned gains, subgradient steps). The time limits of the local
/// search and the Lagrangian steps (``Options``) are a guard only: the bench's instances need
/// well under a tenth of them (W8 L, 100,000 candidates: 4.5 s in all); an instance that reaches
/// one may give another plan on a faster or slower machine.
public enum MaximalCovering {
    /// Limits of the improvement and proof steps.
    public struct Options: Sendable, Hashable {
        /// Branch and bound stops after scanning this many marginal gains (about a nanosecond
        /// each); 0 skips it.
        public var exactWorkLimit: Int
        /// The swap local search stops after this many seconds (checked between swaps).
        public var localSearchSeconds: Double
        /// Subgradient steps of the Lagrangian bound at most; 0 skips it.
        public var lagrangianIterations: Int
        /// The Lagrangian bound stops after this many seconds.
        public var lagrangianSeconds: Double

        /// Limits; by default 5,000,000 scanned gains, 20 s of local search, and 1,500 subgradient
        /// steps or 20 s for the Lagrangian bound.
        public init(exactWorkLimit: Int = 5_000_000, localSearchSeconds: Double = 20, lagrangianIterations: Int = 1_500,
                    lagrangianSeconds: Double = 20) {
            self.exactWorkLimit = exactWorkLimit
            self.localSearchSeconds = localSearchSeconds
            self.lagrangianIterations = lagrangianIterations
            self.lagrangianSeconds = lagrangianSeconds
        }
    }

    /// At most `budget` candidates covering the most weight, in pick order, with a proven upper
    /// bound on the optimum (see the type's documentation). Fewer than `budget` are picked only
    /// when no further candidate adds weight (then the value is optimal).
    public static func solve(_ instance: CoveringInstance, budget: Int, options: Options = Options()) -> CoveringSolution {
        let k = max(0, budget)
        let state = CoverState(instance)
        var bound = Int64.max
        var source = ""
        // 1. Greedy, with the bound at every step.
        for step in 0...k {
            let (best, top) = state.bestAndTopSum(k)
            if state.value + top < bound {
                bound = state.value + top
                source = "greedy step \(step): value + the \(k) largest marginal gains"
            }
            guard step < k, let best else { break }
            state.add(best)
        }
        // 2. Swaps, and the bound after them.
        if bound > state.value {
            state.improveBySwaps(seconds: options.localSearchSeconds)
            let top = state.bestAndTopSum(k).topSum
            if state.value + top < bound {
                bound = state.value + top
                source = "after local search: value + the \(k) largest marginal gains"
            }
        }
        var chosen = state.chosen
        var value = state.value
        var allowed: [Bool]?
        var multipliers: [Double]?
        // 3. The Lagrangian bound (and the sets it chooses on the way).
        if bound > value && options.lagrangianIterations > 0 {
            let relaxed = LagrangianBound.run(instance, budget: k, incumbent: value, incumbentSet: chosen,
                                              maxIterations: options.lagrangianIterations, seconds: options.lagrangianSeconds)
            if relaxed.bestValue > value {
                // A better set: improved by swaps in turn.
                let better = CoverState(instance)
                for c in relaxed.bestSet { better.add(c) }
                better.improveBySwaps(seconds: options.localSearchSeconds)
                chosen = better.chosen
                value = better.value
            }
            if relaxed.bound < bound {
                bound = max(relaxed.bound, value)
                source = "Lagrangian relaxation (\(relaxed.iterations) subgradient steps)"
            }
            // Candidates no better set can contain are left out of the exact search.
            if bound > value {
                allowed = LagrangianBound.candidatesThatMayImprove(instance, budget: k, result: relaxed, incumbent: value)
                multipliers = relaxed.multipliers.isEmpty ? nil : relaxed.multipliers
            }
        }
        // 4. Branch and bound from the best value so far.
        if bound > value && options.exactWorkLimit > 0 {
            let search = BranchAndBound(instance, workLimit: options.exactWorkLimit, incumbent: value, incumbentSet: chosen,
                                        allowed: allowed, multipliers: multipliers)
            let root = search.run(budget: k)
            if search.incumbent > value {
                value = search.incumbent
                chosen = search.incumbentSet
            }
            if !search.aborted {
                bound = value
                source = "branch and bound, complete"
            } else if root < bound {
                bound = max(root, value)
                source = "branch and bound, stopped at its work limit: the largest bound of the open nodes"
            }
        }
        if bound <= value {
            bound = value
            if source.isEmpty || !source.hasPrefix("branch") { source = "proven: " + source }
        }
        let (picks, gains) = sequence(instance, chosen)
        return CoveringSolution(picks: picks, gains: gains, value: value, upperBound: bound, isOptimal: bound == value,
                                boundSource: source, fewestLowerBound: nil)
    }

    /// The fewest candidates covering at least `target` weight, in pick order: greedy until the
    /// target is reached; a lower bound on the count from the marginal gains at the greedy steps
    /// and from Lagrangian bounds of smaller sizes (a binary search; a set it finds that reaches
    /// the target with fewer candidates is taken); then (within ``Options/exactWorkLimit``)
    /// branch and bound with one candidate fewer each time until no such set exists, which proves
    /// the count optimal.
    /// ``CoveringSolution/fewestLowerBound`` states the proven least count; its
    /// ``CoveringSolution/upperBound`` bounds the value of any set of the solution's size.
    /// - Throws: `CoverageError.unreachableTarget` when all candidates together cover less than `target`.
    public static func fewest(_ instance: CoveringInstance, target: Int64, options: Options = Options()) throws(CoverageError) -> CoveringSolution {
        let reachable = instance.coverableWeight
        guard target <= reachable else {
            throw .unreachableTarget(target: target, reachable: reachable, total: instance.totalWeight)
        }
        guard target > 0 else {
            return CoveringSolution(picks: [], gains: [], value: 0, upperBound: 0, isOptimal: true,
                                    boundSource: "target 0 needs no candidate", fewestLowerBound: 0)
        }
        let state = CoverState(instance)
        var lowerBound = 1
        var checkpoint = 0
        while state.value < target {
            let step = state.chosen.count
            // The bound at every one of the first 64 steps, then at powers of two (each costs a sort).
            if step < 64 || step == checkpoint {
                lowerBound = max(lowerBound, state.fewestToReach(target))
                if step >= checkpoint { checkpoint = max(1, checkpoint * 2) }
            }
            guard let best = state.bestAndTopSum(0).best else { break }
            state.add(best)
        }
        var chosen = state.chosen
        var proven = lowerBound >= chosen.count
        var source = proven ? "greedy count equals the bound from the marginal gains" : ""
        var boundSource = "marginal gains at greedy steps"
        // The Lagrangian bound of a size below the greedy count: when it is below the target, no
        // set of that size reaches it (the least count is above); a set it finds that reaches the
        // target is taken. A binary search over the sizes between the bound and the greedy count.
        if !proven && options.lagrangianIterations > 0 {
            var low = lowerBound, high = chosen.count - 1
            var ordered = sequence(instance, chosen).picks
            while low <= high {
                let size = (low + high) / 2
                let relaxed = LagrangianBound.run(instance, budget: size, incumbent: target - 1,
                                                  incumbentSet: Array(ordered.prefix(size)),
                                                  maxIterations: min(300, options.lagrangianIterations),
                                                  seconds: options.lagrangianSeconds / 4)
                if relaxed.bestValue >= target && relaxed.bestSet.count < chosen.count {
                    chosen = relaxed.bestSet
                    ordered = sequence(instance, chosen).picks
                    high = min(high, chosen.count - 1)
                } else if relaxed.bound < target {
                    low = size + 1
                    lowerBound = max(lowerBound, size + 1)
                    boundSource = "Lagrangian relaxation: no \(size) candidates reach the target"
                } else {
                    high = size - 1
                }
            }
            if lowerBound >= chosen.count {
                proven = true
                source = boundSource
            }
        }
        // Fewer candidates by branch and bound, one fewer at a time.
        if !proven && options.exactWorkLimit > 0 {
            var size = chosen.count - 1
            while size >= lowerBound {
                let search = BranchAndBound(instance, workLimit: options.exactWorkLimit, incumbent: target - 1, incumbentSet: [])
                _ = search.run(budget: size)
                if search.incumbent >= target {
                    chosen = search.incumbentSet
                    size = chosen.count - 1
                    continue
                }
                if !search.aborted {
                    lowerBound = size + 1
                    proven = true
                    source = "branch and bound: no \(size) candidates reach the target"
                }
                break
            }
            if !proven && size < lowerBound {
                proven = true
                source = "branch and bound down to the lower bound (\(boundSource))"
            }
        }
        let (picks, gains) = sequence(instance, chosen)
        let value = gains.reduce(0, +)
        let final = CoverState(instance)
        for c in picks { final.add(c) }
        let bound = final.value + final.bestAndTopSum(picks.count).topSum
        return CoveringSolution(picks: picks, gains: gains, value: value, upperBound: max(bound, value),
                                isOptimal: proven, boundSource: proven ? source : boundSource,
                                fewestLowerBound: proven ? picks.count : lowerBound)
    }

    /// `set` in greedy order: each next the member with the largest gain given the ones before
    /// (ties: the lower index), with the gains.
    static func sequence(_ instance: CoveringInstance, _ set: [Int]) -> (picks: [Int], gains: [Int64]) {
        var remaining = set.sorted()
        var covered = [Bool](repeating: false, count: instance.demandCount)
        var picks: [Int] = []
        var gains: [Int64] = []
        while !remaining.isEmpty {
            var bestAt = 0
            var bestGain: Int64 = -1
            for (i, c) in remaining.enumerated() {
                var g: Int64 = 0
                for d in instance.cover(c) where !covered[Int(d)] { g += instance.weights[Int(d)] }
                if g > bestGain { bestGain = g; bestAt = i }
            }
            let c = remaining.remove(at: bestAt)
            for d in instance.cover(c) { covered[Int(d)] = true }
            picks.append(c)
            gains.append(bestGain)
        }
        return (picks, gains)
    }
}
