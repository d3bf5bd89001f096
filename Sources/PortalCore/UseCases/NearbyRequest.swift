import GeoModel
import Geodesy

/// The features of a point layer within a geodesic distance of a point, nearest first: the
/// server's `items?near=lon,lat&within=5km`, read by ``Portal/nearby(_:options:to:)`` and
/// counted by ``Portal/nearbyCount(_:)``.
///
/// A feature matches when the length of the shortest geodesic on the WGS84 ellipsoid from
/// ``center`` to its point is at most ``radius`` (Karney's inverse solution, metres) and it
/// matches ``query`` (attribute filters, bbox, ids). Matches come ordered by their distance
/// rounded as written (``distanceDecimals``), equal distances in the layer's insertion order;
/// ``query``'s `limit` and `offset` take one page of that order.
///
/// ```swift
/// let near = NearbyRequest(query: ExportQuery(layer: .sites, filters: [kcell]).paged(limit: 100),
///                          center: GeoPoint(longitude: 71.37, latitude: 42.9),
///                          radius: try Distance(parsing: "5km"))
/// ```
public struct NearbyRequest: Sendable, Equatable {
    /// The largest radius accepted: 1000 km. A geodesic circle of that size still has a
    /// prefilter box smaller than a hemisphere away from the poles; a larger one would read most
    /// of a layer, which an export does better.
    public static let maximumRadius = Distance(meters: 1_000_000)

    /// Decimals of the written `distance_m` property (metres): 1, i.e. 0.1 m. The geodesic
    /// distance itself is exact to nanometres, but positions are stored with 6 decimals of a
    /// degree (about 0.1 m), so further digits would claim a precision the data lacks. The
    /// coverage output's `nearest_site_m` is rounded the same way.
    public static let distanceDecimals = 1

    /// The name of the computed property: `distance_m`.
    public static let distanceProperty = "distance_m"

    /// The layer (its geometry must be points), the attribute filters, an optional bbox and ids
    /// that further restrict the features, and the page (`limit`, `offset`) over the distance
    /// order. `sortBy` must be empty: the order is by distance.
    public var query: ExportQuery
    /// The centre (EPSG:4326 degrees, longitude first): longitude in `-180…180`, latitude in `-90…90`.
    public var center: GeoPoint
    /// The greatest geodesic distance from ``center`` on the WGS84 ellipsoid: more than 0, at most
    /// ``maximumRadius``.
    public var radius: Distance

    /// The features of `query` within `radius` of `center`.
    public init(query: ExportQuery, center: GeoPoint, radius: Distance) {
        self.query = query
        self.center = center
        self.radius = radius
    }

    /// Every feature of `layer` within `radius` of `center`, unpaged.
    public init(layer: LayerSchema, center: GeoPoint, radius: Distance) {
        self.init(query: ExportQuery(layer: layer), center: center, radius: radius)
    }

    /// The layer searched.
    public var layer: LayerSchema { query.layer }

    /// Checks the request (the use cases check it too): a front end calls it to refuse bad
    /// input before it starts an answer.
    /// - Throws: ``PortalError`` (invalid input) naming the problem: a layer whose geometry is not
    ///   points, a centre out of range, a radius that is not more than 0 or is above
    ///   ``maximumRadius``, a `sortBy`, a negative `limit` or `offset`.
    public func validate() throws(PortalError) {
        guard layer.geometryType == .point else {
            let pointLayers = LayerSchema.all.filter { $0.geometryType == .point }.map(\.name).joined(separator: ", ")
            throw PortalError(.invalidInput, "near works on point layers (\(pointLayers)), not \(layer.name)")
        }
        guard center.longitude.isFinite, center.latitude.isFinite,
              (-180...180).contains(center.longitude), (-90...90).contains(center.latitude) else {
            throw PortalError(.invalidInput, "the centre must be a longitude in -180…180 and a latitude in -90…90 "
                + "(EPSG:4326 degrees, longitude first), got \(center.longitude),\(center.latitude)")
        }
        guard radius.meters.isFinite, radius.meters > 0 else {
            let shown = radius.meters.isFinite ? radius.description : String(radius.meters)
            throw PortalError(.invalidInput, "the distance must be more than 0 m, got \(shown)")
        }
        guard radius.meters <= Self.maximumRadius.meters else {
            throw PortalError(.invalidInput, "the distance must be at most \(Self.maximumRadius), got \(radius)")
        }
        guard query.sortBy.isEmpty else {
            throw PortalError(.invalidInput, "a sort order cannot be combined with near: features come nearest first")
        }
        try Portal.check(query)
    }

    /// The distance as written and ordered: `meters` rounded to ``distanceDecimals``.
    static func published(_ meters: Double) -> Double {
        NumberFormat.rounded(meters, decimals: distanceDecimals)
    }

    /// The one box (it may cross the antimeridian) whose features the store reads before the exact
    /// distance test, or nil when no feature can match (the query's bbox misses the circle).
    ///
    /// It contains the geodesic circle (``BoundingBox/around(_:radiusMeters:)``: conservative,
    /// also across ±180° and around a pole) intersected with the query's bbox. Where the circle
    /// box's edges bound it, every point within the radius lies strictly inside; where the
    /// query's bbox bounds it, the store tests the same edges as it would for the query itself,
    /// so a feature matches exactly when the store's bbox test and the distance test both pass.
    /// When the intersection is two parts that do not meet at ±180° (two wide boxes overlapping
    /// at both ends), the query's own bbox is read instead.
    var searchBox: BoundingBox? {
        let circle = BoundingBox.around(center, radiusMeters: radius.meters)
        guard let bbox = query.bbox else { return Self.joined(circle) }
        let parts = circle.flatMap { $0.intersection(bbox) }
        if parts.isEmpty { return nil }
        return Self.joined(parts) ?? bbox
    }

    /// One box equal to the union of `parts`: the box itself, or two boxes that meet at ±180°
    /// over the same latitudes as one box across it; nil otherwise.
    static func joined(_ parts: [BoundingBox]) -> BoundingBox? {
        if parts.count == 1 { return parts[0] }
        guard parts.count == 2,
              let west = parts.first(where: { $0.maxLongitude == 180 }),
              let east = parts.first(where: { $0.minLongitude == -180 && $0 != west }),
              west.minLatitude == east.minLatitude, west.maxLatitude == east.maxLatitude else { return nil }
        if west.minLongitude > east.maxLongitude {
            return BoundingBox(minLongitude: west.minLongitude, minLatitude: west.minLatitude,
                               maxLongitude: east.maxLongitude, maxLatitude: west.maxLatitude)
        }
        return BoundingBox(minLongitude: -180, minLatitude: west.minLatitude, maxLongitude: 180, maxLatitude: west.maxLatitude)
    }
}
