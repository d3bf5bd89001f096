import Foundation
import Geodesy

extension BoundingBox {
    /// Parses `minLon,minLat,maxLon,maxLat` (degrees, lon/lat order as in GeoJSON and OGC API).
    ///
    /// - Throws: `GeoModelError.invalidBoundingBox` naming what is wrong.
    public init(parsing text: String) throws(GeoModelError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 4 else {
            throw .invalidBoundingBox(text, "expected 4 numbers minLon,minLat,maxLon,maxLat, got \(parts.count)")
        }
        var values: [Double] = []
        for part in parts {
            guard let v = Double(part), v.isFinite else {
                throw .invalidBoundingBox(text, "'\(part)' is not a number")
            }
            values.append(v)
        }
        let box = BoundingBox(minLongitude: values[0], minLatitude: values[1],
                              maxLongitude: values[2], maxLatitude: values[3])
        for lon in [box.minLongitude, box.maxLongitude] where !(-180...180).contains(lon) {
            throw .invalidBoundingBox(text, "longitude \(lon) is outside [-180, 180]")
        }
        for lat in [box.minLatitude, box.maxLatitude] where !(-90...90).contains(lat) {
            throw .invalidBoundingBox(text, "latitude \(lat) is outside [-90, 90]")
        }
        guard box.minLatitude <= box.maxLatitude else {
            throw .invalidBoundingBox(text, "minLat \(box.minLatitude) is greater than maxLat \(box.maxLatitude)")
        }
        self = box
    }
}
