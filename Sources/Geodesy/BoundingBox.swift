#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// A longitude/latitude box in EPSG:4326 degrees (longitude first, as in GeoJSON and OGC
/// API): longitudes in `[-180, 180]`, `-90 ≤ minLatitude ≤ maxLatitude ≤ 90`.
///
/// A box whose `minLongitude` is greater than its `maxLongitude` crosses the antimeridian
/// (RFC 7946 §5.2), e.g. `170,-10,-170,10`; ``splitAtAntimeridian`` gives the one or two boxes
/// that do not, which is what a spatial index such as SpatiaLite's R*Tree can query directly.
/// The boxes of ``around(_:radiusMeters:)`` never cross it (a region across ±180° comes as two).
public struct BoundingBox: Sendable, Hashable, CustomStringConvertible {
    /// Western edge, degrees in `[-180, 180]`.
    public var minLongitude: Double
    /// Southern edge, degrees in `[-90, 90]`.
    public var minLatitude: Double
    /// Eastern edge, degrees in `[-180, 180]`; less than ``minLongitude`` when the box crosses
    /// the antimeridian.
    public var maxLongitude: Double
    /// Northern edge, degrees in `[-90, 90]`, `≥ minLatitude`.
    public var maxLatitude: Double

    /// Creates a box from its edges in degrees (EPSG:4326, longitude first).
    public init(minLongitude: Double, minLatitude: Double, maxLongitude: Double, maxLatitude: Double) {
        self.minLongitude = minLongitude
        self.minLatitude = minLatitude
        self.maxLongitude = maxLongitude
        self.maxLatitude = maxLatitude
    }

    /// `true` if `point` lies in the box (edges included). The point's longitude is
    /// normalised to `[-180, 180)` first, so 180° matches a box whose western edge is
    /// -180°. A box that crosses the antimeridian contains the longitudes east of its
    /// western edge and west of its eastern edge.
    public func contains(_ point: GeoPoint) -> Bool {
        let lon = AngleMath.normalizedDegrees(point.longitude)
        guard point.latitude >= minLatitude && point.latitude <= maxLatitude else { return false }
        if crossesAntimeridian { return lon >= minLongitude || lon <= maxLongitude }
        return lon >= minLongitude && lon <= maxLongitude
    }

    /// True when the box crosses the antimeridian (`minLongitude > maxLongitude`).
    public var crossesAntimeridian: Bool { minLongitude > maxLongitude }

    /// The box as one or two boxes that do not cross the antimeridian (the part ending at
    /// 180° first).
    public var splitAtAntimeridian: [BoundingBox] {
        guard crossesAntimeridian else { return [self] }
        return [
            BoundingBox(minLongitude: minLongitude, minLatitude: minLatitude, maxLongitude: 180, maxLatitude: maxLatitude),
            BoundingBox(minLongitude: -180, minLatitude: minLatitude, maxLongitude: maxLongitude, maxLatitude: maxLatitude),
        ]
    }

    /// The parts common to this box and `other`, as boxes that do not cross the antimeridian
    /// (either box may): empty when they are disjoint, usually one box, two when the overlap
    /// touches ±180° from both sides (ordered as ``splitAtAntimeridian`` orders them) or when
    /// two wide boxes overlap at both of their ends. Edges count as shared, so a common edge
    /// gives a box of zero width.
    public func intersection(_ other: BoundingBox) -> [BoundingBox] {
        var parts: [BoundingBox] = []
        for a in splitAtAntimeridian {
            for b in other.splitAtAntimeridian {
                let west = max(a.minLongitude, b.minLongitude), east = min(a.maxLongitude, b.maxLongitude)
                let south = max(a.minLatitude, b.minLatitude), north = min(a.maxLatitude, b.maxLatitude)
                if west <= east && south <= north {
                    parts.append(BoundingBox(minLongitude: west, minLatitude: south, maxLongitude: east, maxLatitude: north))
                }
            }
        }
        return parts
    }

