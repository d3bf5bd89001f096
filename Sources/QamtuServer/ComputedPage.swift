import GeoModel
import Geodesy

/// The page and box of a computed collection's items (`bbox`, `limit`, `offset`), checked as
/// the layers' items check them, and the paging links of an answer.
struct ComputedPage: Sendable {
    /// Only features in (points) or touching (polygons) this box, when set.
    var bbox: BoundingBox?
    /// Features per page (the asked number, at most ``ItemsRequest/maximumLimit``).
    var limit: Int
    /// Features skipped before the page.
    var offset: Int

    /// Parses `bbox`, `bbox-crs`, `limit` and `offset`.
    /// - Throws: ``OGCError`` 400 naming the parameter.
    init(_ parameters: QueryParameters) throws(OGCError) {
        if let text = parameters["bbox"] {
            if let crs = parameters["bbox-crs"], crs != ItemsRequest.crs84 {
                throw .invalidParameter("bbox-crs", "only \(ItemsRequest.crs84) is supported")
            }
            do {
                bbox = try BoundingBox(parsing: text)
            } catch {
                throw .invalidParameter("bbox", error.description)
            }
        } else if let crs = parameters["bbox-crs"], crs != ItemsRequest.crs84 {
            throw .invalidParameter("bbox-crs", "only \(ItemsRequest.crs84) is supported")
        }
        limit = try ItemsRequest.integer(parameters["limit"], name: "limit", minimum: 1).map { min($0, ItemsRequest.maximumLimit) }
            ?? ItemsRequest.defaultLimit
        offset = try ItemsRequest.integer(parameters["offset"], name: "offset", minimum: 0) ?? 0
    }

    /// The indices of the page among `matched` features.
    func range(matched: Int) -> Range<Int> {
        let start = min(offset, matched)
        return start..<min(matched, start + limit)
    }

    /// self / alternate / next / prev / collection links of a page of collection `id`; every
    /// parameter but `offset` (and `f`, which each link sets) is kept as given.
    func links(collection id: String, title: String, parameters: QueryParameters, matched: Int, format: ResponseFormat,
               urls: URLBuilder) -> [Link] {
        Self.links(collection: id, title: title, parameters: parameters, offset: offset, limit: limit, matched: matched,
                   format: format, urls: urls)
    }

    /// The links of the page of `limit` items after `offset` of collection `id` (layers and
    /// computed collections alike).
    static func links(collection id: String, title: String, parameters: QueryParameters, offset: Int, limit: Int, matched: Int,
                      format: ResponseFormat, urls: URLBuilder) -> [Link] {
        let path = "/collections/\(URLBuilder.segment(id))/items"
        let kept = parameters.pairs.filter { $0.name != "offset" && $0.name != "f" }.map { ($0.name, $0.value) }
        func page(_ offset: Int, _ f: String) -> [(String, String)] {
            var list = kept
            if offset > 0 { list.append(("offset", String(offset))) }
            list.append(("f", f))
            return list
        }
        var links = [
            Link(href: urls.url(path, page(offset, "json")), rel: format == .json ? "self" : "alternate", type: Link.geoJSON,
                 title: "This page as GeoJSON"),
            Link(href: urls.url(path, page(offset, "html")), rel: format == .html ? "self" : "alternate", type: Link.html,
                 title: "This page as HTML"),
        ]
        let f = format == .html ? "html" : "json"
        let type = format == .html ? Link.html : Link.geoJSON
        if limit < matched - offset {
            links.append(Link(href: urls.url(path, page(offset + limit, f)), rel: "next", type: type, title: "Next page"))
        }
        if offset > 0 {
            links.append(Link(href: urls.url(path, page(max(0, offset - limit), f)), rel: "prev", type: type, title: "Previous page"))
        }
        links.append(Link(href: urls.url("/collections/\(URLBuilder.segment(id))"), rel: "collection", type: Link.json, title: title))
        return links
    }

    /// `"numberMatched":N,"numberReturned":N,"links":[…]`: the members a writer adds to its
    /// FeatureCollection.
    static func members(matched: Int, returned: Int, links: [Link]) -> String {
        var members = JSONBuffer(capacity: 1024)
        members.raw("\"numberMatched\":\(matched),\"numberReturned\":\(returned),\"links\":")
        JSONValue.array(links.map(\.document)).write(into: &members)
        return String(decoding: members.bytes, as: UTF8.self)
    }
}
