extension NameMatcher {
    /// Typical populations of settlement kinds, standing in for a missing population.
    public static let typicalSettlementPopulation: [String: Double] = [
        "city": 100_000, "town": 10_000, "village": 1_000, "hamlet": 100, "isolated_dwelling": 10,
    ]

    /// How prominent a settlement is, for ranking equally good name matches: places in the
    /// region's districts (a district of the districts layer) first, then by population (the
    /// kind's typical population when it is missing), then by kind (city, town, village,
    /// hamlet, isolated dwelling).
    public static func settlementProminence(population: Int64?, kind: String?, inRegion: Bool) -> Double {
        let kinds = LayerSchema.settlementKinds
        let kindRank = kind.flatMap { kinds.firstIndex(of: $0) }.map { kinds.count - $0 } ?? 0
        let size = population.map(Double.init) ?? kind.flatMap { typicalSettlementPopulation[$0] } ?? 0
        return (inRegion ? 1e12 : 0) + size + Double(kindRank) / 10
    }
}
