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
/// 3. *Branch and bound* (when the bound does not already equal the value): depth-first over the
///    candidates in order of their own weight, each child adding one candidate after the last
///    one added; a node is cut when its bound is not above the best value found. It runs to the
///    end within ``Options/exactWorkLimit`` scanned gains — then the value is proven optimal —
///    else it stops and its bound (the largest bound of the nodes left open) still counts.
///
/// **Upper bound.** The coverage function `f` is monotone and submodular, so for any set `S` and
/// any set `O` of at most `k` candidates, `f(O) ≤ f(S) + Σ_{o ∈ O} Δ(o | S) ≤ f(S) +` the `k`
/// largest marginal gains `Δ(· | S)`. The stated bound is the least of this bound evaluated at
/// every greedy step, after the local search, and branch and bound's bound (where the `k`
/// becomes the number of candidates still to add below a node, since those sets contain the
/// node's). It is never below the optimum; the classic `value / (1 − (1 − 1/k)^k)` is never
/// tighter than the greedy steps' bound and is not used.
///
/// Results are deterministic: every tie goes to the lower candidate index.
public enum MaximalCovering {
    /// Limits of the improvement and proof steps.
    public struct Options: Sendable, Hashable {
        /// Branch and bound stops after scanning this many marginal gains (about a nanosecond
        /// each); 0 skips it.
        public var exactWorkLimit: Int
        /// The swap local search stops after this many seconds (checked between swaps).
        public var localSearchSeconds: Double

