import Coverage
import Foundation
import GeoModel
import Geodesy
import Hummingbird
import PortalCore
import Prometheus

/// The computed collections `coverage` and `footprints` (``ComputedCollection``): items computed
/// by the core's analyses (`Portal.coverage`, `Portal.footprints`) and written by the CLI's
/// writers (``CoverageWriter``, ``FootprintWriter``), with the layers' paging, bbox and property
/// filters on the output's columns.
///
/// An analysis runs once per database change token, year, scenario and profile (footprints: and
/// operator and technology): the last few results are kept in memory, so paging through a
/// collection does not recompute it for every page.
struct AnalysisAPI: Sendable {
    let portal: Portal
    let urls: URLBuilder
    let changes: ChangeWatcher
    /// Describes the collections and their queryables as for the layers.
    let features: FeaturesAPI
    let coverageCache: ComputedResultCache<CoverageKey, CoverageListing>
    let footprintCache: ComputedResultCache<FootprintKey, [CoverageFootprint]>
    /// Analyses run (not answered from the cache), by analysis: `qamtu_analysis_runs_total`.
    let coverageRuns: Counter
    let footprintRuns: Counter

    /// What a coverage result depends on.
    struct CoverageKey: Hashable, Sendable {
        var token: Int64
        var asOfYear: Int
        var scenario: Scenario
        var profile: String
    }

    /// What a footprints result depends on.
    struct FootprintKey: Hashable, Sendable {
        var token: Int64
        var asOfYear: Int
        var scenario: Scenario
        var operatorName: String?
        var technology: MobileTechnology?
    }

    /// Coordinates' decimals of the outputs (the CLI's default).
    static let precision = 6
    /// Vertices per footprint circle (the CLI's default).
    static let segments = 64

    /// - Parameters:
    ///   - features: the layers' API, which describes the computed collections as it does layers.
    ///   - registry: where the count of analyses run is kept (`/metrics`).
    ///   - cachedResults: results kept per analysis.
    init(portal: Portal, features: FeaturesAPI, changes: ChangeWatcher, registry: PrometheusCollectorRegistry,
         cachedResults: Int = 4) {
        coverageRuns = registry.makeCounter(name: "qamtu_analysis_runs_total", labels: [("analysis", "coverage")],
                                            help: "Analyses run for the computed collections (not answered from the cache)")
        footprintRuns = registry.makeCounter(name: "qamtu_analysis_runs_total", labels: [("analysis", "footprints")],
                                             help: "Analyses run for the computed collections (not answered from the cache)")
        self.portal = portal
        self.features = features
        urls = features.urls
        self.changes = changes
        coverageCache = ComputedResultCache(capacity: cachedResults)
        footprintCache = ComputedResultCache(capacity: cachedResults)
    }

    /// Registers `/collections/{coverage,footprints}` with their queryables, items and item: these
    /// routes take precedence over the layers' `/collections/{collectionId}/…`.
    func register<Context: RequestContext>(on router: Router<Context>) {
        for collection in ComputedCollection.allCases {
            let path = "/collections/\(collection.rawValue)"
            router.get(RouterPath(path)) { request, _ in try features.collection(request, id: collection.rawValue) }
            router.get(RouterPath(path + "/queryables")) { request, _ in try features.queryables(request, id: collection.rawValue) }
            router.get(RouterPath(path + "/items")) { request, _ in
                switch collection {
                case .coverage: try await coverageItems(request)
                case .footprints: try await footprintItems(request)
                }
            }
            router.get(RouterPath(path + "/items/:featureId")) { request, context in
                let id = try FeaturesAPI.pathParameter(context, "featureId")
                return switch collection {
                case .coverage: try await coverageItem(request, id: id)
                case .footprints: try await footprintItem(request, id: id)
                }
            }
        }
    }

    // MARK: coverage

    /// Every settlement's coverage for `request`, from the cache or computed now (with every
    /// detail, so that any page can write any property).
    func coverage(_ request: AnalysisRequest) async throws -> CoverageListing {
        let key = CoverageKey(token: changes.current, asOfYear: request.asOfYear, scenario: request.scenario,
                              profile: request.profileName)
        let portal = self.portal
        let runs = coverageRuns
        return try await coverageCache.value(for: key) {
            runs.increment()
            return try await portal.perform { try $0.coverage(request) }
        }
    }

