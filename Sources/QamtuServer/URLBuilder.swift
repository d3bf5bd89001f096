/// Builds absolute links on the server's base URL, with query parameters encoded so that a link
/// followed as given (GDAL follows `next` exactly) repeats the request.
struct URLBuilder: Sendable {
    /// The base URL without a trailing slash.
    let base: String

    /// `base + path` with `parameters` (in this order) as the query.
    func url(_ path: String, _ parameters: [(String, String)] = []) -> String {
        guard !parameters.isEmpty else { return base + path }
        return base + path + "?" + parameters.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
    }

    /// Percent-encodes a path segment (a collection or feature id).
    static func segment(_ text: String) -> String { encode(text) }

    /// Percent-encodes everything but RFC 3986's unreserved characters and `,` (bbox and lists
    /// stay readable).
    static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ","):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
