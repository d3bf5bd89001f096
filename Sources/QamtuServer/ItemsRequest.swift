import GeoModel
import Geodesy
import PortalCore

/// The parameters of `/collections/{id}/items` parsed into the core's typed query: nothing is
/// read before every parameter is checked, and no parameter reaches SQL other than as a bound
/// value (the stores build their SQL from the typed query).
struct ItemsRequest: Sendable {
    /// The features asked for, with their page.
    var query: ExportQuery
    /// The columns to write (nil: all).
    var properties: [String]?
    /// The page size actually served (the asked one, at most ``maximumLimit``).
    var limit: Int
    /// Features skipped before the page.
    var offset: Int
    /// JSON or HTML.
    var format: ResponseFormat
    /// `near` and `within` on a point layer: features within this geodesic distance of a point,
    /// nearest first, with `distance_m`.
    var proximity: (center: GeoPoint, radius: Distance)?

    /// The page size without `limit`.
    static let defaultLimit = 100
    /// The largest page served; a larger `limit` is served as this (OGC API – Features 7.15.3).
    static let maximumLimit = 10_000

    /// Parameters every items request may carry, besides the layer's queryables.
    static let commonParameters = ["f", "bbox", "bbox-crs", "limit", "offset", "properties", "sortby", "datetime",
                                   "filter", "filter-lang", "filter-crs", "near", "within"]

    /// The only CRS accepted for `bbox` and `filter` (lon/lat degrees, WGS84).
    static let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

