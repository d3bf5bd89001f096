import Foundation
import GeoModel
import Geodesy
import QamtuTestSupport
import Testing
@testable import GeoStorage

@Suite("Export: RFC 7946 GeoJSON, sequences, CSV, bbox through the spatial index")
struct ExportTests {
    @Test func writesRFC7946GeoJSON() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        let text = try fixture.exportText(ExportQuery(layer: .settlements, filters: [ExportFilter(column: "id", value: .text("shakpak-ata"))]))
        let expected = #"""
            {"type":"FeatureCollection","name":"settlements","features":[
            {"type":"Feature","id":"shakpak-ata","geometry":{"type":"Point","coordinates":[70.6475,42.571133]},"properties":{"id":"shakpak-ata","name":"Шақпақ ата","name_kk":"Шақпақ ата","name_ru":"Шакпак ата","name_en":"Shakpak-Ata","kind":"village","population":1200,"district":null,"fibre":"planned","fibre_year":2026,"osm_id":2502734780}}
            ]}

            """#
        #expect(try JSONParser.parse(text) == JSONParser.parse(expected))
        #expect(text == expected)
        #expect(!text.contains("\"crs\""))
    }

    @Test func escapesTextAndRoundsCoordinates() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON.replacingOccurrences(of: "-179.999999,", with: "-179.9999995,"))
        let text = try fixture.exportText(ExportQuery(layer: .settlements, filters: [ExportFilter(column: "kind", value: .text("hamlet"))]),
                                          options: ExportOptions(precision: 6))
        let json = try JSONParser.parse(text)
        guard case .array(let features)? = json["features"], let feature = features.first else { Issue.record("no features"); return }
        #expect(feature["id"] == .string("q\"uote"))
        #expect(feature["properties"]?["name"] == .string("back\\slash \"quoted\"\n"))
        // Rounding follows the binary value, as printf does: here both give -180.000000.
        #expect(text.contains(#""coordinates":[-180.0,-89.5]"#))
        #expect(String(format: "%.6f", -179.9999995) == "-180.000000")
    }

    @Test func writesSequencesAndCSV() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        let seq = try fixture.exportText(ExportQuery(layer: .settlements), options: ExportOptions(format: .geojsonseq))
        let lines = seq.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines { #expect(try JSONParser.parse(String(line))["type"] == .string("Feature")) }
        let rs = try fixture.exportText(ExportQuery(layer: .settlements), options: ExportOptions(format: .geojsonseq, recordSeparator: true))
        #expect(rs.hasPrefix("\u{1E}{\"type\":\"Feature\""))
        let csv = try fixture.exportText(ExportQuery(layer: .settlements), options: ExportOptions(format: .csv))
        #expect(csv == """
            id,name,name_kk,name_ru,name_en,kind,population,district,fibre,fibre_year,osm_id,lon,lat
            taraz,Тараз,Тараз,Тараз,Taraz,city,358153,,connected,2012,,71.366667,42.9
            shakpak-ata,Шақпақ ата,Шақпақ ата,Шакпак ата,Shakpak-Ata,village,1200,,planned,2026,2502734780,70.6475,42.571133
            "q""uote","back\\slash ""quoted""
            ",,,,hamlet,0,,none,,,-179.999999,-89.5

