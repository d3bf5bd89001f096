import GeoModel
import Hummingbird
import PortalCore

extension FeaturesAPI {
    /// `/collections/{id}/items`: one page of features as GeoJSON (streamed) or HTML, with the
    /// exact `numberMatched`, `numberReturned` and `next` / `prev` links that keep every parameter.
    func items(_ request: Request, id: String) async throws -> Response {
        let parameters = try QueryParameters(raw: request.uri.query)
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        let entry = try catalog.entry(id)
        let items = try ItemsRequest(parameters: parameters, layer: entry.layer, format: format)
        let query = items.query
        let question = Self.countQuestion(collection: entry.id, parameters: parameters)
        let token = changes.current
        let counts = self.counts
        @Sendable func matched(_ portal: Portal) throws -> Int {
            if let known = counts.count(question, token: token) { return known }
            let count = try portal.count(query)
            counts.store(count, for: question, token: token)
            return count
        }
        if let proximity = items.proximity {
            if format == .json, let cached = responses.answer(for: request.uri.string, token: token) {
                var headers = HTTPFields()
                headers[.contentType] = Link.geoJSON
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: cached))
            }
            return try await nearby(NearbyRequest(query: query, center: proximity.center, radius: proximity.radius),
                                    entry: entry, parameters: parameters, items: items, cacheKey: request.uri.string, token: token)
        }
        if format == .html {
            // Read and written as HTML on the executor: a page of 10,000 rows is no work for
            // Swift's cooperative pool.
            let api = self
            return try await portal.perform { portal in
                let (count, records) = (try matched(portal), try portal.store.features(query))
                let links = api.pageLinks(entry: entry, parameters: parameters, items: items, matched: count, format: format)
                let columns = items.properties ?? entry.layer.columns.map(\.name)
                return api.itemsPage(entry: entry, columns: columns, rows: Self.rows(records, columns: columns, layer: entry.layer),
                                     matched: count, links: links)
            }
        }
        var headers = HTTPFields()
        headers[.contentType] = Link.geoJSON
        let cacheKey = request.uri.string
        if let cached = responses.answer(for: cacheKey, token: token) {
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: cached))
        }
        let api = self
        @Sendable func options(matched: Int) -> ExportOptions {
            api.pageOptions(entry: entry, parameters: parameters, items: items, matched: matched)
        }
        if items.limit <= Self.bufferedPageLimit {
            // A small page: counted and written in one call on the executor, sent as one buffer.
            let buffer = try await portal.perform { portal in
                let sink = ByteBufferSink(capacity: 2048 + items.limit * 400)
                try portal.export(query, options: options(matched: try matched(portal)), to: sink)
                return sink.buffer
            }
            responses.keep(buffer, for: cacheKey, token: token)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
        }
        let count = try await portal.perform { try matched($0) }
        if request.method == .head {
            // Hummingbird drops a HEAD answer's body unread: no export is started for it.
            return Response(status: .ok, headers: headers)
        }
        guard streams.enter() else {
            throw OGCError(status: .serviceUnavailable, code: "ServiceUnavailable",
                           description: "too many large pages are being sent; try again shortly or ask for a smaller limit")
        }
        let sink = portal.exportStream(query, options: options(matched: count))
        let gate = streams
        return Response(status: .ok, headers: headers, body: Self.body(streaming: sink, whenDone: { gate.leave() }))
    }

    /// Features near a point, nearest first with `distance_m` (GeoJSON; HTML shows the same table
    /// as other pages, in distance order).
    func nearby(_ request: NearbyRequest, entry: CollectionCatalog.Entry, parameters: QueryParameters,
                items: ItemsRequest, cacheKey: String, token: Int64) async throws -> Response {
        let api = self
        if items.format == .html {
            return try await portal.perform { portal in
                let sink = MemorySink()
                try portal.nearby(request, options: ExportOptions(format: .geojsonseq), to: sink)
                let matched = try portal.nearbyCount(request)
                let columns = (items.properties ?? entry.layer.columns.map(\.name)).filter { $0 != NearbyRequest.distanceProperty }
                    + [NearbyRequest.distanceProperty]
                let links = api.pageLinks(entry: entry, parameters: parameters, items: items, matched: matched, format: .html)
                return api.itemsPage(entry: entry, columns: columns, rows: Self.rows(geojsonSeq: sink.bytes, columns: columns),
                                     matched: matched, links: links)
            }
        }
        let buffer = try await portal.perform { portal in
            let matched = try portal.nearbyCount(request)
            let sink = ByteBufferSink()
            try portal.nearby(request, options: api.pageOptions(entry: entry, parameters: parameters, items: items, matched: matched),
                              to: sink)
            return sink.buffer
        }
        responses.keep(buffer, for: cacheKey, token: token)
        var headers = HTTPFields()
        headers[.contentType] = Link.geoJSON
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    /// What a page's `numberMatched` depends on: the collection and every parameter but the page,
    /// the order, the columns and the format, in a fixed order.
    static func countQuestion(collection: String, parameters: QueryParameters) -> String {
        let ignored: Set<String> = ["limit", "offset", "f", "properties", "sortby"]
        return ([collection] + parameters.pairs.filter { !ignored.contains($0.name) }.sorted { $0.name < $1.name }
            .map { "\($0.name)=\($0.value)" }).joined(separator: "\u{0}")
    }

    /// The largest page written to memory and sent as one buffer; larger pages stream.
    static let bufferedPageLimit = 1000

    /// GeoJSON export options of a page: its properties, and `numberMatched`, `numberReturned`
    /// and the links as members of the FeatureCollection.
    func pageOptions(entry: CollectionCatalog.Entry, parameters: QueryParameters, items: ItemsRequest, matched: Int) -> ExportOptions {
        let returned = max(0, min(items.limit, matched - items.offset))
        let links = pageLinks(entry: entry, parameters: parameters, items: items, matched: matched, format: .json)
        var options = ExportOptions(format: .geojson, properties: items.properties)
        options.collectionMembers = ComputedPage.members(matched: matched, returned: returned, links: links)
        return options
    }

    /// A body that drains `sink` as the export thread fills it; a client that goes away cancels
    /// the export.
    static func body(streaming sink: ChunkedSink, whenDone: @escaping @Sendable () -> Void = {}) -> ResponseBody {
        ResponseBody { writer in
            defer { whenDone() }
            do {
                for try await chunk in sink { try await writer.write(ByteBuffer(bytes: chunk)) }
            } catch {
                sink.cancel()
                throw error
            }
            try await writer.finish(nil)
        }
    }

    /// self / alternate / next / prev / collection links of a page; every parameter but `offset`
    /// (and `f`, which each link sets) is kept as given.
    func pageLinks(entry: CollectionCatalog.Entry, parameters: QueryParameters, items: ItemsRequest, matched: Int,
                   format: ResponseFormat) -> [Link] {
        ComputedPage.links(collection: entry.id, title: entry.title, parameters: parameters, offset: items.offset,
                           limit: items.limit, matched: matched, format: format, urls: urls)
    }

    /// An HTML table of a page of features: `columns` and, per feature, its id and cells.
    func itemsPage(entry: CollectionCatalog.Entry, columns: [String], rows: [(id: String, cells: [String])], matched: Int,
                   links: [Link]) -> Response {
        var page = HTMLPage(title: entry.title)
        page.heading(entry.title)
        page.paragraph("\(matched) features match; \(rows.count) shown.")
        let itemPath = "/collections/\(URLBuilder.segment(entry.id))/items/"
        page.table(header: columns, rows: rows.map { row in
            zip(columns, row.cells).map { name, text in
                name == "id" ? (text, urls.url(itemPath + URLBuilder.segment(row.id), [("f", "html")])) : (text, nil)
            }
        })
        page.links(links.filter { ["next", "prev", "alternate", "collection"].contains($0.rel) }.map { ($0.href, $0.title ?? $0.rel) })
        return page.response()
    }

    /// The rows of an HTML table of records.
    static func rows(_ records: [FeatureRecord], columns: [String], layer: LayerSchema) -> [(id: String, cells: [String])] {
        records.map { record in (record.id, columns.map { record.value(of: $0, in: layer).displayText }) }
    }

    /// The rows of an HTML table of features written as GeoJSON text sequence lines.
    static func rows(geojsonSeq bytes: [UInt8], columns: [String]) -> [(id: String, cells: [String])] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let feature = try? JSONParser.parse(Array(line)), let properties = feature["properties"] else { return nil }
            let cells = columns.map { name -> String in
                switch properties[name] {
                case .string(let text)?: text
                case .integer(let value)?: String(value)
                case .number(let value)?: String(value)
                case .bool(let value)?: String(value)
                default: ""
                }
            }
            return (feature["id"]?.stringValue ?? "", cells)
        }
    }

    /// `/collections/{id}/items/{featureId}`: one feature as GeoJSON (exactly as `qamtu export`
    /// writes it, with links added) or HTML.
    func item(_ request: Request, id: String, featureId: String) async throws -> Response {
        let (_, format) = try Self.parameters(request, allowed: ["f"])
        let entry = try catalog.entry(id)
        let query = ExportQuery(layer: entry.layer, ids: [featureId])
        let path = "/collections/\(URLBuilder.segment(entry.id))/items/\(URLBuilder.segment(featureId))"
        if format == .html {
            let records = try await portal.perform { try $0.store.features(query) }
            guard let record = records.first else { throw Self.missingFeature(featureId, entry) }
            var page = HTMLPage(title: "\(entry.title): \(record.id)")
            page.heading("\(entry.title): \(record.id)")
            page.table(header: ["property", "value"], rows: entry.layer.columns.map { column in
                [(column.name, nil), (record.value(of: column.name, in: entry.layer).displayText, nil)]
            })
            page.links([(urls.url(path, [("f", "json")]), "This feature as GeoJSON"),
                        (urls.url("/collections/\(URLBuilder.segment(entry.id))/items", [("f", "html")]), "All items")])
            return page.response()
        }
        let token = changes.current
        var headers = HTTPFields()
        headers[.contentType] = Link.geoJSON
        if let cached = responses.answer(for: request.uri.string, token: token) {
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: cached))
        }
        let sink = MemorySink()
        let written = try await portal.export(query, options: ExportOptions(format: .geojsonseq), to: sink)
        guard written > 0 else { throw Self.missingFeature(featureId, entry) }
        var bytes = sink.bytes
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: " ") { bytes.removeLast() }
        guard bytes.last == UInt8(ascii: "}") else { throw OGCError(status: .internalServerError, code: "ServerError", description: "malformed feature") }
        bytes.removeLast()
        let links = selfLinks(path, format: format, jsonType: Link.geoJSON, title: "This feature") + [
            Link(href: urls.url("/collections/\(URLBuilder.segment(entry.id))"), rel: "collection", type: Link.json, title: entry.title),
        ]
        var out = JSONBuffer(capacity: bytes.count + 512)
        bytes.withUnsafeBufferPointer { out.append(contentsOf: $0) }
        out.raw(",\"links\":")
        JSONValue.array(links.map(\.document)).write(into: &out)
        out.raw("}\n")
        let buffer = ByteBuffer(bytes: out.bytes)
        responses.keep(buffer, for: request.uri.string, token: token)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    static func missingFeature(_ featureId: String, _ entry: CollectionCatalog.Entry) -> OGCError {
        .notFound("no feature '\(QueryParameters.printable(featureId))' in collection \(entry.id)")
    }
}
