import Foundation
import Geodesy

/// OpenStreetMap / HOT export of populated places → settlements.
enum OSMPlaces {
    /// Maps `name:kk` … to the contract; the id is `osm-node-<osm_id>` (or way/relation).
    static func adapt(_ feature: inout SourceFeature) {
        let p = feature.properties
        var out: [String: RawValue] = [:]
        out["name"] = p["name"] ?? .null
        out["name_kk"] = p["name:kk"] ?? .null
        out["name_ru"] = p["name:ru"] ?? .null
        out["name_en"] = p["name:en"] ?? .null
        out["kind"] = p["place"] ?? .null
        out["osm_id"] = p["osm_id"] ?? .null
        out["population"] = populationValue(p["population"] ?? .null)
        if let id = p["osm_id"], id != .null {
            let type: String
            switch p["osm_type"] {
            case .string(let t) where t.hasPrefix("way"): type = "way"
            case .string(let t) where t.hasPrefix("relation"): type = "relation"
            default: type = "node"
            }
            let idText: String
            switch id {
            case .integer(let i): idText = String(i)
            case .string(let s): idText = s
            default: idText = id.display
            }
            out["id"] = .string("osm-\(type)-\(idText)")
        } else {
            out["id"] = p["id"] ?? .null
        }
        feature.properties = out
    }

    /// OSM population tags are free text: accept `1234`, `1 234`, `1,234`; keep anything else for
    /// validation to report.
    static func populationValue(_ raw: RawValue) -> RawValue {
        guard case .string(let s) = raw else { return raw }
        let digits = s.filter { $0 != " " && $0 != "," && $0 != "\u{00A0}" && $0 != "'" }
        if let n = Int64(digits) { return .integer(n) }
        return raw
    }
}
