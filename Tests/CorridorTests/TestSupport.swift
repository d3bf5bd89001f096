@testable import Corridor
import Geodesy
import Testing
import QamtuTestSupport

/// Shorthand for a point, longitude first (degrees, EPSG:4326).
func p(_ longitude: Double, _ latitude: Double) -> GeoPoint {
    GeoPoint(longitude: longitude, latitude: latitude)
}

/// A reference road of CorridorReferenceData by name.
func referenceRoad(_ name: String) throws -> CorridorRoad {
    let parts = try #require(CorridorReferenceData.roads[name])
    return try CorridorRoad(parts: parts)
}

/// A road made of one geodesic segment of `lengthMeters` from `start` at `azimuth`
/// degrees: along it, chainage differences equal geodesic distances exactly.
func straightRoad(from start: GeoPoint = p(70.0, 43.0), azimuth: Double = 75, lengthMeters: Double) throws -> CorridorRoad {
    let end = Geodesic.destination(from: start, azimuthDegrees: azimuth, distanceMeters: lengthMeters)
    return try CorridorRoad(parts: [[start, end]])
}

/// Chainages every `stepMeters` along every part, plus each part's end, with their part.
func samples(_ road: CorridorRoad, stepMeters: Double) -> [(part: Int, chainage: Double)] {
    var out: [(Int, Double)] = []
    for stretch in road.partStretches {
        var c = stretch.fromMeters
        while c < stretch.toMeters {
            out.append((stretch.partIndex, c))
            c += stepMeters
        }
        out.append((stretch.partIndex, stretch.toMeters))
    }
    return out
}

/// Whether some site's geodesic distance to the road point at `chainage` on `part` is
/// within its range (plus `slack` metres), computed directly, without the coverage code.
func isCovered(_ road: CorridorRoad, part: Int, chainage: Double, by sites: [CorridorSite], slack: Double = 1e-6) -> Bool {
    let x = road.point(atChainageMeters: chainage, partIndex: part)
    return sites.contains { Geodesic.distanceMeters($0.position, x) <= $0.rangeMeters + slack }
}
