import Coverage

/// A site that can cover a road, with the range it has for the technology asked.
public struct RangedSite: Sendable {
    /// The site.
    public let site: CoverageSite
    /// Range, metres, for the technology asked or a better one the site carries (the largest).
    public let rangeMeters: Double
    /// The rule that gave it (`explicit`, `okumura-hata`, `default`), or `assumed` for a planned
    /// range given by the caller.
    public let rule: String
}
