import Foundation
import GeoModel
import Hummingbird
import PortalCore

/// The service applications over HTTP (`qamtu serve --writable`), every route behind a bearer token:
///
/// - `POST /applications`: a GeoJSON Feature (Point; `service_id`, `applicant_name`,
///   `applicant_iin`, `applicant_phone`, `applicant_email`, `note`) → 201 with the application,
///   its `ETag` and `Location`; 422 listing every field problem.
/// - `GET /applications?status=&service=&district=&limit=&offset=`: the applications the user may
///   see, paged, as a FeatureCollection with `numberMatched` and a `next` link.
/// - `GET /applications/{id}`, `GET /applications/{id}/events`.
/// - `POST /applications/{id}/transitions` `{"to": …, "note": …}` with `If-Match` (428 without
///   it, 412 when stale, `*` for whatever is current, 409 for a move the workflow forbids, 403 for one the role may not make).
///
/// 401 without a valid token, 403 for an application that is not the user's; failed sign-ins are
/// limited per client address (429). Answers are `Cache-Control: no-store` and never logged;
/// error messages name fields, never the applicant's details.
struct ApplicationsAPI: Sendable {
    /// The paths of the private API (never cached, the only ones taking bodies).
    static let pathPrefix = "/applications"

    let portal: Portal
    let urls: URLBuilder
    let limiter: AuthenticationLimiter
    /// The largest request body accepted, bytes.
    let maximumBodyBytes: Int
    /// Proxies whose `X-Forwarded-For` names the client.
    let trustedProxies: Set<String>
    /// The `X-Forwarded-For` header of a request (all its fields, comma-joined), or nil.
    static func forwardedFor(_ request: Request) -> String? {
        let values = request.headers.filter { $0.name.canonicalName == "x-forwarded-for" }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ",")
    }
    /// The change token of the public collections' caches and ETags, advanced after each write
    /// so that the public `applications` collection and its tiles show it at once.
    let changes: ChangeWatcher

    func register(on router: Router<QamtuRequestContext>) {
        router.post("/applications") { request, context in try await guarded(request, context) { user in try await submit(request, user) } }
        router.get("/applications") { request, context in try await guarded(request, context) { user in try await list(request, user) } }
        router.get("/applications/{id}") { request, context in
            try await guarded(request, context) { user in try await show(try id(context), user) }
        }
        router.get("/applications/{id}/events") { request, context in
            try await guarded(request, context) { user in try await events(try id(context), user) }
        }
        router.post("/applications/{id}/transitions") { request, context in
            try await guarded(request, context) { user in try await transition(request, try id(context), user) }
        }
    }

    private func id(_ context: QamtuRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw OGCError.notFound("no application id in the path") }
        return id
    }

    /// Refuses a client over the sign-in limit (429), authenticates the request (401, counting a
    /// wrong token against the client), runs `body` with its user and makes its answer private
    /// (`no-store`). Errors thrown by `body` become OGC exceptions in ``OGCError`` (field problems:
    /// 422 with the list of problems).
    private func guarded(_ request: Request, _ context: QamtuRequestContext,
                         _ body: (PortalUser) async throws -> Response) async throws -> Response {
        let client = ClientAddress.key(peer: context.remoteAddress?.ipAddress, forwardedFor: Self.forwardedFor(request),
                                       trustedProxies: trustedProxies)
        if let seconds = limiter.retryAfter(client) {
            return OGCError.tooManyRequests("too many failed sign-ins from this address; try again in \(seconds) s",
                                            retryAfterSeconds: seconds).response()
        }
        let user: PortalUser
        do {
            let token = Self.bearerToken(request.headers[.authorization])
            user = try await portal.perform { try $0.authenticate(token: token) }
        } catch let error as ApplicationError {
            // A wrong token is a guess; a request without one (a browser, a probe) guesses nothing.
            if request.headers[.authorization] != nil { limiter.recordFailure(client) }
            var response = OGCError.from(error).error.response()
            response.headers[.wwwAuthenticate] = "Bearer realm=\"qamtu\""
            return response
        }
        var response = try await body(user)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The token of an `Authorization: Bearer …` header.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// The request body as JSON, at most ``maximumBodyBytes``.
    private func jsonBody(_ request: Request) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: maximumBodyBytes)
        do {
            return try JSONParser.parse(Array(buffer.readableBytesView))
        } catch {
            throw OGCError(status: .badRequest, code: "InvalidBody", description: "the body is not JSON: \(error)")
        }
    }

    private func submit(_ request: Request, _ user: PortalUser) async throws -> Response {
        let application = try await portal.submitApplication(feature: try await jsonBody(request), by: user)
        await changed()
        var response = Self.application(application, status: .created)
        response.headers[.location] = urls.url("/applications/" + URLBuilder.segment(application.id))
        return response
    }

    private func show(_ id: String, _ user: PortalUser) async throws -> Response {
        Self.application(try await portal.perform { try $0.application(id, for: user) }, status: .ok)
    }

    private func events(_ id: String, _ user: PortalUser) async throws -> Response {
        let events = try await portal.perform { try $0.events(ofApplication: id, for: user) }
        return Self.json(ApplicationJSON.events(events, of: id), status: .ok, contentType: Link.json)
    }

    private func list(_ request: Request, _ user: PortalUser) async throws -> Response {
        let parameters = try QueryParameters(raw: request.uri.query)
        let allowed: Set<String> = ["status", "service", "district", "limit", "offset"]
        if let unknown = parameters.names.first(where: { !allowed.contains($0) }) {
            throw OGCError.invalidParameter(QueryParameters.printable(unknown), "unknown parameter (known: status, service, district, limit, offset)")
        }
        var query = ApplicationQuery()
        if let status = parameters["status"] {
            guard let parsed = ApplicationStatus(rawValue: status) else {
                throw OGCError.invalidParameter("status", "one of \(ApplicationStatus.spellings)")
            }
            query.status = parsed
        }
        query.serviceID = parameters["service"]
        query.district = parameters["district"]
        if let text = parameters["limit"] {
            guard let limit = Int(text), (1...1000).contains(limit) else { throw OGCError.invalidParameter("limit", "an integer 1…1000") }
            query.limit = limit
        }
        if let text = parameters["offset"] {
            guard let offset = Int(text), offset >= 0 else { throw OGCError.invalidParameter("offset", "an integer ≥ 0") }
            query.offset = offset
        }
        let page = try await portal.perform { [query] in try $0.applications(query, for: user) }
        var links: [JSONValue] = []
        func link(_ rel: String, offset: Int) -> JSONValue {
            var pairs: [(String, String)] = []
            if let status = query.status { pairs.append(("status", status.rawValue)) }
            if let service = query.serviceID { pairs.append(("service", service)) }
            if let district = query.district { pairs.append(("district", district)) }
            pairs += [("limit", String(query.limit)), ("offset", String(offset))]
            return .object([("href", .string(urls.url("/applications", pairs))), ("rel", .string(rel)), ("type", .string(Link.geoJSON))])
        }
        links.append(link("self", offset: query.offset))
        if query.offset + page.items.count < page.matched { links.append(link("next", offset: query.offset + page.items.count)) }
        let body: JSONValue = .object([
            ("type", "FeatureCollection"), ("numberMatched", .integer(Int64(page.matched))),
            ("numberReturned", .integer(Int64(page.items.count))), ("links", .array(links)),
            ("features", .array(page.items.map(ApplicationJSON.feature))),
        ])
        return Self.json(body, status: .ok, contentType: Link.geoJSON)
    }

    private func transition(_ request: Request, _ id: String, _ user: PortalUser) async throws -> Response {
        guard let ifMatch = request.headers[.ifMatch] else {
            throw OGCError.preconditionRequired("a transition needs If-Match with the application's ETag (from GET /applications/\(id))")
        }
        let body = try await jsonBody(request)
        var problems: [String] = []
        if case .object(let pairs) = body {
            for key in pairs.map(\.key) where key != "to" && key != "note" { problems.append("\(key): unknown field (known: to, note)") }
        } else {
            problems.append("the body must be a JSON object {\"to\": …, \"note\": …}")
        }
        let target = body["to"]?.stringValue.flatMap(ApplicationStatus.init(rawValue:))
        if target == nil { problems.append("to: required, one of \(ApplicationStatus.spellings)") }
        let note: String?
        switch body["note"] {
        case nil, .null?: note = nil
        case .string(let text)?: note = text
        default: note = nil; problems.append("note: must be a string")
        }
        guard problems.isEmpty, let target else { throw ApplicationError.invalidFields(problems) }
        // `If-Match: *` (RFC 9110): whatever version is current.
        let anyVersion = ifMatch.trimmingCharacters(in: .whitespaces) == "*"
        let version = anyVersion ? nil : Self.version(ifMatch: ifMatch, id: id)
        guard anyVersion || version != nil else {
            throw OGCError.preconditionFailed("If-Match does not name a version of this application; GET it for its current ETag")
        }
        let moved = try await portal.transitionApplication(id, to: target, note: note, expectedVersion: version, by: user)
        await changed()
        return Self.application(moved, status: .ok)
    }

    /// Advances the change token after a committed write (the watcher would see it only at its
    /// next poll, while caches answered with the data before it). A failure to read the token
    /// leaves that to the watcher: the write itself is on disk.
    private func changed() async {
        try? await changes.refresh(ownWrite: true)
    }

    /// The entity tag of a version of an application: `"A-000042.3"` (strong).
    static func entityTag(_ application: ServiceApplication) -> String { "\"\(application.id).\(application.version)\"" }

    /// The version an `If-Match` names for application `id`; nil when it names another
    /// application, a weak tag, a list of tags or nothing parseable (none of which is matched).
    static func version(ifMatch header: String, id: String) -> Int64? {
        let tag = header.trimmingCharacters(in: .whitespaces)
        guard tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count >= 2 else { return nil }
        let inner = tag.dropFirst().dropLast()
        guard let dot = inner.lastIndex(of: "."), inner[..<dot] == Substring(id) else { return nil }
        return Int64(inner[inner.index(after: dot)...])
    }

    static func application(_ application: ServiceApplication, status: HTTPResponse.Status) -> Response {
        var response = json(ApplicationJSON.feature(application), status: status, contentType: Link.geoJSON)
        response.headers[.eTag] = entityTag(application)
        return response
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: ApplicationJSON.bytes(value))))
    }
}