    /// Parses `parameters` for `layer`; `extra` names further parameters the caller handles itself.
    /// - Throws: ``OGCError`` 400 naming the parameter for anything wrong, unknown parameters included.
    init(parameters: QueryParameters, layer: LayerSchema, format: ResponseFormat, extra: Set<String> = []) throws(OGCError) {
        let queryables = Set(layer.columns.map(\.name))
        for name in parameters.names where !Self.commonParameters.contains(name) && !queryables.contains(name) && !extra.contains(name) {
            throw .invalidParameter(QueryParameters.printable(name),
                                    "unknown parameter; this collection takes \((Self.commonParameters + layer.columns.map(\.name)).joined(separator: ", "))")
        }
        var bbox: BoundingBox?
        if let text = parameters["bbox"] {
            if let crs = parameters["bbox-crs"], crs != Self.crs84 {
                throw .invalidParameter("bbox-crs", "only \(Self.crs84) is supported")
            }
            do {
                bbox = try BoundingBox(parsing: text)
            } catch {
                throw .invalidParameter("bbox", error.description)
            }
        } else if let crs = parameters["bbox-crs"], crs != Self.crs84 {
            throw .invalidParameter("bbox-crs", "only \(Self.crs84) is supported")
        }
        if let datetime = parameters["datetime"] {
            // The layers have no temporal extent: every feature matches any valid instant or
            // interval (OGC API – Features 7.15.4); the syntax is still checked.
            try Self.checkDateTime(datetime)
        }
        var filters: [ExportFilter] = []
        for (name, value) in parameters.pairs where queryables.contains(name) {
            do {
                filters.append(try ExportFilter(parsing: "\(name)=\(value)", layer: layer))
            } catch {
                throw .invalidParameter(name, error.description)
            }
        }
        var query = ExportQuery(layer: layer, bbox: bbox, filters: filters)
        if let sortby = parameters["sortby"] {
            do {
                query = query.sorted(by: try SortKey.list(parsing: sortby, layer: layer))
            } catch {
                throw .invalidParameter("sortby", error.description)
            }
        }
        if let filterCRS = parameters["filter-crs"], filterCRS != Self.crs84 {
            throw .invalidParameter("filter-crs", "only \(Self.crs84) is supported")
        }
        if let language = parameters["filter-lang"], !["cql2-text", "cql-text"].contains(language) {
            throw .invalidParameter("filter-lang", "only cql2-text (and cql-text) are supported")
        }
        if let filter = parameters["filter"] {
            query.condition = try Self.condition(filter, layer: layer)
        }
        limit = try Self.integer(parameters["limit"], name: "limit", minimum: 1).map { min($0, Self.maximumLimit) } ?? Self.defaultLimit
        offset = try Self.integer(parameters["offset"], name: "offset", minimum: 0) ?? 0
        proximity = try Self.proximity(parameters, layer: layer)
        if proximity != nil, !query.sortBy.isEmpty {
            throw .invalidParameter("sortby", "features near a point come nearest first; sortby cannot be combined with near")
        }
        if let list = parameters["properties"] {
            var names: [String] = []
            for name in list.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmedOfSpaces }) {
                guard layer.columnIndex(name) != nil || (proximity != nil && name == NearbyRequest.distanceProperty) else {
                    throw .invalidParameter("properties", "'\(QueryParameters.printable(name))' is not a property of \(layer.name); properties are \(layer.columns.map(\.name).joined(separator: ", "))")
                }
                if !names.contains(name) { names.append(name) }
            }
            properties = names
        }
        self.query = query.paged(limit: limit, offset: offset)
        self.format = format
    }


    /// A CQL2 text filter parsed into the core's typed condition (its literals stay typed values,
    /// bound as parameters by the stores).
    static func condition(_ text: String, layer: LayerSchema) throws(OGCError) -> FeatureCondition {
        do {
            return try FeatureCondition(cql2Text: text, layer: layer)
        } catch {
            throw .invalidParameter("filter", error.description)
        }
    }

    /// `near=lon,lat` with `within=DISTANCE` (`5km`, `800m`), on point layers only.
    static func proximity(_ parameters: QueryParameters, layer: LayerSchema) throws(OGCError) -> (center: GeoPoint, radius: Distance)? {
        guard let near = parameters["near"] else {
            if parameters["within"] != nil { throw .invalidParameter("within", "given without near=lon,lat") }
            return nil
        }
        guard layer.geometryType == .point, !layer.geometryIsDerived else {
            throw .invalidParameter("near", "\(layer.name) is not a point layer; near works on settlements, sites and institutions")
        }
        let parts = near.split(separator: ",", omittingEmptySubsequences: false).map { Double(String($0).trimmedOfSpaces) }
        guard parts.count == 2, let lon = parts[0], let lat = parts[1], lon.isFinite, lat.isFinite,
              (-180...180).contains(lon), (-90...90).contains(lat) else {
            throw .invalidParameter("near", "expected lon,lat in degrees (longitude −180…180, latitude −90…90)")
        }
        guard let within = parameters["within"] else { throw .invalidParameter("within", "near needs a distance, e.g. within=5km") }
        let radius: Distance
        do {
            radius = try Distance(parsing: within)
        } catch {
            throw .invalidParameter("within", error.message)
        }
        guard radius.meters > 0, radius.meters <= NearbyRequest.maximumRadius.meters else {
            throw .invalidParameter("within", "must be more than 0 and at most \(NearbyRequest.maximumRadius)")
        }
        return (GeoPoint(longitude: lon, latitude: lat), radius)
    }

    /// The largest whole number a parameter takes (offsets beyond any layer; a page added to it
    /// cannot overflow).
    static let maximumInteger = 1_000_000_000_000

    /// A whole number from `minimum` to ``maximumInteger``, or nil when absent.
    static func integer(_ text: String?, name: String, minimum: Int) throws(OGCError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else {
            throw .invalidParameter(name, "'\(QueryParameters.printable(text))' is not a whole number")
        }
        guard value >= minimum else { throw .invalidParameter(name, "must be \(minimum) or more, got \(value)") }
        guard value <= Self.maximumInteger else { throw .invalidParameter(name, "must be at most \(Self.maximumInteger), got \(value)") }
        return value
    }

    /// Checks an RFC 3339 instant or interval (`..` and empty ends open), as `datetime` takes.
    static func checkDateTime(_ text: String) throws(OGCError) {
        let ends = text.split(separator: "/", omittingEmptySubsequences: false)
        guard ends.count <= 2 else { throw .invalidParameter("datetime", "expected an instant or an interval START/END") }
        for end in ends where !(ends.count == 2 && (end.isEmpty || end == "..")) {
            let pattern = #/^\d{4}-\d{2}-\d{2}([Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$/#
            guard (try? pattern.wholeMatch(in: String(end))) != nil else {
                throw .invalidParameter("datetime", "'\(QueryParameters.printable(String(end)))' is not an RFC 3339 date or date-time")
            }
        }
    }
}
