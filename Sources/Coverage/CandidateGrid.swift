import GeoModel
import Foundation
import Geodesy

/// A grid of candidate mast positions over the extent of some settlements.
///
/// **Layout.** The extent is the smallest longitude/latitude box holding the settlements (it
/// does not wrap the antimeridian). Rows start at its southern edge and follow each other
/// `spacing` metres apart northwards along the meridian of its western edge (geodesic distance
/// on the WGS84 ellipsoid) up to the northern edge; along each row, points start at the western
/// edge and follow each other `spacing` metres apart eastwards along the row's parallel (arc
/// length on the parallel, radius `N(φ) cos φ`) up to the eastern edge. Ids are
/// `grid-ROW-COLUMN`, from 1, rows from the south.
public enum CandidateGrid {
    /// The most points a grid may have.
    public static let maximumPoints = 2_000_000

    /// The grid over `positions` (WGS84 lon/lat degrees) with `spacingMeters` between points.
    /// - Throws: `CoverageError.invalidSetting` for a spacing that is not positive and finite, or
    ///   a grid of more than ``maximumPoints`` points.
    public static func points(over positions: [GeoPoint], spacingMeters: Double) throws(CoverageError) -> [PlanCandidate] {
        guard spacingMeters.isFinite, spacingMeters >= 1 else {
            throw .invalidSetting("grid spacing", reason: "\(spacingMeters) m is not a distance of at least 1 m")
        }
        guard let first = positions.first else { return [] }
        var west = first.longitude, east = first.longitude, south = first.latitude, north = first.latitude
        for p in positions {
            west = min(west, p.longitude); east = max(east, p.longitude)
            south = min(south, p.latitude); north = max(north, p.latitude)
        }
        let ellipsoid = Ellipsoid.wgs84
        let a = ellipsoid.equatorialRadiusMeters, e2 = ellipsoid.eccentricitySquared
        var rows: [Double] = []
        var row = 0
        while true {
            let latitude = row == 0 ? south
                : Geodesic.destination(from: GeoPoint(longitude: west, latitude: south), azimuthDegrees: 0,
                                       distanceMeters: Double(row) * spacingMeters).latitude
            if latitude > north || (row > 0 && latitude <= rows[rows.count - 1]) { break }
            rows.append(latitude)
            row += 1
            if rows.count > maximumPoints { break }
        }
        var out: [PlanCandidate] = []
        for (r, latitude) in rows.enumerated() {
            let phi = latitude * .pi / 180
            let s = sin(phi)
            let parallelRadius = a / (1 - e2 * s * s).squareRoot() * cos(phi)
            let step = parallelRadius > 1e-3 ? spacingMeters / parallelRadius * 180 / .pi : 360
            let columns = Int(((east - west) / step).rounded(.down)) + 1
            guard out.count + columns <= maximumPoints else {
                throw .invalidSetting("grid spacing", reason: "\(NumberFormat.trimmed(spacingMeters)) m gives more than "
                    + "\(NumberFormat.grouped(maximumPoints)) points over the settlements' extent")
            }
            for c in 0..<columns {
                out.append(PlanCandidate(id: "grid-\(r + 1)-\(c + 1)",
                                         position: GeoPoint(longitude: west + Double(c) * step, latitude: latitude)))
            }
        }
        return out
    }
}
