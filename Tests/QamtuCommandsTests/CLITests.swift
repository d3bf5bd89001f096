import ArgumentParser
import Foundation
import GRDB
import GeoModel
import QamtuTestSupport
import Testing
@testable import QamtuCommands

/// The built `qamtu` executable (next to the test bundle, or in .build/debug), checked to be
/// linked after the last compilation of every target in Sources/.
let qamtuExecutableLookup = Result {
    try BuiltExecutable.locate(
        candidates: [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("qamtu").path,
            SharedData.repository.appendingPathComponent(".build/debug/qamtu").path,
        ],
        targets: BuiltExecutable.targets(ofPackageAt: SharedData.repository))
}

/// The built `qamtu` executable; throws (failing the test) when it is missing or stale.
func qamtuExecutable() throws -> String { try qamtuExecutableLookup.get() }

/// Runs `qamtu` with the arguments in `folder`.
func qamtu(_ arguments: [String], in folder: TemporaryFolder) throws -> ProcessResult {
    let executable = try qamtuExecutable()
    var environment = ProcessInfo.processInfo.environment
    environment["QAMTU_DB"] = nil
    return try run(executable, arguments, in: folder.url.path, environment: environment)
}

@Suite("Command-line parsing")
struct ParsingTests {
    /// Distances need a unit: a bare number is refused before anything runs (it once meant metres,
    /// so `--within 5` found nothing).
    @Test(arguments: [["road", "masts", "A-2", "--within", "5"], ["road", "plan", "A-2", "--range", "6"],
                      ["road", "gaps", "A-2", "--planned-range", "8"]])
    func distancesNeedAUnit(arguments: [String]) {
        do {
            _ = try Qamtu.parseAsRoot(arguments)
            Issue.record("parsed \(arguments)")
        } catch {
            #expect(Qamtu.exitCode(for: error) == .validationFailure)
            #expect(Qamtu.message(for: error).contains("is invalid"))
        }
        #expect(throws: Never.self) { try Qamtu.parseAsRoot(["road", "masts", "A-2", "--within", "5km"]) }
    }

    /// A box west of Greenwich starts with a minus sign and is still the option's value.
    @Test func negativeBoxesAreValues() throws {
        let export = try #require(try Qamtu.parseAsRoot(["export", "sites", "--bbox", "-179.5,-17.5,-170,-16"]) as? ExportCommand)
        #expect(export.bbox == "-179.5,-17.5,-170,-16")
        let importing = try #require(try Qamtu.parseAsRoot(["import", "sites", "x.csv", "--bbox", "-10,40,-5,45"]) as? ImportCommand)
        #expect(importing.bbox == "-10,40,-5,45")
        // A descending sort key starts with a minus sign too (the help's own example).
        let sorted = try #require(try Qamtu.parseAsRoot(["export", "settlements", "--sort-by", "-population", "--limit", "10"]) as? ExportCommand)
        #expect(sorted.sortBy == "-population")
        #expect(try sorted.query().sortBy == [SortKey(column: "population", descending: true)])
    }

    /// Help shows a layer default by its name, not a dump of the schema.
    @Test func helpShowsTheDefaultLayerByName() {
        let help = Qamtu.helpMessage(for: FindCommand.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("default: settlements)"))
        #expect(!help.contains("LayerSchema("))
    }

    /// One mapping from error categories to exit statuses.
    @Test func exitCodesByCategory() {
        #expect(ErrorReporting.exitCode(.invalidInput) == .failure)
        #expect(ErrorReporting.exitCode(.notFound) == .failure)
        #expect(ErrorReporting.exitCode(.unavailable) == ExitCode(69))
        #expect(ErrorReporting.exitCode(.internal) == ExitCode(70))
        #expect(ErrorReporting.exitCode(.forbidden) == ExitCode(77))
    }

    @Test func parsesExportOptions() throws {
        let command = try Qamtu.parseAsRoot(["export", "sites", "--bbox", "70,42,71,43", "--where", "operator=Kcell",
                                             "--format", "csv", "--precision", "5", "-o", "x.csv", "--db", "p.sqlite"])
        let export = try #require(command as? ExportCommand)
        #expect(export.layer == .sites)
        #expect(export.filters == ["operator=Kcell"])
        #expect(export.format == .csv)
        #expect(export.precision == 5)
        #expect(export.destination.output == "x.csv")
        #expect(export.database.path == "p.sqlite")
    }

