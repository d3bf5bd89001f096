import Foundation
import GeoModel
import Geodesy
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// Every class of bad input, with the exact message a user sees; nothing is written.
@Suite("Import validation: exact errors, nothing written")
struct ImportValidationTests {
    static let header = "id,name,kind,population,fibre,fibre_year,lon,lat\n"

    @Test(arguments: [
        // Coordinates: not a number, out of range, non-finite.
        ("a,A,village,10,none,,71.5,abc\n", "bad.csv:2: field 'lat': expected a number, got 'abc'"),
        ("a,A,village,10,none,,71.5,95.2\n",
         "bad.csv:2: field 'geometry': position 0 (71.5, 95.2) is outside the WGS84 range (longitude -180…180, latitude -90…90)"),
        ("a,A,village,10,none,,inf,42\n", "bad.csv:2: field 'lon': expected a number, got 'inf'"),
        ("a,A,village,10,none,,-180.5,42\n",
         "bad.csv:2: field 'geometry': position 0 (-180.5, 42.0) is outside the WGS84 range (longitude -180…180, latitude -90…90)"),
        ("a,A,village,10,none,,,\n", "bad.csv:2: field 'geometry': missing (layer settlements needs Point)"),
        // Required attributes and types.
        (",A,village,10,none,,71.5,42\n", "bad.csv:2: field 'id': required value is missing"),
        ("a,A,village,many,none,,71.5,42\n", "bad.csv:2: field 'population': expected a whole number, got 'many'"),
        ("a,A,village,-5,none,,71.5,42\n", "bad.csv:2: field 'population': -5 is outside 0…100000000"),
        ("a,A,village,10,none,20x5,71.5,42\n", "bad.csv:2: field 'fibre_year': expected a whole number, got '20x5'"),
        ("a,A,village,10,none,1850,71.5,42\n", "bad.csv:2: field 'fibre_year': 1850 is outside 1900…2100"),
        // Enumerations.
        ("a,A,metropolis,10,none,,71.5,42\n",
         "bad.csv:2: field 'kind': unknown value 'metropolis' (expected one of city, town, village, hamlet, isolated_dwelling)"),
        ("a,A,village,10,soon,,71.5,42\n",
         "bad.csv:2: field 'fibre': unknown value 'soon' (expected one of connected, planned, none)"),
        // Structure.
        ("a,A,village,10,none,71.5,42\n", "bad.csv:2: the record has 7 fields, the header has 8"),
    ])
    func csvProblem(row: String, message: String) throws {
        let fixture = try Fixture()
        let text = Self.header + "ok,Fine,village,1,none,,71,42\n" + row.replacingOccurrences(of: "bad.csv:2", with: "")
        let described = try #require(try fixture.importProblems(.settlements, "bad.csv", text))
        let expected = message.replacingOccurrences(of: "bad.csv:2", with: "bad.csv:3")
        #expect(described == "import of settlements from bad.csv failed: 1 problem, nothing was written\n  " + expected)
        #expect(try fixture.portal.layerCounts().allSatisfy { $0.count == 0 })
    }

    @Test func invalidUTF8IsNamedByLineAndField() throws {
        let fixture = try Fixture()
        let bytes = Array((Self.header + "a,").utf8) + [0x41, 0xC3, 0x28] + Array(",village,1,none,,71,42\n".utf8)
        let path = try fixture.folder.write("latin1.csv", bytes: bytes)
        do { try fixture.importFile(.settlements, path: path); Issue.record("imported invalid UTF-8") } catch {
            #expect("\(error)" == "import of settlements from latin1.csv failed: 1 problem, nothing was written\n  latin1.csv:2: field 'name': text is not valid UTF-8")
        }
    }