        /// Limits; by default 300,000,000 scanned gains and 20 s of local search.
        public init(exactWorkLimit: Int = 300_000_000, localSearchSeconds: Double = 20) {
            self.exactWorkLimit = exactWorkLimit
            self.localSearchSeconds = localSearchSeconds
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
        // 3. Branch and bound from the best value so far.
        if bound > value && options.exactWorkLimit > 0 {
            let search = BranchAndBound(instance, workLimit: options.exactWorkLimit, incumbent: value, incumbentSet: chosen)
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
    /// target is reached, then (within ``Options/exactWorkLimit``) branch and bound with one
    /// candidate fewer each time until no such set exists, which proves the count optimal.
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
            if size < lowerBound { proven = true; source = "branch and bound reached the bound from the marginal gains" }
        }
        let (picks, gains) = sequence(instance, chosen)
        let value = gains.reduce(0, +)
        let final = CoverState(instance)
        for c in picks { final.add(c) }
        let bound = final.value + final.bestAndTopSum(picks.count).topSum
        return CoveringSolution(picks: picks, gains: gains, value: value, upperBound: max(bound, value),
                                isOptimal: proven, boundSource: proven ? source : "marginal gains at greedy steps",
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

/// The sum of the `capacity` largest values offered (a min-heap of them).
struct TopSum {
    private var heap: [Int64] = []
    private let capacity: Int
    /// The sum of the values kept.
    private(set) var sum: Int64 = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        heap.reserveCapacity(min(self.capacity, 1 << 16))
    }

    /// Offers a value: kept when it is among the `capacity` largest so far.
    @inline(__always)
    mutating func offer(_ value: Int64) {
        guard capacity > 0, value > 0 else { return }
        if heap.count < capacity {
            heap.append(value)
            sum += value
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard heap[parent] > heap[i] else { break }
                heap.swapAt(parent, i)
                i = parent
            }
        } else if value > heap[0] {
            sum += value - heap[0]
            heap[0] = value
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l] < heap[m] { m = l }
                if r < heap.count && heap[r] < heap[m] { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }
}

/// A set of chosen candidates with every candidate's exact marginal gain, updated as
/// candidates are added and removed.
final class CoverState {
    let instance: CoveringInstance
    /// Per demand point, how many chosen candidates cover it.
    private(set) var count: [Int32]
    /// Per candidate, the weight it would add (0 for a chosen one).
    private(set) var gain: [Int64]
    /// Whether each candidate is chosen.
    private(set) var isChosen: [Bool]
    /// The chosen candidates, in the order added (a swap keeps the slot).
    private(set) var chosen: [Int] = []
    /// The weight covered.
    private(set) var value: Int64 = 0

    init(_ instance: CoveringInstance) {
        self.instance = instance
        count = [Int32](repeating: 0, count: instance.demandCount)
        isChosen = [Bool](repeating: false, count: instance.candidateCount)
        gain = (0..<instance.candidateCount).map { c in
            instance.cover(c).reduce(Int64(0)) { $0 + instance.weights[Int($1)] }
        }
    }

    /// Adds candidate `c` (not chosen yet).
    func add(_ c: Int, slot: Int? = nil) {
        let instance = self.instance
        var added: Int64 = 0
        count.withUnsafeMutableBufferPointer { count in
            gain.withUnsafeMutableBufferPointer { gain in
                for d32 in instance.cover(c) {
                    let d = Int(d32)
                    if count[d] == 0 {
                        let w = instance.weights[d]
                        added += w
                        if w != 0 {
                            for other in instance.candidates(covering: d) { gain[Int(other)] -= w }
                        }
                    }
                    count[d] += 1
                }
            }
        }
        value += added
        isChosen[c] = true
        if let slot { chosen[slot] = c } else { chosen.append(c) }
    }

    /// Removes chosen candidate `c`; with `keepSlot` its place in ``chosen`` stays for ``add(_:slot:)``.
    func remove(_ c: Int, keepSlot: Bool = false) {
        let instance = self.instance
        var removed: Int64 = 0
        count.withUnsafeMutableBufferPointer { count in
            gain.withUnsafeMutableBufferPointer { gain in
                for d32 in instance.cover(c) {
                    let d = Int(d32)
                    count[d] -= 1
                    if count[d] == 0 {
                        let w = instance.weights[d]
                        removed += w
                        if w != 0 {
                            for other in instance.candidates(covering: d) { gain[Int(other)] += w }
                        }
                    }
                }
            }
        }
        value -= removed
        isChosen[c] = false
        if !keepSlot, let i = chosen.lastIndex(of: c) { chosen.remove(at: i) }
    }

    /// The candidate with the largest positive gain (ties: the lower index), or nil when none
    /// adds weight; and the sum of the `k` largest gains.
    func bestAndTopSum(_ k: Int) -> (best: Int?, topSum: Int64) {
        var top = TopSum(capacity: k)
        var best = -1
        var bestGain: Int64 = 0
        gain.withUnsafeBufferPointer { gain in
            for c in 0..<gain.count {
                let g = gain[c]
                if g > bestGain { bestGain = g; best = c }
                top.offer(g)
            }
        }
        return (best >= 0 ? best : nil, top.sum)
    }

    /// The least number of further candidates whose gains could add `target − value`: a lower
    /// bound on the size of any set reaching `target` (from submodularity), at least 1.
    func fewestToReach(_ target: Int64) -> Int {
        let missing = target - value
        guard missing > 0 else { return chosen.count }
        let sorted = gain.filter { $0 > 0 }.sorted(by: >)
        var sum: Int64 = 0
        for (i, g) in sorted.enumerated() {
            sum += g
            if sum >= missing { return i + 1 }
        }
        return sorted.count + 1
    }

    /// Swap local search: each chosen candidate is replaced by the unchosen candidate that adds
    /// the most given the others, when that is strictly more than what it adds itself.
    func improveBySwaps(seconds: Double) {
        let instance = self.instance
        let deadline = Date().addingTimeInterval(seconds)
        var delta = [Int64](repeating: 0, count: instance.candidateCount)
        var touched: [Int32] = []
        var improved = true
        while improved && Date() < deadline {
            improved = false
            for slot in chosen.indices {
                let j = chosen[slot]
                // What j alone covers, and what each other candidate would add in its place.
                var loss: Int64 = 0
                for d32 in instance.cover(j) where count[Int(d32)] == 1 {
                    let w = instance.weights[Int(d32)]
                    guard w != 0 else { continue }
                    loss += w
                    for other in instance.candidates(covering: Int(d32)) {
                        if delta[Int(other)] == 0 { touched.append(other) }
                        delta[Int(other)] += w
                    }
                }
                var best = -1
                var bestGain = loss
                gain.withUnsafeBufferPointer { gain in
                    delta.withUnsafeBufferPointer { delta in
                        isChosen.withUnsafeBufferPointer { isChosen in
                            for c in 0..<gain.count where !isChosen[c] {
                                let g = gain[c] + delta[c]
                                if g > bestGain { bestGain = g; best = c }
                            }
                        }
                    }
                }
                for c in touched { delta[Int(c)] = 0 }
                touched.removeAll(keepingCapacity: true)
                if best >= 0 {
                    remove(j, keepSlot: true)
                    add(best, slot: slot)
                    improved = true
                }
                if Date() >= deadline { break }
            }
        }
    }
}

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

    init(_ instance: CoveringInstance, workLimit: Int, incumbent: Int64, incumbentSet: [Int]) {
        state = CoverState(instance)
        let initial = state.gain
        order = (0..<instance.candidateCount).filter { initial[$0] > 0 }
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
        var nodeTop = TopSum(capacity: r)
        var childTop = TopSum(capacity: r - 1)
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
        let nodeBound = v + nodeTop.sum
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
            let sub = branch(from: i + 1, remaining: r - 1)
            state.remove(c)
            result = max(result, sub)
        }
        return min(result, nodeBound)
    }
}
