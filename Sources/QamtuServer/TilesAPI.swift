import Coverage
import Foundation
import GeoModel
import Geodesy
import Hummingbird
import PortalCore
import VectorTiles

/// OGC API – Tiles (Part 1) with Mapbox Vector Tiles 2.1 in the `WebMercatorQuad` tile matrix
/// set: the tile matrix set, tileset lists and tileset metadata of the dataset (every stored
/// layer in one tile) and of each collection (coverage with `as-of` and `scenario`), TileJSON
/// 3.0 for each (`f=tilejson`), and the tiles, `{tileMatrix}/{tileRow}/{tileCol}` (z/y/x).
///
/// Tiles are made by the core on its executor (``Portal/tile(_:layers:)``) and kept in a cache
/// with a byte budget that a new database change token empties; an empty tile answers 204.
struct TilesAPI: Sendable {
    let portal: Portal
    let urls: URLBuilder
    let catalog: CollectionCatalog
    let changes: ChangeWatcher
    let analysis: AnalysisAPI
    /// Recent tiles by request, for this change token.
    let cache: ResponseCache

    /// The media type of a tile.
    static let mvtType = "application/vnd.mapbox-vector-tile"
    /// The media type of TileJSON.
    static let tileJSONType = "application/json"
    /// The tile matrix set's id and URI.
    static let matrixSet = "WebMercatorQuad"
    static let matrixSetURI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    /// The zooms that TileJSON and the tilesets announce (clients overzoom beyond the last;
    /// the server answers every zoom of the matrix set, 0…24).
    static let zooms = 0...14

    /// The conformance classes of OGC API – Tiles and TMS this server implements.
    static let conformance = [
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
        "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
        "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
    ]

    /// The relation of links to vector tilesets, and to the tiling scheme.
    static let tilesetsRelation = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
    static let tilingSchemeRelation = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
    static let tilingSchemesRelation = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"

    init(portal: Portal, urls: URLBuilder, catalog: CollectionCatalog, changes: ChangeWatcher, analysis: AnalysisAPI,
         cacheBytes: Int) {
        self.portal = portal
        self.urls = urls
        self.catalog = catalog
        self.changes = changes
        self.analysis = analysis
        cache = ResponseCache(budgetBytes: cacheBytes)
    }

