/// What an import did.
public struct ImportReport: Sendable, Equatable {
    /// The layer imported into.
    public var layer: String
    /// Features read from the file (skipped rows not included).
    public var read = 0
    /// Features inserted (or that would be, in a dry run).
    public var imported = 0
    /// Features already in the layer whose values and geometry were replaced (`upsert`).
    public var updated = 0
    /// Features removed first (`replace`).
    public var replaced = 0
    /// Rows deliberately skipped, by reason: a phrase that reads after "skipped 3 rows".
    public var skipped: [String: Int] = [:]
    /// Input fields that are not columns of the layer.
    public var ignoredFields: [String] = []
    /// Settlements that got their district by point-in-polygon during this import.
    public var districtsAssigned = 0
    /// Settlements whose district left the layer (`replace` of the districts) and that no
    /// district polygon contains: their `district` was cleared.
    public var districtsCleared = 0
    /// Commitments whose target is not in its layer (after this import).
    public var unresolvedCommitments = 0
    /// True when nothing was kept (dry run).
    public var dryRun = false

    /// An empty report for `layer`.
    public init(layer: String) { self.layer = layer }
}
