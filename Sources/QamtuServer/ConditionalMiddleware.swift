import Foundation
import Hummingbird
import PortalCore

/// Entity tags and caching: every successful `GET` gets a weak `ETag` made of the database's change
/// token and a hash of the request (target and `Accept`), so it changes when the data or the
/// question changes; a request whose `If-None-Match` names it is answered 304 without running the
/// handler. Data responses may be stored but must be revalidated (`Cache-Control: public,
/// no-cache`), so an import is seen at once.
struct ConditionalMiddleware<Context: RequestContext>: RouterMiddleware {
    let changes: ChangeWatcher
    /// Paths whose answers are never cached (they describe the process, not the data).
    let uncached: Set<String> = ["/health", "/metrics"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The private applications carry their own strong ETag of the version and are never stored.
        if request.uri.path == ApplicationsAPI.pathPrefix || request.uri.path.hasPrefix(ApplicationsAPI.pathPrefix + "/") {
            return try await next(request, context)
        }
        guard request.method == .get || request.method == .head, !uncached.contains(request.uri.path) else {
            var response = try await next(request, context)
            if uncached.contains(request.uri.path) { response.headers[.cacheControl] = "no-store" }
            return response
        }
        let tag = Self.entityTag(token: changes.current, target: request.uri.string, accept: request.headers[.accept],
                                 year: CalendarYear.current)
        if let wanted = request.headers[.ifNoneMatch], Self.matches(wanted, tag) {
            var headers = HTTPFields()
            headers[.eTag] = tag
            headers[.cacheControl] = "public, no-cache"
            headers[.vary] = "Accept, Accept-Encoding"
            return Response(status: .notModified, headers: headers)
        }
        var response = try await next(request, context)
        if (200..<300).contains(response.status.code) {
            response.headers[.eTag] = tag
            if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "public, no-cache" }
            GzipMiddleware<Context>.addVary(&response.headers, "Accept")
        }
        return response
    }

    /// `W/"<token>-<hash>"`: the token in hexadecimal, and the FNV-1a 64-bit hash of the target, the
    /// `Accept` header and the current year (answers without `as-of` are as of this year), stable
    /// across processes, unlike Swift's seeded `Hasher`.
    static func entityTag(token: Int64, target: String, accept: String?, year: Int) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in target.utf8 + [0] + (accept ?? "").utf8 + [0] + String(year).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return "W/\"\(String(UInt64(bitPattern: token), radix: 16))-\(String(hash, radix: 16))\""
    }

    /// Whether an `If-None-Match` list names `tag` (weak comparison). `*` is not honoured here: it
    /// matches only a resource that exists, which is known only after the handler ran.
    static func matches(_ header: String, _ tag: String) -> Bool {
        let bare = tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
        for candidate in header.split(separator: ",") {
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            let value = trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed
            if value == bare { return true }
        }
        return false
    }
}
