import Foundation
import GRDB
@testable import GeoStorage
import QamtuTestSupport
import Testing

/// The built executable on database files that are empty, cut off, foreign or damaged, on input
/// from standard input and on `--set` (issue 20, item 20): a clear `error:` line, the exit status
/// of its category, never a crash or a raw SQLite message.
@Suite("Database files and input on the built executable")
struct DatabaseFileTests {
    /// A small portal: init, then three settlements from CSV.
    static func smallPortal(in folder: TemporaryFolder) throws -> String {
        #expect(try qamtu(["init", "--db", "p.sqlite"], in: folder).status == 0)
        let csv = try folder.write("s.csv", "id,name,kind,population,lon,lat\na,Alpha,village,100,71,43\nb,Beta,town,2000,71.5,43.2\nc,Gamma,village,50,72,43.5\n")
        let imported = try qamtu(["import", "settlements", csv, "--db", "p.sqlite"], in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        return folder.path("p.sqlite")
    }

    @Test func aZeroByteFileIsAnEmptyDatabaseNotAMissingOne() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("empty.sqlite", "")
        let result = try qamtu(["info", "--db", "empty.sqlite"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr == "error: empty.sqlite holds no Qamtu database yet (the file is empty)\n"
            + "hint: `qamtu init --db empty.sqlite` creates one in it\n")
        #expect(try qamtu(["init", "--db", "empty.sqlite"], in: folder).status == 0)
        #expect(try qamtu(["info", "--db", "empty.sqlite"], in: folder).status == 0)
    }

    @Test func aCutOffFileIsDamagedAndSaysSo() throws {
        let folder = try TemporaryFolder()
        let path = try Self.smallPortal(in: folder)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count > 16_384)
        _ = try folder.write("cut.sqlite", bytes: Array(bytes.prefix(8_192)))
        for command in [["info"], ["export", "settlements"], ["coverage"], ["find", "Alpha"]] {
            let result = try qamtu(command + ["--db", "cut.sqlite"], in: folder)
            #expect(result.status == 70, "\(command): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: database cut.sqlite is damaged ("), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("hint: restore it from a backup"), "\(command)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func aFileThatIsNotSQLiteIsNotAQamtuDatabase() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("notes.sqlite", String(repeating: "qamtu ", count: 2_000))
        let result = try qamtu(["info", "--db", "notes.sqlite"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr == "error: notes.sqlite is not a Qamtu database (not an SQLite file)\n")
    }

    /// A geometry blob that another program wrote past SpatiaLite's checks stops the export with
    /// the feature's layer and internal id; nothing half-written is left.
    @Test func aMalformedGeometryBlobNamesTheFeature() throws {
        let folder = try TemporaryFolder()
        let path = try Self.smallPortal(in: folder)
        let portal = try PortalDatabase.open(at: path)
        let fid = try portal.queue.write { db -> Int64 in
            try db.execute(sql: "DROP TRIGGER IF EXISTS ggu_settlements_geom")
            try db.execute(sql: "UPDATE settlements SET geom = X'0001FF' WHERE id = 'b'")
            return try Int64.fetchOne(db, sql: "SELECT fid FROM settlements WHERE id = 'b'") ?? -1
        }
        let result = try qamtu(["export", "settlements", "--db", "p.sqlite", "-o", "out.geojson"], in: folder)
        #expect(result.status == 70, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: layer settlements, fid \(fid): stored geometry cannot be read"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.geojson")))
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.geojson.partial")))
    }

    @Test func importsReadStandardInputWithAFormat() throws {
        let folder = try TemporaryFolder()
        _ = try Self.smallPortal(in: folder)
        let csv = try folder.write("more.csv", "id,name,kind,lon,lat\nd,Delta,hamlet,71.2,43.1\n")
        let executable = try qamtuExecutable()
        let piped = try run("/bin/sh", ["-c", "'\(executable)' import settlements - --format csv --db p.sqlite < more.csv"],
                            in: folder.url.path)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.hasPrefix("imported 1 settlement from - (csv)"), "\(piped.stdout)")
        #expect(csv.hasSuffix("more.csv"))
        let found = try qamtu(["find", "Delta", "--db", "p.sqlite"], in: folder)
        #expect(found.status == 0 && found.stdout.contains("hamlet"))
        let unformatted = try run("/bin/sh", ["-c", "'\(executable)' import settlements - --db p.sqlite < more.csv"], in: folder.url.path)
        #expect(unformatted.status == 64)
        #expect(unformatted.stderr.contains("reading standard input needs --format"))
    }

    /// `--set` fills empty columns, and a value that the column refuses stops the command before it
    /// reads anything (exit 64).
    @Test func setValuesAreValidatedFirstAndFillEmptyColumns() throws {
        let folder = try TemporaryFolder()
        _ = try Self.smallPortal(in: folder)
        _ = try folder.write("sites.csv", "id,kind,lon,lat\nt1,base_station,71,43\nt2,base_station,71.1,43\n")
        let bad = try qamtu(["import", "sites", "sites.csv", "--set", "status=bogus", "--db", "p.sqlite"], in: folder)
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("Error: --set status=bogus: unknown value 'bogus' (expected one of planned, building, operational, retired)"))
        let good = try qamtu(["import", "sites", "sites.csv", "--set", "status=planned", "--set", "planned_year=2027", "--db", "p.sqlite"], in: folder)
        #expect(good.status == 0, "\(good.stderr)")
        let csv = try qamtu(["export", "sites", "--format", "csv", "--properties", "id,status,planned_year", "--db", "p.sqlite"], in: folder)
        #expect(csv.stdout == "id,status,planned_year,lon,lat\nt1,planned,2027,71.0,43.0\nt2,planned,2027,71.1,43.0\n")
    }

    /// Bad arguments exit 64 from the real executable, with ArgumentParser's `Error:` and usage;
    /// runtime errors exit 1 with `error:`.
    @Test func exitStatusesOfTheRealExecutable() throws {
        let folder = try TemporaryFolder()
        _ = try Self.smallPortal(in: folder)
        let badArgument = try qamtu(["export", "nosuchlayer", "--db", "p.sqlite"], in: folder)
        #expect(badArgument.status == 64)
        #expect(badArgument.stderr.hasPrefix("Error: "))
        let unknownRoad = try qamtu(["road", "masts", "nowhere", "--within", "5km", "--db", "p.sqlite"], in: folder)
        #expect(unknownRoad.status == 1)
        #expect(unknownRoad.stderr.hasPrefix("error: no road matches 'nowhere'"), "\(unknownRoad.stderr)")
        let unknownProfile = try qamtu(["coverage", "--profile", "nosuch", "--db", "p.sqlite"], in: folder)
        #expect(unknownProfile.status == 1)
        #expect(unknownProfile.stderr.hasPrefix("error: "), "\(unknownProfile.stderr)")
    }
}
