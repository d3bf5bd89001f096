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
        let store: any PortalStore = kind == .memory
            ? MemoryStore() : try SpatiaLiteStore.initialise(at: folder.path("across.sqlite")).store
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
        let store: any PortalStore = kind == .memory
            ? MemoryStore() : try SpatiaLiteStore.initialise(at: folder.path("districts.sqlite")).store
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
            #expect(error.category == .invalidInput)
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
        #expect(throws: StorageError.self) { try portal.importFeatures(ImportRequest(layer: .sites, path: bad)) }
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
    }

    /// An import interrupted from another thread (Ctrl-C) keeps nothing.
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
    }

    @Test(arguments: StoreKind.allCases) func statusCountsEveryLayer(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let status = try StoreFixture.store(kind, in: folder).status()
        let counts = Dictionary(uniqueKeysWithValues: status.layerCounts.map { ($0.layer, $0.count) })
        #expect(counts == ["districts": 0, "settlements": 6, "roads": 1, "sites": 8, "institutions": 2, "commitments": 0])
    }

    /// Both stores write every layer byte for byte alike, in every format.
    @Test func exportsAreIdenticalAcrossStores() throws {
        let folder = try TemporaryFolder()
        let memory = try StoreFixture.store(.memory, in: folder)
        let file = try StoreFixture.store(.spatiaLite, in: folder)
        let formats: [ExportOptions] = [
            ExportOptions(), ExportOptions(format: .csv), ExportOptions(format: .geojsonseq, recordSeparator: true),
            ExportOptions(format: .geojson, precision: 3, properties: ["name", "id"]),
        ]
        for layer in LayerSchema.all {
            for options in formats where options.properties?.allSatisfy({ layer.columnIndex($0) != nil }) ?? true {
                let query = ExportQuery(layer: layer).sorted(by: [SortKey(column: "id", descending: true)]).paged(limit: 5)
                #expect(try Self.export(memory, query, options) == Self.export(file, query, options),
                        "\(layer.name) \(options.format)")
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
