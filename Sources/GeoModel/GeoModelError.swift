/// Errors of the model layer: malformed input text (GeoJSON, CSV, WKT, boxes, filters).
///
/// Messages are complete sentences for a user; the CLI prints them as they are.
public enum GeoModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `--bbox` value that cannot be used; the second value says why.
    case invalidBoundingBox(String, String)
    /// A layer name that Qamtu does not know.
    case unknownLayer(String)
    /// A field name that the layer does not have.
    case unknownField(layer: String, field: String)
    /// A filter value that does not fit the field's type.
    case invalidFilter(String, String)
    /// Input that is not readable at all (file, line, message).
    case unreadable(file: String, line: Int?, message: String)
    /// A `filter` expression (CQL2 text) that cannot be used: why, and the 1-based character
    /// where the problem was found (nil when it concerns the whole expression).
    case invalidFilterText(String, position: Int?)

    public var description: String {
        switch self {
        case .invalidBoundingBox(let text, let why): "invalid bbox '\(text)': \(why)"
        case .unknownLayer(let name):
            "unknown layer '\(name)' (layers: \(LayerSchema.all.map(\.name).joined(separator: ", ")))"
        case .unknownField(let layer, let field):
            "layer \(layer) has no field '\(field)' (fields: \((LayerSchema.named(layer)?.columns.map(\.name) ?? []).joined(separator: ", ")))"
        case .invalidFilter(let text, let why): "invalid filter '\(text)': \(why)"
        case .unreadable(let file, let line, let message):
            if let line { "\(file):\(line): \(message)" } else { "\(file): \(message)" }
        case .invalidFilterText(let why, let position):
            if let position { "filter: \(why) at character \(position)" } else { "filter: \(why)" }
        }
    }
}
