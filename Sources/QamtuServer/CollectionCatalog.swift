import GeoModel

/// The collections the server offers: one per layer of the portal, in the layers' order.
struct CollectionCatalog: Sendable {
    /// One collection.
    struct Entry: Sendable {
        /// The collection id in URLs.
        let id: String
        let title: String
        let description: String
        /// The layer it serves.
        let layer: LayerSchema
    }

    let entries: [Entry]

    /// Every layer of the portal.
    static let portal = CollectionCatalog(entries: LayerSchema.all.map { layer in
        let (title, description) = describe(layer)
        return Entry(id: layer.name, title: title, description: description, layer: layer)
    })

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
