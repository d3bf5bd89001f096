import Foundation
import GeoModel
import Geodesy
import PortalCore
import PostGISStorage
import QamtuTestSupport
import Testing

/// What only the PostGIS store has: its schema's migrations, its errors, its index.
@Suite("PostGIS store", .requires(PostGISTestServer.prerequisite))
struct PostGISStoreTests {
    /// A fresh empty database's URL (no schema yet).
    static func freshURL() throws -> String {
        let server = try PostgresLocation(parsing: try PostGISTestServer.prerequisite.require())
        return try PostGISDatabase.createScratchDatabase(on: server).description
    }

    @Test func initRecordsMigrationsOnceAndOpensAfterwards() throws {
        let url = try Self.freshURL()
        // Before init: no schema, a not-found error that says what to do.
        #expect {
            _ = try PostGISStore.open(url: url)
        } throws: { error in
            (error as? PostGISError) == .emptyDatabase(location: url) && (error as? any CategorizedError)?.category == .notFound
        }
        let store = try PostGISStore.initialise(url: url)
        #expect(try store.status().schema == "v5-site-pack")
        #expect(try store.database.appliedMigrations() == ["v1-layers", "v2-applications-layers", "v3-applications", "v4-change-notices", "v5-site-pack"])
        // A second init applies nothing again; the store opens read-only and refuses imports.
        _ = try PostGISStore.initialise(url: url)
        #expect(try store.database.appliedMigrations() == ["v1-layers", "v2-applications-layers", "v3-applications", "v4-change-notices", "v5-site-pack"])
        let reader = try PostGISStore.open(url: url, readOnly: true)
        #expect(reader.location == url)
        let folder = try TemporaryFolder()
        let path = try folder.write("s.csv", "id,kind,status,lon,lat\nx1,base_station,operational,71,43\n")
        #expect(throws: PostGISError.readOnly(location: url)) {
            _ = try Portal(store: reader).importFeatures(ImportRequest(layer: .sites, path: path))
        }
        #expect(try reader.count(ExportQuery(layer: .sites)) == 0)
    }

    @Test func aDatabaseWithOtherTablesIsNotAQamtuDatabase() throws {
        let url = try Self.freshURL()
        let store = try PostGISStore.initialise(url: url)
        // Another schema version than this build knows: refused, naming the migration.
        let location = try PostgresLocation(parsing: url)
        let raw = try PostGISDatabase(location: location, readOnly: false, checkSchema: false)
        try raw.executeForTests("INSERT INTO qamtu_migrations (name, applied_order) VALUES ('v99-future', 99)")
        #expect(throws: PostGISError.newerSchema(location: url, unknownMigrations: ["v99-future"])) {
            _ = try PostGISStore.open(url: url)
        }
        try raw.executeForTests("DROP TABLE qamtu_migrations")
        #expect(throws: PostGISError.notAQamtuDatabase(location: url)) { _ = try PostGISStore.open(url: url) }
        #expect(throws: PostGISError.notAQamtuDatabase(location: url)) { _ = try PostGISStore.initialise(url: url) }
        _ = store
    }

    @Test func anUnreachableServerIsUnavailable() throws {
        let folder = try TemporaryFolder()
        let url = "postgresql://nobody:secret@/nothing?host=\(folder.path("no-socket-here"))"
        #expect {
            _ = try PostGISStore.open(url: url)
        } throws: { error in
            guard let error = error as? PostGISError, case .cannotConnect(let location, _) = error else { return false }
            return error.category == .unavailable && !location.contains("secret") && !error.description.contains("secret")
        }
    }

    @Test func aBoxSearchCanGoThroughTheGiSTIndex() throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(.postGIS, in: folder)
        let store = try #require(portal.store as? PostGISStore)
        let box = try BoundingBox(parsing: "71.05,42.8,71.4,43.05")
        let plan = try store.database.queryPlan(ExportQuery(layer: .settlements, bbox: box)).joined(separator: "\n")
        #expect(plan.contains("idx_settlements_geom"), "\(plan)")
        let unboxed = try store.database.queryPlan(ExportQuery(layer: .settlements)).joined(separator: "\n")
        #expect(!unboxed.contains("idx_settlements_geom"))
    }

    /// A scan stopped early (a page taken in Swift after the exact box test, a body that throws)
    /// gives its connection back: a pool of one connection serves every following query.
    @Test func scansStoppedEarlyReturnTheirConnection() throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(.postGIS, in: folder)
        let store = try PostGISStore.open(url: portal.store.location, readOnly: true, connections: 1)
        let box = try BoundingBox(parsing: "70,42,72,44")
        struct Stop: Error {}
        for _ in 0..<5 {
            #expect(try store.features(ExportQuery(layer: .sites, bbox: box).paged(limit: 1)).map(\.id) == ["t1"])
            #expect(throws: Stop.self) { try store.forEachFeature(ExportQuery(layer: .sites), columns: []) { _ in throw Stop() } }
        }
        #expect(try store.count(ExportQuery(layer: .sites, bbox: box)) == 7)
    }

    @Test func changeTokensMoveWithCommitsOfAnyConnection() throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(.postGIS, in: folder)
        let other = try PostGISStore.open(url: portal.store.location, readOnly: true)
        let before = try other.changeToken()
        #expect(try portal.store.changeToken() == before)
        let path = try folder.write("s.csv", "id,kind,status,lon,lat\nx1,base_station,operational,71,43\n")
        _ = try portal.importFeatures(ImportRequest(layer: .sites, path: path))
        // The import's counter bump is read at once; the layer's notice may follow it.
        #expect(try other.changeToken() > before)
        #expect(try other.count(ExportQuery(layer: .sites)) == 9)
    }
}
