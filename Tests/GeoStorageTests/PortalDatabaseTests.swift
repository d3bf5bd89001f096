import Foundation
import GRDB
import GeoModel
import QamtuTestSupport
import Testing
@testable import GeoStorage

@Suite("Portal database: creation, identity, schema versions")
struct PortalDatabaseTests {
    @Test func createsEveryLayerWithSpatialMetadata() throws {
        let fixture = try Fixture()
        #expect(try fixture.portal.layerCounts().map(\.layer) == ["districts", "settlements", "roads", "sites", "institutions", "commitments",
                                                                     "services", "applications"])
        let columns = try fixture.portal.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT f_table_name, geometry_type, srid, spatial_index_enabled FROM geometry_columns ORDER BY f_table_name")
                .map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int) \($0[3] as Int)" }
        }
        // SpatiaLite geometry type codes: 1 Point, 5 MultiLineString, 6 MultiPolygon; 1 = R*Tree index.
        #expect(columns == ["applications 1 4326 1", "commitments 1 4326 1", "districts 6 4326 1", "institutions 1 4326 1",
                            "roads 5 4326 1", "settlements 1 4326 1", "sites 1 4326 1"])
        let applicationID = try fixture.portal.queue.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(applicationID == PortalDatabase.applicationID)
        // Reopening is idempotent.
        _ = try PortalDatabase.open(at: fixture.folder.path("portal.sqlite"))
        _ = try PortalDatabase.create(at: fixture.folder.path("portal.sqlite"))
    }

    @Test func refusesAMissingFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("none.sqlite")
        #expect(throws: StorageError.self) { try PortalDatabase.open(at: path) }
        do { _ = try PortalDatabase.open(at: path) } catch {
            #expect("\(error)" == "no database at \(path)")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func refusesFilesThatAreNotQamtuDatabases() throws {
        let folder = try TemporaryFolder()
        let text = try folder.write("notes.sqlite", "just some text, not a database")
        do { _ = try PortalDatabase.open(at: text); Issue.record("opened a text file") } catch {
            #expect("\(error)" == "\(text) is not a Qamtu database (not an SQLite file)")
        }
        let other = folder.path("other.sqlite")
        let queue = try DatabaseQueue(path: other)
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        try queue.close()
        for attempt in [{ try PortalDatabase.open(at: other) }, { try PortalDatabase.create(at: other) }] {
            do { _ = try attempt(); Issue.record("opened a foreign database") } catch {
                #expect("\(error)" == "\(other) is not a Qamtu database (it has tables but no Qamtu application id)")
            }
        }
        // The foreign file is left as it was.
        let tables = try DatabaseQueue(path: other).read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master") }
        #expect(tables == ["t"])
    }

    @Test func refusesANewerSchema() throws {
        let fixture = try Fixture()
        try fixture.portal.queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        }
        let path = fixture.folder.path("portal.sqlite")
        do { _ = try PortalDatabase.open(at: path); Issue.record("opened a newer schema") } catch {
            #expect("\(error)" == "\(path) was written by a newer version of Qamtu (unknown schema migrations: v9-from-the-future); upgrade qamtu to open it")
        }
    }

    @Test func opensForPlainReadsWithoutSpatiaLite() throws {
        let fixture = try Fixture()
        let path = fixture.folder.path("portal.sqlite")
        // A read-only reader of plain columns: no SpatiaLite functions on its connection.
        let plain = try PortalDatabase.open(at: path, readOnly: true, spatialSQL: false)
        #expect(try plain.layerCounts().count == 8)
        #expect(throws: (any Error).self) {
            try plain.queue.read { db in try Int.fetchOne(db, sql: "SELECT ST_NPoints(MakePoint(1, 2, 4326))") }
        }
        // Every other open has them, and so does a writer without them once it loads them
        // (imports load them when a statement needs them: SpatialSQLLoadingTests).
        let writer = try PortalDatabase.open(at: path, spatialSQL: false)
        #expect(throws: (any Error).self) {
            try writer.queue.read { db in try Int.fetchOne(db, sql: "SELECT ST_NPoints(MakePoint(1, 2, 4326))") }
        }
        try writer.loadSpatialSQL()
        for portal in [try PortalDatabase.open(at: path, readOnly: true), try PortalDatabase.open(at: path), writer] {
            #expect(try portal.queue.read { db in try Int.fetchOne(db, sql: "SELECT ST_NPoints(MakePoint(1, 2, 4326))") } == 1)
        }
    }

    @Test func namesTheLibraryWhenSpatiaLiteCannotBeLoaded() throws {
        guard case .failure(let error) = SpatiaLiteLibrary.load(names: ["libqamtu-no-such-library.so"]) else {
            Issue.record("loaded a library that does not exist")
            return
        }
        let message = "\(error)"
        #expect(message.contains("cannot load libspatialite"))
        #expect(message.contains("libqamtu-no-such-library.so"))
        #expect(message.contains("QAMTU_SPATIALITE"))
        #if os(Linux)
        // A library without SpatiaLite's entry points is refused by name too.
        guard case .failure(let other) = SpatiaLiteLibrary.load(names: ["libsqlite3.so.0"]) else {
            Issue.record("took libsqlite3 for SpatiaLite")
            return
        }
        #expect("\(other)".contains("libsqlite3.so.0: not SpatiaLite 4.3 or later"))
        #endif
    }
}
