import GeoModel
import Hummingbird
import Logging
import PortalCore

/// The built-in web map: `/map` (an HTML page), `/map/map.js` (its script), `/map/maplibre-gl.js`
/// and `/map/maplibre-gl.css` (MapLibre GL JS, from ``MapAssets``) and `/map/search?q=NAME` (the
/// core's name search in any script, as `qamtu find --format geojson` writes it, for the page's
/// search box). Nothing the page loads comes from another host: no basemap, fonts or sprites.
///
/// Without the MapLibre files the page and the two files answer 503 saying what to run, and the
/// server logs one warning when it starts.
struct MapAPI: Sendable {
    let portal: Portal
    /// MapLibre GL JS, or why it is missing.
    let assets: Result<MapAssets, MapAssetsMissing>

    /// Layers the search box may search.
    static let searchLayers = ["settlements", "roads", "districts", "sites", "institutions"]
    /// The most candidates `/map/search` returns.
    static let maximumSearchLimit = 50

    /// The map over `portal`, with MapLibre GL JS read from `assetsDirectory`; logs a warning
    /// when the files are missing.
    init(portal: Portal, assetsDirectory: String?, logger: Logger) {
        self.portal = portal
        assets = MapAssets.load(from: assetsDirectory)
        if case .failure(let missing) = assets { logger.warning("\(missing.description)") }
    }

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/map") { request, _ in try page(request) }
        router.get("/map/map.js") { request, _ in try Self.text(request, MapScript.source, type: "text/javascript; charset=utf-8") }
        router.get("/map/maplibre-gl.js") { request, _ in try asset(request, \.script, type: "text/javascript; charset=utf-8") }
        router.get("/map/maplibre-gl.css") { request, _ in try asset(request, \.stylesheet, type: "text/css; charset=utf-8") }
        router.get("/map/search") { request, _ in try await search(request) }
    }

    /// The page; 503 with the install hint (HTML for browsers, an OGC exception otherwise) when
    /// MapLibre GL JS is missing.
    func page(_ request: Request) throws -> Response {
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: [])
        switch assets {
        case .success:
            return try Self.text(request, MapPage.html, type: "text/html; charset=utf-8")
        case .failure(let missing):
            guard request.headers[.accept]?.contains("text/html") == true else { return Self.unavailable(missing) }
            var page = HTMLPage(title: "Qamtu map: MapLibre GL JS is missing")
            page.heading("The map needs MapLibre GL JS")
            page.paragraph(missing.description + ".")
            var response = page.response()
            response.status = .serviceUnavailable
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// One of MapLibre's files, cached by browsers for a day (revalidated by its ETag after that).
    func asset(_ request: Request, _ file: KeyPath<MapAssets, ByteBuffer>, type: String) throws -> Response {
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: [])
        switch assets {
        case .success(let assets):
            var headers = HTTPFields()
            headers[.contentType] = type
            headers[.cacheControl] = "public, max-age=86400"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: assets[keyPath: file]))
        case .failure(let missing):
            return Self.unavailable(missing)
        }
    }

    /// `/map/search?q=NAME&layer=settlements&limit=8`: ranked matches in any script, as GeoJSON
    /// with `match_rank`, `match_kind`, `match_score` and `matched_name` (`qamtu find --format geojson`).
    func search(_ request: Request) async throws -> Response {
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: ["q", "layer", "limit"])
        guard let query = parameters["q"], !query.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw OGCError.invalidParameter("q", "give the name to look for")
        }
        let layerName = parameters["layer"] ?? "settlements"
        guard Self.searchLayers.contains(layerName), let layer = LayerSchema.named(layerName) else {
            throw OGCError.invalidParameter("layer", "must be one of \(Self.searchLayers.joined(separator: ", ")), got '\(QueryParameters.printable(layerName))'")
        }
        let limit = min(try ItemsRequest.integer(parameters["limit"], name: "limit", minimum: 1) ?? 8, Self.maximumSearchLimit)
        let bytes = try await portal.perform { portal in
            let sink = MemorySink()
            try FindWriter(format: .geojson).write(try portal.find(query, in: layer, limit: limit), to: sink)
            return sink.bytes
        }
        return AnalysisAPI.geoJSON(bytes)
    }

    /// `text` as a response of `type` (revalidated by its ETag: it changes with the server).
    static func text(_ request: Request, _ text: String, type: String) throws -> Response {
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: [])
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// 503 `ServiceUnavailable` with the install hint, never cached.
    static func unavailable(_ missing: MapAssetsMissing) -> Response {
        OGCError(status: .serviceUnavailable, code: "ServiceUnavailable", description: missing.description).response()
    }
}
