extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// An object from key–value pairs, in this order (documents built by the server: landing
    /// page, collections, OpenAPI, reports).
    public static func members(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { (key: $0.key, value: $0.value) })
    }

    /// Appends the value as compact JSON text, members in their order (so the same value always
    /// gives the same bytes); a non-finite number is written as `null`.
    public func write(into out: inout JSONBuffer) {
        switch self {
        case .object(let members):
            out.raw("{")
            for (i, member) in members.enumerated() {
                if i > 0 { out.raw(",") }
                out.string(member.key)
                out.raw(":")
                member.value.write(into: &out)
            }
            out.raw("}")
        case .array(let items):
            out.raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.raw(",") }
                item.write(into: &out)
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

    /// The compact JSON text as UTF-8 with a final newline.
    public var jsonBytes: [UInt8] {
        var out = JSONBuffer(capacity: 4096)
        write(into: &out)
        out.raw("\n")
        return out.bytes
    }
}
