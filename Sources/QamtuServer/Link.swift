import GeoModel

/// A link of an OGC API response (`href`, `rel`, `type`, `title`).
struct Link: Sendable {
    var href: String
    var rel: String
    var type: String
    var title: String?

    /// The link as a JSON object.
    var document: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("href", .string(href)), ("rel", .string(rel)), ("type", .string(type))]
        if let title { members.append(("title", .string(title))) }
        return .object(members)
    }

    static let json = "application/json"
    static let geoJSON = "application/geo+json"
    static let html = "text/html"
    static let openAPI = "application/vnd.oai.openapi+json;version=3.0"
    static let schema = "application/schema+json"
}
