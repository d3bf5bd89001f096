import ArgumentParser
import Coverage
import Foundation
import GeoModel
import Geodesy
import GRDB
@testable import GeoStorage
import QamtuTestSupport
import Testing
@testable import QamtuCommands
import PortalCore

/// The coverage, report and nearest commands on a portal database built from GeoData/.
@Suite("Coverage commands")
struct CoverageCommandTests {
    /// A fresh portal with the demo layers (districts first, so settlements get their district).
    static func demoPortal(in folder: TemporaryFolder) throws -> String {
        let path = folder.path("demo.sqlite")
        let portal = try PortalDatabase.create(at: path)
        let files: [(LayerSchema, String)] = [(.districts, "districts.geojson"), (.settlements, "settlements.geojson"),
                                              (.sites, "sites.geojson"), (.institutions, "institutions.geojson"),
                                              (.commitments, "commitments.csv")]
        for (layer, file) in files {
            let input = SharedData.repository.appendingPathComponent("GeoData/\(file)").path
            let source = try InputFormat.detect(path: input).openSource(path: input, layer: layer)
            _ = try portal.importFeatures(from: source, into: layer, fileName: file)
        }
        try portal.checkpoint()
        return path
    }

    func run(_ arguments: [String]) throws {
        var command = try Qamtu.parseAsRoot(arguments)
        try command.run()
    }

