import Foundation
import GeoModel
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// geoBoundaries files split a district into parts (exclaves under a short name such as "Zhamb."
/// or "Zhualy", or several features of the same name); each district becomes one MultiPolygon
/// with a readable id (issue 20, item 6).
@Suite("geoBoundaries: one district, one MultiPolygon, a readable id")
struct GeoBoundariesTests {
    /// A geoBoundaries feature: a lon/lat box as a Polygon.
    static func part(_ name: String, _ id: String, _ minLon: Double, _ minLat: Double, _ maxLon: Double, _ maxLat: Double) -> String {
        let ring = "[[\(minLon),\(minLat)],[\(maxLon),\(minLat)],[\(maxLon),\(maxLat)],[\(minLon),\(maxLat)],[\(minLon),\(minLat)]]"
        return #"{"type":"Feature","properties":{"shapeName":"\#(name)","shapeISO":"","shapeID":"\#(id)","shapeGroup":"KAZ","shapeType":"ADM2"},"#
            + #""geometry":{"type":"Polygon","coordinates":[\#(ring)]}}"#
    }

    static let file = """
        {"type":"FeatureCollection","features":[
        \(part("Zhualy", "9891525B2", 71.3, 43.2, 71.5, 43.4)),
        \(part("Zhualynskiy", "9891525B1", 70, 42, 71, 43)),
        \(part("Zhambylskiy", "9891525B3", 71.5, 42, 71.9, 42.5)),
        \(part("Zhamb.", "9891525B4", 72.0, 42.0, 72.2, 42.2)),
        \(part("Kordayskiy", "9891525B5", 74, 42, 75, 43)),
        \(part("Kordayskiy", "9891525B6", 75.1, 42.5, 75.3, 42.7)),
        \(part("Zhambylskiy", "9891525B7", 76, 44, 77, 45)),
        \(part("Esil`skiy", "9891525B8", 66, 52, 67, 53))
        ]}
        """

    @Test func partsOfOneDistrictBecomeOneMultiPolygonWithAReadableId() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.csv", """
            id,name,kind,lon,lat
            in-exclave,In the Zhualy exclave,village,71.4,43.3
            in-main,In Zhualynskiy,village,70.5,42.5
            in-zhamb,In the Zhamb. exclave,village,72.1,42.1

            """)
        let report = try fixture.importText(.districts, "geoBoundaries-KAZ-ADM2.geojson", Self.file)
        #expect(report.imported == 5)
        #expect(report.districtsAssigned == 3)
        let districts = try fixture.portal.features(ExportQuery(layer: .districts))
        #expect(districts.map(\.id) == ["zhualynskiy", "zhambylskiy", "kordayskiy", "zhambylskiy-2", "esil-skiy"])
        #expect(districts.map { $0.values[1] } == ["Zhualynskiy", "Zhambylskiy", "Kordayskiy", "Zhambylskiy", "Esil`skiy"].map(FieldValue.text))
        let parts = districts.map { district -> Int in
            if case .multiPolygon(let polygons)? = district.geometry { return polygons.count }
            return -1
        }
        #expect(parts == [2, 2, 2, 1, 1])
        let settlements = try fixture.portal.features(ExportQuery(layer: .settlements))
        let column = try #require(LayerSchema.settlements.columnIndex("district"))
        #expect(settlements.map { $0.values[column] } == [.text("zhualynskiy"), .text("zhualynskiy"), .text("zhambylskiy")])
    }
}
