import Foundation
import GRDB
import GeoModel
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// `qamtu import` killed with SIGKILL at ten named points of the import (issue acceptance: "A test
/// kills the import with SIGKILL at 10 points (including during the index fill and the pack) and
/// checks the previous contents and `integrity_check`"), through the built executable.
///
/// The import kills itself where `QAMTU_IMPORT_KILL_AT=<point>` says (`rows:<n>`, `rows-done`,
/// `index-fill`, `index-done`, `districts`, `site-pack`, `before-commit`); the test knows the
/// points by name only. After each kill, on the database with the journal the dead import left:
/// - a reader without write access gets the previous data, or (when the import's writes reached
///   the file, a hot journal) is told that the unfinished write needs write access;
/// - a fresh `qamtu` command exports every layer byte for byte as before and `qamtu info` says
///   the same; the file is the previous one byte for byte, with the same schema (the spatial
///   index triggers an import sets aside are back); `PRAGMA integrity_check` is `ok`,
///   SpatiaLite's `CheckSpatialIndex` is 1 for the sites', settlements' and districts' indexes;
///   a reader without write access then reads the previous data too;
/// - the same import run again without the variable succeeds, and every layer equals that of
///   the same import into a copy that was never killed.
///
/// The imports' rows are wide (long names and sources), so that most kills come after SQLite
/// spilled changed pages into the database file: those leave a hot journal that must be rolled
/// back, not merely ignored (two cases check that this happens; `rows:1` comes before).
@Suite("qamtu import killed with SIGKILL at ten points (the built executable)")
struct ImportCrashTests {
    // MARK: - The imports and the points

    /// Rows of the generated files.
    static let previousSites = 3_000, previousSettlements = 1_000, commitmentsCount = 60
    static let newSites = 5_000, newSettlements = 3_000

    /// An import that the cases kill.
    enum Import: String, CaseIterable, Sendable {
        /// 5,000 new sites replacing the 3,000 stored ones.
        case replaceSites
        /// The same 5,000 sites added to the 3,000 stored ones.
        case appendSites
        /// 3,000 new settlements added to the 1,000 stored ones; they get their districts.
        case appendSettlements

        /// The arguments of `qamtu`, with the generated files in `files`.
        func arguments(_ files: TemporaryFolder) -> [String] {
            switch self {
            case .replaceSites: ["import", "sites", files.path("new-sites.csv"), "--replace", "--db", "portal.sqlite"]
            case .appendSites: ["import", "sites", files.path("new-sites.csv"), "--db", "portal.sqlite"]
            case .appendSettlements: ["import", "settlements", files.path("new-settlements.csv"), "--db", "portal.sqlite"]
            }
        }

        /// Rows in the file.
        var rows: Int { self == .appendSettlements ? ImportCrashTests.newSettlements : ImportCrashTests.newSites }
    }

    /// One kill: an import and the point where it dies.
    struct Case: Sendable, CustomTestStringConvertible {
        var point: String
        var importing: Import
        /// The database file must have been changed before the kill (a hot journal left behind).
        var mustLeaveHotJournal = false

        var testDescription: String { "\(importing.rawValue) killed at \(point)" }
    }

    /// Ten kills: every named point; `rows:<n>` at the first, a middle and the last row; index
    /// fill and site pack of both a replacing and an appending import; the district assignment
    /// of a settlements import.
    static let cases: [Case] = [
        Case(point: "rows:1", importing: .replaceSites),
        Case(point: "rows:\(newSites / 2)", importing: .appendSites),
        Case(point: "rows:\(newSites)", importing: .replaceSites),
        Case(point: "rows-done", importing: .replaceSites),
        Case(point: "index-fill", importing: .replaceSites),
        Case(point: "index-fill", importing: .appendSites),
        Case(point: "index-done", importing: .appendSites),
        Case(point: "districts", importing: .appendSettlements, mustLeaveHotJournal: true),
        Case(point: "site-pack", importing: .replaceSites),
        Case(point: "before-commit", importing: .replaceSites, mustLeaveHotJournal: true),
    ]

