/// A site that covers a settlement only with a technology below the settlement's best one
/// (a 4G site where 5G sites also cover): "which operators cover this village" counts it too.
///
/// Eight bytes: a saturated region lists hundreds per settlement.
public struct LowerTechnologySite: Sendable, Hashable {
    private let siteIndex: Int32
    /// The best technology with which the site covers the settlement.
    public let technology: MobileTechnology

    /// A covering site (its index in the engine's sites, below 2³¹) and its technology.
    public init(site: Int, technology: MobileTechnology) {
        siteIndex = Int32(truncatingIfNeeded: site)
        self.technology = technology
    }

    /// The site's index in the engine's sites.
    public var site: Int { Int(siteIndex) }
}
