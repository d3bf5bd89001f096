/// The query parameters of a request, decoded strictly: `+` is a space, `%XX` escapes must be
/// complete hexadecimal pairs, the result must be valid UTF-8 without NUL, and no parameter may
/// appear twice.
///
/// Hummingbird's own decoding forgives malformed escapes; an OGC API server answers them with
/// 400 and says which parameter is wrong.
public struct QueryParameters: Sendable {
    /// The parameters in the order of the request, names as given (OGC API names are case-sensitive).
    public let pairs: [(name: String, value: String)]

    /// Decodes the raw query string (without `?`; nil or empty: no parameters).
    /// - Throws: ``OGCError`` 400 for a malformed escape, invalid UTF-8, an empty name or a repeated name.
    public init(raw: String?) throws(OGCError) {
        var pairs: [(name: String, value: String)] = []
        var seen = Set<String>()
        for part in (raw ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let eq = part.firstIndex(of: "=")
            let rawName = eq.map { part[..<$0] } ?? part
            let rawValue = eq.map { part[part.index(after: $0)...] } ?? ""
            let name = try Self.decode(rawName, parameter: String(rawName))
            guard !name.isEmpty else {
                throw OGCError(status: .badRequest, code: "InvalidParameterValue", description: "a query parameter has no name")
            }
            let value = try Self.decode(rawValue, parameter: name)
            guard seen.insert(name).inserted else {
                throw .invalidParameter(name, "given more than once")
            }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    /// The value of `name`, if given.
    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// The names given.
    public var names: [String] { pairs.map(\.name) }

    /// Percent-decodes one name or value (`+` is a space).
    static func decode(_ text: Substring, parameter: String) throws(OGCError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw .invalidParameter(printable(parameter), "malformed percent-escape (expected %XX with two hexadecimal digits)")
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidParameter(printable(parameter), "not valid UTF-8 after percent-decoding")
        }
        // NUL cannot be a text value (SQLite's C strings would end there); other control
        // characters are values like any other (bound, escaped in HTML, never logged).
        guard !decoded.unicodeScalars.contains("\u{0}") else {
            throw .invalidParameter(printable(parameter), "contains a NUL character")
        }
        return decoded
    }

    /// A parameter name fit for an error message (escapes kept, at most 40 characters).
    static func printable(_ name: String) -> String {
        let shown = name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
        return shown.count > 40 ? String(shown.prefix(40)) + "…" : shown
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