    @Test(arguments: [
        (#"{"type":"Feature","properties":{"id":"r1"},"geometry":{"type":"Point","coordinates":[71,42]}}"#,
         "roads.geojson: feature 0 (line 2): field 'geometry': Point does not fit layer roads (expects LineString or MultiLineString)"),
        (#"{"type":"Feature","properties":{"id":"r1"},"geometry":{"type":"LineString","coordinates":[[71,42]]}}"#,
         "roads.geojson: feature 0 (line 2): field 'geometry': a line needs at least 2 positions, got 1"),
        (#"{"type":"Feature","properties":{"id":"r1"},"geometry":{"type":"LineString","coordinates":[[71,42],["x",43]]}}"#,
         "roads.geojson: feature 0 (line 2): field 'geometry': a position holds something other than numbers"),
        (#"{"type":"Feature","properties":{"id":"r1","category":"motorway"},"geometry":{"type":"LineString","coordinates":[[71,42],[72,43]]}}"#,
         "roads.geojson: feature 0 (line 2): field 'category': unknown value 'motorway' (expected one of international, national, regional, local)"),
        (#"{"type":"Feature","properties":{"id":"r1","name":{"en":"x"}},"geometry":{"type":"LineString","coordinates":[[71,42],[72,43]]}}"#,
         "roads.geojson: feature 0 (line 2): field 'name': expected a single value, got {…}"),
        (#"{"type":"Feature","properties":{"id":true},"geometry":{"type":"LineString","coordinates":[[71,42],[72,43]]}}"#,
         "roads.geojson: feature 0 (line 2): field 'id': expected text, got true"),
        (#"{"type":"Feature","properties":{"id":"r1"},"geometry":{"type":"GeometryCollection","geometries":[]}}"#,
         "roads.geojson: feature 0 (line 2): field 'geometry': GeometryCollection is not supported"),
        (#"{"type":"Feature","properties":{"id":"r1"}}"#,
         "roads.geojson: feature 0 (line 2): field 'geometry': missing (layer roads needs MultiLineString)"),
        (#"{"type":"Feature","properties":{"id":"r1","name":"a"},"geometry":null,}"#,
         "roads.geojson: feature 0 (line 2): invalid JSON: expected a member name in quotes"),
        (#"{"type":"Road","properties":{"id":"r1"}}"#,
         "roads.geojson: feature 0 (line 2): not a GeoJSON Feature (its \"type\" must be \"Feature\")"),
    ])
    func geoJSONProblem(feature: String, message: String) throws {
        let fixture = try Fixture()
        let text = "{\"type\":\"FeatureCollection\",\"features\":[\n" + feature + "\n]}"
        let described = try #require(try fixture.importProblems(.roads, "roads.geojson", text, format: .geojson))
        #expect(described == "import of roads from roads.geojson failed: 1 problem, nothing was written\n  " + message)
    }