            """)
    }

    @Test func roundTripsGeoJSONAndCSV() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        try fixture.importText(.roads, "r.geojson", #"""
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a2","ref":"A-2","name":"Shakpakata–Otar","category":"international"},
             "geometry":{"type":"LineString","coordinates":[[70.5,42.5],[71.366667,42.9],[75.2,43.5]]}}]}
            """#)
        for layer in [LayerSchema.settlements, .roads] {
            for format in [ExportFormat.geojson, .csv] {
                let first = try fixture.exportText(ExportQuery(layer: layer), options: ExportOptions(format: format))
                let again = try Fixture()
                let ext = format == .csv ? "csv" : "geojson"
                try again.importText(layer, "round.\(ext)", first)
                #expect(try again.exportText(ExportQuery(layer: layer), options: ExportOptions(format: format)) == first)
                #expect(try again.portal.features(ExportQuery(layer: layer)) == fixture.portal.features(ExportQuery(layer: layer)))
            }
        }
    }

    /// Reading some columns gives the full records with the other columns null; an unknown
    /// column is an error naming it.
    @Test func featuresWithSomeColumnsLeaveTheOthersNull() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        let query = ExportQuery(layer: .settlements)
        let full = try fixture.portal.features(query)
        #expect(!full.isEmpty)
        let schema = LayerSchema.settlements
        for wanted in [["population", "id"], ["name", "name", "fibre_year"], ["osm_id"]] {
            let partial = try fixture.portal.features(query, columns: wanted)
            #expect(partial.count == full.count)
            // The id is always read (a record's identity).
            #expect(partial.map(\.id) == full.map(\.id))
            for (p, f) in zip(partial, full) {
                #expect(p.geometry == f.geometry && p.values.count == f.values.count)
                for (i, column) in schema.columns.enumerated() {
                    #expect(p.values[i] == (wanted.contains(column.name) || i == 0 ? f.values[i] : .null), "\(column.name)")
                }
            }
        }
        #expect(full.contains { $0.values[schema.columnIndex("name") ?? 0] != .null })
        do {
            _ = try fixture.portal.features(query, columns: ["id", "nope"])
            Issue.record("an unknown column was accepted")
        } catch {
            #expect("\(error)".contains("nope"))
        }
    }

    @Test func bboxGoesThroughTheSpatialIndex() throws {
        let fixture = try Fixture()
        var csv = "id,kind,status,lon,lat\n"
        var points: [(String, GeoPoint)] = []
        for i in 0..<2_000 {
            let p = GeoPoint(longitude: -180 + Double((i * 7919) % 36_000) / 100, latitude: -80 + Double((i * 104_729) % 16_000) / 100)
            points.append(("s\(i)", p))
            csv += "s\(i),base_station,operational,\(p.longitude),\(p.latitude)\n"
        }
        try fixture.importText(.sites, "sites.csv", csv)
        // Exact counts, so that no box compares [] == [] (issue 20, item 17); the third crosses
        // 180° and holds a point on -180 itself and one on its latitude edge (-80).
        let boxes = ["-10,-20,30,40": 84, "170,-50,-170,50": 71, "179,-80,-179,80": 11, "60,30,80,50": 12]
        for (text, count) in boxes.sorted(by: { $0.key < $1.key }) {
            let box = try BoundingBox(parsing: text)
            let query = ExportQuery(layer: .sites, bbox: box)
            let plan = try fixture.portal.queryPlan(query).joined(separator: "\n")
            #expect(plan.contains("VIRTUAL TABLE INDEX") && plan.contains("idx_sites_geom"), "\(plan)")
            #expect(!plan.contains("SCAN sites"), "\(plan)")
            let expected = points.filter { _, p in
                let inLat = p.latitude >= box.minLatitude && p.latitude <= box.maxLatitude
                let inLon = box.crossesAntimeridian
                    ? p.longitude >= box.minLongitude || p.longitude <= box.maxLongitude
                    : p.longitude >= box.minLongitude && p.longitude <= box.maxLongitude
                return inLat && inLon
            }.map(\.0)
            #expect(expected.count == count, "\(text)")
            if text == "179,-80,-179,80" {
                #expect(expected == [0, 50, 100, 641, 691, 741, 791, 1_382, 1_432, 1_482, 1_532].map { "s\($0)" })
            }
            #expect(try fixture.portal.features(query).map(\.id) == expected, "\(text)")
            // Also on a connection of its own without SpatiaLite (the R*Tree is SQLite's).
            #expect(try fixture.portal.features(query, columns: ["status"]).map(\.id) == expected, "\(text)")
        }
    }

    /// Points, roads and districts across 180°: a box with minLon > maxLon finds the features on
    /// both sides of the antimeridian and on it, and none just outside (issue 20, item 17).
    @Test func bboxAcrossTheAntimeridianFindsEveryLayer() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "settlements.geojson", AntimeridianData.settlements)
        try fixture.importText(.roads, "roads.geojson", AntimeridianData.roads)
        try fixture.importText(.districts, "districts.geojson", AntimeridianData.districts)
        let box = try BoundingBox(parsing: AntimeridianData.box)
        #expect(box.crossesAntimeridian)
        for layer in [LayerSchema.settlements, .roads, .districts] {
            let query = ExportQuery(layer: layer, bbox: box)
            let expected = try #require(AntimeridianData.inside[layer.name])
            #expect(try fixture.portal.features(query).map(\.id) == expected, "\(layer.name)")
            #expect(try fixture.portal.features(query, columns: ["name"]).map(\.id) == expected, "\(layer.name), some columns")
            #expect(try fixture.portal.count(query) == expected.count, "\(layer.name)")
            let plan = try fixture.portal.queryPlan(query).joined(separator: "\n")
            #expect(plan.contains("idx_\(layer.name)_geom"), "\(plan)")
        }
    }

    @Test func bboxOnPolygonsIsExact() throws {
        let fixture = try Fixture()
        // An L-shaped district whose bounding box covers the query box, but whose area does not.
        try fixture.importText(.districts, "d.geojson", #"""
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"l","name":"L"},
             "geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,1],[1,1],[1,10],[0,10],[0,0]]]}}]}
            """#)
        #expect(try fixture.portal.count(ExportQuery(layer: .districts, bbox: BoundingBox(parsing: "5,5,6,6"))) == 0)
        #expect(try fixture.portal.count(ExportQuery(layer: .districts, bbox: BoundingBox(parsing: "5,0.5,6,6"))) == 1)
        // The same through a scan of some columns (its own connection, with SpatiaLite for ST_Intersects).
        #expect(try fixture.portal.features(ExportQuery(layer: .districts, bbox: BoundingBox(parsing: "5,5,6,6")), columns: ["name"]).isEmpty)
        #expect(try fixture.portal.features(ExportQuery(layer: .districts, bbox: BoundingBox(parsing: "5,0.5,6,6")), columns: ["name"])
            .map(\.id) == ["l"])
    }

    @Test func filtersAreTypedAndChecked() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        #expect(try fixture.portal.count(ExportQuery(layer: .settlements, filters: [ExportFilter(parsing: "kind=VILLAGE", layer: .settlements)])) == 1)
        #expect(try fixture.portal.count(ExportQuery(layer: .settlements, filters: [ExportFilter(parsing: "population=358153", layer: .settlements)])) == 1)
        #expect(try fixture.portal.count(ExportQuery(layer: .settlements, filters: [ExportFilter(parsing: "osm_id=", layer: .settlements)])) == 2)
        #expect(throws: GeoModelError.unknownField(layer: "settlements", field: "colour")) {
            try ExportFilter(parsing: "colour=red", layer: .settlements)
        }
        #expect(throws: GeoModelError.invalidFilter("population=many", "expected a whole number, got 'many'")) {
            try ExportFilter(parsing: "population=many", layer: .settlements)
        }
    }

    /// `--where` matches text ignoring case in any script, as `road masts --operator` does, on
    /// every read path: counts and records (GRDB's queue) and exports (the raw read connections,
    /// one chunk and many) (issue 20, item 10).
    @Test func textFiltersIgnoreCaseInAnyScript() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        var csv = "id,kind,status,operator,lon,lat\n"
        for i in 0..<300 { csv += "s\(i),base_station,operational,\(["Kcell", "Tele2", "Beeline"][i % 3]),\(70 + Double(i) * 0.001),42\n" }
        try fixture.importText(.sites, "sites.csv", csv)
        let cases: [(LayerSchema, String, Int)] = [
            (.sites, "operator=kcell", 100), (.sites, "operator=KCELL", 100), (.sites, "operator=Kcell", 100),
            (.sites, "operator=tele2", 100), (.sites, "operator=kcel", 0),
            (.settlements, "name=тараз", 1), (.settlements, "name_ru=ШАКПАК АТА", 1), (.settlements, "name_en=SHAKPAK-ATA", 1),
            (.settlements, "name=Тараз", 1),
        ]
        for (layer, text, count) in cases {
            let query = ExportQuery(layer: layer, filters: [try ExportFilter(parsing: text, layer: layer)])
            #expect(try fixture.portal.count(query) == count, "\(text)")
            #expect(try fixture.portal.features(query).count == count, "\(text)")
            for rows: Int64 in [1_000_000, 16] {
                var options = ExportOptions(format: .csv)
                options.rowsPerChunk = rows
                let lines = try fixture.exportText(query, options: options).split(separator: "\n").count
                #expect(lines == count + 1, "\(text), \(rows) rows per chunk")
            }
        }
    }

    @Test func chunkedParallelExportEqualsTheSequentialOne() throws {
        let fixture = try Fixture()
        var csv = "id,name,kind,status,operator,height_m,lon,lat\n"
        for i in 0..<1_000 { csv += "s\(i),\"Site \\\"\(i)\\\"\",base_station,operational,Kcell,\(Double(i) / 8),\(70 + Double(i) * 0.001),\(42 + Double(i) * 0.0005)\n" }
        try fixture.importText(.sites, "sites.csv", csv)
        // Leave holes in the fid sequence, as deletions do.
        try fixture.portal.queue.write { db in try db.execute(sql: "DELETE FROM sites WHERE fid % 7 = 0") }
        for format in ExportFormat.allCases {
            var single = ExportOptions(format: format)
            single.rowsPerChunk = 1_000_000
            var chunked = ExportOptions(format: format)
            chunked.rowsPerChunk = 64
            let one = try fixture.exportText(ExportQuery(layer: .sites), options: single)
            let many = try fixture.exportText(ExportQuery(layer: .sites), options: chunked)
            #expect(one == many, "\(format)")
            let filtered = ExportQuery(layer: .sites, filters: [try ExportFilter(parsing: "height_m=12.5", layer: .sites)])
            #expect(try fixture.exportText(filtered, options: single) == fixture.exportText(filtered, options: chunked), "\(format)")
        }
        let parsed = try JSONParser.parse(try fixture.exportText(ExportQuery(layer: .sites)))
        guard case .array(let features)? = parsed["features"] else { Issue.record("no features"); return }
        #expect(features.count == 1_000 - 142)
    }

    @Test func writesOnlyTheChosenProperties() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        let text = try fixture.exportText(ExportQuery(layer: .settlements, filters: [ExportFilter(column: "id", value: .text("taraz"))]),
                                          options: ExportOptions(properties: ["name_en", "population"]))
        #expect(text.contains(#"{"type":"Feature","id":"taraz","geometry":{"type":"Point","coordinates":[71.366667,42.9]},"properties":{"name_en":"Taraz","population":358153}}"#))
        let csv = try fixture.exportText(ExportQuery(layer: .settlements), options: ExportOptions(format: .csv, properties: ["population", "id"]))
        #expect(csv.hasPrefix("population,id,lon,lat\n358153,taraz,71.366667,42.9\n"))
        #expect(throws: StorageError.self) {
            try fixture.exportText(ExportQuery(layer: .settlements), options: ExportOptions(properties: ["colour"]))
        }
    }

    /// Writing to a device must not replace it (a temporary file renamed over /dev/null would).
    @Test func writesToDevicesInPlace() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        let sink = try FileSink(path: "/dev/null")
        #expect(try fixture.portal.export(ExportQuery(layer: .settlements), to: sink) == 3)
        let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/null")
        #expect(attributes[.type] as? FileAttributeType == .typeCharacterSpecial)
        #expect(!FileManager.default.fileExists(atPath: "/dev/null.partial"))
    }

    @Test func aFailedExportLeavesNoFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("out.geojson")
        do {
            let sink = try FileSink(path: path)
            try sink.write(Array("partial".utf8))
            // The sink is released without finish(): as when an export throws half-way.
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }
}
