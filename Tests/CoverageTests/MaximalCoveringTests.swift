import Coverage
import Foundation
import Geodesy
import QamtuTestSupport
import Testing

/// Brute force over every set of at most `k` candidates: the optimum of weighted maximum coverage.
private func bruteForceOptimum(_ weights: [Int64], _ covers: [[Int32]], budget k: Int) -> Int64 {
    var count = [Int](repeating: 0, count: weights.count)
    var best: Int64 = 0
    func visit(from start: Int, left: Int, value: Int64) {
        best = max(best, value)
        guard left > 0 else { return }
        for c in start..<covers.count {
            var added: Int64 = 0
            for d in covers[c] {
                if count[Int(d)] == 0 { added += weights[Int(d)] }
                count[Int(d)] += 1
            }
            visit(from: c + 1, left: left - 1, value: value + added)
            for d in covers[c] { count[Int(d)] -= 1 }
        }
    }
    visit(from: 0, left: k, value: 0)
    return best
}

/// The fewest candidates whose sets cover at least `target` (nil: none do), by brute force.
private func bruteForceFewest(_ weights: [Int64], _ covers: [[Int32]], target: Int64) -> Int? {
    for k in 0...covers.count where bruteForceOptimum(weights, covers, budget: k) >= target { return k }
    return nil
}

/// A random instance: `candidates` sets over `demand` points, clustered so that sets overlap
/// (as masts near each other do), with weights 0…999.
private func randomInstance(_ rng: inout SplitMix64, candidates: Int, demand: Int) -> (weights: [Int64], covers: [[Int32]]) {
    let weights = (0..<demand).map { _ in Int64(Int.random(in: 0..<1_000, using: &rng)) }
    let covers: [[Int32]] = (0..<candidates).map { _ in
        let center = Int.random(in: 0..<demand, using: &rng)
        let size = Int.random(in: 0...6, using: &rng)
        return (0..<size).map { _ in Int32((center + Int.random(in: -4...4, using: &rng) + demand) % demand) }
    }
    return (weights, covers)
}

@Suite("Maximal covering")
struct MaximalCoveringTests {
    @Test("the plan is the exact optimum on random instances of up to 30 candidates and budgets up to 5")
    func equalsBruteForce() throws {
        var rng = SplitMix64(seed: 21)
        var searched = 0
        for round in 0..<120 {
            let n = Int.random(in: 1...30, using: &rng)
            let (weights, covers) = randomInstance(&rng, candidates: n, demand: Int.random(in: 5...60, using: &rng))
            let k = Int.random(in: 1...5, using: &rng)
            let instance = try CoveringInstance(weights: weights, covers: covers)
            let optimum = bruteForceOptimum(weights, covers, budget: k)
            let plan = MaximalCovering.solve(instance, budget: k)
            #expect(plan.isOptimal, "round \(round): not proven optimal (\(plan.boundSource))")
            #expect(plan.value == optimum, "round \(round): n \(n) k \(k): \(plan.value) ≠ optimum \(optimum)")
            #expect(plan.upperBound == optimum, "round \(round)")
            #expect(plan.picks.count <= k)
            #expect(Set(plan.picks).count == plan.picks.count)
            #expect(instance.value(of: plan.picks) == plan.value)
            #expect(plan.gains.reduce(0, +) == plan.value)
            #expect(zip(plan.gains, plan.gains.dropFirst()).allSatisfy { $0 >= $1 }, "gains in pick order never increase")
            // Branch and bound alone (no Lagrangian bound) proves the same optimum.
            let exact = MaximalCovering.solve(instance, budget: k, options: .init(lagrangianIterations: 0))
            #expect(exact.isOptimal, "round \(round): branch and bound did not finish (\(exact.boundSource))")
            #expect(exact.value == optimum)
            if exact.boundSource.hasPrefix("branch and bound") { searched += 1 }
        }
        // Many instances need the search (the greedy bound alone does not prove them).
        #expect(searched >= 20, "\(searched)")
    }