    @Test func polygonRingsMustBeClosed() throws {
        let fixture = try Fixture()
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"d","name":"D"},"geometry":{"type":"Polygon","coordinates":[[[70,42],[71,42],[71,43],[70,43]]]}}]}"#
        #expect(try fixture.importProblems(.districts, "d.geojson", text) ==
                "import of districts from d.geojson failed: 1 problem, nothing was written\n  d.geojson: feature 0 (line 1): field 'geometry': a polygon ring is not closed (first and last positions differ)")
    }

    @Test func duplicateIdsInTheFileAndInTheLayer() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "first.csv", Self.header + "a,A,village,1,none,,71,42\n")
        let text = Self.header + "b,B,village,1,none,,71,42\nb,B2,village,1,none,,71,42\na,A2,village,1,none,,71,42\n"
        #expect(try fixture.importProblems(.settlements, "second.csv", text) == """
            import of settlements from second.csv failed: 2 problems, nothing was written
              second.csv:3: field 'id': 'b' is already used by an earlier feature of this file
              second.csv:4: field 'id': 'a' is already used by a feature already in layer settlements
            """)
        #expect(try fixture.portal.features(ExportQuery(layer: .settlements)).map(\.id) == ["a"])
    }

    /// Valid rows go in 16 to an INSERT; a duplicate id anywhere in such a run (of the file, of
    /// the layer, or both in the run) is still named exactly, and nothing is written.
    @Test func duplicateIdsInsideRunsOfManyRowsAreNamedExactly() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "first.csv", Self.header + "old,Old,village,1,none,,71,42\n")
        var text = Self.header
        for i in 0..<100 {
            let id = i == 37 ? "n5" : i == 70 ? "old" : i == 95 ? "n90" : "n\(i)"
            text += "\(id),N\(i),village,1,none,,71,42\n"
        }
        #expect(try fixture.importProblems(.settlements, "many.csv", text) == """
            import of settlements from many.csv failed: 3 problems, nothing was written
              many.csv:39: field 'id': 'n5' is already used by an earlier feature of this file
              many.csv:72: field 'id': 'old' is already used by a feature already in layer settlements
              many.csv:97: field 'id': 'n90' is already used by an earlier feature of this file
            """)
        #expect(try fixture.portal.features(ExportQuery(layer: .settlements)).map(\.id) == ["old"])
        // Without the duplicates, all 100 go in, in file order, with consecutive fids.
        var clean = Self.header
        for i in 0..<100 { clean += "n\(i),N\(i),village,1,none,,71,42\n" }
        try fixture.importText(.settlements, "clean.csv", clean)
        #expect(try fixture.portal.features(ExportQuery(layer: .settlements)).map(\.id) == ["old"] + (0..<100).map { "n\($0)" })
    }

    @Test func listsTheFirstTwentyProblemsAndCountsAll() throws {
        let fixture = try Fixture()
        var text = Self.header
        for i in 0..<45 { text += "s\(i),S,village,lots,none,,71,42\n" }
        let described = try #require(try fixture.importProblems(.settlements, "many.csv", text))
        let lines = described.split(separator: "\n")
        #expect(lines.first == "import of settlements from many.csv failed: 45 problems, nothing was written (the first 20 follow)")
        #expect(lines.count == 21)
        #expect(lines.last == "  many.csv:21: field 'population': expected a whole number, got 'lots'")
    }

    /// Counts of problems are grouped in thousands, as every count for people is (issue 20, item 11).
    @Test func countsThousandsOfProblemsInGroups() throws {
        let fixture = try Fixture()
        var text = Self.header
        for i in 0..<1_234 { text += "s\(i),S,village,lots,none,,71,42\n" }
        let described = try #require(try fixture.importProblems(.settlements, "many.csv", text))
        #expect(described.split(separator: "\n").first
            == "import of settlements from many.csv failed: 1,234 problems, nothing was written (the first 20 follow)")
    }

    @Test func reportsEveryProblemOfOneFeature() throws {
        let fixture = try Fixture()
        let text = Self.header + "a,A,castle,x,maybe,,200,42\n"
        #expect(try fixture.importProblems(.settlements, "multi.csv", text) == """
            import of settlements from multi.csv failed: 4 problems, nothing was written
              multi.csv:2: field 'kind': unknown value 'castle' (expected one of city, town, village, hamlet, isolated_dwelling)
              multi.csv:2: field 'population': expected a whole number, got 'x'
              multi.csv:2: field 'fibre': unknown value 'maybe' (expected one of connected, planned, none)
              multi.csv:2: field 'geometry': position 0 (200.0, 42.0) is outside the WGS84 range (longitude -180…180, latitude -90…90)
            """)
    }

    @Test func fileLevelProblemsAreErrorsToo() throws {
        let fixture = try Fixture()
        #expect(try fixture.importProblems(.settlements, "nogeom.csv", "id,name\na,A\n", format: .csv) ==
                "nogeom.csv:1: no geometry columns: layer settlements needs 'lon' and 'lat' (or 'wkt'); header has id, name")
        #expect(try fixture.importProblems(.settlements, "empty.csv", "", format: .csv) ==
                "empty.csv:1: the file is empty (no header line)")
        let missing = fixture.folder.path("absent.geojson")
        do {
            let source = try InputFormat.geojson.openSource(path: missing, displayName: "absent.geojson", layer: .settlements)
            _ = source
            Issue.record("opened a missing file")
        } catch {
            #expect(error.description == "absent.geojson: cannot open: No such file or directory")
        }
    }

    /// A file whose content is not what its name or the chosen format says.
    struct MisleadingFile: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var format: InputFormat?
        var message: String
        var testDescription: String { "\(name) as \(format?.rawValue ?? "detected")" }

        init(_ name: String, _ text: String, _ format: InputFormat?, _ message: String) {
            self.init(name, Array(text.utf8), format, message)
        }

        init(_ name: String, _ bytes: [UInt8], _ format: InputFormat?, _ message: String) {
            self.name = name
            self.bytes = bytes
            self.format = format
            self.message = message
        }
    }

    static let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0x4B, 0x4C]
    static let noHeader = "the first line must name the columns (e.g. id,name,lon,lat)"
    static let misleadingFiles: [MisleadingFile] = [
        MisleadingFile("villages.geojson", "hello, this is a note\nnot a map\n", nil,
                       "villages.geojson:1: not JSON: a GeoJSON file starts with '{', this one with 'h'"),
        MisleadingFile("villages.txt", "hello\n", .geojson, "villages.txt:1: not JSON: a GeoJSON file starts with '{', this one with 'h'"),
        MisleadingFile("list.geojson", "[1,2]", nil, "list.geojson:1: not a GeoJSON FeatureCollection (expected '{' at the start)"),
        // gzip-compressed files are decompressed as they are read (issue 18); these 12 bytes are
        // the start of one, cut off.
        MisleadingFile("cells.csv.gz", gzip, nil,
                       "cells.csv.gz: the gzip data is cut off at byte 12 (the file is incomplete; download or copy it again)"),
        MisleadingFile("cells.csv.gz", gzip, .csv,
                       "cells.csv.gz: the gzip data is cut off at byte 12 (the file is incomplete; download or copy it again)"),
        MisleadingFile("villages.geojson.gz", gzip, .geojson,
                       "villages.geojson.gz: the gzip data is cut off at byte 12 (the file is incomplete; download or copy it again)"),
        MisleadingFile("villages.csv.bz2", "BZh91AY&SY", nil,
                       "villages.csv.bz2: bzip2-compressed: decompress it first (bunzip2 -k villages.csv.bz2) and import the result"),
        MisleadingFile("villages.zip", "PK\u{03}\u{04}rest", nil,
                       "villages.zip: a zip archive: extract it first (unzip villages.zip) and import the file inside"),
        MisleadingFile("villages.csv", "k1,Кордай,town,30000,74.7183,43.0417\nk2,Сортобе,village,9000,75.43,43.01\n", nil,
                       "villages.csv:1: no header line: the first line holds values (30000, 74.7183, 43.0417), not column names; " + noHeader),
        MisleadingFile("numbers.csv", "1,2,1\n3,4,3\n", .csv,
                       "numbers.csv:1: no header line: the first line holds values (1, 2, 1), not column names; " + noHeader),
    ]

    /// Files that are not what their name or the chosen format says are diagnosed as what they
    /// are (issue 20, item 9), whether the format is detected or given.
    @Test(arguments: misleadingFiles)
    func misleadingFilesAreDiagnosedAsWhatTheyAre(file: MisleadingFile) throws {
        let fixture = try Fixture()
        let path = try fixture.folder.write(file.name, bytes: file.bytes)
        do {
            try fixture.importFile(.settlements, path: path, format: file.format)
            Issue.record("imported \(file.name)")
        } catch {
            #expect("\(error)" == file.message)
        }
    }

    /// A failure on the very last row of a large file leaves the database exactly as it was.
    @Test func aFailureOnTheLastRowOfALargeFileChangesNothing() throws {
        let fixture = try Fixture()
        try fixture.importText(.sites, "before.csv", "id,kind,status,operator,lon,lat\nkeep,base_station,operational,Kcell,71,42\n")
        let before = try fixture.exportText(ExportQuery(layer: .sites))
        var text = "id,kind,status,operator,technologies,lon,lat\n"
        text.reserveCapacity(60 * 100_000)
        for i in 0..<100_000 {
            text += "s\(i),base_station,operational,Beeline,2G;4G,\(70 + Double(i % 1000) / 1000),\(42 + Double(i / 1000) / 1000)\n"
        }
        text += "last,base_station,operational,Beeline,6G,71,42\n"
        let described = try #require(try fixture.importProblems(.sites, "large.csv", text))
        #expect(described == "import of sites from large.csv failed: 1 problem, nothing was written\n  large.csv:100002: field 'technologies': unknown value '6G' (expected values from 2G, 3G, 4G, 5G, fibre)")
        #expect(try fixture.exportText(ExportQuery(layer: .sites)) == before)
        #expect(try fixture.portal.count(ExportQuery(layer: .sites)) == 1)
        // The spatial index holds only the kept feature.
        let indexed = try fixture.portal.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM idx_sites_geom") }
        #expect(indexed == 1)
    }

    @Test func dryRunValidatesAndWritesNothing() throws {
        let fixture = try Fixture()
        let report = try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON, options: ImportOptions(dryRun: true))
        #expect(report.imported == 3)
        #expect(report.dryRun)
        #expect(try fixture.portal.count(ExportQuery(layer: .settlements)) == 0)
    }

    @Test func replaceSwapsTheLayerInOneTransaction() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        let report = try fixture.importText(.settlements, "one.csv", Self.header + "n,New,town,5,none,,71,42\n", options: ImportOptions(replace: true))
        #expect(report.replaced == 3)
        #expect(try fixture.portal.features(ExportQuery(layer: .settlements)).map(\.id) == ["n"])
        // A failing replace keeps the old features.
        #expect(throws: ImportError.self) {
            try fixture.importText(.settlements, "bad.csv", Self.header + "m,M,town,5,none,,999,42\n", options: ImportOptions(replace: true))
        }
        #expect(try fixture.portal.features(ExportQuery(layer: .settlements)).map(\.id) == ["n"])
    }

    @Test func semicolonCSVWithBOMDecimalCommaAndMappedHeaders() throws {
        let fixture = try Fixture()
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("код;название;тип;долгота;широта\nk1;Кордай;village;74,7183;43,0417\n".utf8)
        let path = try fixture.folder.write("ru.csv", bytes: bytes)
        let report = try fixture.importFile(.settlements, path: path,
                                            fieldMap: ["код": "id", "название": "name_ru", "тип": "kind", "долгота": "lon", "широта": "lat"])
        #expect(report.imported == 1)
        let record = try #require(try fixture.portal.features(ExportQuery(layer: .settlements)).first)
        #expect(record.values[3] == .text("Кордай"))
        #expect(record.geometry == .point(.init(longitude: 74.7183, latitude: 43.0417)))
    }

    @Test func unknownColumnsAreReportedAsIgnored() throws {
        let fixture = try Fixture()
        let report = try fixture.importText(.settlements, "x.csv", "id,colour,lon,lat\na,red,71,42\n")
        #expect(report.ignoredFields == ["colour"])
    }
}

@Suite("Import keeps SpatiaLite's spatial index consistent")
struct SpatialIndexMaintenanceTests {
    @Test func bulkLoadedIndexMatchesTheGeometriesAndTriggersComeBack() throws {
        let fixture = try Fixture()
        var text = "id,kind,status,lon,lat\n"
        for i in 0..<500 { text += "s\(i),base_station,operational,\(70 + Double(i) * 0.013_579),\(42 + Double(i) * 0.007_531)\n" }
        try fixture.importText(.sites, "sites.csv", text)
        try fixture.portal.queue.read { db in
            // Every feature is in the R*Tree with a box that contains it (32-bit bounds, rounded outward).
            let contained = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM sites s JOIN idx_sites_geom i ON i.pkid = s.fid
                WHERE i.xmin <= ST_X(s.geom) AND i.xmax >= ST_X(s.geom) AND i.ymin <= ST_Y(s.geom) AND i.ymax >= ST_Y(s.geom)
                """)
            #expect(contained == 500)
            let triggers = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ('gii_sites_geom', 'tmi_sites_geom') ORDER BY name")
            #expect(triggers == ["gii_sites_geom", "tmi_sites_geom"])
        }
        // Editing through plain SQL (as QGIS does) still maintains the index.
        try fixture.portal.queue.write { db in
            try db.execute(sql: "INSERT INTO sites (id, kind, status, geom) VALUES ('qgis', 'antenna_mast', 'planned', MakePoint(75.5, 43.5, 4326))")
        }
        let found = try fixture.portal.features(ExportQuery(layer: .sites, bbox: BoundingBox(parsing: "75.4,43.4,75.6,43.6")))
        #expect(found.map(\.id) == ["qgis"])
    }
}