    /// `minLon,minLat,maxLon,maxLat` in degrees.
    /// The smallest box holding both (min and max of the stored longitudes: no antimeridian
    /// handling, as ``intersection(_:)`` has).
    public func union(_ other: BoundingBox) -> BoundingBox {
        BoundingBox(minLongitude: min(minLongitude, other.minLongitude), minLatitude: min(minLatitude, other.minLatitude),
                    maxLongitude: max(maxLongitude, other.maxLongitude), maxLatitude: max(maxLatitude, other.maxLatitude))
    }

    public var description: String { "\(minLongitude),\(minLatitude),\(maxLongitude),\(maxLatitude)" }

    /// Conservative boxes containing every point whose ellipsoidal (WGS84 geodesic)
    /// distance from `center` is at most `radiusMeters`.
    ///
    /// - Returns: one box, or two when the region crosses the ±180° meridian (the part
    ///   west of it first, i.e. the one ending at 180°). When the region contains a pole,
    ///   the single box spans all longitudes and reaches ±90°. An empty array for an
    ///   invalid center (``GeoPoint/isValid``) or a negative or non-finite radius.
    ///
    /// **Why every point is inside.** Let `Q` be within distance `r` of `P`.
    /// - *Latitude.* The meridian arc length from the equator, `m(φ)`, changes at rate
    ///   at most 1 per metre travelled in any direction (its gradient is the unit
    ///   northward vector), so `|m(φ_Q) − m(φ_P)| ≤ r`. The latitude limits are
    ///   `m⁻¹(m(φ_P) ± r)`, computed with the meridian series of Karney (2013) eqs.
    ///   (17)–(21); if `m(φ_P) + r` reaches the quarter meridian the north pole itself is
    ///   within `r` (the meridian is a geodesic) and the box spans all longitudes, and
    ///   likewise in the south.
    /// - *Longitude, bound 1.* Every point of a shortest path from `P` to `Q` is within
    ///   `r` of `P`, so in the latitude band above. Moving east by `dλ` at reduced
    ///   latitude `β` costs `a cos β dλ` metres, and `cos β` is smallest at the band edge
    ///   farthest from the equator, so `|Δλ| ≤ r / (a cos β_edge)`.
    /// - *Longitude, bound 2.* The line element of the ellipsoid in geodetic coordinates,
    ///   `M² dφ² + N² cos²φ dλ²`, is at least `M₀²` times that of the unit sphere, with
    ///   `M₀ = b²/a` the smallest radius of curvature. So the central angle `θ` between
    ///   the points placed on a unit sphere at the same latitude and longitude satisfies
    ///   `θ ≤ r / M₀ = ρ`, and on the sphere, when `ρ < 90° − |φ_P|`,
    ///   `|Δλ| ≤ asin(sin ρ / cos φ_P)`.
    ///   The smaller of the two bounds is used (bound 1 is tighter near the equator, bound
    ///   2 near the poles); the result is at most about 1 % wider than the exact extent.
    ///
    /// All edges are widened by 1e-9° (0.1 mm) to cover rounding. Tests check
    /// containment on thousands of points sampled on geodesic circles, including near
    /// the poles and across the antimeridian.
    public static func around(_ center: GeoPoint, radiusMeters r: Double) -> [BoundingBox] {
        guard center.isValid, r.isFinite, r >= 0 else { return [] }
        let margin = 1e-9
        let mCenter = MeridianArc.distance(latitudeDegrees: center.latitude)
        let quarter = MeridianArc.quarterMeridian
        let north = mCenter + r
        let south = mCenter - r
        let maxLatitude = north >= quarter
            ? 90 : min(90, MeridianArc.latitudeDegrees(distance: north) + margin)
        let minLatitude = south <= -quarter
            ? -90 : max(-90, MeridianArc.latitudeDegrees(distance: south) - margin)
        if north >= quarter || south <= -quarter {
            return [BoundingBox(
                minLongitude: -180, minLatitude: minLatitude,
                maxLongitude: 180, maxLatitude: maxLatitude)]
        }
        // Bound 1: parallel radius a cos β at the band edge farthest from the equator.
        let edge = max(abs(minLatitude), abs(maxLatitude))
        let cosBetaEdge = GeodesicInverse.reducedLatitude(degrees: min(90, edge)).1
        var halfWidth = r / (WGS84.a * cosBetaEdge)
        // Bound 2: spherical cap of angular radius r / M₀ in geodetic coordinates.
        let rho = r / WGS84.minimumRadiusOfCurvature
        let colatitude = (90 - abs(center.latitude)) * AngleMath.radiansPerDegree
        if rho < colatitude {
            let cosPhi = AngleMath.sinCos(degrees: center.latitude).cos
            halfWidth = min(halfWidth, asin(min(1, sin(rho) / cosPhi)))
        }
        let halfWidthDegrees = halfWidth * AngleMath.degreesPerRadian * (1 + 1e-12) + margin
        guard halfWidthDegrees < 180 else {
            return [BoundingBox(
                minLongitude: -180, minLatitude: minLatitude,
                maxLongitude: 180, maxLatitude: maxLatitude)]
        }
        let lon = AngleMath.normalizedDegrees(center.longitude)
        let west = lon - halfWidthDegrees
        let east = lon + halfWidthDegrees
        if west < -180 {
            return [
                BoundingBox(
                    minLongitude: west + 360, minLatitude: minLatitude,
                    maxLongitude: 180, maxLatitude: maxLatitude),
                BoundingBox(
                    minLongitude: -180, minLatitude: minLatitude,
                    maxLongitude: east, maxLatitude: maxLatitude),
            ]
        }
        if east > 180 {
            return [
                BoundingBox(
                    minLongitude: west, minLatitude: minLatitude,
                    maxLongitude: 180, maxLatitude: maxLatitude),
                BoundingBox(
                    minLongitude: -180, minLatitude: minLatitude,
                    maxLongitude: east - 360, maxLatitude: maxLatitude),
            ]
        }
        return [BoundingBox(
            minLongitude: west, minLatitude: minLatitude,
            maxLongitude: east, maxLatitude: maxLatitude)]
    }
}

