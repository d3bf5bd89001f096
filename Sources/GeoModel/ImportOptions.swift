/// How an import treats the layer.
public struct ImportOptions: Sendable {
    /// Remove the layer's features first (in the same transaction).
    public var replace = false
    /// Validate only: everything runs, then the transaction is rolled back.
    public var dryRun = false
    /// Update the features whose id is already in the layer, insert the others (refreshing a
    /// cell list); an id twice in the input is still an error.
    public var upsert = false
    /// How many problems an error lists (all are counted).
    public var maxListedProblems = 20

    /// Options; by default features are added and kept, and 20 problems are listed.
    public init(replace: Bool = false, dryRun: Bool = false, upsert: Bool = false, maxListedProblems: Int = 20) {
        self.replace = replace
        self.dryRun = dryRun
        self.upsert = upsert
        self.maxListedProblems = maxListedProblems
    }
}
