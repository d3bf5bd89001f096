import Foundation
import GeoModel
import Geodesy
import PortalCore
import QamtuTestSupport
import Testing

/// CQL2 filters (``FeatureCondition``) select the same features, in the same order, on every
/// store (``StoreFixture``): the SpatiaLite store's SQL and the memory store's evaluator agree.
@Suite("CQL2 filters on every store")
struct FeatureConditionStoreTests {
    /// The ids that `filter` selects from `layer`, checked against the store's count.
    static func ids(_ portal: Portal, _ layer: LayerSchema, _ filter: String, bbox: BoundingBox? = nil) throws -> [String] {
        let query = ExportQuery(layer: layer, bbox: bbox, condition: try CQL2TextParser.parse(filter, layer: layer))
        let ids = try portal.store.features(query).map(\.id)
        #expect(try portal.count(query) == ids.count, "\(filter)")
        return ids
    }

    @Test(arguments: StoreKind.allCases) func attributesNullsAndCase(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let cases: [(String, [String])] = [
            ("population > 1000", ["s1", "s3", "s4"]),
            ("1000 >= population", ["s2", "s5", "s6"]),
            ("population BETWEEN 800 AND 5000", ["s1", "s2", "s3"]),
            ("population NOT BETWEEN 800 AND 5000", ["s4", "s5", "s6"]),
            ("population > 1199.5 AND population < 1200.5", ["s3"]),
            // NULLs: a comparison with a missing value is unknown, and so is its negation.
            ("fibre = 'none'", ["s1", "s4"]),
            ("fibre <> 'none'", ["s2", "s3"]),
            ("NOT (fibre = 'none')", ["s2", "s3"]),
            ("fibre IS NULL", ["s5", "s6"]),
            ("fibre IS NOT NULL", ["s1", "s2", "s3", "s4"]),
            ("fibre_year < 2025 OR fibre IS NULL", ["s2", "s5", "s6"]),
            ("NOT (fibre_year < 2025)", ["s3"]),
            // s6: unknown AND false is false, so NOT is true; s1: unknown AND true stays unknown.
            ("NOT (fibre_year < 2025 AND population > 100)", ["s3", "s6"]),
            // s6: unknown OR false is unknown, and so is its negation.
            ("NOT (fibre_year < 2025 OR population > 100)", []),
            ("kind IN ('city', 'hamlet')", ["s4", "s6"]),
            ("kind NOT IN ('village')", ["s4", "s6"]),
            ("fibre NOT IN ('none')", ["s2", "s3"]),
            ("fibre_year IN (2020, 2026)", ["s2", "s3"]),
            // Text is exact and case-sensitive (the FIELD=VALUE filters ignore case).
            ("name = 'Aqsu'", ["s1", "s6"]),
            ("name = 'aqsu'", []),
            ("name_kk = 'Тараз'", ["s4"]),
            ("name_kk = 'ТАРАЗ'", []),
            ("name > 'Kokterek'", ["s4", "s5"]),
            ("name LIKE 'A%'", ["s1", "s6"]),
            ("name LIKE 'a%'", []),
            ("name NOT LIKE 'A%'", ["s2", "s3", "s4", "s5"]),
            ("name LIKE '_erik'", ["s2"]),
            ("name LIKE '%a%a%'", ["s4", "s5"]),
            ("name_ru LIKE 'Кок%'", ["s3"]),
            ("name_ru LIKE 'кок%'", []),
            ("name_kk LIKE '%'", ["s4"]),
            ("name_kk NOT LIKE '%'", []),
            ("kind LIKE '%let'", ["s6"]),
            ("(population > 1000 OR fibre IS NULL) AND NOT district = 'd2'", ["s1", "s6"]),
            ("TRUE", ["s1", "s2", "s3", "s4", "s5", "s6"]),
            ("FALSE OR name = 'Zhana'", ["s5"]),
            // A quote inside text is text: the rest is no condition and matches nothing.
            ("name = 'x'' OR 1=1 --'", []),
            ("name = 'Aqsu'' OR ''1''=''1'", []),
        ]
        for (filter, expected) in cases {
            #expect(try Self.ids(portal, .settlements, filter) == expected, "\(kind): \(filter)")
        }
        // ANDed with the box, the FIELD=VALUE filters and the ids of the query.
        var query = ExportQuery(layer: .settlements, bbox: try BoundingBox(parsing: "71.05,42.8,71.4,43.05"),
                                condition: try CQL2TextParser.parse("population > 1000", layer: .settlements))
        #expect(try portal.store.features(query).map(\.id) == ["s4"])
        query = ExportQuery(layer: .settlements, filters: [try ExportFilter(parsing: "name=aqsu", layer: .settlements)],
                            condition: try CQL2TextParser.parse("population < 1000", layer: .settlements))
        #expect(try portal.store.features(query).map(\.id) == ["s6"])
        query.ids = ["s1"]
        #expect(try portal.count(query) == 0)
        // Sets compare as their stored text.
        #expect(try Self.ids(portal, .sites, "technologies = '4G' AND operator = 'Kcell'") == ["t1", "t7"])
        #expect(try Self.ids(portal, .sites, "range_m >= 6000 AND status <> 'retired'") == ["t3", "t7", "t8"])
        // A hand-built condition naming a column the layer lacks fails on every store.
        #expect(throws: (any Error).self) {
            try portal.count(ExportQuery(layer: .settlements, condition: .isNull(column: "nosuch")))
        }
    }

    /// Characters that SQLite's GLOB treats specially are literal in a LIKE pattern.
    @Test(arguments: StoreKind.allCases) func likeTreatsGlobCharactersLiterally(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let odd = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[70,42]},"properties":{"id":"o1","name":"50% [new]*?"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[70,42]},"properties":{"id":"o2","name":"50x new"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[70,42]},"properties":{"id":"o3","name":"a\\\\b_c"}}
            ]}
            """
        _ = try portal.importFeatures(ImportRequest(layer: .settlements, path: try folder.write("odd.geojson", odd)))
        let cases: [(String, [String])] = [
            ("name LIKE '50\\% [new]*?'", ["o1"]),
            ("name LIKE '50%'", ["o1", "o2"]),
            ("name LIKE '50\\%%'", ["o1"]),
            ("name LIKE '%[n%'", ["o1"]),
            ("name LIKE '%]*?'", ["o1"]),
            ("name LIKE '%*%'", ["o1"]),
            ("name LIKE '%?'", ["o1"]),
            ("name LIKE '%[new]%'", ["o1"]),
            ("name LIKE '50_ new'", ["o2"]),
            ("name LIKE 'a\\\\b\\_c'", ["o3"]),
            ("name LIKE 'a_b_c'", ["o3"]),
        ]
        for (filter, expected) in cases {
            #expect(try Self.ids(portal, .settlements, filter) == expected, "\(kind): \(filter)")
        }
    }

    @Test(arguments: StoreKind.allCases) func spatialTestsOnPointsLinesAndPolygons(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let settlements: [(String, [String])] = [
            ("S_INTERSECTS(geom, BBOX(71.05, 42.8, 71.4, 43.05))", ["s2", "s4"]),
            ("NOT S_INTERSECTS(geom, BBOX(71.05, 42.8, 71.4, 43.05))", ["s1", "s3", "s5", "s6"]),
            ("S_INTERSECTS(geom, POLYGON((70.9 42.95, 71.2 42.95, 71.2 43.5, 70.9 43.5, 70.9 42.95)))", ["s1", "s2", "s6"]),
            // A triangle whose bounding box holds s1 and s2, but only s1 lies inside it (s2 at
            // 71.1,43.0 is past its long edge lon + lat = 114.05): the exact test decides.
            ("S_INTERSECTS(geom, POLYGON((70.9 42.9, 71.15 42.9, 70.9 43.15, 70.9 42.9)))", ["s1"]),
            ("NOT S_INTERSECTS(geom, POLYGON((70.9 42.9, 71.15 42.9, 70.9 43.15, 70.9 42.9)))", ["s2", "s3", "s4", "s5", "s6"]),
            ("S_INTERSECTS(geom, POINT(71.5 43.2))", ["s3"]),
            ("INTERSECTS(POINT(71.5 43.2), geometry) OR name = 'Zhana'", ["s3", "s5"]),
            ("S_INTERSECTS(geom, POINT(71.5 43.21))", []),
            ("S_INTERSECTS(geom, BBOX(70, 42, 72, 44)) AND NOT S_INTERSECTS(geom, POINT(71.5 43.2)) AND population < 1000",
             ["s2", "s6"]),
        ]
        for (filter, expected) in settlements {
            #expect(try Self.ids(portal, .settlements, filter) == expected, "\(kind): \(filter)")
        }
        // Districts d1 (70.5…71.2, 42.8…43.5) and d2 (71.2…73, 42.8…44) share the edge at 71.2.
        let districts: [(String, [String])] = [
            ("S_INTERSECTS(geom, POINT(71.0 43.0))", ["d1"]),
            ("S_INTERSECTS(geom, POINT(72 43.5))", ["d2"]),
            ("S_INTERSECTS(geom, POINT(71.2 43.0))", ["d1", "d2"]),
            ("NOT S_INTERSECTS(geom, POINT(71.0 43.0))", ["d2"]),
            ("S_INTERSECTS(geom, BBOX(71.3, 43.0, 71.4, 43.1))", ["d2"]),
            ("S_INTERSECTS(geom, BBOX(60, 30, 61, 31))", []),
            ("S_INTERSECTS(geom, POLYGON((71.1 43.0, 71.3 43.0, 71.3 43.1, 71.1 43.1, 71.1 43.0)))", ["d1", "d2"]),
            ("S_INTERSECTS(geom, POLYGON((72 43, 72.5 43, 72.5 43.5, 72 43)))", ["d2"]),
            ("S_INTERSECTS(geom, LINESTRING(70 42, 70.6 42.9))", ["d1"]),
            ("S_INTERSECTS(geom, POINT(71.0 43.0)) OR name = 'East'", ["d1", "d2"]),
        ]
        for (filter, expected) in districts {
            #expect(try Self.ids(portal, .districts, filter) == expected, "\(kind): \(filter)")
        }
        // The road crosses a square that holds none of its vertices.
        #expect(try Self.ids(portal, .roads, "S_INTERSECTS(geom, POLYGON((71.0 43.05, 71.1 43.05, 71.1 43.15, 71.0 43.15, 71.0 43.05)))") == ["r1"])
        #expect(try Self.ids(portal, .roads, "S_INTERSECTS(geom, BBOX(71.0, 43.05, 71.1, 43.15))") == ["r1"])
        #expect(try Self.ids(portal, .roads, "S_INTERSECTS(geom, BBOX(71.0, 43.15, 71.1, 43.2))") == [])
        // Exports and pages honour the condition too.
        let query = ExportQuery(layer: .settlements, condition: try CQL2TextParser.parse("population > 100", layer: .settlements))
            .sorted(by: [SortKey(column: "population", descending: true)]).paged(limit: 2, offset: 1)
        let sink = MemorySink()
        _ = try portal.export(query, options: ExportOptions(), to: sink)
        #expect(try PortalStoreTests.ids(sink.text) == ["s1", "s3"])
        #expect(try portal.count(query) == 5)
    }
}