/// Meridian arc length on WGS84: the geodesic with `α₀ = 0`, for which `σ = β`
/// (Karney 2013, eqs. 7 and 17–21 with `k² = e′²`).
enum MeridianArc {
    static let eps = GeodesicSeries.epsilon(kSquared: GeodesicInverse.ep2)
    static let scale = WGS84.b * GeodesicSeries.a1(eps)
    static let c1 = GeodesicSeries.c1(eps)
    static let c1Reverted = GeodesicSeries.c1Reverted(eps)

    /// Distance from the equator to the pole along a meridian, metres (10 001 965.729 m).
    static var quarterMeridian: Double { scale * Double.pi / 2 }

    /// Signed meridian distance from the equator to `latitudeDegrees`, metres.
    static func distance(latitudeDegrees phi: Double) -> Double {
        let (s, c) = AngleMath.sinCos(degrees: phi)
        var sb = (1 - WGS84.f) * s
        var cb = c
        GeodesicInverse.normalize(&sb, &cb)
        return scale * (atan2(sb, cb) + c1.sum(sin: sb, cos: cb))
    }

    /// Latitude in degrees at signed meridian distance `distance` (metres) from the
    /// equator, for `|distance| ≤` ``quarterMeridian``.
    static func latitudeDegrees(distance: Double) -> Double {
        let tau = distance / scale
        let st = sin(tau)
        let ct = cos(tau)
        let beta = tau + c1Reverted.sum(sin: st, cos: ct)
        return AngleMath.atan2Degrees(sin(beta), (1 - WGS84.f) * cos(beta))
    }
}