    /// Whether a collection has tiles (a geometry of its own).
    static func hasTiles(_ entry: CollectionCatalog.Entry) -> Bool {
        entry.layer.geometryType != nil && !entry.layer.geometryIsDerived
    }

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/tileMatrixSets") { request, _ in try tileMatrixSets(request) }
        router.get("/tileMatrixSets/:tileMatrixSetId") { request, context in
            try tileMatrixSet(request, id: try FeaturesAPI.pathParameter(context, "tileMatrixSetId"))
        }
        router.get("/tiles") { request, _ in try tilesets(request, collection: nil) }
        router.get("/tiles/:tileMatrixSetId") { request, context in
            try await tileset(request, collection: nil, matrixSet: try FeaturesAPI.pathParameter(context, "tileMatrixSetId"))
        }
        router.get("/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol") { request, context in
            try await tile(request, collection: nil, context: context)
        }
        // The computed collections have routes of their own under /collections/{id} (see
        // AnalysisAPI), so theirs are registered by name, the layers' with a parameter.
        for computed in ComputedCollection.allCases {
            let path = "/collections/\(computed.rawValue)/tiles"
            router.get(RouterPath(path)) { request, _ in try tilesets(request, collection: computed.rawValue) }
            router.get(RouterPath(path + "/:tileMatrixSetId")) { request, context in
                try await tileset(request, collection: computed.rawValue, matrixSet: try FeaturesAPI.pathParameter(context, "tileMatrixSetId"))
            }
            router.get(RouterPath(path + "/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol")) { request, context in
                try await tile(request, collection: computed.rawValue, context: context)
            }
        }
        router.get("/collections/:collectionId/tiles") { request, context in
            try tilesets(request, collection: try FeaturesAPI.pathParameter(context, "collectionId"))
        }
        router.get("/collections/:collectionId/tiles/:tileMatrixSetId") { request, context in
            try await tileset(request, collection: try FeaturesAPI.pathParameter(context, "collectionId"),
                              matrixSet: try FeaturesAPI.pathParameter(context, "tileMatrixSetId"))
        }
        router.get("/collections/:collectionId/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol") { request, context in
            try await tile(request, collection: try FeaturesAPI.pathParameter(context, "collectionId"), context: context)
        }
    }

    // MARK: resolving a request

    /// The collection of a tiles path (nil: the dataset), checked to have tiles.
    private func entry(_ id: String?) throws(OGCError) -> CollectionCatalog.Entry? {
        guard let id else { return nil }
        let entry = try catalog.entry(id)
        guard Self.hasTiles(entry) else {
            throw .notFound("collection \(entry.id) has no geometry of its own and no tiles")
        }
        return entry
    }

    private static func checkMatrixSet(_ id: String) throws(OGCError) {
        guard id == matrixSet else {
            throw .notFound("no tile matrix set '\(QueryParameters.printable(id))'; the tile matrix set is \(matrixSet)")
        }
    }

    /// The query parameters a tiles resource of `entry` takes besides `f`.
    private static func analysisParameters(_ entry: CollectionCatalog.Entry?) -> [String] {
        switch entry?.kind {
        case .computed(.coverage)?: ["as-of", "scenario", "profile"]
        case .computed(.footprints)?: ["as-of", "scenario"]
        default: []
        }
    }

    /// Checks a computed collection's `as-of`, `scenario` and `profile` on its tileset resources
    /// too, not only on its tiles.
    private static func checkAnalysis(_ parameters: QueryParameters, _ entry: CollectionCatalog.Entry?) throws(OGCError) {
        let names = analysisParameters(entry)
        guard !names.isEmpty else { return }
        _ = try AnalysisParameters.request(parameters, profile: names.contains("profile"))
    }

    /// The path of the tilesets of `entry` (nil: the dataset's).
    private static func basePath(_ entry: CollectionCatalog.Entry?) -> String {
        entry.map { "/collections/\(URLBuilder.segment($0.id))/tiles" } ?? "/tiles"
    }

    /// The stored layers drawn in a tile of `entry`.
    private static func layers(_ entry: CollectionCatalog.Entry?) -> [LayerSchema] {
        guard let entry else { return Portal.tiledLayers }
        return [entry.layer]
    }

    // MARK: tiles

    func tile<Context: RequestContext>(_ request: Request, collection id: String?, context: Context) async throws -> Response {
        let entry = try entry(id)
        let matrixSet = try FeaturesAPI.pathParameter(context, "tileMatrixSetId")
        try Self.checkMatrixSet(matrixSet)
        let tile = try Self.coordinate(z: FeaturesAPI.pathParameter(context, "tileMatrix"),
                                       row: FeaturesAPI.pathParameter(context, "tileRow"),
                                       column: FeaturesAPI.pathParameter(context, "tileCol"))
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: Self.analysisParameters(entry) + ["f"])
        if let f = parameters["f"], f != "mvt" {
            throw OGCError.notAcceptable("f=\(QueryParameters.printable(f)): tiles are Mapbox Vector Tiles only (f=mvt)")
        }
        let token = changes.current
        let key = request.uri.description
        if let cached = cache.answer(for: key, token: token) { return Self.tileResponse(cached) }
        let bytes: [UInt8]
        switch entry?.kind {
        case .computed(.coverage)?:
            let listing = try await analysis.coverage(AnalysisParameters.request(parameters))
            bytes = try await portal.perform { _ in Portal.coverageTile(tile, result: listing.result) }
        case .computed(.footprints)?:
            let footprints = try await analysis.footprints(AnalysisParameters.request(parameters, profile: false),
                                                           operatorName: nil, technology: nil)
            bytes = try await portal.perform { _ in Portal.footprintTile(tile, footprints: footprints) }
        default:
            let layers = Self.layers(entry)
            bytes = try await portal.perform { try $0.tile(tile, layers: layers) }
        }
        let buffer = ByteBuffer(bytes: bytes)
        cache.keep(buffer, for: key, token: token)
        return Self.tileResponse(buffer)
    }

    /// A tile's response: the tile, or 204 when it is empty.
    static func tileResponse(_ buffer: ByteBuffer) -> Response {
        var headers = HTTPFields()
        guard buffer.readableBytes > 0 else { return Response(status: .noContent, headers: headers) }
        headers[.contentType] = mvtType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    /// The tile of the path's zoom, row and column (decimal integers), or 400/404.
    static func coordinate(z: String, row: String, column: String) throws(OGCError) -> TileCoordinate {
        func integer(_ text: String, _ name: String) throws(OGCError) -> Int {
            guard !text.isEmpty, text.count <= 9, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let value = Int(text) else {
                throw .invalidParameter(name, "'\(QueryParameters.printable(text))' is not a whole number of 0 or more")
            }
            return value
        }
        let z = try integer(z, "tileMatrix")
        let y = try integer(row, "tileRow")
        let x = try integer(column, "tileCol")
        do {
            return try TileCoordinate(z: z, x: x, y: y)
        } catch {
            throw .notFound(error.description)
        }
    }

    // MARK: metadata

    /// `/tiles`, `/collections/{id}/tiles`: the list of tilesets (one, WebMercatorQuad).
    func tilesets(_ request: Request, collection id: String?) throws -> Response {
        let entry = try entry(id)
        let (parameters, format) = try FeaturesAPI.parameters(request, allowed: Set(["f"] + Self.analysisParameters(entry)))
        try Self.checkAnalysis(parameters, entry)
        let base = Self.basePath(entry)
        let kept = Self.kept(parameters, entry)
        let title = entry?.title ?? "All layers"
        let summary = tilesetSummary(entry, kept: kept)
        if format == .html {
            var page = HTMLPage(title: "\(title): tiles")
            page.heading("\(title): vector tiles")
            page.paragraph("Mapbox Vector Tiles in the \(Self.matrixSet) tile matrix set (EPSG:3857), tiles at "
                + "\(base)/\(Self.matrixSet)/{tileMatrix}/{tileRow}/{tileCol} (zoom/row/column).")
            page.links([(urls.url(base + "/" + Self.matrixSet, kept + [("f", "tilejson")]), "TileJSON 3.0"),
                        (urls.url(base + "/" + Self.matrixSet, kept), "Tileset metadata (JSON)")])
            return page.response()
        }
        let links = [Link(href: urls.url(base, kept + [("f", "json")]), rel: "self", type: Link.json, title: "\(title): tilesets")]
        return FeaturesAPI.json(.members(["links": .array(links.map(\.document)), "tilesets": .array([summary])]))
    }

    /// A tileset's entry in a list: data type, CRS, matrix set and links.
    private func tilesetSummary(_ entry: CollectionCatalog.Entry?, kept: [(String, String)]) -> JSONValue {
        let base = Self.basePath(entry) + "/" + Self.matrixSet
        return .members([
            "title": .string((entry?.title ?? "All layers") + " (\(Self.matrixSet))"),
            "dataType": "vector",
            "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
            "tileMatrixSetURI": .string(Self.matrixSetURI),
            "links": .array(tilesetLinks(base: base, kept: kept).map(\.document)),
        ])
    }

    private func tilesetLinks(base: String, kept: [(String, String)]) -> [Link] {
        [
            Link(href: urls.url(base, kept), rel: "self", type: Link.json, title: "Tileset metadata"),
            Link(href: urls.url(base, kept + [("f", "tilejson")]), rel: "alternate", type: Self.tileJSONType, title: "TileJSON 3.0"),
            Link(href: urls.url("/tileMatrixSets/" + Self.matrixSet), rel: Self.tilingSchemeRelation, type: Link.json,
                 title: "The tile matrix set"),
        ]
    }

    /// The template of the tiles' URLs with `{z}/{y}/{x}` or OGC's names, with the kept parameters.
    private func template(base: String, kept: [(String, String)], ogc: Bool) -> String {
        let placeholders = ogc ? "{tileMatrix}/{tileRow}/{tileCol}" : "{z}/{y}/{x}"
        let url = urls.url(base + "/" + placeholders, kept)
        // The braces are a template's, not data: URLBuilder percent-encodes them.
        return url.replacingOccurrences(of: "%7B", with: "{").replacingOccurrences(of: "%7D", with: "}")
    }

    /// The `as-of`, `scenario` and `profile` of a coverage request, kept in its tile URLs.
    private static func kept(_ parameters: QueryParameters, _ entry: CollectionCatalog.Entry?) -> [(String, String)] {
        analysisParameters(entry).compactMap { name in parameters[name].map { (name, $0) } }
    }

    /// `/tiles/WebMercatorQuad`, `/collections/{id}/tiles/WebMercatorQuad`: OGC tileset metadata,
    /// or TileJSON 3.0 with `f=tilejson`.
    func tileset(_ request: Request, collection id: String?, matrixSet: String) async throws -> Response {
        let entry = try entry(id)
        try Self.checkMatrixSet(matrixSet)
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: Self.analysisParameters(entry) + ["f"])
        // JSON only: OGC's tileset metadata, or TileJSON with f=tilejson.
        if let f = parameters["f"], f != "json", f != "tilejson" {
            throw OGCError.notAcceptable("f=\(QueryParameters.printable(f)): a tileset is described as json or tilejson")
        }
        let wantsTileJSON = parameters["f"] == "tilejson"
        try Self.checkAnalysis(parameters, entry)
        let kept = Self.kept(parameters, entry)
        let layers = Self.layers(entry)
        let stored = entry.map { $0.kind == .layer } ?? true
        let bbox = try await stored ? portal.perform { try $0.extent(of: layers) } : portal.perform { try $0.extent(of: [.settlements]) }
        let base = Self.basePath(entry) + "/" + Self.matrixSet
        let title = entry?.title ?? "All layers"
        let schemas = entry.map { [$0.layer] } ?? layers
        let vectorLayers = Portal.vectorLayers(schemas, zooms: Self.zooms)
        if wantsTileJSON {
            var members: [(key: String, value: JSONValue)] = [
                ("tilejson", "3.0.0"),
                ("name", .string(entry?.id ?? "qamtu")),
                ("description", .string(entry?.description ?? "Every layer of the portal: " + layers.map(\.name).joined(separator: ", "))),
                ("version", "1.0.0"),
                ("scheme", "xyz"),
                ("tiles", .array([.string(template(base: base, kept: kept, ogc: false))])),
                ("minzoom", .integer(Int64(Self.zooms.lowerBound))),
                ("maxzoom", .integer(Int64(Self.zooms.upperBound))),
                ("vector_layers", vectorLayers),
            ]
            if let bbox {
                members.append(("bounds", .array([bbox.minLongitude, bbox.minLatitude, bbox.maxLongitude, bbox.maxLatitude].map { .number($0) })))
                members.append(("center", .array([.number(Portal.centerLongitude(of: bbox)),
                                                  .number((bbox.minLatitude + bbox.maxLatitude) / 2), .integer(7)])))
            }
            return FeaturesAPI.json(.object(members), type: Self.tileJSONType)
        }
        var members: [(key: String, value: JSONValue)] = [
            ("title", .string(title + " (\(Self.matrixSet))")),
            ("dataType", "vector"),
            ("crs", "http://www.opengis.net/def/crs/EPSG/0/3857"),
            ("tileMatrixSetURI", .string(Self.matrixSetURI)),
            ("links", .array((tilesetLinks(base: base, kept: kept) + [
                Link(href: template(base: base, kept: kept, ogc: true), rel: "item", type: Self.mvtType, title: "Mapbox vector tiles"),
            ]).map { link in
                var document = link.document
                if link.rel == "item", case .object(var m) = document {
                    m.append(("templated", .bool(true)))
                    document = .object(m)
                }
                return document
            })),
            ("layers", .array(schemas.map { schema in
                .members(["id": .string(entry?.id ?? schema.name), "dataType": "vector",
                          "geometryDimension": .integer(Self.dimension(schema.geometryType)),
                          "minTileMatrix": .string(String(Self.zooms.lowerBound)), "maxTileMatrix": .string(String(Self.zooms.upperBound))])
            })),
        ]
        if let bbox {
            members.append(("boundingBox", .members([
                "lowerLeft": .array([.number(bbox.minLongitude), .number(bbox.minLatitude)]),
                "upperRight": .array([.number(bbox.maxLongitude), .number(bbox.maxLatitude)]),
                "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            ])))
        }
        return FeaturesAPI.json(.object(members))
    }

    /// 0 for points, 1 for lines, 2 for areas.
    static func dimension(_ type: GeometryType?) -> Int64 {
        switch type {
        case .lineString?, .multiLineString?: 1
        case .polygon?, .multiPolygon?: 2
        default: 0
        }
    }

    /// `/tileMatrixSets`: the one tile matrix set.
    func tileMatrixSets(_ request: Request) throws -> Response {
        _ = try FeaturesAPI.parameters(request, allowed: ["f"])
        let link = Link(href: urls.url("/tileMatrixSets/" + Self.matrixSet), rel: "self", type: Link.json, title: "WebMercatorQuad")
        return FeaturesAPI.json(.members(["tileMatrixSets": .array([.members([
            "id": .string(Self.matrixSet), "title": "Google Maps Compatible for the World", "uri": .string(Self.matrixSetURI),
            "links": .array([link.document]),
        ])])]))
    }

    /// `/tileMatrixSets/WebMercatorQuad`: its definition (OGC TMS 2.0 JSON), zooms 0…24.
    func tileMatrixSet(_ request: Request, id: String) throws -> Response {
        _ = try FeaturesAPI.parameters(request, allowed: ["f"])
        try Self.checkMatrixSet(id)
        let origin = 20037508.3427892
        let matrices: [JSONValue] = (0...TileCoordinate.maxZoom).map { z in
            let size = Double(1 << z)
            return .members([
                "id": .string(String(z)), "scaleDenominator": .number(559082264.0287178 / size),
                "cellSize": .number(156543.03392804097 / size), "cornerOfOrigin": "topLeft",
                "pointOfOrigin": .array([.number(-origin), .number(origin)]), "tileWidth": 256, "tileHeight": 256,
                "matrixWidth": .integer(Int64(1 << z)), "matrixHeight": .integer(Int64(1 << z)),
            ])
        }
        return FeaturesAPI.json(.members([
            "id": .string(Self.matrixSet), "title": "Google Maps Compatible for the World", "uri": .string(Self.matrixSetURI),
            "crs": "http://www.opengis.net/def/crs/EPSG/0/3857", "orderedAxes": .array(["X", "Y"]),
            "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
            "tileMatrices": .array(matrices),
        ]))
    }
}
