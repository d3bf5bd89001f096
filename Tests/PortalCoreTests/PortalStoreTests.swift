import Coverage
import Foundation
import GeoModel
import GeoStorage
import Geodesy
import PortalCore
import QamtuTestSupport
import Testing

/// The core's use cases, each test body run against the in-memory store and the SpatiaLite store
/// with the same fixture (``StoreFixture``).
@Suite("Core use cases on every store")
struct PortalStoreTests {
    /// The ids of a GeoJSON FeatureCollection in order.
    static func ids(_ text: String) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let features = try #require(json?["features"] as? [[String: Any]])
        return features.compactMap { $0["id"] as? String }
    }

    /// Exports `query` to memory as GeoJSON.
    static func export(_ portal: Portal, _ query: ExportQuery, _ options: ExportOptions = ExportOptions()) throws -> String {
        let sink = MemorySink()
        _ = try portal.export(query, options: options, to: sink)
        #expect(sink.isFinished)
        return sink.text
    }

    @Test(arguments: StoreKind.allCases) func filtersSortsAndPages(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let all = ExportQuery(layer: .settlements)
        #expect(try Self.ids(Self.export(portal, all)) == ["s1", "s2", "s3", "s4", "s5", "s6"])
        let byPopulation = ExportQuery(layer: .settlements).sorted(by: [SortKey(column: "population", descending: true)])
        #expect(try Self.ids(Self.export(portal, byPopulation)) == ["s4", "s1", "s3", "s2", "s5", "s6"])
        // Equal names keep insertion order; pages never overlap and count ignores the page.
        let byName = try SortKey.list(parsing: "name,-population", layer: .settlements)
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .settlements).sorted(by: byName))) == ["s1", "s6", "s2", "s3", "s4", "s5"])
        let page = ExportQuery(layer: .settlements).sorted(by: byName).paged(limit: 2, offset: 1)
        #expect(try Self.ids(Self.export(portal, page)) == ["s6", "s2"])
        #expect(try portal.count(page) == 6)
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .settlements).paged(limit: 0))) == [])
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .settlements).paged(limit: nil, offset: 10))) == [])
        // Filters: equality on typed columns, empty matches missing values.
        let district = try ExportFilter(parsing: "district=d2", layer: .settlements)
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .settlements, filters: [district]))) == ["s3", "s4", "s5"])
        // Text ignoring case in any script, numbers exactly.
        let kcell = try ExportFilter(parsing: "operator=kcell", layer: .sites)
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .sites, filters: [kcell]))) == ["t1", "t4", "t7"])
        let taraz = try ExportFilter(parsing: "name_kk=ТАРАЗ", layer: .settlements)
        #expect(try portal.count(ExportQuery(layer: .settlements, filters: [taraz])) == 1)
        let population = try ExportFilter(parsing: "population=800", layer: .settlements)
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .settlements, filters: [population]))) == ["s2"])
        let noFibre = try ExportFilter(parsing: "fibre=", layer: .settlements)
        #expect(try portal.count(ExportQuery(layer: .settlements, filters: [noFibre])) == 2)
        // A box around Taraz and Berik (lon/lat degrees), and one across the antimeridian that holds nothing.
        let box = try BoundingBox(parsing: "71.05,42.8,71.4,43.05")
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .settlements, bbox: box))) == ["s2", "s4"])
        let across = try BoundingBox(parsing: "179,42,-179,44")
        #expect(try portal.count(ExportQuery(layer: .settlements, bbox: across)) == 0)
        // Sites on both sides of 180° and one far from it: the crossing box finds the two.
        let dateLine = try folder.write("dateline.csv", "id,kind,status,lon,lat\nam-west,base_station,operational,179.5,43\n"
            + "am-east,base_station,operational,-179.5,43.5\nam-far,base_station,operational,0,43\n")
        _ = try portal.importFeatures(ImportRequest(layer: .sites, path: dateLine))
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .sites, bbox: across))) == ["am-west", "am-east"])
        #expect(try portal.count(ExportQuery(layer: .sites, bbox: try BoundingBox(parsing: "179.6,42,-179.6,44"))) == 0)
        // The road crosses a box that holds none of its vertices (exact intersection, not vertices).
        let roadBox = try BoundingBox(parsing: "71.0,43.05,71.1,43.15")
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .roads, bbox: roadBox))) == ["r1"])
        #expect(try portal.count(ExportQuery(layer: .roads, bbox: try BoundingBox(parsing: "71.0,43.15,71.1,43.2"))) == 0)
        // Records through the scan keep only the id and the columns asked for.
        var seen: [FeatureRecord] = []
        try portal.store.forEachFeature(ExportQuery(layer: .settlements).paged(limit: 1), columns: ["population"]) { seen.append($0) }
        #expect(seen.map(\.values) == [[.text("s1"), .null, .null, .null, .null, .null, .integer(5000), .null, .null, .null, .null]])
        #expect(throws: (any Error).self) {
            try portal.store.forEachFeature(ExportQuery(layer: .settlements), columns: ["nosuch"]) { _ in }
        }
    }

    /// Points, roads and districts across 180°: a box with minLon > maxLon finds the same
    /// features on every store, on both sides of the antimeridian and on it (issue 20, item 17).
    @Test(arguments: StoreKind.allCases) func bboxAcrossTheAntimeridian(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let store = try StoreFixture.emptyStore(kind, in: folder, name: "across")
        let portal = Portal(store: store)
        let layers: [(LayerSchema, String)] = [(.settlements, AntimeridianData.settlements), (.roads, AntimeridianData.roads),
                                               (.districts, AntimeridianData.districts)]
        let box = try BoundingBox(parsing: AntimeridianData.box)
        for (layer, text) in layers {
            _ = try portal.importFeatures(ImportRequest(layer: layer, path: try folder.write("\(layer.name).geojson", text)))
            let expected = try #require(AntimeridianData.inside[layer.name])
            #expect(try Self.ids(Self.export(portal, ExportQuery(layer: layer, bbox: box))) == expected, "\(layer.name)")
            #expect(try portal.count(ExportQuery(layer: layer, bbox: box)) == expected.count, "\(layer.name)")
        }
    }

    /// A district query that matches several districts fails naming them; one that matches a
    /// district without settlements says so (issue 20, item 6: `--district Жуалы` once matched an
    /// empty exclave and answered 0 settlements without a word).
    @Test(arguments: StoreKind.allCases) func districtQueriesSayWhenTheyAreAmbiguousOrEmpty(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let notes = NoteLog()
        let store = try StoreFixture.emptyStore(kind, in: folder, name: "districts")
        let portal = Portal(store: store, notify: { notes.append($0) })
        func box(_ id: String, _ name: String, _ west: Double, _ south: Double, _ east: Double, _ north: Double) -> String {
            #"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[\#(west),\#(south)],[\#(east),\#(south)],"#
                + #"[\#(east),\#(north)],[\#(west),\#(north)],[\#(west),\#(south)]]]},"properties":{"id":"\#(id)","name":"\#(name)"}}"#
        }
        let districts = #"{"type":"FeatureCollection","features":["# + [
            box("d1", "Aqsu District", 70.9, 42.95, 71.2, 43.5), box("d2", "Taraz District", 71.3, 42.8, 72.6, 43.9),
            box("zhualy", "Жуалы", 73.0, 44.0, 73.5, 44.5),
            box("kordai-west", "Kordai", 74.0, 44.0, 74.5, 44.5), box("kordai-east", "Kordai", 75.0, 44.0, 75.5, 44.5),
        ].joined(separator: ",") + "]}"
        _ = try portal.importFeatures(ImportRequest(layer: .settlements, path: try folder.write("s.geojson", StoreFixture.settlements)))
        _ = try portal.importFeatures(ImportRequest(layer: .districts, path: try folder.write("d.geojson", districts)))
        let request = AnalysisRequest(asOfYear: 2026)

        // The fixture's settlements name their districts d1 and d2 (the memory store derives none).
        let taraz = try portal.coverage(request, district: "Taraz District")
        #expect(taraz.result.entries.map { taraz.result.settlements[$0.settlement].id }.sorted() == ["s3", "s4", "s5"])
        #expect(notes.lines == [])

        let empty = try portal.coverage(request, district: "Zhualy")
        #expect(empty.result.entries.isEmpty)
        #expect(notes.lines == ["note: district Жуалы (zhualy) has no settlements"])
        _ = try portal.coverageDiff(from: 2025, to: 2026, request, district: "жуалы")
        #expect(notes.lines.count == 2)

        do {
            _ = try portal.coverage(request, district: "Kordai")
            Issue.record("an ambiguous district was accepted")
        } catch let error as CoverageError {
            #expect(error.description == "district name 'Kordai' is ambiguous; candidates: Kordai (kordai-west), Kordai (kordai-east)"
                || error.description == "district name 'Kordai' is ambiguous; candidates: Kordai (kordai-east), Kordai (kordai-west)")
            // A name that matches several features is a conflict (HTTP 409, exit status 1), as for roads.
            #expect(error.category == .conflict)
        }
        #expect(throws: CoverageError.self) { try portal.coverage(request, district: "Nowhere") }
    }

    @Test(arguments: StoreKind.allCases) func findsNamesInAnyScript(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let taraz = try portal.find("Тараз", in: .settlements)
        #expect(taraz.found.first?.record.id == "s4")
        let aqsu = try portal.find("aqsu", in: .settlements, limit: 5)
        #expect(Set(aqsu.found.prefix(2).map(\.record.id)) == ["s1", "s6"])
        #expect(throws: PortalError(.notFound, "no settlements match 'Qwertyuiop'")) {
            try portal.find("Qwertyuiop", in: .settlements)
        }
        let sink = MemorySink()
        try FindWriter(format: .geojson).write(taraz, to: sink)
        #expect(try Self.ids(sink.text).first == "s4")
    }

    @Test(arguments: StoreKind.allCases) func coverageAsOfYearAndScenario(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        func classes(_ year: Int, _ scenario: Scenario) throws -> [String: (CoverageClass, MobileTechnology?)] {
            let listing = try portal.coverage(AnalysisRequest(asOfYear: year, scenario: scenario))
            var out: [String: (CoverageClass, MobileTechnology?)] = [:]
            for entry in listing.result.entries {
                out[listing.result.settlements[entry.settlement].id] = (entry.coverageClass, entry.bestMobile)
            }
            return out
        }
        let actual = try classes(2025, .actual)
        #expect(actual.count == 6)
        #expect(actual["s1"]?.1 == .g4)       // t1, 0.8 km away, 5 km range
        #expect(actual["s4"]?.1 == .g5)       // t4, 0.23 km away, 1 km range
        #expect(actual["s3"]?.1 == nil)       // t2 is only planned
        #expect(actual["s5"]?.0 == .unserved) // t6 is retired
        #expect(actual["s5"]?.1 == nil)
        let planned = try classes(2026, .planned)
        #expect(planned["s3"]?.1 == .g4)
        #expect(planned["s5"]?.0 == .unserved)
        // The diff from 2025 to 2026 (planned) names Kokterek.
        let diff = try portal.coverageDiff(from: 2025, to: 2026, AnalysisRequest(scenario: .planned))
        let sink = MemorySink()
        _ = try CoverageWriter(format: .csv, properties: ["id"]).write(diff, to: sink)
        #expect(sink.text.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }.contains("s3"))
        #expect(throws: PortalError.self) { try portal.coverage(AnalysisRequest(asOfYear: 1800)) }
    }

    @Test(arguments: StoreKind.allCases) func nearestSitesByGeodesicDistance(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let result = try portal.nearest(.settlements, to: .sites, k: 2)
        #expect(result.sources.map(\.id) == ["s1", "s2", "s3", "s4", "s5", "s6"])
        let first = try #require(result.neighbours.first)
        #expect(first.map { result.targets[$0.target].id } == ["t1", "t5"])
        // Distances against Karney's inverse computed here, to 1 mm.
        let expected = Geodesic.inverse(GeoPoint(longitude: 71.0, latitude: 43.0), GeoPoint(longitude: 71.01, latitude: 43.0)).distanceMeters
        #expect(abs(first[0].distanceMeters - expected) < 0.001)
        #expect(abs(expected - 815.4) < 0.1)
        #expect(throws: PortalError.self) { try portal.nearest(.roads, to: .sites, k: 1) }
        #expect(throws: PortalError.self) { try portal.nearest(.settlements, to: .sites, k: 0) }
    }

    @Test(arguments: StoreKind.allCases) func roadMastsGapsAndPlan(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let masts = try portal.roadMasts("T-1", within: try Distance(parsing: "5km"))
        #expect(masts.road.id == "r1")
        #expect(masts.masts.map(\.candidate.id) == ["t7", "t8"])
        // t7 sits 0.02° of latitude north of the road: about 2.22 km on the ellipsoid.
        let offset = Geodesic.inverse(GeoPoint(longitude: 71.2, latitude: 43.12), GeoPoint(longitude: 71.2, latitude: 43.1)).distanceMeters
        #expect(abs(masts.masts[0].location.offsetMeters - offset) < 1)
        let planned = try portal.roadMasts("Test Highway", within: try Distance(parsing: "5km"), status: .planned)
        #expect(planned.masts.map(\.candidate.id) == ["t8"])
        let kcell = try portal.roadMasts("r1", within: try Distance(parsing: "5km"), operatorName: "kcell")
        #expect(kcell.masts.map(\.candidate.id) == ["t7"])
        #expect(throws: PortalError.self) { try portal.roadMasts("Nowhere road", within: Distance(meters: 1000)) }
        do {
            _ = try portal.roadMasts("Nowhere road", within: Distance(meters: 1000))
        } catch let error as PortalError {
            #expect(error.category == .notFound)
        }

        let gaps = try portal.roadGaps("T-1", technology: .g4, asOfYear: 2025, scenario: .actual)
        #expect(gaps.activeSites.map(\.site.id) == ["t7"])
        #expect(gaps.coverage.gaps.count == 2)
        let plannedGaps = try portal.roadGaps("T-1", technology: .g4, asOfYear: 2026, scenario: .planned)
        #expect(plannedGaps.coverage.gaps.count == 3)
        #expect(plannedGaps.coverage.coveredMeters > gaps.coverage.coveredMeters)

        let plan = try portal.roadPlan("T-1", technology: .g4, asOfYear: 2026, scenario: .planned, range: try Distance(parsing: "10km"))
        #expect(plan.plannedSiteIDs == ["t8"])
        #expect(!plan.plan.masts.isEmpty)
        #expect(plan.plan.after.gaps.isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func reportCountsClassesAndSchools(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let report = try portal.report(AnalysisRequest(asOfYear: 2025))
        let sink = MemorySink()
        try ReportFormat.json.write(report, to: sink)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sink.text.utf8)) as? [String: Any])
        let total = try #require(json["total"] as? [String: Any])
        #expect(total["settlements"] as? Int == 6)
        #expect(total["satellite_schools"] as? Int == 1)
    }

    @Test(arguments: StoreKind.allCases) func importsAreAllOrNothing(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let before = try portal.store.changeToken()
        let bad = try folder.write("bad.csv", "id,name,kind,status,lon,lat\nt9,ok,base_station,operational,71,43\nt1,dup,base_station,operational,71,43\nt10,x,tower,operational,71,43\n")
        #expect(throws: ImportError.self) { try portal.importFeatures(ImportRequest(layer: .sites, path: bad)) }
        #expect(try portal.count(ExportQuery(layer: .sites)) == 8)
        #expect(try portal.store.changeToken() == before)
        let good = try folder.write("good.csv", "id,name,kind,status,lon,lat\nt9,ok,base_station,operational,71,43\n")
        let (report, format) = try portal.importFeatures(ImportRequest(layer: .sites, path: good))
        #expect(report.imported == 1)
        #expect(format == .csv)
        #expect(try portal.count(ExportQuery(layer: .sites)) == 9)
        #expect(try portal.store.changeToken() != before)
        let dry = try portal.importFeatures(ImportRequest(layer: .sites, path: try folder.write("dry.csv", "id,kind,status,lon,lat\nt11,base_station,planned,71,43\n"),
                                                          options: ImportOptions(dryRun: true)))
        #expect(dry.report.imported == 1)
        #expect(try portal.count(ExportQuery(layer: .sites)) == 9)
        #expect(throws: PortalError.self) { try portal.importFeatures(ImportRequest(layer: .sites, path: "-")) }
        #expect(throws: ImportError.formatDoesNotFitLayer(format: "opencellid", layer: "districts", expected: "sites")) {
            try portal.importFeatures(ImportRequest(layer: .districts, path: good, format: .opencellid))
        }
    }

    /// `upsert` updates the features already in the layer by id and adds the others; an id twice in
    /// the file is still an error, and nothing is kept then (issue 20, item 15).
    @Test(arguments: StoreKind.allCases) func upsertUpdatesByIDAndAddsTheRest(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let header = "id,name,kind,operator,technologies,range_m,status,lon,lat\n"
        let refresh = try folder.write("refresh.csv", header
            + "t1,Aqsu mast,base_station,Tele2,4G;5G,9000,operational,71.02,43.0\n"
            + "t9,New mast,base_station,Kcell,4G,6000,operational,71.3,43.3\n")
        let (report, _) = try portal.importFeatures(ImportRequest(layer: .sites, path: refresh, options: ImportOptions(upsert: true)))
        #expect(report.updated == 1 && report.imported == 1)
        #expect(try portal.count(ExportQuery(layer: .sites)) == 9)
        let t1 = try #require(try portal.store.features(.sites, ids: ["t1"]).first)
        let schema = LayerSchema.sites
        #expect(t1.values[schema.columnIndex("operator") ?? 0] == .text("Tele2"))
        #expect(t1.values[schema.columnIndex("range_m") ?? 0] == .real(9000))
        #expect(t1.geometry == .point(GeoPoint(longitude: 71.02, latitude: 43.0)))
        // The moved site is found where it is now (the spatial index follows the update).
        let near = try BoundingBox(parsing: "71.015,42.99,71.025,43.01")
        #expect(try Self.ids(Self.export(portal, ExportQuery(layer: .sites, bbox: near))) == ["t1"])
        let twice = try folder.write("twice.csv", header
            + "t2,x,base_station,Beeline,4G,4000,planned,71.5,43.21\nt2,y,base_station,Beeline,4G,4000,planned,71.5,43.21\n")
        #expect(throws: ImportError.self) {
            try portal.importFeatures(ImportRequest(layer: .sites, path: twice, options: ImportOptions(upsert: true)))
        }
        #expect(try portal.store.features(.sites, ids: ["t2"]).first?.values[1] == .text("Kokterek mast"))
        #expect(throws: PortalError.self) {
            try portal.importFeatures(ImportRequest(layer: .sites, path: refresh, options: ImportOptions(replace: true, upsert: true)))
        }
    }

    /// An import limited to a box or to a district keeps the features inside and counts the
    /// others as skipped (issue 20, item 14).
    @Test(arguments: StoreKind.allCases) func importsKeepOnlyTheRegionAskedFor(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let rows = "id,kind,status,lon,lat\nin1,base_station,operational,70.5,42.5\nout1,base_station,operational,75.5,45.5\n"
            + "in2,base_station,operational,70.9,42.9\n"
        let path = try folder.write("country.csv", rows)
        let box = try BoundingBox(parsing: "70,42,71,43")
        let (report, _) = try portal.importFeatures(ImportRequest(layer: .sites, path: path).limited(to: .bbox(box)))
        #expect(report.imported == 2)
        #expect(report.skipped == ["outside the box 70.0,42.0,71.0,43.0": 1])
        #expect(try portal.store.features(.sites, ids: ["in1", "out1", "in2"]).map(\.id) == ["in1", "in2"])
        // A district polygon (a square with a hole; the hole is not the district).
        let district = """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"zh","name":"Жуалы"},"geometry":
            {"type":"Polygon","coordinates":[[[75,45],[76,45],[76,46],[75,46],[75,45]],[[75.4,45.4],[75.6,45.4],[75.6,45.6],[75.4,45.6],[75.4,45.4]]]}}]}
            """
        _ = try portal.importFeatures(ImportRequest(layer: .districts, path: try folder.write("d.geojson", district)))
        let more = try folder.write("more.csv", "id,kind,status,lon,lat\nd1,base_station,operational,75.2,45.2\n"
            + "hole,base_station,operational,75.5,45.5\nfar,base_station,operational,70.2,42.2\n")
        let (inDistrict, _) = try portal.importFeatures(ImportRequest(layer: .sites, path: more).limited(to: .district("Жуалы")))
        #expect(inDistrict.imported == 1)
        #expect(inDistrict.skipped == ["outside district Жуалы": 2])
        #expect(try portal.store.features(.sites, ids: ["d1", "hole", "far"]).map(\.id) == ["d1"])
        #expect(throws: PortalError.self) {
            try portal.importFeatures(ImportRequest(layer: .sites, path: more).limited(to: .district("Nowhere")))
        }
        // Lines: kept when a vertex lies in the district, not when they only pass through it.
        let roads = try folder.write("roads.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"into"},"geometry":{"type":"LineString","coordinates":[[74,45.2],[75.2,45.2]]}},
            {"type":"Feature","properties":{"id":"through"},"geometry":{"type":"LineString","coordinates":[[74,45.2],[77,45.2]]}}]}
            """)
        let (lines, _) = try portal.importFeatures(ImportRequest(layer: .roads, path: roads).limited(to: .district("zh")))
        #expect(lines.imported == 1 && lines.skipped == ["outside district Жуалы": 1])
        #expect(try portal.store.features(.roads, ids: ["into", "through"]).map(\.id) == ["into"])
    }

    /// An import interrupted while it runs (as by Ctrl-C) keeps nothing.
    @Test(arguments: StoreKind.allCases) func interruptedImportsKeepNothing(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        let rows = (0..<50).map { "x\($0),base_station,operational,71,43" }.joined(separator: "\n")
        let path = try folder.write("more.csv", "id,kind,status,lon,lat\n" + rows + "\n")
        let source = InterruptingSource(try InputFormat.csv.openSource(path: path, layer: .sites), after: 3) {
            portal.store.interrupt()
        }
        #expect {
            try portal.store.importFeatures(from: source, into: .sites, fileName: "more.csv", options: ImportOptions(), progress: nil)
        } throws: { error in
            "\(error)" == "import of sites from more.csv interrupted: nothing was imported (rolled back)"
        }
        #expect(try portal.count(ExportQuery(layer: .sites)) == 8)
        // The interrupt ends with the import that honoured it: the next import runs.
        let (again, _) = try portal.importFeatures(ImportRequest(layer: .sites, path: path))
        #expect(again.imported == 50)
        // An interrupt before an import starts stops that one, and only that one.
        portal.store.interrupt()
        let late = try folder.write("late.csv", "id,kind,status,lon,lat\ny1,base_station,operational,71,43\n")
        #expect(throws: (any Error).self) { try portal.importFeatures(ImportRequest(layer: .sites, path: late)) }
        #expect(try portal.importFeatures(ImportRequest(layer: .sites, path: late)).report.imported == 1)
    }

    @Test(arguments: StoreKind.allCases) func statusCountsEveryLayer(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let status = try StoreFixture.store(kind, in: folder).status()
        let counts = Dictionary(uniqueKeysWithValues: status.layerCounts.map { ($0.layer, $0.count) })
        #expect(counts == ["districts": 2, "settlements": 6, "roads": 1, "sites": 8, "institutions": 2, "commitments": 0,
                           "services": 2, "applications": 0])
    }

    /// Every store writes every layer byte for byte alike, in every format, whole (the SpatiaLite
    /// file in chunks of two rows on two threads) and as sorted pages: the in-memory store and
    /// PostGIS (when this run has a server, see ``StoreKind``) against the SpatiaLite file.
    @Test func exportsAreIdenticalAcrossStores() throws {
        let folder = try TemporaryFolder()
        let file = try StoreFixture.store(.spatiaLite, in: folder)
        let others = try StoreKind.allCases.filter { $0 != .spatiaLite }.map { ($0, try StoreFixture.store($0, in: folder)) }
        let formats: [ExportOptions] = [
            ExportOptions(), ExportOptions(format: .csv), ExportOptions(format: .geojsonseq, recordSeparator: true),
            ExportOptions(format: .geojson, precision: 3, properties: ["name", "id"]),
        ]
        // Applications are written by the workflow only (ApplicationLedgerTests); commitments are not in the fixture.
        for layer in LayerSchema.all where layer.name != LayerSchema.commitments.name && !layer.isWorkflowLayer {
            for var options in formats where options.properties?.allSatisfy({ layer.columnIndex($0) != nil }) ?? true {
                options.rowsPerChunk = 2
                let page = ExportQuery(layer: layer).sorted(by: [SortKey(column: "id", descending: true)]).paged(limit: 5)
                // A box (GiST and exact tests) with a text filter ignoring case, sorted by a text column.
                let boxed = ExportQuery(layer: layer, bbox: BoundingBox(minLongitude: 70.9, minLatitude: 42.85, maxLongitude: 71.45, maxLatitude: 43.25))
                    .sorted(by: [SortKey(column: layer.columnIndex("name") != nil ? "name" : "id")])
                for query in [ExportQuery(layer: layer), page, boxed] {
                    let text = try Self.export(file, query, options)
                    for (kind, other) in others {
                        #expect(try Self.export(other, query, options) == text, "\(kind) \(layer.name) \(options.format)")
                    }
                    #expect(try !text.isEmpty && file.count(query) > 0, "\(layer.name) must have features")
                }
            }
        }
    }
}

/// A feature source that calls `action` after handing out `count` features (an interrupt
/// arriving in the middle of an import).
final class InterruptingSource: FeatureSource {
    private let base: any FeatureSource
    private let count: Int
    private let action: () -> Void
    private var handed = 0

    init(_ base: any FeatureSource, after count: Int, _ action: @escaping () -> Void) {
        self.base = base
        self.count = count
        self.action = action
    }

    func next() throws(GeoModelError) -> SourceFeature? {
        handed += 1
        if handed == count + 1 { action() }
        return try base.next()
    }

    var progress: (done: Int, total: Int?) { base.progress }
    var skipped: [String: Int] { base.skipped }
    var ignoredFields: Set<String> { base.ignoredFields }
    var decimalComma: Bool { base.decimalComma }
}

/// Notes a portal sent, collected across threads.
final class NoteLog: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        collected.append(line)
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}
