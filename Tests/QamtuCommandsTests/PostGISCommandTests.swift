import Foundation
import PostGISStorage
import QamtuTestSupport
import Testing

/// The CLI on a PostGIS database (`--db postgresql://…`): the same commands, the same bytes as on
/// the SpatiaLite file, and the password never printed.
@Suite("qamtu on PostGIS (the built executable)", .requires(PostGISTestServerURL.prerequisite))
struct PostGISCommandTests {
    @Test func initImportExportInfoAndCopyAsOnTheFile() throws {
        let folder = try TemporaryFolder()
        let server = try PostgresLocation(parsing: try PostGISTestServerURL.prerequisite.require())
        let fresh = try PostGISDatabase.createScratchDatabase(on: server)
        // A password in the URL (the test cluster trusts its socket, so it is not checked) must never show.
        let url = fresh.description.replacingOccurrences(of: "postgresql://\(fresh.user)@", with: "postgresql://\(fresh.user):hunter2@")
        var everything = ""
        func run(_ arguments: [String]) throws -> ProcessResult {
            let result = try qamtu(arguments, in: folder)
            everything += result.stdout + result.stderr
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        let initialised = try run(["init", "--db", url])
        #expect(initialised.stdout.hasPrefix("\(fresh.description): Qamtu database ready, schema v5-site-pack, EPSG:4326\n"))
        _ = try run(["init", "--db", "file.sqlite"])
        let geoData = EndToEndTests.geoData
        for db in [url, "file.sqlite"] {
            for layer in ["districts", "settlements", "sites"] {
                _ = try run(["import", layer, geoData.appendingPathComponent("\(layer).geojson").path, "--db", db])
            }
        }
        for arguments in [["export", "settlements", "--format", "csv"], ["export", "sites", "--bbox", "70.9,42.7,71.6,43.1"],
                          ["coverage", "--as-of", "2026", "--format", "csv"], ["nearest", "settlements", "--to", "sites", "--k", "2"]] {
            let file = try run(arguments + ["--db", "file.sqlite"]).stdout
            let postGIS = try run(arguments + ["--db", url]).stdout
            #expect(postGIS == file, "\(arguments)")
            #expect(!file.isEmpty)
        }
        let info = try run(["info", "--db", url])
        #expect(info.stdout.hasPrefix("\(fresh.description) (schema v5-site-pack, EPSG:4326)\n"))
        #expect(info.stdout.contains("settlements         372  Point"))
        _ = try run(["copy", "--from", url, "--to", "back.sqlite"])
        let original = try run(["export", "sites", "--db", "file.sqlite"]).stdout
        #expect(try run(["export", "sites", "--db", "back.sqlite"]).stdout == original)
        // The service applications on the URL as on the file: the same listings, application, report
        // and public export; a copy carries them (and the users, whose tokens keep working).
        for db in [url, "file.sqlite"] {
            _ = try run(["import", "services", geoData.appendingPathComponent("services.csv").path, "--db", db])
            _ = try run(["applications", "import", geoData.appendingPathComponent("applications.geojson").path, "--db", db])
            #expect(try run(["users", "add", "office", "--role", "admin", "--db", db]).stdout.hasPrefix("qamtu_"))
        }
        let readings = [["applications", "list"], ["applications", "list", "--district", "TARAZ CITY"], ["applications", "show", "A-000003"],
                        ["report", "applications", "--as-of", "2026-06-01"], ["export", "applications"]]
        for arguments in readings {
            let file = try run(arguments + ["--db", "file.sqlite"]).stdout
            #expect(try run(arguments + ["--db", url]).stdout == file, "\(arguments)")
            #expect(file.count > 30, "\(arguments)")
        }
        let copy = try run(["copy", "--from", url, "--to", "applications.sqlite"])
        #expect(copy.stdout.contains("service applications: 54 with "), "\(copy.stdout)")
        for arguments in readings + [["users", "list"]] {
            #expect(try run(arguments + ["--db", "applications.sqlite"]).stdout == run(arguments + ["--db", url]).stdout, "\(arguments)")
        }
        #expect(!everything.contains("hunter2"))
    }
}

/// The server named by `QAMTU_TEST_POSTGRES_URL` (`Scripts/test.sh` starts one).
enum PostGISTestServerURL {
    static let prerequisite = Prerequisite("a PostgreSQL 15 + PostGIS server named by QAMTU_TEST_POSTGRES_URL (Scripts/test.sh starts one)") {
        ProcessInfo.processInfo.environment["QAMTU_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