    @Test(arguments: [
        (["export", "sites", "--precision", "20"], "--precision must be between 0 and 15, got 20"),
        (["export", "sites", "--bbox", "1,2,3"], "invalid bbox '1,2,3': expected 4 numbers minLon,minLat,maxLon,maxLat, got 3"),
        (["export", "sites", "--where", "colour=red"],
         "layer sites has no field 'colour' (fields: id, name, kind, operator, technologies, band_mhz, height_m, eirp_dbm, range_m, status, planned_year, commissioned, position, source)"),
        (["import", "sites", "x.csv", "--map", "lng"], "--map expects SOURCE=TARGET, got 'lng'"),
        (["import", "sites", "x.csv", "--set", "colour=red"],
         "--set colour=red: layer sites has no column 'colour' (columns: id, name, kind, operator, technologies, band_mhz, height_m, eirp_dbm, range_m, status, planned_year, commissioned, position, source)"),
        (["import", "sites", "-"], "reading standard input needs --format (the format cannot be detected from a stream)"),
        (["find", "x", "--limit", "0"], "--limit must be at least 1"),
        (["export", "settlements", "--sort-by", "colour"], "layer settlements has no field 'colour' (fields: id, name, name_kk, name_ru, name_en, kind, population, district, fibre, fibre_year, osm_id)"),
        (["export", "settlements", "--limit=-1"], "--limit must be 0 or more, got -1"),
        (["import", "sites", "x.csv", "--replace", "--upsert"], "--replace and --upsert exclude each other: --replace empties the layer first"),
        (["import", "sites", "x.csv", "--bbox", "70,42,71,43", "--within-district", "Жуалы"], "give --bbox or --within-district, not both"),
        (["import", "sites", "x.csv", "--bbox", "70,42,71"], "invalid bbox '70,42,71': expected 4 numbers minLon,minLat,maxLon,maxLat, got 3"),
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

    @Test func rejectsUnknownLayers() {
        do {
            _ = try Qamtu.parseAsRoot(["export", "villages"])
            Issue.record("parsed an unknown layer")
        } catch {
            #expect(Qamtu.message(for: error).contains("The value 'villages' is invalid for '<layer>'"))
        }
    }

    @Test func usesQAMTU_DBThenTheDefault() throws {
        let options = try DatabaseOptions.parse([])
        let env = ProcessInfo.processInfo.environment["QAMTU_DB"]
        #expect(options.path == ((env?.isEmpty == false) ? env ?? "" : "qamtu.sqlite"))
        #expect(try DatabaseOptions.parse(["--db", "x.sqlite"]).path == "x.sqlite")
    }

    @Test func helpNamesEveryCommand() {
        let help = Qamtu.helpMessage()
        for name in ["init", "import", "export", "find", "info"] { #expect(help.contains(name)) }
    }

    /// Every command below `qamtu` that runs (no subcommands of its own).
    static func leafCommands(of command: any ParsableCommand.Type = Qamtu.self) -> [any ParsableCommand.Type] {
        let children = command.configuration.subcommands
        return children.isEmpty ? [command] : children.flatMap { leafCommands(of: $0) }
    }

    /// `help NAME` for a name that is no command is a usage error naming it, not the top-level
    /// help with exit 0 (issue 20, item 13).
    @Test func helpForAnUnknownCommandIsAUsageError() throws {
        let unknown = try #require(Qamtu.helpTopicError(["help", "nosuch"]))
        #expect(unknown.message == "unknown command 'qamtu nosuch'; the commands of qamtu are init, import, export, find, info, "
            + "coverage, report, nearest, road, plan, serve, tiles, users, applications, copy")
        #expect(Qamtu.exitCode(for: unknown) == .validationFailure)
        #expect(Qamtu.helpTopicError(["help", "coverage", "nosuch"])?.message
            == "unknown command 'qamtu coverage nosuch'; the commands of qamtu coverage are list, diff, footprints")
        #expect(Qamtu.helpTopicError(["help", "init", "more"])?.message == "unknown command 'qamtu init more'; qamtu init has no subcommands")
        for fine in [["help"], ["help", "help"], ["help", "road", "plan"], ["help", "coverage"], ["init", "nosuch"], []] {
            #expect(Qamtu.helpTopicError(fine) == nil, "\(fine)")
        }
        let folder = try TemporaryFolder()
        let result = try qamtu(["help", "nosuch"], in: folder)
        #expect(result.status == 64)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("Error: unknown command 'qamtu nosuch'; the commands of qamtu are init, import, "), "\(result.stderr)")
        let known = try qamtu(["help", "road", "plan"], in: folder)
        #expect(known.status == 0)
        #expect(known.stdout.contains("USAGE: qamtu road plan <road>"))
    }

    /// Every command's usage line lists its options (never a bare `<options>`), and the help of
    /// `init` reads as its output does (issue 20, item 13).
    @Test func usageListsEveryOption() throws {
        let commands = Self.leafCommands()
        #expect(commands.count == 25)
        for command in commands {
            let help = Qamtu.helpMessage(for: command, columns: 2_000)
            let usage = try #require(help.components(separatedBy: "USAGE: ").dropFirst().first?.components(separatedBy: "\n\n").first)
            let optionsSection = try #require(help.components(separatedBy: "OPTIONS:").last)
            let options = optionsSection.split(separator: "\n").compactMap { line in
                line.split(separator: " ").first { $0.hasPrefix("--") }.map { String($0.trimmingCharacters(in: [","])) }
            }
            #expect(!usage.contains("<options>"), "\(command._commandName): \(usage)")
            for option in options where option != "--help" && option != "--version" {
                #expect(usage.contains("[\(option) ") || usage.contains("[\(option)]") || usage.contains(" \(option) "),
                        "\(command._commandName): \(option) missing from \(usage)")
            }
        }
        let initHelp = Qamtu.helpMessage(for: InitCommand.self, columns: 2_000)
        let prose = try #require(initHelp.components(separatedBy: "USAGE:").first)
        #expect(!prose.contains("  "), "\(prose)")
        #expect(prose.contains("commitments (Point, derived from their targets)"))
    }
}

