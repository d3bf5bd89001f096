import GeoModel

/// A JSON value built by the server (landing page, collections, OpenAPI, queryables, reports),
/// with object members in the order given, so that every response is byte-for-byte repeatable.
public indirect enum JSONDocument: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral {
    case object([(String, JSONDocument)])
    case array([JSONDocument])
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONDocument...) { self = .array(elements) }

    /// An object from key–value pairs (in this order).
    public static func members(_ pairs: KeyValuePairs<String, JSONDocument>) -> JSONDocument {
        .object(pairs.map { ($0.key, $0.value) })
    }

    public static func == (a: JSONDocument, b: JSONDocument) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// The member `key` of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSONDocument? {
        if case .object(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    /// Appends the compact JSON text.
    public func encode(into out: inout JSONBuffer) {
        switch self {
        case .object(let pairs):
            out.raw("{")
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out.raw(",") }
                out.string(key)
                out.raw(":")
                value.encode(into: &out)
            }
            out.raw("}")
        case .array(let items):
            out.raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.raw(",") }
                item.encode(into: &out)
            }
            out.raw("]")
        case .string(let text): out.string(text)
        case .integer(let value): out.raw(String(value))
        case .number(let value):
            if value.isFinite {
                out.raw(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
            } else {
                out.raw("null")
            }
        case .bool(let value): out.raw(value ? "true" : "false")
        case .null: out.raw("null")
        }
    }

    /// The compact JSON text as UTF-8, with a final newline.
    public var bytes: [UInt8] {
        var out = JSONBuffer(capacity: 4096)
        encode(into: &out)
        out.raw("\n")
        return out.bytes
    }
}