    @Test(.requires(.demoData)) func reportFromTheDatabaseReproducesTheArticleFigures() throws {
        let folder = try TemporaryFolder()
        let db = try Self.demoPortal(in: folder)
        try run(["report", "--as-of", "2026", "--format", "json", "-o", folder.path("report.json"), "--db", db])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(folder.read("report.json").utf8)) as? [String: Any])
        let texts = (json["commitments"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(texts.contains("Kar-Tel, 4G, Accessible Internet: 31 of 61 settlements"))
        #expect(texts.contains("Mobile Telecom-Service, 4G, Accessible Internet: 18 of 68 settlements"))
        let total = try #require(json["total"] as? [String: Any])
        #expect(total["satellite_schools"] as? Int == 53)
        #expect(total["settlements"] as? Int == 372)
        #expect((json["districts"] as? [Any])?.count == 11)
    }

    /// The command reads sites through GeoStorage's parallel column scan; the library reads the same
    /// layers as records. Both must give byte-identical output.
    @Test(.requires(.demoData)) func storageAdapterEqualsTheRecordPath() throws {
        let folder = try TemporaryFolder()
        let db = try Self.demoPortal(in: folder)
        try run(["coverage", "--as-of", "2025", "--scenario", "planned", "--format", "csv", "-o", folder.path("cli.csv"), "--db", db])
        let portal = try PortalDatabase.open(at: db, readOnly: true)
        let data = InMemoryCoverageData(
            settlements: try portal.features(ExportQuery(layer: .settlements)).map { try CoverageSettlement(record: $0) },
            sites: try portal.features(ExportQuery(layer: .sites)).map { try CoverageSite(record: $0) },
            institutions: try portal.features(ExportQuery(layer: .institutions)).map(CoverageInstitution.init(record:)),
            commitments: try portal.features(ExportQuery(layer: .commitments)).map(CoverageCommitment.init(record:)),
            districts: try portal.features(ExportQuery(layer: .districts)).map(CoverageDistrict.init(record:)))
        let result = try CoverageAnalysis(source: data).run(asOf: 2025, scenario: .planned, profile: .standard)
        try CoverageWriter(format: .csv).write(result, to: FileSink(path: folder.path("library.csv")))
        #expect(try folder.read("cli.csv") == folder.read("library.csv"))
        #expect(try folder.read("cli.csv").split(separator: "\n").count == 373)
    }

    /// The sites come from the site pack, straight into place partition by partition, or from the
    /// table: the same output either way, also when unusable sites leave gaps in both partitions.
    @Test(.requires(.demoData)) func sitePackAndTableGiveTheSameCoverage() throws {
        let folder = try TemporaryFolder()
        let db = try Self.demoPortal(in: folder)
        let portal = try PortalDatabase.open(at: db)
        let arguments = ["coverage", "--as-of", "2026", "--scenario", "planned", "--format", "csv", "--db", db]
        // Unusable sites in the first and second half (the trigger empties the pack).
        try portal.queue.write { db in
            try db.execute(sql: "UPDATE sites SET kind = 'tower' WHERE fid IN (3, 450)")
            try db.execute(sql: "UPDATE sites SET status = 'demolished' WHERE fid IN (7, 599)")
        }
        #expect(try !portal.sitePackIsUsable())
        try run(arguments + ["-o", folder.path("table.csv")])
        // The pack again, in chunks of 64 sites: two partitions of five chunks.
        try portal.queue.writeWithoutTransaction { db in try SitePack.rebuild(db, chunkRows: 64) }
        #expect(try portal.sitePackPartitionRows(partitions: 2) == [320, 280])
        try run(arguments + ["-o", folder.path("pack.csv")])
        #expect(try folder.read("pack.csv") == folder.read("table.csv"))
        // Left out: the four unusable sites, and only they.
        let unusable = try portal.queue.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM sites WHERE fid IN (3, 450, 7, 599)")
        }
        #expect(unusable.count == 4)
        let analysis = try Portal(store: SpatiaLiteStore.open(at: db)).loadAnalysis(PropagationSettings()).analysis
        #expect(analysis.sites.count == 596)
        #expect(Set(analysis.sites.map(\.id)).isDisjoint(with: unusable))
    }

    @Test(.requires(.demoData)) func districtFilterAndClassFilter() throws {
        let folder = try TemporaryFolder()
        let db = try Self.demoPortal(in: folder)
        try run(["coverage", "--district", "Мойынқұм ауданы", "--class", "unserved", "-o", folder.path("u.geojson"), "--db", db])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(folder.read("u.geojson").utf8)) as? [String: Any])
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(!features.isEmpty)
        for feature in features {
            let properties = try #require(feature["properties"] as? [String: Any])
            #expect(properties["district"] as? String == "moiynkum")
            #expect(properties["class"] as? String == "unserved")
            #expect((properties["reason"] as? String)?.isEmpty == false)
        }
        #expect(throws: ExitCode.failure) {
            try run(["coverage", "--district", "Nowhere at all", "-o", folder.path("x.geojson"), "--db", db])
        }
    }

    /// `--properties` gives the chosen columns of the full output, row for row, for every year
    /// and scenario (the engine skips covering-site lists and nearest sites then), also when
    /// settlement columns are chosen out of order (the settlements' records then end after the
    /// last one).
    @Test(.requires(.demoData)) func selectedPropertiesEqualTheFullOutput() throws {
        let folder = try TemporaryFolder()
        let db = try Self.demoPortal(in: folder)
        let selections = ["best_mobile,id,class,best_fixed", "population,id,name_en,class,kind,fibre_year", "osm_id,best_mobile"]
        for (year, scenario) in [("2023", "actual"), ("2026", "planned")] {
          let common = ["coverage", "--as-of", year, "--scenario", scenario, "--format", "csv", "--db", db]
          try run(common + ["-o", folder.path("all.csv")])
          let all = try folder.read("all.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
          for selection in selections {
            try run(common + ["--properties", selection, "-o", folder.path("some.csv")])
            let some = try folder.read("some.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let header = all[0].map(String.init)
            let names = selection.split(separator: ",").map(String.init) + ["lon", "lat"]
            let picked = names.compactMap { header.firstIndex(of: $0) }
            #expect(picked.count == names.count && some.count == all.count && all.count == 373)
            // The picked columns precede `reason` (the only field that may hold commas) or are its last two.
            for (full, lean) in zip(all, some) {
                let expected = picked.map { $0 >= header.count - 2 ? full[full.count - header.count + $0] : full[$0] }
                #expect(lean == expected, "\(year) \(scenario) \(selection): \(lean)")
            }
          }
        }
    }

    @Test(.requires(.demoData)) func nearestCommandEqualsTheLibrary() throws {
        let folder = try TemporaryFolder()
        let db = try Self.demoPortal(in: folder)
        try run(["nearest", "settlements", "--to", "sites", "--k", "3", "--format", "csv", "-o", folder.path("n.csv"), "--db", db])
        let portal = try PortalDatabase.open(at: db, readOnly: true)
        func points(_ layer: LayerSchema) throws -> [PointFeature] {
            try portal.features(ExportQuery(layer: layer)).map { record in
                guard case .point(let p)? = record.geometry else { throw CoverageError.invalidRecord(layer: layer.name, id: record.id, reason: "no point") }
                return PointFeature(id: record.id, name: record.values[1].text, position: p)
            }
        }
        let sources = try points(.settlements), targets = try points(.sites)
        let neighbours = NearestNeighbours(targets: targets).join(sources, k: 3)
        try NearestWriter(format: .csv).write(sources: sources, targets: targets, neighbours: neighbours, fromLayer: "settlements",
                                              toLayer: "sites", k: 3, to: FileSink(path: folder.path("library.csv")))
        #expect(try folder.read("n.csv") == folder.read("library.csv"))
        #expect(try folder.read("n.csv").split(separator: "\n").count == 1 + 372 * 3)
    }

    @Test func coverageRunsTheListSubcommandByDefault() throws {
        let command = try Qamtu.parseAsRoot(["coverage", "--class", "unserved", "--as-of", "2025", "--scenario", "planned"])
        let list = try #require(command as? CoverageListCommand)
        #expect(list.coverageClass == .unserved && list.analysis.asOf == 2025 && list.analysis.scenario == .planned)
        let diff = try #require(try Qamtu.parseAsRoot(["coverage", "diff", "2024", "2026"]) as? CoverageDiffCommand)
        #expect(diff.fromYear == 2024 && diff.toYear == 2026 && diff.scenario == .planned)
    }

    @Test(arguments: [
        (["coverage", "--threshold", "4G=abc"], "--threshold expects TECH=NUMBER with TECH one of 2G, 3G, 4G, 5G, got '4G=abc'"),
        (["coverage", "--receiver-height", "20"], "receiver height: 20.0 m is outside the models' 1–10 m"),
        (["coverage", "--as-of", "1800"], "--as-of must be a year between 1900 and 2100, got 1800"),
        (["coverage", "--properties", "id,colour"],
         "no property 'colour' (properties: \(CoverageWriter.resultProperties.joined(separator: ", ")))"),
        (["coverage", "--properties", "id,reason,id"], "--properties: 'id' is listed twice"),
        (["export", "sites", "--properties", "name,name"], "--properties: 'name' is listed twice"),
        (["coverage", "--properties", " , "], "--properties: no property names given"),
        (["coverage", "diff", "2024", "2026", "--properties", "colour"],
         "no property 'colour' (properties: \(CoverageWriter.diffProperties.joined(separator: ", ")))"),
        (["export", "sites", "--properties", ""], "--properties: no property names given"),
        (["coverage", "diff", "2024", "3000"], "year2 must be a year between 1900 and 2100, got 3000"),
        (["report", "--as-of", "1800"], "--as-of must be a year between 1900 and 2100, got 1800"),
        (["nearest", "roads", "--to", "sites"], "nearest works on point layers (settlements, sites, institutions), not roads"),
        (["nearest", "sites", "--to", "sites", "--k", "0"], "--k must be between 1 and 1000, got 0"),
    ])
    func rejectsBadArguments(arguments: [String], message: String) {
        do {
            _ = try Qamtu.parseAsRoot(arguments)
            Issue.record("parsed \(arguments)")
        } catch {
            #expect(Qamtu.message(for: error) == message)
            #expect(Qamtu.exitCode(for: error) == .validationFailure)
        }
    }

    /// Planar point-in-polygon (lon as x, lat as y) for a GeoJSON MultiPolygon's coordinates.
    static func multiPolygon(_ coordinates: [[[[Double]]]], contains point: [Double]) -> Bool {
        coordinates.contains { polygon in
            planarRingsContain(x: point[0], y: point[1], rings: polygon.map { $0.map { (x: $0[0], y: $0[1]) } })
        }
    }

    /// `coverage footprints` on the demo data: one valid MultiPolygon per operator and technology
    /// (GDAL's SQLite dialect checks ST_IsValid), containing every settlement that `coverage`
    /// reports covered by that operator and technology.
    @Test(.requires(.demoData)) func footprintsAreValidAndContainCoveredSettlements() throws {
        let folder = try TemporaryFolder()
        let db = try Self.demoPortal(in: folder)
        for scenario in ["actual", "planned"] {
            try run(["coverage", "footprints", "--as-of", "2026", "--scenario", scenario, "-o", folder.path("fp.geojson"), "--db", db])
            try run(["coverage", "--as-of", "2026", "--scenario", scenario, "-o", folder.path("cov.geojson"), "--db", db])
            let footprints = try #require(try JSONSerialization.jsonObject(with: Data(folder.read("fp.geojson").utf8)) as? [String: Any])
            let meta = try #require(footprints["qamtu"] as? [String: Any])
            #expect(meta["scenario"] as? String == scenario && meta["as_of"] as? Int == 2026)
            var shapes: [String: [[[[Double]]]]] = [:]
            for feature in footprints["features"] as? [[String: Any]] ?? [] {
                let geometry = try #require(feature["geometry"] as? [String: Any])
                #expect(geometry["type"] as? String == "MultiPolygon")
                let properties = try #require(feature["properties"] as? [String: Any])
                let label = "\(properties["operator"] as? String ?? "no operator") \(properties["technology"] as? String ?? "")"
                #expect(feature["id"] as? String == label)
                #expect((properties["area_km2"] as? Double ?? 0) > 0 && (properties["sites"] as? Int ?? 0) > 0)
                shapes[label] = try #require(geometry["coordinates"] as? [[[[Double]]]])
            }
            #expect(shapes.keys.contains("Tele2 4G") && shapes.keys.contains("Beeline 2G"))
            let coverage = try #require(try JSONSerialization.jsonObject(with: Data(folder.read("cov.geojson").utf8)) as? [String: Any])
            var checked = 0
            for feature in coverage["features"] as? [[String: Any]] ?? [] {
                let properties = try #require(feature["properties"] as? [String: Any])
                guard let operators = properties["covering_operators"] as? String else { continue }
                let point = try #require((feature["geometry"] as? [String: Any])?["coordinates"] as? [Double])
                // Every covering operator with its best technology (`Kcell:5G`), not only the best technology's.
                for entry in operators.split(separator: ";") {
                    let parts = entry.split(separator: ":")
                    let name = parts.dropLast().joined(separator: ":"), technology = parts.last.map(String.init) ?? ""
                    let shape = try #require(shapes["\(name) \(technology)"], "no footprint \(name) \(technology)")
                    #expect(Self.multiPolygon(shape, contains: point), "\(feature["id"] ?? "") outside \(name) \(technology)")
                    checked += 1
                }
            }
            #expect(checked > 500, "\(scenario): \(checked) covered settlement-operator pairs")
            if let ogrinfo = try Prerequisite.ogrinfo.ifPresent() {
                let check = try QamtuTestSupport.run(ogrinfo, ["-ro", "-q", "-dialect", "SQLite", "-sql",
                    "SELECT count(*) AS features, sum(ST_IsValid(geometry)) AS valid FROM footprints", folder.path("fp.geojson")])
                #expect(check.status == 0, "\(check.stderr)")
                #expect(check.stdout.contains("features (Integer) = \(shapes.count)") && check.stdout.contains("valid (Integer) = \(shapes.count)"),
                        "\(check.stdout)")
            }
        }
        // Filters: a company name selects its brand.
        try run(["coverage", "footprints", "--operator", "Kar-Tel", "--technology", "4g", "-o", folder.path("one.geojson"), "--db", db])
        let one = try #require(try JSONSerialization.jsonObject(with: Data(folder.read("one.geojson").utf8)) as? [String: Any])
        #expect((one["features"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["Beeline 4G"])
        let unknown = try qamtu(["coverage", "footprints", "--operator", "Vodafone", "--db", db], in: folder)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: no operator matches 'Vodafone'; operators of the sites: Altel, Beeline, Kcell, Tele2\n")
    }
}
