extension LayerSchema {
    /// The name of the geometry among the queryables; a filter may also write `geom`.
    public static let geometryQueryableName = "geometry"

    /// The properties a `filter` may test (OGC API – Features Part 3 Queryables): every
    /// attribute column in contract order, then the geometry when the layer has one. Columns of
    /// sets (`technologies`) are strings that hold their values separated by `;` in the list's
    /// order (`2G;4G`).
    public var queryables: [Queryable] {
        var out = columns.map { column -> Queryable in
            switch column.type {
            case .text: Queryable(name: column.name, kind: .string(values: nil))
            case .enumeration(let values): Queryable(name: column.name, kind: .string(values: values))
            case .set(let values):
                Queryable(name: column.name, kind: .string(values: nil),
                          description: "values from \(values.joined(separator: ", ")) separated by ';' in this order")
            case .integer(let range): Queryable(name: column.name, kind: .integer(range))
            case .real(let range): Queryable(name: column.name, kind: .number(range))
            }
        }
        if let geometryType { out.append(Queryable(name: Self.geometryQueryableName, kind: .geometry(geometryType))) }
        return out
    }
}
