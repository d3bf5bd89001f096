/// A choice of candidates for a ``CoveringInstance``, with a proven upper bound on the best
/// value any choice of the same size could reach.
public struct CoveringSolution: Sendable, Hashable {
    /// The chosen candidates in pick order: each one the candidate with the largest gain given
    /// the ones before it (ties: the lower index), so that the gains never increase.
    public var picks: [Int]
    /// The weight each pick adds to the ones before it (same order as ``picks``).
    public var gains: [Int64]
    /// The total weight covered (the sum of ``gains``).
    public var value: Int64
    /// No choice of at most as many candidates (the budget; for a target, ``picks``' count)
    /// covers more than this: a proven bound, equal to ``value`` when ``isOptimal``.
    public var upperBound: Int64
    /// True when ``value`` is proven to be the optimum (``upperBound`` equals it).
    public var isOptimal: Bool
    /// Which bound gave ``upperBound``, in words (`greedy step 3: value + 10 largest gains`,
    /// `branch and bound, complete`).
    public var boundSource: String
    /// For a target (``MaximalCovering/fewest(_:target:options:)``): no choice of fewer than
    /// this many candidates reaches the target (a proven lower bound on the count). Nil for a budget.
    public var fewestLowerBound: Int?

    /// The gap between the bound and the value as a share of the bound (0 when optimal).
    public var gapShare: Double {
        upperBound > 0 ? Double(upperBound - value) / Double(upperBound) : 0
    }
}