    // MARK: - The test

    @Test(arguments: cases)
    func aKilledImportLosesNothing(_ kill: Case) throws {
        let fixture = try Self.fixture.get()
        let executable = try qamtuExecutable()
        let folder = try TemporaryFolder()
        let database = folder.path("portal.sqlite")
        try FileManager.default.copyItem(atPath: fixture.folder.path("previous/portal.sqlite"), toPath: database)
        let what = kill.testDescription

        // The import dies by its own SIGKILL, having written nothing to its outputs.
        let killed = try Self.launch(executable, kill.importing.arguments(fixture.folder), in: folder.url.path, killAt: kill.point)
        guard killed.reason == .uncaughtSignal else {
            let output = String(decoding: killed.stdout, as: UTF8.self) + killed.stderr
            Issue.record("\(what): the import ended with status \(killed.status) instead of being killed (point not reached?): \(output)")
            return
        }
        #expect(killed.status == SIGKILL, "\(what)")
        #expect(killed.stdout.isEmpty && killed.stderr.isEmpty, "\(what): \(killed.stderr)")
        let journal = (try? Data(contentsOf: URL(fileURLWithPath: database + "-journal"))) ?? Data()
        #expect(!journal.isEmpty, "\(what): no journal left: the import was killed outside its transaction")
        let hot = Array(journal.prefix(8)) == Self.journalMagic
        let fileChanged = try Data(contentsOf: URL(fileURLWithPath: database)) != fixture.previousBytes
        #expect(hot || !fileChanged, "\(what): the database file changed but the journal is not hot: nothing can roll it back")
        if kill.mustLeaveHotJournal {
            #expect(hot && fileChanged, """
                \(what): the import's writes never reached the database file, so no kill tests the roll-back of a hot \
                journal; make the generated files bigger
                """)
        }

        // A reader without write access, before anyone rolled the write back.
        let layerExport = ["export", kill.importing == .appendSettlements ? "settlements" : "sites", "--db", "portal.sqlite"]
        let previousExport = fixture.previous.exports[layerExport[1]]
        if let early = try Self.runWithoutWriteAccess(executable, layerExport, in: folder) {
            if hot {
                #expect(early.status == 69, "\(what): \(early.stderr)")
                #expect(early.stderr == """
                    error: database portal.sqlite has an unfinished write left by an interrupted program (portal.sqlite-journal); \
                    the data is intact, but rolling the write back needs write access to the file and its folder
                    hint: run any qamtu command on it once as a user who can write there

                    """, "\(what)")
                #expect(early.stdout.isEmpty, "\(what)")
            } else {
                #expect(early.status == 0 && early.stderr.isEmpty, "\(what): \(early.stderr)")
                #expect(Self.difference(early.stdout, previousExport) == nil, "\(what): a reader without write access read other data")
            }
        }

        // The first fresh command rolls the write back: everything as before.
        let after = try Self.snapshot(executable, in: folder, context: what)
        Self.expectSame(after, fixture.previous, "\(what), then opened again")
        try Self.checkDatabase(database, schema: fixture.schema, context: "\(what), then opened again")
        let restored = try Data(contentsOf: URL(fileURLWithPath: database)) == fixture.previousBytes
        #expect(restored, "\(what), then opened again: the database file is not the one before the import, byte for byte")
        if let late = try Self.runWithoutWriteAccess(executable, layerExport, in: folder) {
            #expect(late.status == 0 && late.stderr.isEmpty, "\(what), rolled back, read without write access: \(late.stderr)")
            #expect(Self.difference(late.stdout, previousExport) == nil, "\(what), rolled back, read without write access")
        }

        // The same import, not killed, gives what it gives on a database that never saw a kill.
        let again = try Self.launch(executable, kill.importing.arguments(fixture.folder), in: folder.url.path)
        #expect(again.reason == .exit && again.status == 0 && again.stderr.isEmpty, "\(what), run again: \(again.stderr)")
        Self.expectSame(try Self.snapshot(executable, in: folder, context: "\(what), run again"),
                        try #require(fixture.references[kill.importing]), "\(what), run again")
        try Self.checkDatabase(database, schema: fixture.schema, context: "\(what), run again")
    }

    /// The cases cover every point of the import, both ways of importing sites, and every
    /// `rows:<n>` they name is a row of the file.
    @Test func theCasesCoverEveryPoint() {
        let points = Set(Self.cases.map { $0.point.hasPrefix("rows:") ? "rows:<n>" : $0.point })
        #expect(points == ["rows:<n>", "rows-done", "index-fill", "index-done", "districts", "site-pack", "before-commit"])
        #expect(Set(Self.cases.map(\.importing)) == Set(Import.allCases))
        #expect(Set(Self.cases.filter { $0.point == "index-fill" }.map(\.importing)) == [.replaceSites, .appendSites])
        #expect(Set(Self.cases.map { "\($0.importing)/\($0.point)" }).count == 10)
        for kill in Self.cases where kill.point.hasPrefix("rows:") {
            let row = Int(kill.point.dropFirst("rows:".count)) ?? 0
            #expect((1...kill.importing.rows).contains(row), "\(kill.testDescription)")
        }
    }

    // MARK: - The data before the imports, and the imports not killed

    /// The database before the killed imports, what it holds, and what each import makes of it
    /// when not killed; built once for every case.
    final class Fixture: Sendable {
        let folder: TemporaryFolder
        /// The database file's bytes before any killed import.
        let previousBytes: Data
        let previous: Snapshot
        /// The tables, indexes and triggers (with the spatial index's and the site pack's).
        let schema: [String]
        let references: [Import: Snapshot]

        init() throws {
            let executable = try qamtuExecutable()
            let folder = try TemporaryFolder()
            self.folder = folder
            try folder.write("districts.geojson", ImportCrashTests.districtsGeoJSON())
            try folder.write("settlements.csv", ImportCrashTests.settlementsCSV(prefix: "p", count: previousSettlements, seed: 1).text)
            try folder.write("sites.csv", ImportCrashTests.previousSitesCSV())
            try folder.write("commitments.csv", ImportCrashTests.commitmentsCSV())
            try folder.write("new-sites.csv", ImportCrashTests.newSitesCSV())
            let newSettlements = ImportCrashTests.settlementsCSV(prefix: "q", count: newSettlements, seed: 2, wide: true)
            try folder.write("new-settlements.csv", newSettlements.text)

            let previousFolder = folder.path("previous")
            try FileManager.default.createDirectory(atPath: previousFolder, withIntermediateDirectories: true)
            func qamtu(_ arguments: [String], in directory: String) throws -> Outcome {
                let outcome = try ImportCrashTests.launch(executable, arguments, in: directory)
                guard outcome.reason == .exit, outcome.status == 0 else {
                    throw FixtureFailure(description: "qamtu \(arguments.joined(separator: " ")): \(outcome.status) \(outcome.stderr)")
                }
                return outcome
            }
            _ = try qamtu(["init", "--db", "portal.sqlite"], in: previousFolder)
            _ = try qamtu(["import", "districts", folder.path("districts.geojson"), "--db", "portal.sqlite"], in: previousFolder)
            _ = try qamtu(["import", "settlements", folder.path("settlements.csv"), "--db", "portal.sqlite"], in: previousFolder)
            _ = try qamtu(["import", "sites", folder.path("sites.csv"), "--set", "kind=base_station", "--set", "status=operational",
                           "--db", "portal.sqlite"], in: previousFolder)
            _ = try qamtu(["import", "commitments", folder.path("commitments.csv"), "--db", "portal.sqlite"], in: previousFolder)
            previousBytes = try Data(contentsOf: URL(fileURLWithPath: folder.path("previous/portal.sqlite")))
            previous = try ImportCrashTests.snapshot(executable, in: previousFolder, context: "the previous contents")
            schema = try ImportCrashTests.schema(folder.path("previous/portal.sqlite"))

            var references: [Import: Snapshot] = [:]
            var outputs: [Import: String] = [:]
            for importing in Import.allCases {
                let directory = folder.path("reference-\(importing.rawValue)")
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: folder.path("previous/portal.sqlite"), toPath: directory + "/portal.sqlite")
                let output = try qamtu(importing.arguments(folder), in: directory)
                outputs[importing] = String(decoding: output.stdout, as: UTF8.self)
                references[importing] = try ImportCrashTests.snapshot(executable, in: directory, context: "the never killed \(importing)")
            }
            self.references = references
            self.outputs = outputs
            settlementsInDistricts = newSettlements.inDistricts
        }

        /// What each never-killed import printed.
        let outputs: [Import: String]
        /// How many of the new settlements lie in a district.
        let settlementsInDistricts: Int
    }

    struct FixtureFailure: Error, CustomStringConvertible { var description: String }

    /// Built once for all cases (they run in parallel).
    static let fixture = Result { try Fixture() }

    /// The data before the imports, and after each import when not killed: exact counts, and
    /// every import changes its layer (so that a kill leaving partial data could not pass).
    @Test func theImportsChangeTheData() throws {
        let fixture = try Self.fixture.get()
        #expect(fixture.previous.info == Self.info(settlements: 1_000, sites: 3_000))
        #expect(fixture.references[.replaceSites]?.info == Self.info(settlements: 1_000, sites: 5_000))
        #expect(fixture.references[.appendSites]?.info == Self.info(settlements: 1_000, sites: 8_000))
        #expect(fixture.references[.appendSettlements]?.info == Self.info(settlements: 4_000, sites: 3_000))
        // The schema compared after each kill holds the triggers that imports set aside or rely on.
        for trigger in ["gii_sites_geom", "tmi_sites_geom", "gii_settlements_geom", "tmi_settlements_geom", "qamtu_site_pack_insert"] {
            #expect(fixture.schema.contains { $0.hasPrefix("trigger \(trigger): CREATE TRIGGER") }, "\(trigger)")
        }
        // The file's first line gives the time taken; the rest is exact.
        func details(_ importing: Import) -> [Substring] { (fixture.outputs[importing] ?? "").split(separator: "\n").dropFirst().map { $0 } }
        #expect(details(.replaceSites) == ["  replaced 3,000 existing features",
                                           "  note: 30 commitments refer to features not (yet) in their target layer"])
        #expect(details(.appendSites) == [])
        #expect(fixture.settlementsInDistricts > 1_500 && fixture.settlementsInDistricts < Self.newSettlements)
        #expect(details(.appendSettlements) == ["  \(NumberFormat.grouped(fixture.settlementsInDistricts)) settlements got their district by point-in-polygon"])
        // Commitments placed on replaced sites lose their position; nothing else changes.
        for (importing, changed) in [(Import.replaceSites, ["sites", "commitments"]), (.appendSites, ["sites"]),
                                     (.appendSettlements, ["settlements"])] {
            let reference = try #require(fixture.references[importing])
            for layer in LayerSchema.all.map(\.name) {
                let differs = Self.difference(reference.exports[layer], fixture.previous.exports[layer]) != nil
                #expect(differs == changed.contains(layer), "\(importing): \(layer)")
            }
        }
        // Every new settlement in a district has it in the export.
        let exported = String(decoding: try #require(fixture.references[.appendSettlements]?.exports["settlements"]), as: UTF8.self)
        #expect(exported.components(separatedBy: "\"district\":\"d-").count - 1
                == Self.previousSettlementsInDistricts + fixture.settlementsInDistricts)
    }

    /// `qamtu info` of the database in the case's folder with these counts.
    static func info(settlements: Int, sites: Int) -> String {
        func line(_ layer: String, _ count: Int, _ type: String) -> String {
            let count = NumberFormat.grouped(count)
            return "  \(layer.padding(toLength: 13, withPad: " ", startingAt: 0)) \(String(repeating: " ", count: 9 - count.count))\(count)  \(type)\n"
        }
        return "portal.sqlite (schema v3-applications, EPSG:4326)\n"
            + line("districts", 4, "MultiPolygon") + line("settlements", settlements, "Point") + line("roads", 0, "MultiLineString")
            + line("sites", sites, "Point") + line("institutions", 0, "Point") + line("commitments", commitmentsCount, "Point")
            + line("services", 0, "no geometry") + line("applications", 0, "Point")
            + "site pack: current (coverage reads the packed sites)\n"
    }

    // MARK: - Generated files

    /// Four 2°×1° districts: lon 70–72 and 72–74, lat 42–43 and 43–44.
    static func districtsGeoJSON() -> String {
        var features: [String] = []
        for (i, (lon, lat)) in [(70.0, 42.0), (72.0, 42.0), (70.0, 43.0), (72.0, 43.0)].enumerated() {
            let ring = [(lon, lat), (lon + 2, lat), (lon + 2, lat + 1), (lon, lat + 1), (lon, lat)].map { "[\($0.0),\($0.1)]" }
            features.append("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[\(ring.joined(separator: ","))]]},"
                + "\"properties\":{\"id\":\"d-\(i)\",\"name\":\"District \(i)\",\"name_ru\":\"Район \(i)\"}}")
        }
        return "{\"type\":\"FeatureCollection\",\"features\":[\n\(features.joined(separator: ",\n"))\n]}\n"
    }

    /// Whether a point lies in one of the districts (never on a border: the coordinates have
    /// many decimals).
    static func inDistricts(lon: Double, lat: Double) -> Bool { lon > 70 && lon < 74 && lat > 42 && lat < 44 }

    /// How many of the previous settlements lie in a district.
    static let previousSettlementsInDistricts = settlementsCSV(prefix: "p", count: previousSettlements, seed: 1).inDistricts

    /// Settlements around the districts (some outside every district), without a district column;
    /// `wide` ones have long English names (about 700 bytes a row).
    static func settlementsCSV(prefix: String, count: Int, seed: UInt64, wide: Bool = false) -> (text: String, inDistricts: Int) {
        var random = SplitMix64(seed: seed)
        let kinds = LayerSchema.settlementKinds
        var lines = ["id,name,name_ru,name_en,kind,population,lon,lat"]
        var inside = 0
        for i in 0..<count {
            let lon = random.uniform(69.5, 74.5), lat = random.uniform(41.7, 44.3)
            if inDistricts(lon: lon, lat: lat) { inside += 1 }
            let english = wide ? "Settlement \(i)" + String(repeating: " on the old caravan road by the river \(i % 89)", count: 15) : ""
            lines.append("\(prefix)-\(i),Settlement \(prefix)\(i),Посёлок \(i),\(english),\(kinds[Int(random.next() % UInt64(kinds.count))]),"
                + "\(random.next() % 50_000),\(lon),\(lat)")
        }
        return (lines.joined(separator: "\n") + "\n", inside)
    }

    /// 3,000 sites with the columns of a cell list; kind and status come from `--set`.
    static func previousSitesCSV() -> String {
        var random = SplitMix64(seed: 3)
        let operators = ["Kcell", "Beeline KZ", "Tele2 \"Altel\"", "Қазақтелеком"]
        let technologies = ["4G", "2G;3G", "3G;4G;5G", "fibre", ""]
        var lines = ["id,name,operator,technologies,range_m,lon,lat"]
        for i in 0..<previousSites {
            let op = operators[Int(random.next() % UInt64(operators.count))]
            lines.append("s-\(i),Site \(i),\"\(op.replacingOccurrences(of: "\"", with: "\"\""))\",\(technologies[Int(random.next() % 5)]),"
                + "\(1_000 + random.next() % 30_000),\(random.uniform(69.5, 74.5)),\(random.uniform(41.7, 44.3))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// 5,000 other sites with every kind and status and wide rows (long names and sources, about
    /// 600 bytes a row), so that the import's changes outgrow SQLite's page cache.
    static func newSitesCSV() -> String {
        var random = SplitMix64(seed: 4)
        let kinds = LayerSchema.siteKinds, statuses = LayerSchema.siteStatuses
        let technologies = ["4G", "2G;3G", "3G;4G;5G", "fibre", "5G"]
        var lines = ["id,name,kind,operator,technologies,band_mhz,height_m,range_m,status,planned_year,source,lon,lat"]
        for i in 0..<newSites {
            let name = "New site \(i) " + String(repeating: "near the road to village \(i % 97) ", count: 6)
            let source = "survey \(i): " + String(repeating: "checked on site by the regional team, sheet \(i % 13); ", count: 5)
            var fields: [String] = ["n-\(i)", name, kinds[Int(random.next() % 3)]]
            fields.append(["Kcell", "Beeline KZ", "Tele2"][Int(random.next() % 3)])
            fields.append(technologies[Int(random.next() % 5)])
            fields.append(String(random.uniform(700, 3_600)))
            fields.append(String(random.uniform(10, 90)))
            fields.append(String(1_000 + random.next() % 40_000))
            fields.append(statuses[Int(random.next() % 4)])
            fields.append(String(2020 + random.next() % 10))
            fields.append("\"\(source)\"")
            fields.append(String(random.uniform(69.5, 74.5)))
            fields.append(String(random.uniform(41.7, 44.3)))
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Commitments on the first 30 previous sites and the first 30 previous settlements.
    static func commitmentsCSV() -> String {
        var lines = ["id,programme,party,technology,target_layer,target_id,planned_year,done_year"]
        for i in 0..<commitmentsCount {
            let (layer, target) = i % 2 == 0 ? ("sites", "s-\(i / 2)") : ("settlements", "p-\(i / 2)")
            lines.append("c-\(i),Accessible Internet,Kcell,4G,\(layer),\(target),\(2024 + i % 3),")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Running qamtu and looking at the database

    /// How a process ended and what it wrote.
    struct Outcome {
        var reason: Process.TerminationReason
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs `executable` in `directory` without `QAMTU_DB` and, unless `killAt` is given, without
    /// `QAMTU_IMPORT_KILL_AT`; standard output is kept as bytes.
    static func launch(_ executable: String, _ arguments: [String], in directory: String, killAt: String? = nil) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["QAMTU_DB"] = nil
        environment["QAMTU_IMPORT_KILL_AT"] = killAt
        let result = try run(executable, arguments, in: directory, environment: environment)
        return Outcome(reason: result.terminationReason, status: result.status, stdout: result.stdoutBytes, stderr: result.stderr)
    }

    /// Runs `qamtu` as a user who cannot write the database or its folder: `nobody` through
    /// `setpriv` when running as root (root ignores permissions), else this user with the folder
    /// made read-only. Nil when running as root without `setpriv` outside CI (the check is left out).
    static func runWithoutWriteAccess(_ executable: String, _ arguments: [String], in folder: TemporaryFolder) throws -> Outcome? {
        if getuid() == 0 {
            guard let setpriv = try Prerequisite.setpriv.ifPresent() else { return nil }
            return try launch(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", executable] + arguments, in: folder.url.path)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.url.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.url.path) }
        return try launch(executable, arguments, in: folder.url.path)
    }

    /// What the database in a folder shows: every layer's export and `qamtu info`.
    struct Snapshot: Sendable {
        var exports: [String: Data]
        var info: String
    }

    /// Exports every layer and runs `qamtu info` on `portal.sqlite` in `folder`; each must succeed quietly.
    static func snapshot(_ executable: String, in folder: TemporaryFolder, context: String) throws -> Snapshot {
        try snapshot(executable, in: folder.url.path, context: context)
    }

    static func snapshot(_ executable: String, in directory: String, context: String) throws -> Snapshot {
        var exports: [String: Data] = [:]
        for layer in LayerSchema.all.map(\.name) {
            let export = try launch(executable, ["export", layer, "--db", "portal.sqlite"], in: directory)
            #expect(export.reason == .exit && export.status == 0 && export.stderr.isEmpty, "\(context): export \(layer): \(export.stderr)")
            exports[layer] = export.stdout
        }
        let info = try launch(executable, ["info", "--db", "portal.sqlite"], in: directory)
        #expect(info.reason == .exit && info.status == 0 && info.stderr.isEmpty, "\(context): info: \(info.stderr)")
        return Snapshot(exports: exports, info: String(decoding: info.stdout, as: UTF8.self))
    }

    /// Expects two snapshots to be the same, naming each layer that differs.
    static func expectSame(_ snapshot: Snapshot, _ expected: Snapshot, _ context: String) {
        for layer in LayerSchema.all.map(\.name) {
            let difference = Self.difference(snapshot.exports[layer], expected.exports[layer])
            #expect(difference == nil, "\(context): export \(layer) differs: \(difference ?? "")")
        }
        #expect(snapshot.info == expected.info, "\(context): info")
    }

    /// Where two outputs differ, in words; nil when they are the same. (Outputs are compared
    /// outside `#expect`, whose difference of two megabytes of bytes would take hours.)
    static func difference(_ output: Data?, _ expected: Data?) -> String? {
        let (output, expected) = (output ?? Data(), expected ?? Data())
        if output == expected { return nil }
        let offset = zip(output, expected).prefix { $0 == $1 }.count
        func around(_ data: Data) -> String { String(decoding: data.dropFirst(max(0, offset - 40)).prefix(120), as: UTF8.self) }
        return "\(output.count) bytes instead of \(expected.count), first at byte \(offset): '\(around(output))' instead of '\(around(expected))'"
    }

    /// The first eight bytes of a journal whose header SQLite synced before it wrote into the
    /// database file (a hot journal once its writer is dead); zeros before.
    static let journalMagic: [UInt8] = [0xD9, 0xD5, 0x05, 0xF9, 0x20, 0xA1, 0x63, 0xD7]

    /// SpatiaLite in this process, for `CheckSpatialIndex`.
    static let spatiaLite = Prerequisite("libspatialite in the test process (for CheckSpatialIndex)") {
        if case .success = spatiaLiteLibrary { return "libspatialite" }
        return nil
    }

    /// Every table, index, view and trigger of a database, with its SQL.
    static func schema(_ path: String) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
        }
    }

    /// The database has `schema` (the spatial index's triggers, which an import sets aside, are
    /// back), `PRAGMA integrity_check` is `ok` (on a read-only connection), and `CheckSpatialIndex` is 1
    /// for every spatial index the imports fill (on a copy: SpatiaLite writes to the file it
    /// checks); left out, with a note, when SpatiaLite cannot be loaded outside CI.
    static func checkDatabase(_ path: String, schema expected: [String], context: String) throws {
        let schema = try schema(path)
        #expect(schema == expected, "\(context): the schema differs")
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let integrity = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        try queue.close()
        #expect(integrity == ["ok"], "\(context)")

        guard try spatiaLite.ifPresent() != nil else {
            print("ImportCrashTests: CheckSpatialIndex left out (\(context)): cannot load libspatialite in the test process")
            return
        }
        let copies = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: path, toPath: copies.path("copy.sqlite"))
        var spatial = Configuration()
        spatial.prepareDatabase { db in try SpatiaLiteSetup.prepare(db) }
        let copy = try DatabaseQueue(path: copies.path("copy.sqlite"), configuration: spatial)
        defer { try? copy.close() }
        let layers = ["districts", "settlements", "sites"]
        let indexes = try copy.writeWithoutTransaction { db in
            try layers.map { try Int.fetchOne(db, sql: "SELECT CheckSpatialIndex(?, 'geom')", arguments: [$0]) }
        }
        for (layer, valid) in zip(layers, indexes) {
            #expect(valid == 1, "\(context): CheckSpatialIndex('\(layer)', 'geom')")
        }
    }
}
