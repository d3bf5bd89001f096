/// One key of a sort order: a column of a layer, ascending or descending.
public struct SortKey: Sendable, Hashable, CustomStringConvertible {
    /// The column name (a column of the layer's contract).
    public let column: String
    /// Descending instead of ascending.
    public let descending: Bool

    /// A key on `column` (checked by ``init(parsing:layer:)``, not here).
    public init(column: String, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }

    /// Parses `name`, `+name` (ascending) or `-name` (descending), as OGC API – Features
    /// `sortby` does; the name must be a column of `layer`.
    /// - Throws: `GeoModelError.unknownField` for a name that is not a column.
    public init(parsing text: String, layer: LayerSchema) throws(GeoModelError) {
        var name = Substring(text)
        var descending = false
        if name.first == "-" {
            descending = true
            name = name.dropFirst()
        } else if name.first == "+" {
            name = name.dropFirst()
        }
        let column = String(name).trimmedOfSpaces
        guard layer.columnIndex(column) != nil else { throw .unknownField(layer: layer.name, field: column) }
        self.init(column: column, descending: descending)
    }

    /// Parses a comma-separated list of keys (`-population,name`).
    /// - Throws: `GeoModelError.unknownField` or `.invalidFilter` for an empty list.
    public static func list(parsing text: String, layer: LayerSchema) throws(GeoModelError) -> [SortKey] {
        var keys: [SortKey] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            keys.append(try SortKey(parsing: String(part), layer: layer))
        }
        guard !keys.isEmpty else { throw .invalidFilter(text, "no sort keys given") }
        return keys
    }

    /// `name` or `-name`.
    public var description: String { (descending ? "-" : "") + column }
}