@Suite("qamtu end to end (the built executable)")
struct EndToEndTests {
    static let geoData = SharedData.repository.appendingPathComponent("GeoData")

    /// A database loaded with the demo data through the CLI.
    static func demoDatabase(in folder: TemporaryFolder) throws {
        #expect(try qamtu(["init", "--db", "demo.sqlite"], in: folder).status == 0)
        for layer in ["districts", "settlements", "roads", "sites", "institutions"] {
            let result = try qamtu(["import", layer, geoData.appendingPathComponent("\(layer).geojson").path, "--db", "demo.sqlite"], in: folder)
            #expect(result.status == 0, "\(layer): \(result.stderr)")
        }
        let commitments = try qamtu(["import", "commitments", geoData.appendingPathComponent("commitments.csv").path, "--db", "demo.sqlite"], in: folder)
        #expect(commitments.status == 0, "\(commitments.stderr)")
    }

    @Test func loadsTheDemoDataAndFindsPlacesInAnyScript() throws {
        let folder = try TemporaryFolder()
        try Self.demoDatabase(in: folder)
        let info = try qamtu(["info", "--db", "demo.sqlite"], in: folder)
        #expect(info.stdout.contains("settlements         372  Point"))
        #expect(info.stdout.contains("commitments         932  Point"))
        #expect(info.stdout.contains("site pack: current"))
        var ids: Set<String> = []
        for spelling in ["Шақпақ ата", "Шакпаката", "Shakpak-Ata", "shakpakata"] {
            let found = try qamtu(["find", spelling, "--db", "demo.sqlite", "--format", "geojson", "--limit", "1"], in: folder)
            #expect(found.status == 0, "\(spelling): \(found.stderr)")
            let json = try JSONParser.parse(found.stdout)
            guard case .array(let features)? = json["features"], let first = features.first, let id = first["id"]?.stringValue else {
                Issue.record("no match for \(spelling)")
                continue
            }
            ids.insert(id)
        }
        #expect(ids.count == 1)
        let road = try qamtu(["find", "Шакпаката - Отар", "--layer", "roads", "--db", "demo.sqlite", "--limit", "1"], in: folder)
        #expect(road.stdout.contains("a2-shakpakata-otar"))
        let none = try qamtu(["find", "Zzyzx", "--db", "demo.sqlite"], in: folder)
        #expect(none.status == 1)
        #expect(none.stderr == "error: no settlements match 'Zzyzx'\n")
    }

    /// Another program edits the sites: info says the pack is not current, init rebuilds it, and
    /// coverage gives the same answer either way.
    @Test func initRebuildsTheSitePackAfterAnotherProgramsEdit() throws {
        let folder = try TemporaryFolder()
        try Self.demoDatabase(in: folder)
        let coverage = ["coverage", "--as-of", "2026", "--scenario", "planned", "--format", "csv", "--db", "demo.sqlite"]
        let queue = try DatabaseQueue(path: folder.path("demo.sqlite"))
        try queue.write { db in try db.execute(sql: "UPDATE sites SET range_m = 25000 WHERE fid = 1") }
        try queue.close()
        let stale = try qamtu(["info", "--db", "demo.sqlite"], in: folder)
        #expect(stale.stdout.contains("site pack: not current, coverage reads the sites table (slower); `qamtu init --db demo.sqlite` rebuilds it"))
        let fromTable = try qamtu(coverage, in: folder)
        #expect(fromTable.status == 0, "\(fromTable.stderr)")
        let rebuilt = try qamtu(["init", "--db", "demo.sqlite"], in: folder)
        #expect(rebuilt.stdout.contains("site pack rebuilt: 600 sites"))
        #expect(try qamtu(["info", "--db", "demo.sqlite"], in: folder).stdout.contains("site pack: current"))
        #expect(try qamtu(coverage, in: folder).stdout == fromTable.stdout)
        // A current pack is left alone.
        #expect(!(try qamtu(["init", "--db", "demo.sqlite"], in: folder).stdout.contains("rebuilt")))
    }

