import GeoModel

extension FieldValue {
    /// The value as shown in an HTML table (empty for null).
    var displayText: String {
        switch self {
        case .null: ""
        case .integer(let value): String(value)
        case .real(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .text(let value): value
        }
    }
}

extension FeatureRecord {
    /// The value of column `name` of `layer` (null when the layer has no such column).
    func value(of name: String, in layer: LayerSchema) -> FieldValue {
        guard let index = layer.columnIndex(name), index < values.count else { return .null }
        return values[index]
    }
}
