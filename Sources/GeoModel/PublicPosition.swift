import Foundation
import Geodesy

/// The position an application shows in public outputs (the `applications` collection, its
/// tiles, exports): the centre of its cell of about 100 m × 100 m, so that a house cannot be
/// picked out.
///
/// Cells are rows of ``latitudeStepDegrees`` of latitude (99.5–100.5 m on the WGS84 ellipsoid),
/// each divided into columns of `latitudeStepDegrees / cos(φ)` of longitude at the row's centre
/// latitude φ (about 100 m east–west). A point moves at most about 71 m.
public enum PublicPosition {
    /// The height of a row, degrees of latitude.
    public static let latitudeStepDegrees = 0.0009

    /// The centre of the cell of `point` (EPSG:4326 degrees), rounded to 7 decimals.
    public static func rounded(_ point: GeoPoint) -> GeoPoint {
        let step = latitudeStepDegrees
        let row = (min(max(point.latitude, -89.9), 89.9) / step).rounded(.down)
        let latitude = (row + 0.5) * step
        let columnStep = step / cos(latitude * .pi / 180)
        let column = ((point.longitude + 180) / columnStep).rounded(.down)
        // The last column is cut at 180°: its centre is that of the part west of 180°, so that
        // it stays in its cell (a centre past 180° wrapped to −180° rounded to another cell).
        let west = column * columnStep - 180
        let longitude = (west + min(west + columnStep, 180)) / 2
        func seven(_ value: Double) -> Double { (value * 1e7).rounded() / 1e7 }
        return GeoPoint(longitude: seven(longitude), latitude: seven(latitude))
    }
}