    @Test func aFailedImportExitsNonZeroAndChangesNothing() throws {
        let folder = try TemporaryFolder()
        try Self.demoDatabase(in: folder)
        let before = try qamtu(["export", "sites", "--db", "demo.sqlite"], in: folder).stdout
        try folder.write("bad.csv", "id,kind,status,lon,lat\nnew-1,base_station,operational,71,42\nnew-2,tower,operational,71,42\n")
        let result = try qamtu(["import", "sites", "bad.csv", "--db", "demo.sqlite"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr == """
            error: import of sites from bad.csv failed: 1 problem, nothing was written
              bad.csv:3: field 'kind': unknown value 'tower' (expected one of base_station, antenna_mast, fibre_node)

            """)
        #expect(try qamtu(["export", "sites", "--db", "demo.sqlite"], in: folder).stdout == before)
    }

    @Test func refusesMissingAndForeignDatabases() throws {
        let folder = try TemporaryFolder()
        let missing = try qamtu(["export", "sites", "--db", "nope.sqlite"], in: folder)
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: no database at nope.sqlite\nhint: create one with `qamtu init --db nope.sqlite`\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path("nope.sqlite")))
        try folder.write("notes.txt", "hello")
        let foreign = try qamtu(["init", "--db", "notes.txt"], in: folder)
        #expect(foreign.status == 1)
        #expect(foreign.stderr == "error: notes.txt is not a Qamtu database (not an SQLite file)\n")
        #expect(try folder.read("notes.txt") == "hello")
    }

    /// GDAL opens the database with its six layers, and reads every file `qamtu export` writes.
    @Test(.requires(.demoData, .ogrinfo, .ogr2ogr))
    func gdalReadsTheDatabaseAndEveryExport() throws {
        let folder = try TemporaryFolder()
        try Self.demoDatabase(in: folder)
        let ogrinfo = try Prerequisite.ogrinfo.require(), ogr2ogr = try Prerequisite.ogr2ogr.require()
        let listing = try run(ogrinfo, ["-ro", "-q", folder.path("demo.sqlite")])
        #expect(listing.status == 0, "\(listing.stderr)")
        for line in ["1: districts (Multi Polygon)", "2: settlements (Point)", "3: roads (Multi Line String)",
                     "4: sites (Point)", "5: institutions (Point)", "6: commitments (Point)"] {
            #expect(listing.stdout.contains(line), "\(listing.stdout)")
        }
        let srs = try run(ogrinfo, ["-ro", "-so", folder.path("demo.sqlite"), "settlements"])
        #expect(srs.stdout.contains("ID[\"EPSG\",4326]"), "\(srs.stdout)")
        let counts = ["districts": 11, "settlements": 372, "roads": 4, "sites": 600, "institutions": 1_300, "commitments": 932]
        for (layer, count) in counts {
            for (format, ext) in [("geojson", "geojson"), ("geojsonseq", "geojsonl"), ("csv", "csv")] {
                let file = "\(layer).\(ext)"
                let export = try qamtu(["export", layer, "--format", format, "-o", file, "--db", "demo.sqlite"], in: folder)
                #expect(export.status == 0, "\(export.stderr)")
                var arguments = ["-ro", "-so", "-al"]
                if format == "csv" {
                    arguments += layer == "districts" || layer == "roads"
                        ? ["-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO"]
                        : ["-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"]
                }
                let read = try run(ogrinfo, arguments + [folder.path(file)])
                #expect(read.status == 0, "\(file): \(read.stderr)")
                #expect(read.stdout.contains("Feature Count: \(count)"), "\(file): \(read.stdout)")
                #expect(!read.stderr.contains("ERROR"), "\(file): \(read.stderr)")
                // ogr2ogr converts it (to a GeoPackage) without complaint.
                var convert = ["-f", "GPKG", folder.path("\(layer)-\(format).gpkg")]
                if format == "csv" { convert += arguments.dropFirst(3) }
                let converted = try run(ogr2ogr, convert + [folder.path(file)])
                #expect(converted.status == 0 && !converted.stderr.contains("ERROR"), "\(file): \(converted.stderr)")
                let check = try run(ogrinfo, ["-ro", "-so", "-al", folder.path("\(layer)-\(format).gpkg")])
                #expect(check.stdout.contains("Feature Count: \(count)"), "\(file) via ogr2ogr: \(check.stdout)")
            }
        }
    }
}
