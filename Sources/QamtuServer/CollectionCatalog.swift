import GeoModel

/// The collections the server offers: one per layer of the portal, in the layers' order, then
/// the computed collections (coverage, footprints).
struct CollectionCatalog: Sendable {
    /// What a collection serves.
    enum Kind: Sendable, Equatable {
        /// A stored layer, read through the store.
        case layer
        /// Features computed by an analysis of the core on request (``ComputedCollection``),
        /// answered by their own routes (`AnalysisAPI`).
        case computed(ComputedCollection)
    }

    /// One collection.
    struct Entry: Sendable {
        /// The collection id in URLs.
        let id: String
        let title: String
        let description: String
        /// The layer it serves; for a computed collection, the schema of its features' properties.
        let layer: LayerSchema
        /// A stored layer or computed features.
        var kind: Kind = .layer
    }

    let entries: [Entry]

    /// Every layer of the portal, then the computed collections.
    static let portal = CollectionCatalog(entries: LayerSchema.all.map { layer in
        let (title, description) = describe(layer)
        return Entry(id: layer.name, title: title, description: description, layer: layer)
    } + ComputedCollection.allCases.map(\.entry))

    /// The entry with `id`.
    /// - Throws: ``OGCError`` 404 naming the collections there are.
    func entry(_ id: String) throws(OGCError) -> Entry {
        guard let entry = entries.first(where: { $0.id == id }) else {
            throw .notFound("no collection '\(QueryParameters.printable(id))'; collections are \(entries.map(\.id).joined(separator: ", "))")
        }
        return entry
    }

    static func describe(_ layer: LayerSchema) -> (String, String) {
        switch layer.name {
        case "districts": ("Districts", "Administrative districts (MultiPolygon, WGS84)")
        case "settlements": ("Settlements", "Cities, towns and villages with population and fibre status (Point, WGS84)")
        case "roads": ("Roads", "Highways and roads (MultiLineString, WGS84)")
        case "sites": ("Telecom sites", "Base stations, antenna masts and fibre nodes with operator, technologies and status (Point, WGS84)")
        case "institutions": ("Institutions", "Schools, hospitals, akimats and other public institutions with their connection (Point, WGS84)")
        case "commitments": ("Commitments", "Commitments of programmes and operators; the position is the target's (Point, WGS84)")
        default: (layer.name, "Layer \(layer.name)")
        }
    }
}
