/// An attribute filter `FIELD=VALUE` (`FIELD=` matches an empty value), typed by the layer's column.
/// Stores match text values ignoring case in any script, other values exactly.
public struct ExportFilter: Sendable, Hashable {
    /// The column name (checked against the layer schema).
    public let column: String
    /// The value to match, converted to the column's type; `.null` matches missing values.
    public let value: FieldValue

    public init(column: String, value: FieldValue) {
        self.column = column
        self.value = value
    }

    /// Parses `FIELD=VALUE` for `layer`: the field must be a column; the value must fit its type
    /// (enumerations are matched case-insensitively).
    public init(parsing text: String, layer: LayerSchema) throws(GeoModelError) {
        guard let eq = text.firstIndex(of: "=") else {
            throw .invalidFilter(text, "expected FIELD=VALUE")
        }
        let name = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
        let valueText = String(text[text.index(after: eq)...])
        guard let index = layer.columnIndex(name) else { throw .unknownField(layer: layer.name, field: name) }
        let column = layer.columns[index]
        switch LayerSchema.convert(.string(valueText), to: column, decimalComma: false) {
        case .success(let value): self.init(column: name, value: value)
        case .failure(let failure): throw .invalidFilter(text, failure.message)
        }
    }
}

extension ExportFilter {
    /// Whether a stored value matches: `FIELD=` matches a missing value; text matches text
    /// ignoring case in any script (`kcell` = `Kcell`, `тараз` = `Тараз`, as the SpatiaLite
    /// store's `qamtu_nocase` collation compares); other values match exactly.
    public func matches(_ stored: FieldValue) -> Bool {
        switch (value, stored) {
        case (.null, _): stored.isNull
        case (.text(let wanted), .text(let text)): wanted == text || wanted.lowercased() == text.lowercased()
        default: value == stored
        }
    }
}
