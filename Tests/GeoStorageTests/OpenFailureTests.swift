import Foundation
import GRDB
import GeoModel
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// Opening a database after an interrupted write, while another writer holds it, or where it
/// cannot be: every failure names its real cause (issue 20, items 1 and 7).
@Suite("Portal database: interrupted writes and open failures")
struct OpenFailureTests {
    /// What a killed writer leaves behind, made deterministically: a copy of the database file and
    /// its journal taken while a write transaction is open and has already spilled changed pages
    /// into the file. Returns the copy's path; the original is left unchanged.
    static func crashedCopy(of fixture: Fixture) throws -> String {
        let original = fixture.folder.path("portal.sqlite")
        let crashed = fixture.folder.path("crashed.sqlite")
        try fixture.portal.queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = 5")  // spill changed pages into the file early
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "CREATE TABLE scratch (x BLOB)")
            for _ in 0..<200 { try db.execute(sql: "INSERT INTO scratch (x) VALUES (zeroblob(4000))") }
            try db.execute(sql: "DELETE FROM qamtu_meta")
            try FileManager.default.copyItem(atPath: original, toPath: crashed)
            try FileManager.default.copyItem(atPath: original + "-journal", toPath: crashed + "-journal")
            try db.execute(sql: "ROLLBACK")
        }
        return crashed
    }

    @Test func aReadOnlyOpenRollsBackAnUnfinishedWrite() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.geojson", settlementsGeoJSON)
        let crashed = try Self.crashedCopy(of: fixture)
        // The copy really is a crashed write: a read-only SQLite connection cannot read it.
        #expect(throws: DatabaseError.self) {
            var readOnly = Configuration()
            readOnly.readonly = true
            _ = try DatabaseQueue(path: crashed, configuration: readOnly).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM qamtu_meta") }
        }
        let portal = try PortalDatabase.open(at: crashed, readOnly: true)
        #expect(try portal.layerCounts().map(\.count) == [0, 3, 0, 0, 0, 0, 0, 0])
        let state = try portal.queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM qamtu_meta"), try db.tableExists("scratch"))
        }
        #expect(state.0 == 2)
        #expect(state.1 == false)
        #expect(!FileManager.default.fileExists(atPath: crashed + "-journal"))
        // The plain-column readers (coverage, nearest) open the same way.
        #expect(try PortalDatabase.open(at: crashed, readOnly: true, spatialSQL: false).layerCounts()[1].count == 3)
    }

    /// A source that calls `interrupt()` on the portal after `after` features, as Ctrl-C would.
    final class InterruptingSource: FeatureSource {
        let inner: any FeatureSource
        let portal: PortalDatabase
        let after: Int
        var count = 0

        init(_ inner: any FeatureSource, portal: PortalDatabase, after: Int) {
            self.inner = inner
            self.portal = portal
            self.after = after
        }

        func next() throws(GeoModelError) -> SourceFeature? {
            count += 1
            if count > after { portal.interrupt() }
            return try inner.next()
        }

        var progress: (done: Int, total: Int?) { inner.progress }
        var skipped: [String: Int] { inner.skipped }
        var ignoredFields: Set<String> { inner.ignoredFields }
        var decimalComma: Bool { inner.decimalComma }
    }

    @Test(arguments: [0, 2, 3]) func anInterruptedImportRollsBackAndSaysSo(after: Int) throws {
        let fixture = try Fixture()
        try fixture.importText(.districts, "d.csv", "id,name,wkt\nd1,One,\"MULTIPOLYGON(((70 42,72 42,72 44,70 44,70 42)))\"\n")
        let path = try fixture.folder.write("s.geojson", settlementsGeoJSON)
        let source = try InputFormat.geojson.openSource(path: path, layer: .settlements)
        let interrupting = InterruptingSource(source, portal: fixture.portal, after: after)
        do {
            _ = try fixture.portal.importFeatures(from: interrupting, into: .settlements, fileName: "s.geojson")
            Issue.record("an interrupted import succeeded")
        } catch {
            #expect("\(error)" == "import of settlements from s.geojson interrupted: nothing was imported (rolled back)")
        }
        let reopened = try PortalDatabase.open(at: fixture.folder.path("portal.sqlite"), readOnly: true)
        #expect(try reopened.layerCounts().map(\.count) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.path("portal.sqlite-journal")))
    }

    @Test func aLockedDatabaseSaysWhoHoldsItAndHowLongItWaited() throws {
        let fixture = try Fixture()
        let path = fixture.folder.path("portal.sqlite")
        let writer = try DatabaseQueue(path: path)
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let started = Date()
            for readOnly in [true, false] {
                do {
                    _ = try PortalDatabase.open(at: path, readOnly: readOnly)
                    Issue.record("opened a database another writer holds exclusively (readOnly: \(readOnly))")
                } catch {
                    #expect("\(error)" == "database \(path) is locked by another writer; waited 5 s")
                }
            }
            #expect(Date().timeIntervalSince(started) >= 2 * PortalDatabase.busyTimeout - 0.1)
        }
    }

    @Test func aMissingFolderIsNamed() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("nope/portal.sqlite")
        for attempt in [{ try PortalDatabase.create(at: path) }, { try PortalDatabase.open(at: path, readOnly: true) }] {
            do { _ = try attempt(); Issue.record("opened \(path)") } catch {
                #expect("\(error)" == "folder \(folder.path("nope")) does not exist (database \(path))")
            }
        }
        try folder.write("file", "not a folder")
        let underAFile = folder.path("file/portal.sqlite")
        do { _ = try PortalDatabase.create(at: underAFile); Issue.record("opened \(underAFile)") } catch {
            #expect("\(error)" == "cannot open database \(underAFile): \(folder.path("file")) is a file, not a folder")
        }
    }

    /// SQLite's result codes become the causes in words (root ignores file permissions, so the
    /// read-only cases are checked on the real executable as an unprivileged user in
    /// `InterruptedImportTests`).
    @Test func sqliteFailuresBecomeCausesInWords() {
        let path = "/data/portal.sqlite"
        let cases: [(ResultCode, String)] = [
            (.SQLITE_BUSY, "database /data/portal.sqlite is locked by another writer; waited 5 s"),
            (.SQLITE_LOCKED, "database /data/portal.sqlite is locked by another writer; waited 5 s"),
            (.SQLITE_READONLY_ROLLBACK,
             "database /data/portal.sqlite has an unfinished write left by an interrupted program (/data/portal.sqlite-journal); "
                + "the data is intact, but rolling the write back needs write access to the file and its folder"),
            (.SQLITE_READONLY, "cannot write to database /data/portal.sqlite: the file or its folder is read-only (attempt to write a readonly database)"),
            (.SQLITE_CANTOPEN, "cannot open database /data/portal.sqlite: unable to open database file"),
            (.SQLITE_NOTADB, "/data/portal.sqlite is not a Qamtu database (file is not a database)"),
        ]
        for (code, message) in cases {
            #expect("\(StorageError(DatabaseError(resultCode: code), path: path))" == message)
        }
    }
}
