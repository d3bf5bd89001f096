import GeoModel
import Geodesy
import PortalCore
import Testing

/// Parameters the front ends hand to the core: distances with units, sort keys, years, boxes.
@Suite("Request parsing")
struct ParsingTests {
    @Test(arguments: [("5km", 5_000.0), ("800m", 800), ("2.5 km", 2_500), ("0m", 0), ("1.5KM", 1_500), (" 12 m ", 12)])
    func distancesWithUnits(text: String, meters: Double) throws {
        #expect(try Distance(parsing: text).meters == meters)
    }

    @Test(arguments: ["5", "800", "5 miles", "-1km", "km", "", "nan m", "inf km"])
    func distancesWithoutAUnitOrNumberAreRefused(text: String) {
        #expect(throws: PortalError.self) { try Distance(parsing: text) }
    }

    @Test func bareNumbersSayWhichUnitsWork() {
        #expect(throws: PortalError(.invalidInput, "'5' has no unit; write it with m or km, e.g. 5km or 800m")) {
            try Distance(parsing: "5")
        }
        #expect(Distance(meters: 5_000).description == "5 km")
        #expect(Distance(meters: 800).description == "800 m")
    }

    @Test func sortKeys() throws {
        #expect(try SortKey.list(parsing: "-population,name", layer: .settlements)
            == [SortKey(column: "population", descending: true), SortKey(column: "name")])
        #expect(try SortKey(parsing: "+name", layer: .settlements) == SortKey(column: "name"))
        #expect(throws: GeoModelError.unknownField(layer: "settlements", field: "nosuch")) {
            try SortKey.list(parsing: "nosuch", layer: .settlements)
        }
        #expect(throws: GeoModelError.self) { try SortKey.list(parsing: ",", layer: .settlements) }
    }

    @Test func yearsFollowTheColumnContract() throws {
        #expect(try CalendarYear.checked(2026, name: "as-of") == 2026)
        #expect(throws: PortalError(.invalidInput, "as-of must be a year between 1900 and 2100, got 2101")) {
            try CalendarYear.checked(2101, name: "as-of")
        }
        #expect(CalendarYear.current >= 2026)
    }

    @Test func boxesAcrossTheAntimeridian() throws {
        let box = try BoundingBox(parsing: "170,-10,-170,10")
        #expect(box.crossesAntimeridian)
        #expect(box.contains(GeoPoint(longitude: 179.5, latitude: 0)))
        #expect(box.contains(GeoPoint(longitude: -175, latitude: 5)))
        #expect(!box.contains(GeoPoint(longitude: 0, latitude: 0)))
        #expect(!box.contains(GeoPoint(longitude: 175, latitude: 11)))
        #expect(box.splitAtAntimeridian.count == 2)
        #expect(Geometry.lineString([GeoPoint(longitude: 160, latitude: 0), GeoPoint(longitude: 175, latitude: 0)]).intersects(box))
        #expect(!Geometry.lineString([GeoPoint(longitude: 160, latitude: 0), GeoPoint(longitude: 165, latitude: 0)]).intersects(box))
        // A box inside a polygon, without a vertex of it inside, intersects; inside its hole, not.
        let square = [GeoPoint(longitude: 0, latitude: 0), GeoPoint(longitude: 10, latitude: 0), GeoPoint(longitude: 10, latitude: 10),
                      GeoPoint(longitude: 0, latitude: 10), GeoPoint(longitude: 0, latitude: 0)]
        let hole = [GeoPoint(longitude: 4, latitude: 4), GeoPoint(longitude: 6, latitude: 4), GeoPoint(longitude: 6, latitude: 6),
                    GeoPoint(longitude: 4, latitude: 6), GeoPoint(longitude: 4, latitude: 4)]
        let inside = BoundingBox(minLongitude: 1, minLatitude: 1, maxLongitude: 2, maxLatitude: 2)
        let inHole = BoundingBox(minLongitude: 4.5, minLatitude: 4.5, maxLongitude: 5, maxLatitude: 5)
        #expect(Geometry.polygon([square, hole]).intersects(inside))
        #expect(!Geometry.polygon([square, hole]).intersects(inHole))
        #expect(!Geometry.polygon([square]).intersects(BoundingBox(minLongitude: 11, minLatitude: 1, maxLongitude: 12, maxLatitude: 2)))
    }

    @Test func errorCategories() {
        #expect(GeoModelError.unknownLayer("x").category == .notFound)
        #expect(GeoModelError.invalidBoundingBox("x", "y").category == .invalidInput)
        #expect(PortalError(.conflict, "x").category == .conflict)
    }
}
