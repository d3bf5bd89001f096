import Foundation

/// The spherical Web Mercator projection (EPSG:3857) as web maps tile it: WGS84 longitude and
/// latitude in degrees to "world" coordinates in 0…1, x eastwards from the antimeridian and y
/// southwards from the top of the square (latitude ``maxLatitude``).
public enum WebMercator {
    /// The latitude of the top (and, negated, the bottom) of the square, in degrees:
    /// atan(sinh(π)) = 85.0511287798…°. Points beyond it are outside every tile.
    public static let maxLatitude = 85.05112877980659

    /// World x (0 at 180° W, 1 at 180° E) of a longitude in degrees; not wrapped.
    @inlinable
    public static func worldX(longitude: Double) -> Double { (longitude + 180) / 360 }

    /// World y (0 at the top, 1 at the bottom of the square) of a latitude in degrees; beyond the
    /// square's latitudes the value leaves 0…1 (infinite at the poles).
    @inlinable
    public static func worldY(latitude: Double) -> Double {
        let phi = latitude * .pi / 180
        return (1 - log(tan(phi) + 1 / cos(phi)) / .pi) / 2
    }

    /// The longitude in degrees of world x (not wrapped).
    @inlinable
    public static func longitude(worldX x: Double) -> Double { x * 360 - 180 }

    /// The latitude in degrees of world y (clamped to the square's latitudes).
    @inlinable
    public static func latitude(worldY y: Double) -> Double {
        let clamped = min(1, max(0, y))
        return atan(sinh(.pi * (1 - 2 * clamped))) * 180 / .pi
    }
}
