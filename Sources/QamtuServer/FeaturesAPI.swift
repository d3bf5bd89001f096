import GeoModel
import Hummingbird
import PortalCore

/// The OGC API – Features endpoints (Part 1 core, GeoJSON, HTML, OpenAPI 3.0; Part 3 queryables
/// and CQL2 text filters): each handler parses the request into the core's typed query, makes one
/// core call and writes its result.
struct FeaturesAPI: Sendable {
    let portal: Portal
    let catalog: CollectionCatalog
    let urls: URLBuilder
    /// The OpenAPI document, built once.
    let openAPI: JSONValue
    /// The database's change token.
    let changes: ChangeWatcher
    /// `numberMatched` of recent questions, for this change token.
    let counts = CountCache()
    /// Recent JSON answers, for this change token.
    let responses: ResponseCache
    /// Large pages streaming at once (each holds a thread and a read connection).
    let streams = StreamGate(capacity: 32)

    init(portal: Portal, catalog: CollectionCatalog, urls: URLBuilder, changes: ChangeWatcher, responseCacheBytes: Int = 0) {
        responses = ResponseCache(budgetBytes: responseCacheBytes)
        self.portal = portal
        self.catalog = catalog
        self.urls = urls
        self.changes = changes
        openAPI = OpenAPIDocument.build(catalog: catalog, urls: urls, applications: portal.ledger != nil)
    }

