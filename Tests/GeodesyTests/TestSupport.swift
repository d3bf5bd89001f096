import Foundation
import Geodesy
import QamtuTestSupport

/// Geodesy-specific draws on the shared generator.
extension SplitMix64 {
    /// Latitude in degrees, uniform over the sphere's area.
    mutating func latitude() -> Double {
        asin(uniform(-1, 1)) * 180 / .pi
    }

    /// A point uniform over the sphere's area.
    mutating func point() -> GeoPoint {
        GeoPoint(longitude: uniform(-180, 180), latitude: latitude())
    }

    /// `10^uniform(lowExponent, highExponent)`: spreads values over many magnitudes.
    mutating func logUniform(_ lowExponent: Double, _ highExponent: Double) -> Double {
        pow(10, uniform(lowExponent, highExponent))
    }
}

/// `|a − b|` for two angles in degrees, reduced modulo 360° to `[0, 180]`.
func angularDifference(_ a: Double, _ b: Double) -> Double {
    let d = abs(remainder(a - b, 360))
    return d
}

/// Whitespace-separated fields of each non-empty line.
func rows(_ text: String) -> [[Substring]] {
    text.split(separator: "\n").map { $0.split(separator: " ") }.filter { !$0.isEmpty }
}

/// Parses a numeric field of reference data; a malformed field is a test-data bug, so it
/// becomes NaN and fails the comparison that uses it.
func number(_ field: Substring) -> Double {
    Double(field) ?? .nan
}

/// The point at `longitude`, `latitude` (degrees): longitude first, as everywhere in Qamtu
/// (GeoJSON order; the reference data lists latitude first, so its readers swap).
func lonLat(_ longitude: Double, _ latitude: Double) -> GeoPoint {
    GeoPoint(longitude: longitude, latitude: latitude)
}
