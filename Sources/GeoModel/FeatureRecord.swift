import Foundation
import Geodesy

/// A validated attribute value, typed as stored.
public enum FieldValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// True for `.null`.
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The text value, or nil.
    public var text: String? { if case .text(let s) = self { s } else { nil } }

    /// The value as a number (integers widened), or nil.
    public var number: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .real(let d): d
        default: nil
        }
    }
}

/// One feature of a layer after validation: values aligned with `LayerSchema.columns`.
public struct FeatureRecord: Sendable, Hashable {
    /// Values in the order of the layer's columns (`values[0]` is the `id`).
    public var values: [FieldValue]
    /// The geometry in EPSG:4326 (already promoted to the layer's stored type), nil for tables without geometry.
    public var geometry: Geometry?

    public init(values: [FieldValue], geometry: Geometry?) {
        self.values = values
        self.geometry = geometry
    }

    /// The feature id (first column).
    public var id: String { values.first?.text ?? "" }
}

/// A raw attribute value as read from an input file, before validation.
public enum RawValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case real(Double)
    case string(String)
    /// A JSON array or object (kept as its JSON text for messages).
    case composite(String)

    /// How the value is shown in error messages.
    public var display: String {
        switch self {
        case .null: "null"
        case .bool(let b): String(b)
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .string(let s): "'\(s)'"
        case .composite(let s): s.count > 40 ? String(s.prefix(40)) + "…" : s
        }
    }
}

/// Where in an input file a feature came from, for error messages.
public struct SourceLocation: Sendable, Hashable {
    /// The file as the user named it.
    public var file: String
    /// 1-based line number (CSV: the record's first line; GeoJSON: the line where the feature starts).
    public var line: Int?
    /// 0-based index of the feature in a GeoJSON FeatureCollection, or nil for CSV.
    public var featureIndex: Int?

    public init(file: String, line: Int?, featureIndex: Int? = nil) {
        self.file = file
        self.line = line
        self.featureIndex = featureIndex
    }

    /// `file:line` or `file: feature N (line L)`.
    public var description: String {
        switch (featureIndex, line) {
        case (let f?, let l?): "\(file): feature \(f) (line \(l))"
        case (let f?, nil): "\(file): feature \(f)"
        case (nil, let l?): "\(file):\(l)"
        case (nil, nil): file
        }
    }
}

/// One problem found while validating input: where, which field, what is wrong.
public struct ImportProblem: Sendable, Hashable, CustomStringConvertible, Error {
    public var location: SourceLocation
    /// The field (column / property) concerned; `geometry` for geometry problems; nil for the whole record.
    public var field: String?
    public var message: String

    public init(_ location: SourceLocation, field: String?, _ message: String) {
        self.location = location
        self.field = field
        self.message = message
    }

    /// A feature whose `id` is taken: by a feature already in `layer` (`inLayer`), or by an
    /// earlier feature of the same file. The one wording of imports and of validated files.
    public static func duplicateID(_ id: String, at location: SourceLocation, inLayer layer: String?) -> ImportProblem {
        let whose = layer.map { "a feature already in layer \($0)" } ?? "an earlier feature of this file"
        return ImportProblem(location, field: "id", "'\(id)' is already used by \(whose)")
    }

    /// E.g. `places.csv:4: field 'lat': 95.2 is outside [-90, 90]`.
    public var description: String {
        if let field { "\(location.description): field '\(field)': \(message)" } else { "\(location.description): \(message)" }
    }
}

extension SourceFeature {
    /// Fills columns that are absent or null with the given text values (`--set FIELD=VALUE`).
    mutating func applyDefaults(_ defaults: [String: String]) {
        for (column, value) in defaults where (properties[column] ?? .null) == .null {
            properties[column] = .string(value)
        }
    }
}

/// An input feature before validation: raw properties by (already mapped) column name, and geometry.
public struct SourceFeature: Sendable {
    public var location: SourceLocation
    /// Raw values by column name.
    public var properties: [String: RawValue]
    /// Raw values by the index of the layer's column, set by a source that knows its layer's
    /// columns (CSV) instead of ``properties``, which then stays empty: validation reads a
    /// column's value from here when it is set (no dictionary per row). Null where the input has
    /// no value for the column.
    public var columnValues: [RawValue]?
    /// The parsed geometry, nil when absent (GeoJSON `null`, CSV without coordinates) or unreadable.
    public var geometry: Geometry?
    /// Why the geometry could not be read, when it could not.
    public var geometryError: String?

    /// Why the record as a whole could not be read (invalid JSON, not a Feature, wrong field count);
    /// then only this and `readProblems` are reported, no field is validated.
    public var unreadableReason: String?
    /// True when the record could not be read as a whole, or a field that identifies it could not be read.
    public var isUnreadable: Bool
    /// Problems found while reading (before validation), e.g. a field that is not valid UTF-8.
    public var readProblems: [(field: String?, message: String)] = []

    public init(location: SourceLocation, properties: [String: RawValue], geometry: Geometry?,
                geometryError: String? = nil, unreadableReason: String? = nil) {
        self.unreadableReason = unreadableReason
        self.isUnreadable = unreadableReason != nil
        self.location = location
        self.properties = properties
        self.geometry = geometry
        self.geometryError = geometryError
    }
}
