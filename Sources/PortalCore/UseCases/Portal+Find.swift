import GeoModel

extension Portal {
    /// Features of `layer` whose names match `name` in any script, best first (at most `limit`).
    /// - Throws: ``PortalError`` (not found) when nothing matches; (invalid input) for a limit
    ///   below 1 or a layer without names.
    public func find(_ name: String, in layer: LayerSchema, limit: Int = 10) throws -> FindResult {
        guard limit > 0 else { throw PortalError(.invalidInput, "limit must be at least 1, got \(limit)") }
        guard !layer.nameColumns.isEmpty else {
            throw PortalError(.invalidInput, "\(layer.name) have no names to search",
                              commandLineHint: "use `qamtu export \(layer.name) --where …`")
        }
        let matcher = NameMatcher(candidates: try store.nameCandidates(layer))
        let matches = matcher.matches(for: name, limit: limit)
        guard !matches.isEmpty else { throw PortalError(.notFound, "no \(layer.name) match '\(name)'") }
        let records = try store.features(layer, ids: matches.map(\.id))
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return FindResult(layer: layer, found: matches.compactMap { match in
            byID[match.id].map { FindResult.Found(match: match, record: $0) }
        })
    }
}