    @Test("the stated upper bound is never below the optimum, also without the exact search, with it cut short, or with few Lagrangian steps")
    func boundIsNeverBelowOptimum() throws {
        var rng = SplitMix64(seed: 8)
        var belowOptimum = 0
        var nonTrivial = 0
        for _ in 0..<150 {
            let n = Int.random(in: 2...30, using: &rng)
            let (weights, covers) = randomInstance(&rng, candidates: n, demand: Int.random(in: 5...40, using: &rng))
            let k = Int.random(in: 1...5, using: &rng)
            let instance = try CoveringInstance(weights: weights, covers: covers)
            let optimum = bruteForceOptimum(weights, covers, budget: k)
            for options in [MaximalCovering.Options(exactWorkLimit: 0, localSearchSeconds: 0, lagrangianIterations: 0),
                            MaximalCovering.Options(exactWorkLimit: 0, lagrangianIterations: 0),
                            MaximalCovering.Options(exactWorkLimit: 0, localSearchSeconds: 0, lagrangianIterations: 3),
                            MaximalCovering.Options(exactWorkLimit: 0),
                            MaximalCovering.Options(exactWorkLimit: 40, lagrangianIterations: 0),
                            MaximalCovering.Options(exactWorkLimit: 40)] {
                let plan = MaximalCovering.solve(instance, budget: k, options: options)
                #expect(plan.upperBound >= optimum, "bound \(plan.upperBound) < optimum \(optimum) (\(plan.boundSource))")
                #expect(plan.value <= optimum)
                #expect(instance.value(of: plan.picks) == plan.value)
                if plan.isOptimal { #expect(plan.value == optimum) }
                if plan.value < optimum { belowOptimum += 1 }
                if plan.upperBound > optimum { nonTrivial += 1 }
            }
        }
        // The instances exercise the bound: some plans stay below the optimum without the search,
        // and some bounds are above it.
        #expect(belowOptimum > 0)
        #expect(nonTrivial > 0)
    }

    @Test("greedy alone is not optimal here; the plan is, and the greedy bound still covers the optimum")
    func greedyTrap() throws {
        // Candidate 0 covers the four points of weight 2 (8); 1 and 2 each cover two of them and
        // a point of weight 3 (7). Greedy takes 0, then 1 or 2: 11; the optimum is {1, 2}: 14.
        let instance = try CoveringInstance(weights: [2, 2, 2, 2, 3, 3], covers: [[0, 1, 2, 3], [0, 1, 4], [2, 3, 5]])
        let greedy = MaximalCovering.solve(instance, budget: 2,
                                           options: .init(exactWorkLimit: 0, localSearchSeconds: 0, lagrangianIterations: 0))
        #expect(greedy.picks == [0, 1])
        #expect(greedy.value == 11)
        #expect(greedy.upperBound >= 14)
        #expect(!greedy.isOptimal)
        let plan = MaximalCovering.solve(instance, budget: 2)
        #expect(plan.picks == [1, 2])
        #expect(plan.gains == [7, 7])
        #expect(plan.value == 14)
        #expect(plan.upperBound == 14)
        #expect(plan.isOptimal)
    }

    @Test("ties go to the lower candidate index")
    func ties() throws {
        let instance = try CoveringInstance(weights: [5, 5, 5], covers: [[2], [0], [1], [0]])
        let plan = MaximalCovering.solve(instance, budget: 2)
        #expect(plan.picks == [0, 1])
        #expect(plan.value == 10)
    }

    @Test("a target is reached with the fewest candidates, proven by brute force")
    func fewestEqualsBruteForce() throws {
        var rng = SplitMix64(seed: 95)
        for round in 0..<80 {
            let n = Int.random(in: 1...16, using: &rng)
            let (weights, covers) = randomInstance(&rng, candidates: n, demand: Int.random(in: 5...40, using: &rng))
            let instance = try CoveringInstance(weights: weights, covers: covers)
            let reachable = instance.coverableWeight
            let target = Int64((Double(reachable) * Double.random(in: 0.3...1, using: &rng)).rounded(.up))
            let fewest = try #require(bruteForceFewest(weights, covers, target: target))
            let plan = try MaximalCovering.fewest(instance, target: target)
            #expect(plan.value >= target, "round \(round)")
            #expect(plan.picks.count == fewest, "round \(round): \(plan.picks.count) masts, fewest \(fewest)")
            #expect(plan.isOptimal)
            #expect(plan.fewestLowerBound == fewest)
            let quick = try MaximalCovering.fewest(instance, target: target,
                                                   options: .init(exactWorkLimit: 0, localSearchSeconds: 0, lagrangianIterations: 0))
            #expect((quick.fewestLowerBound ?? .max) <= fewest)
            #expect(quick.picks.count >= fewest)
            #expect(quick.value >= target)
        }
    }

    @Test("a target above what all candidates reach is an error naming the reachable people")
    func unreachableTarget() throws {
        let instance = try CoveringInstance(weights: [10, 20, 70], covers: [[0], [1]])
        #expect(instance.coverableWeight == 30)
        let error = try #require(throws: CoverageError.self) { try MaximalCovering.fewest(instance, target: 31) }
        #expect(error.description == "the target of 31 people (share 0.31) is not reachable: all candidates together reach 30 of 100 (share 0.3)")
        #expect(error.category == .invalidInput)
    }

    @Test("bad instances are rejected")
    func badInstances() {
        #expect(throws: CoverageError.self) { try CoveringInstance(weights: [1, -2], covers: [[0]]) }
        #expect(throws: CoverageError.self) { try CoveringInstance(weights: [1, 2], covers: [[2]]) }
    }
}
