import Foundation

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
        var top = TopSum<Int64>(capacity: k)
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
