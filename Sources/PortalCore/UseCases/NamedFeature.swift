import GeoModel

/// How a name given by a user resolved in a layer: by exact id, else by its names in any script
/// (``NameMatcher``). Callers word the ambiguous and not-found cases for their kind of feature.
enum NamedFeature {
    /// The one feature the name means.
    case found(FeatureRecord)
    /// Several features match equally well (their ids).
    case ambiguous([String])
    /// Nothing matches; the ids of the closest names, possibly none.
    case notFound(closest: [String])
}

extension Portal {
    /// Resolves `query` in `layer`: an exact id first, else the name matcher over the layer's
    /// names (at most five candidates listed).
    func lookUp(_ query: String, in layer: LayerSchema) throws -> NamedFeature {
        if let record = try store.features(layer, ids: [query]).first { return .found(record) }
        switch NameMatcher(candidates: try store.nameCandidates(layer)).resolve(query, limit: 5) {
        case .unique(let match):
            guard let record = try store.features(layer, ids: [match.id]).first else { return .notFound(closest: []) }
            return .found(record)
        case .ambiguous(let matches): return .ambiguous(matches.map(\.id))
        case .notFound(let closest): return .notFound(closest: closest.map(\.id))
        }
    }
}
