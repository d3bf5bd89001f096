import Hummingbird

/// Refuses malformed requests before any handler sees them: a request target longer than the
/// limit (414), a path with `.` or `..` segments, malformed percent-escapes, invalid UTF-8 or
/// control characters (400), methods other than GET, HEAD and OPTIONS (405, with `Allow`), and a request
/// body, whether of a given length or chunked (413). The one exception: with `--writable`, `POST`
/// to the applications (``writablePrefix``) with a body of at most ``maximumBodyBytes`` (its
/// handler stops reading a chunked body at the limit, 413 too).
struct RequestGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let maximumTargetLength: Int
    /// The path prefix that takes `POST` with a body, nil: none (a read-only server).
    var writablePrefix: String? = nil
    /// The largest body a `POST` may announce, bytes.
    var maximumBodyBytes = 0

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let target = request.uri.string
        guard target.utf8.count <= maximumTargetLength else {
            throw OGCError(status: .uriTooLong, code: "URITooLong",
                           description: "the request target is \(target.utf8.count) bytes; at most \(maximumTargetLength) are accepted")
        }
        if request.method == .post, let prefix = writablePrefix,
           request.uri.path == prefix || request.uri.path.hasPrefix(prefix + "/") {
            if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBodyBytes {
                throw OGCError(status: .contentTooLarge, code: "ContentTooLarge",
                               description: "the body is \(length) bytes; at most \(maximumBodyBytes) are accepted")
            }
            try Self.checkPath(request.uri.path)
            return try await next(request, context)
        }
        guard [.get, .head, .options].contains(request.method) else {
            // RFC 9110 (15.5.6): a 405 names the methods the resource answers in Allow.
            let writable = writablePrefix.map { request.uri.path == $0 || request.uri.path.hasPrefix($0 + "/") } ?? false
            let methods = writable ? "GET, HEAD, OPTIONS, POST" : "GET, HEAD, OPTIONS"
            var response = OGCError(status: .methodNotAllowed, code: "MethodNotAllowed",
                                    description: "\(request.method) is not served; this path answers \(methods)").response()
            response.headers[.allow] = methods
            return response
        }
        // A body announced by its length or sent in chunks (Transfer-Encoding) alike.
        if request.headers[.contentLength].flatMap(Int.init).map({ $0 > 0 }) ?? false || request.headers[.transferEncoding] != nil {
            throw OGCError(status: .contentTooLarge, code: "ContentTooLarge", description: "requests to this server carry no body")
        }
        try Self.checkPath(request.uri.path)
        return try await next(request, context)
    }

    /// Checks every segment of the raw path.
    static func checkPath(_ path: String) throws(OGCError) {
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let decoded = try decodeSegment(segment)
            if decoded == "." || decoded == ".." {
                throw OGCError(status: .badRequest, code: "InvalidPath", description: "'.' and '..' are not allowed in the path")
            }
        }
    }

    /// Percent-decodes one path segment strictly (no `+` rule in paths).
    /// - Throws: ``OGCError`` 400 for a malformed escape, invalid UTF-8, a control character or an encoded `/`.
    static func decodeSegment(_ segment: Substring) throws(OGCError) -> String {
        guard segment.contains("%") else {
            guard !segment.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw OGCError(status: .badRequest, code: "InvalidPath", description: "the path contains control characters")
            }
            return String(segment)
        }
        var bytes: [UInt8] = []
        var iterator = segment.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hex), let low = iterator.next().flatMap(hex) else {
                    throw OGCError(status: .badRequest, code: "InvalidPath", description: "the path has a malformed percent-escape")
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw OGCError(status: .badRequest, code: "InvalidPath", description: "the path is not valid UTF-8 after percent-decoding")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "/" }) else {
            throw OGCError(status: .badRequest, code: "InvalidPath", description: "the path contains control characters or an encoded '/'")
        }
        return text
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