    /// The conformance classes this server implements.
    static let conformance = [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    ] + TilesAPI.conformance

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/") { request, _ in try landing(request) }
        router.get("/conformance") { request, _ in try conformance(request) }
        router.get("/api") { request, _ in try api(request) }
        router.get("/api.html") { request, _ in try apiPage(request) }
        router.get("/collections") { request, _ in try collections(request) }
        router.get("/collections/:collectionId") { request, context in
            try collection(request, id: try Self.pathParameter(context, "collectionId"))
        }
        router.get("/collections/:collectionId/queryables") { request, context in
            try queryables(request, id: try Self.pathParameter(context, "collectionId"))
        }
        router.get("/collections/:collectionId/items") { request, context in
            try await items(request, id: try Self.pathParameter(context, "collectionId"))
        }
        router.get("/collections/:collectionId/items/:featureId") { request, context in
            try await item(request, id: try Self.pathParameter(context, "collectionId"),
                           featureId: try Self.pathParameter(context, "featureId"))
        }
    }

    /// A path parameter, percent-decoded strictly.
    static func pathParameter<Context: RequestContext>(_ context: Context, _ name: String) throws(OGCError) -> String {
        guard let raw = context.parameters.get(name) else { throw .notFound("missing path parameter \(name)") }
        return try RequestGuardMiddleware<Context>.decodeSegment(Substring(raw))
    }

    /// Parses the query and checks that only `allowed` parameters are present; returns them and the format.
    static func parameters(_ request: Request, allowed: Set<String>) throws(OGCError) -> (QueryParameters, ResponseFormat) {
        let parameters = try QueryParameters(raw: request.uri.query)
        for name in parameters.names where !allowed.contains(name) {
            throw .invalidParameter(QueryParameters.printable(name), "unknown parameter; this resource takes \(allowed.sorted().joined(separator: ", "))")
        }
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        return (parameters, format)
    }

    /// A JSON response.
    static func json(_ document: JSONValue, type: String = Link.json) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: document.jsonBytes)))
    }

    /// Links to this resource in JSON (self when JSON is asked) and HTML.
    func selfLinks(_ path: String, format: ResponseFormat, jsonType: String = Link.json, title: String) -> [Link] {
        let json = Link(href: urls.url(path, [("f", "json")]), rel: format == .json ? "self" : "alternate", type: jsonType, title: "\(title) as JSON")
        let html = Link(href: urls.url(path, [("f", "html")]), rel: format == .html ? "self" : "alternate", type: Link.html, title: "\(title) as HTML")
        return format == .json ? [json, html] : [html, json]
    }

    func landing(_ request: Request) throws -> Response {
        let (_, format) = try Self.parameters(request, allowed: ["f"])
        let links = selfLinks("/", format: format, title: "This document") + [
            Link(href: urls.url("/api"), rel: "service-desc", type: Link.openAPI, title: "The API definition (OpenAPI 3.0)"),
            Link(href: urls.url("/api.html"), rel: "service-doc", type: Link.html, title: "The API documentation"),
            Link(href: urls.url("/conformance"), rel: "conformance", type: Link.json, title: "Conformance classes implemented"),
            Link(href: urls.url("/collections"), rel: "data", type: Link.json, title: "The collections"),
            Link(href: urls.url("/tiles"), rel: TilesAPI.tilesetsRelation, type: Link.json, title: "Vector tiles of every layer"),
            Link(href: urls.url("/tileMatrixSets"), rel: TilesAPI.tilingSchemesRelation, type: Link.json, title: "The tile matrix sets"),
        ]
        let title = "Qamtu"
        let description = "Connectivity planning data of the region: settlements, districts, roads, telecom sites, institutions and commitments (OGC API – Features)"
        if format == .html {
            var page = HTMLPage(title: title)
            page.heading(title)
            page.paragraph(description)
            page.links(links.filter { $0.type == Link.html || $0.rel == "service-desc" }.map { ($0.href, $0.title ?? $0.rel) }
                + [(urls.url("/collections", [("f", "html")]), "The collections")])
            return page.response()
        }
        return Self.json(.members(["title": .string(title), "description": .string(description),
                                   "links": .array(links.map(\.document))]))
    }

    func conformance(_ request: Request) throws -> Response {
        let (_, format) = try Self.parameters(request, allowed: ["f"])
        if format == .html {
            var page = HTMLPage(title: "Conformance")
            page.heading("Conformance classes")
            page.links(Self.conformance.map { ($0, $0) })
            return page.response()
        }
        return Self.json(.members(["conformsTo": .array(Self.conformance.map { .string($0) })]))
    }

    func api(_ request: Request) throws -> Response {
        let (_, format) = try Self.parameters(request, allowed: ["f"])
        if format == .html { return try apiPage(request) }
        return Self.json(openAPI, type: Link.openAPI)
    }

    /// The API documentation for people: every path with its parameters, from the OpenAPI document.
    func apiPage(_ request: Request) throws -> Response {
        _ = try Self.parameters(request, allowed: ["f"])
        var page = HTMLPage(title: "Qamtu API")
        page.heading("Qamtu API (OGC API – Features)")
        page.links([(urls.url("/api"), "The OpenAPI 3.0 definition (JSON)")])
        if case .object(let paths)? = openAPI["paths"] {
            for (path, item) in paths.map({ ($0.key, $0.value) }) {
                page.heading(path, level: 2)
                if let summary = item["get"]?["summary"], case .string(let text) = summary { page.paragraph(text) }
                var rows: [[(text: String, href: String?)]] = []
                if case .array(let parameters)? = item["get"]?["parameters"] {
                    for parameter in parameters {
                        let resolved = OpenAPIDocument.resolve(parameter, in: openAPI)
                        var name = "", location = "", text = ""
                        if case .string(let n)? = resolved["name"] { name = n }
                        if case .string(let l)? = resolved["in"] { location = l }
                        if case .string(let d)? = resolved["description"] { text = d }
                        rows.append([(name, nil), (location, nil), (text, nil)])
                    }
                }
                if !rows.isEmpty { page.table(header: ["parameter", "in", "description"], rows: rows) }
            }
        }
        return page.response()
    }

    /// The JSON description of one collection.
    func collectionDocument(_ entry: CollectionCatalog.Entry, format: ResponseFormat) -> JSONValue {
        let path = "/collections/\(URLBuilder.segment(entry.id))"
        let links = selfLinks(path, format: format, title: entry.title) + [
            Link(href: urls.url(path + "/items", [("f", "json")]), rel: "items", type: Link.geoJSON, title: "\(entry.title) as GeoJSON"),
            Link(href: urls.url(path + "/items", [("f", "html")]), rel: "items", type: Link.html, title: "\(entry.title) as HTML"),
            Link(href: urls.url(path + "/queryables"), rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                 type: Link.schema, title: "Queryable properties of \(entry.title)"),
            // Every property is queryable, so the queryables are also the features' schema: GDAL
            // types its columns from it instead of guessing from the first page.
            Link(href: urls.url(path + "/queryables"), rel: "describedby", type: Link.schema,
                 title: "The properties of \(entry.title) (JSON Schema)"),
        ] + (TilesAPI.hasTiles(entry) ? [
            Link(href: urls.url(path + "/tiles"), rel: TilesAPI.tilesetsRelation, type: Link.json, title: "Vector tiles of \(entry.title)"),
        ] : [])
        return .members([
            "id": .string(entry.id), "title": .string(entry.title), "description": .string(entry.description),
            "itemType": "feature", "crs": [.string(ItemsRequest.crs84)], "storageCrs": .string(ItemsRequest.crs84),
            "links": .array(links.map(\.document)),
        ])
    }

    func collections(_ request: Request) throws -> Response {
        let (_, format) = try Self.parameters(request, allowed: ["f"])
        if format == .html {
            var page = HTMLPage(title: "Collections")
            page.heading("Collections")
            page.table(header: ["collection", "description"], rows: catalog.entries.map { entry in
                [(entry.title, urls.url("/collections/\(URLBuilder.segment(entry.id))", [("f", "html")])), (entry.description, nil)]
            })
            return page.response()
        }
        let links = selfLinks("/collections", format: format, title: "The collections")
        return Self.json(.members(["links": .array(links.map(\.document)),
                                   "collections": .array(catalog.entries.map { collectionDocument($0, format: .json) })]))
    }

    func collection(_ request: Request, id: String) throws -> Response {
        let (_, format) = try Self.parameters(request, allowed: ["f"])
        let entry = try catalog.entry(id)
        if format == .html {
            var page = HTMLPage(title: entry.title)
            page.heading(entry.title)
            page.paragraph(entry.description)
            let path = "/collections/\(URLBuilder.segment(entry.id))"
            page.links([(urls.url(path + "/items", [("f", "html")]), "Items"),
                        (urls.url(path + "/items", [("f", "json")]), "Items as GeoJSON"),
                        (urls.url(path + "/queryables", [("f", "html")]), "Queryables")])
            return page.response()
        }
        return Self.json(collectionDocument(entry, format: format))
    }

    func queryables(_ request: Request, id: String) throws -> Response {
        let (_, format) = try Self.parameters(request, allowed: ["f"])
        let entry = try catalog.entry(id)
        let document = OpenAPIDocument.queryables(entry, urls: urls)
        if format == .html {
            var page = HTMLPage(title: "Queryables of \(entry.title)")
            page.heading("Queryables of \(entry.title)")
            var rows: [[(text: String, href: String?)]] = []
            if case .object(let properties)? = document["properties"] {
                for (name, schema) in properties.map({ ($0.key, $0.value) }) {
                    var type = ""
                    if case .string(let t)? = schema["type"] { type = t } else if case .string(let f)? = schema["format"] { type = f }
                    rows.append([(name, nil), (type, nil)])
                }
            }
            page.table(header: ["property", "type"], rows: rows)
            return page.response()
        }
        return Self.json(document, type: Link.schema)
    }
}
