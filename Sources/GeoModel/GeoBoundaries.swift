import Foundation
import Geodesy

/// geoBoundaries ADM GeoJSON → districts.
enum GeoBoundaries {
    static func adapt(_ feature: inout SourceFeature) {
        let p = feature.properties
        var out: [String: RawValue] = [:]
        out["id"] = p["shapeID"] ?? p["id"] ?? .null
        out["name"] = p["shapeName"] ?? .null
        if case .string(let iso)? = p["shapeISO"], !iso.isEmpty { out["code"] = .string(iso) }
        feature.properties = out
    }
}
