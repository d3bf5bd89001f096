/// One property that a `filter` may test, as OGC API – Features Part 3 lists them at
/// `/collections/{id}/queryables`: a name and a JSON Schema (2020-12) for its values.
///
/// Attribute columns are `string` (text, enumerations with their `enum` values, sets),
/// `integer` or `number` (with the column's `minimum` and `maximum`); the geometry is
/// `{"format": "geometry-point"}` (or `geometry-multipolygon`, …) in CRS84 lon/lat degrees.
public struct Queryable: Sendable, Hashable {
    /// What a queryable's values are.
    public enum Kind: Sendable, Hashable {
        /// Text; `values` lists the allowed ones of an enumeration (nil: any text).
        case string(values: [String]?)
        /// Whole numbers within a range.
        case integer(ClosedRange<Int64>)
        /// Finite numbers within a range.
        case number(ClosedRange<Double>)
        /// True or false (no layer has such a column yet).
        case boolean
        /// The feature's geometry, of this type, in CRS84 (WGS84 lon/lat degrees).
        case geometry(GeometryType)
    }

    /// The name to write in a filter (`population`; `geometry` for the geometry, which a filter
    /// may also call `geom`).
    public let name: String
    /// The values' kind.
    public let kind: Kind
    /// A sentence for people, e.g. for a set column: the values it may hold.
    public let description: String?

    /// A queryable `name` of `kind`.
    public init(name: String, kind: Kind, description: String? = nil) {
        self.name = name
        self.kind = kind
        self.description = description
    }

    /// The JSON Schema `type` (`string`, `integer`, `number`, `boolean`), nil for the geometry.
    public var jsonType: String? {
        switch kind {
        case .string: "string"
        case .integer: "integer"
        case .number: "number"
        case .boolean: "boolean"
        case .geometry: nil
        }
    }

    /// The JSON Schema `format` of the geometry (`geometry-point`, `geometry-multipolygon`, …),
    /// nil for attributes.
    public var format: String? {
        if case .geometry(let type) = kind { "geometry-" + type.rawValue.lowercased() } else { nil }
    }

    /// The property's JSON Schema, e.g. `{"type":"integer","minimum":0,"maximum":100000000}`,
    /// `{"type":"string","enum":["city","town"]}` or
    /// `{"format":"geometry-point","x-ogc-role":"primary-geometry"}`.
    public var jsonSchema: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("title", .string(name))]
        if let description { members.append(("description", .string(description))) }
        if let jsonType { members.append(("type", .string(jsonType))) }
        switch kind {
        case .string(let values?): members.append(("enum", .array(values.map(JSONValue.string))))
        case .integer(let range):
            members += [("minimum", .integer(range.lowerBound)), ("maximum", .integer(range.upperBound))]
        case .number(let range):
            members += [("minimum", .number(range.lowerBound)), ("maximum", .number(range.upperBound))]
        case .geometry:
            members += [("format", .string(format ?? "geometry-any")), ("x-ogc-role", .string("primary-geometry"))]
        case .string(nil), .boolean: break
        }
        return .object(members)
    }
}