    /// `/collections/coverage/items`: a page of settlements with their coverage, as
    /// `qamtu coverage` writes them, with `numberMatched`, `numberReturned` and paging links.
    func coverageItems(_ request: Request) async throws -> Response {
        let collection = ComputedCollection.coverage
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: collection.parameters + collection.schema.columns.map(\.name))
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        let analysis = try AnalysisParameters.request(parameters)
        let page = try ComputedPage(parameters)
        let filters = try Self.filters(parameters, schema: collection.schema)
        let properties = try Self.coverageProperties(parameters["properties"])
        let listing = try await coverage(analysis)
        let bbox = page.bbox
        let matched = try await portal.perform { _ in Self.matching(listing.result, filters: filters, bbox: bbox) }
        let count = matched.entries.count
        let range = page.range(matched: count)
        let entry = collection.entry
        let links = page.links(collection: entry.id, title: entry.title, parameters: parameters, matched: count,
                               format: format, urls: urls)
        var writer = CoverageWriter(format: format == .html ? .geojsonseq : .geojson, precision: Self.precision,
                                    properties: properties)
        writer.page = range
        writer.collectionMembers = ComputedPage.members(matched: count, returned: range.count, links: links)
        let configured = writer
        let bytes = try await portal.perform { _ in
            let sink = MemorySink()
            try configured.write(matched, to: sink)
            return sink.bytes
        }
        if format == .html {
            return Self.htmlPage(entry: entry, lines: bytes, columns: properties ?? Self.htmlColumns,
                                 summary: "\(count) settlements match (as of \(analysis.asOfYear), \(analysis.scenario.rawValue), "
                                     + "profile \(analysis.profileName)); \(range.count) shown.",
                                 links: links, itemParameters: Self.kept(parameters, ["as-of", "scenario", "profile", "properties"]),
                                 urls: urls)
        }
        return Self.geoJSON(bytes)
    }

    /// `/collections/coverage/items/{featureId}`: one settlement's coverage.
    func coverageItem(_ request: Request, id: String) async throws -> Response {
        let collection = ComputedCollection.coverage
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: ["as-of", "scenario", "profile", "properties", "f"])
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        let analysis = try AnalysisParameters.request(parameters)
        let properties = try Self.coverageProperties(parameters["properties"])
        let listing = try await coverage(analysis)
        let result = listing.result
        guard let index = result.entries.firstIndex(where: { result.settlements[$0.settlement].id == id }) else {
            throw OGCError.notFound("no feature '\(QueryParameters.printable(id))' in collection \(collection.rawValue)")
        }
        var writer = CoverageWriter(format: .geojsonseq, precision: Self.precision, properties: properties)
        writer.page = index..<(index + 1)
        let configured = writer
        let bytes = try await portal.perform { _ in
            let sink = MemorySink()
            try configured.write(result, to: sink)
            return sink.bytes
        }
        let path = "/collections/\(collection.rawValue)/items/\(URLBuilder.segment(id))"
        return try Self.feature(bytes, format: format, title: "Coverage: \(id)", links: features.selfLinks(
            path, format: format, jsonType: Link.geoJSON, title: "This feature") + [
                Link(href: urls.url("/collections/\(collection.rawValue)"), rel: "collection", type: Link.json,
                     title: collection.entry.title),
            ])
    }

    /// The properties to write, checked against the coverage output's (nil: all).
    static func coverageProperties(_ text: String?) throws(OGCError) -> [String]? {
        guard let text else { return nil }
        var names: [String] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmedOfSpaces }) {
            if !names.contains(name) { names.append(name) }
        }
        do {
            try CoverageWriter.validate(resultProperties: names)
        } catch {
            throw .invalidParameter("properties", error.description)
        }
        return names
    }

    /// The columns of the HTML table without `properties`.
    static let htmlColumns = ["id", "name", "district", "population", "class", "best_fixed", "best_mobile", "satellite",
                              "covering_operators", "nearest_site_id", "nearest_site_m"]

    /// The property filters of the request (`class=unserved`, `district=d1`), typed by `schema`.
    static func filters(_ parameters: QueryParameters, schema: LayerSchema) throws(OGCError) -> [ExportFilter] {
        var filters: [ExportFilter] = []
        for (name, value) in parameters.pairs where schema.columnIndex(name) != nil {
            do {
                filters.append(try ExportFilter(parsing: "\(name)=\(value)", layer: schema))
            } catch {
                throw .invalidParameter(name, error.description)
            }
        }
        return filters
    }

    /// The entries of `result` in `bbox` whose values match every filter (settlement columns as
    /// stored; coverage fields as written).
    static func matching(_ result: CoverageResult, filters: [ExportFilter], bbox: BoundingBox?) -> CoverageResult {
        guard !filters.isEmpty || bbox != nil else { return result }
        let columns = LayerSchema.settlements
        let entries = result.entries.filter { entry in
            let settlement = result.settlements[entry.settlement]
            if let bbox, !bbox.contains(settlement.position) { return false }
            for filter in filters {
                let value: FieldValue = switch filter.column {
                case "class": .text(entry.coverageClass.rawValue)
                case "best_fixed": entry.fixed.map { .text($0.technology) } ?? .null
                case "best_mobile": entry.bestMobile.map { .text($0.label) } ?? .null
                case "satellite": .text(entry.satelliteInstitutions > 0 ? "true" : "false")
                case "nearest_site_id": entry.nearestSite.map { .text(result.engine.sites[$0].id) } ?? .null
                default: settlement.record.value(of: filter.column, in: columns)
                }
                if !filter.matches(value) { return false }
            }
            return true
        }
        return CoverageResult(engine: result.engine, profile: result.profile, settlements: result.settlements,
                              entries: entries, detail: result.detail)
    }

    // MARK: footprints

    /// The footprints for `request`, operator and technology, from the cache or computed now; an
    /// operator no site has matches nothing.
    func footprints(_ request: AnalysisRequest, operatorName: String?, technology: MobileTechnology?) async throws
        -> [CoverageFootprint] {
        let key = FootprintKey(token: changes.current, asOfYear: request.asOfYear, scenario: request.scenario,
                               operatorName: operatorName, technology: technology)
        let portal = self.portal
        let runs = footprintRuns
        return try await footprintCache.value(for: key) {
            runs.increment()
            return try await portal.perform { portal in
                do {
                    return try portal.footprints(request, operatorName: operatorName, technology: technology,
                                                 segments: Self.segments, precision: Self.precision)
                } catch let error as CoverageError where error.category == .notFound {
                    return []
                }
            }
        }
    }

    /// The footprints of the request's `operator` and `technology` in its `bbox`.
    func matchingFootprints(_ parameters: QueryParameters, bbox: BoundingBox?) async throws -> (AnalysisRequest, [CoverageFootprint]) {
        let collection = ComputedCollection.footprints
        let analysis = try AnalysisParameters.request(parameters, profile: false)
        let filters = try Self.filters(parameters, schema: collection.schema)
        let operatorName = filters.first { $0.column == "operator" }.flatMap { $0.value.text }
        let technology = try AnalysisParameters.technology(filters.first { $0.column == "technology" }.flatMap { $0.value.text })
        var found = try await footprints(analysis, operatorName: operatorName, technology: technology)
        if let bbox { found = found.filter { $0.geometry.intersects(bbox) } }
        return (analysis, found)
    }

    /// `/collections/footprints/items`: a page of footprints as `qamtu coverage footprints`
    /// writes them, with `numberMatched`, `numberReturned` and paging links.
    func footprintItems(_ request: Request) async throws -> Response {
        let collection = ComputedCollection.footprints
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: collection.parameters + collection.schema.columns.map(\.name))
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        let page = try ComputedPage(parameters)
        let (analysis, found) = try await matchingFootprints(parameters, bbox: page.bbox)
        let range = page.range(matched: found.count)
        let entry = collection.entry
        let links = page.links(collection: entry.id, title: entry.title, parameters: parameters, matched: found.count,
                               format: format, urls: urls)
        var writer = FootprintWriter(format: format == .html ? .geojsonseq : .geojson, precision: Self.precision)
        writer.collectionMembers = ComputedPage.members(matched: found.count, returned: range.count, links: links)
        let selected = Array(found[range])
        let configured = writer
        let bytes = try await portal.perform { _ in
            let sink = MemorySink()
            try configured.write(selected, asOfYear: analysis.asOfYear, scenario: analysis.scenario, segments: Self.segments, to: sink)
            return sink.bytes
        }
        if format == .html {
            return Self.htmlPage(entry: entry, lines: bytes, columns: ["operator", "technology", "sites", "area_km2"],
                                 summary: "\(found.count) footprints match (as of \(analysis.asOfYear), "
                                     + "\(analysis.scenario.rawValue)); \(range.count) shown.",
                                 links: links, itemParameters: Self.kept(parameters, ["as-of", "scenario"]), urls: urls)
        }
        return Self.geoJSON(bytes)
    }

    /// `/collections/footprints/items/{featureId}`: one footprint (`Tele2 4G`).
    func footprintItem(_ request: Request, id: String) async throws -> Response {
        let collection = ComputedCollection.footprints
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: ["as-of", "scenario", "f"])
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        let (analysis, found) = try await matchingFootprints(parameters, bbox: nil)
        guard let footprint = found.first(where: { $0.group.label == id }) else {
            throw OGCError.notFound("no feature '\(QueryParameters.printable(id))' in collection \(collection.rawValue)")
        }
        let bytes = try await portal.perform { _ in
            let sink = MemorySink()
            try FootprintWriter(format: .geojsonseq, precision: Self.precision)
                .write([footprint], asOfYear: analysis.asOfYear, scenario: analysis.scenario, segments: Self.segments, to: sink)
            return sink.bytes
        }
        let path = "/collections/\(collection.rawValue)/items/\(URLBuilder.segment(id))"
        return try Self.feature(bytes, format: format, title: "Footprint: \(id)", links: features.selfLinks(
            path, format: format, jsonType: Link.geoJSON, title: "This feature") + [
                Link(href: urls.url("/collections/\(collection.rawValue)"), rel: "collection", type: Link.json,
                     title: collection.entry.title),
            ])
    }

    // MARK: output

    /// The parameters among `names` that the request gives, in its order.
    static func kept(_ parameters: QueryParameters, _ names: [String]) -> [(String, String)] {
        parameters.pairs.filter { names.contains($0.name) }.map { ($0.name, $0.value) }
    }

    /// A GeoJSON response of `bytes`.
    static func geoJSON(_ bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = Link.geoJSON
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// One feature written as a GeoJSON text sequence line: as GeoJSON with `links` added, or an
    /// HTML table of its properties.
    static func feature(_ line: [UInt8], format: ResponseFormat, title: String, links: [Link]) throws -> Response {
        var bytes = line
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: " ") { bytes.removeLast() }
        guard bytes.last == UInt8(ascii: "}") else {
            throw OGCError(status: .internalServerError, code: "ServerError", description: "malformed feature")
        }
        if format == .html {
            var page = HTMLPage(title: title)
            page.heading(title)
            let properties = Self.properties(of: bytes)
            page.table(header: ["property", "value"], rows: properties.map { [($0.name, nil), ($0.value, nil)] })
            page.links(links.filter { $0.rel != "self" }.map { ($0.href, $0.title ?? $0.rel) })
            return page.response()
        }
        bytes.removeLast()
        var out = JSONBuffer(capacity: bytes.count + 512)
        bytes.withUnsafeBufferPointer { out.append(contentsOf: $0) }
        out.raw(",\"links\":")
        JSONValue.array(links.map(\.document)).write(into: &out)
        out.raw("}\n")
        return geoJSON(out.bytes)
    }

    /// The properties of a GeoJSON feature's text, in their order, as display text.
    static func properties(of feature: [UInt8]) -> [(name: String, value: String)] {
        guard case .object(let members)? = (try? JSONParser.parse(feature))?["properties"] else { return [] }
        return members.map { ($0.key, displayText($0.value)) }
    }

    /// A JSON value as shown in an HTML cell (empty for null).
    static func displayText(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .bool(let flag)?: flag ? "true" : "false"
        case .integer(let number)?: String(number)
        case .number(let number)?: String(number)
        case .string(let text)?: text
        case let other?: "\(other)"
        }
    }

    /// An HTML table of features written one per line (GeoJSON text sequence).
    /// - Parameter itemParameters: the parameters the links to each feature keep (year, scenario …).
    static func htmlPage(entry: CollectionCatalog.Entry, lines: [UInt8], columns: [String], summary: String, links: [Link],
                         itemParameters: [(String, String)], urls: URLBuilder) -> Response {
        var page = HTMLPage(title: entry.title)
        page.heading(entry.title)
        page.paragraph(summary)
        let itemPath = "/collections/\(URLBuilder.segment(entry.id))/items/"
        var rows: [[(text: String, href: String?)]] = []
        for line in lines.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let feature = try? JSONParser.parse(Array(line)) else { continue }
            let id = feature["id"]?.stringValue ?? ""
            rows.append([(id, urls.url(itemPath + URLBuilder.segment(id), itemParameters + [("f", "html")]))]
                + columns.filter { $0 != "id" }.map { (displayText(feature["properties"]?[$0]), nil) })
        }
        page.table(header: ["id"] + columns.filter { $0 != "id" }, rows: rows)
        page.links(links.filter { ["next", "prev", "alternate", "collection"].contains($0.rel) }.map { ($0.href, $0.title ?? $0.rel) })
        return page.response()
    }
}
