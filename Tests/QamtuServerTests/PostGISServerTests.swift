import Foundation
import GeoModel
import Hummingbird
import HummingbirdTesting
import Logging
import PortalCore
import PostGISStorage
import QamtuServer
import QamtuTestSupport
import Testing

/// The server named by `QAMTU_TEST_POSTGRES_URL` (`Scripts/test.sh` starts one).
let postGISTestServer = Prerequisite("a PostgreSQL 15 + PostGIS server named by QAMTU_TEST_POSTGRES_URL (Scripts/test.sh starts one)") {
    ProcessInfo.processInfo.environment["QAMTU_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
}

/// `qamtu serve --db postgresql://…`: the same responses as from the SpatiaLite file.
@Suite("Serving a PostGIS database", .requires(postGISTestServer))
struct PostGISServerTests {
    static var server: Prerequisite { postGISTestServer }

    /// The bodies of `paths` served from `databasePath` (a file or a URL), in order.
    static func bodies(_ databasePath: String, _ paths: [String]) async throws -> [String] {
        var logger = Logger(label: "qamtu.test")
        logger.logLevel = .warning
        let configuration = ServerConfiguration(databasePath: databasePath, host: "127.0.0.1", port: 0,
                                                baseURL: "http://qamtu.test/", poolSize: 2)
        let app = try await QamtuServerApplication.build(configuration, logger: logger)
        let collected = BodyList()
        try await app.test(.router) { client in
            for path in paths {
                let response = try await client.execute(uri: path, method: .get)
                collected.append("\(response.status.code) \(String(buffer: response.body))")
            }
        }
        return collected.items
    }

    @Test func answersAsTheFileDoes() async throws {
        let fixture = try ServerFixture()
        let location = try PostgresLocation(parsing: try Self.server.require())
        let url = try PostGISDatabase.createScratchDatabase(on: location).description
        _ = try Portal(store: try SpatiaLiteStore.open(at: fixture.path)).copyLayers(to: try PostGISStore.initialise(url: url))
        let paths = [
            "/collections", "/collections/sites", "/collections/sites/items?limit=2&offset=1",
            "/collections/sites/items?bbox=179,60,-179,70", "/collections/sites/items?filter=operator%3D%27Kcell%27",
            "/collections/sites/items?sortby=-name", "/collections/sites/items/t4", "/collections/sites/items/nosuch",
            "/collections/settlements/items?f=html", "/collections/districts/items", "/collections/sites/items?filter=nosuch%3D1",
        ]
        let file = try await Self.bodies(fixture.path, paths)
        let postGIS = try await Self.bodies(url, paths)
        for (path, (a, b)) in zip(paths, zip(file, postGIS)) {
            #expect(a == b, "\(path)")
        }
        #expect(file[3].contains("\"t5\"") && file[3].contains("\"t6\""))
    }

    /// An edit by another program (psql here, as QGIS would edit the table) renews the server's
    /// answers and ETags within the change watcher's interval: the layers' triggers send a notice
    /// when the edit commits, and the server listens (`v4-change-notices`).
    @Test(.requires(Prerequisite.tool("psql", package: "postgresql-client-15")))
    func anEditByAnotherProgramRenewsTheAnswers() async throws {
        let fixture = try ServerFixture()
        let location = try PostgresLocation(parsing: try Self.server.require())
        let url = try PostGISDatabase.createScratchDatabase(on: location).description
        _ = try Portal(store: try SpatiaLiteStore.open(at: fixture.path)).copyLayers(to: try PostGISStore.initialise(url: url))
        var logger = Logger(label: "qamtu.test")
        logger.logLevel = .warning
        let configuration = ServerConfiguration(databasePath: url, host: "127.0.0.1", port: 0, baseURL: "http://qamtu.test/", poolSize: 2)
        let app = try await QamtuServerApplication.build(configuration, logger: logger)
        let psql = try Prerequisite.tool("psql", package: "postgresql-client-15").require()
        try await app.test(.router) { client in
            let before = try await client.execute(uri: "/collections/sites/items/t4", method: .get)
            #expect(before.status == .ok)
            #expect(!String(buffer: before.body).contains("Renamed in QGIS"))
            let tag = try #require(before.headers[.eTag])
            let edit = try run(psql, [url, "-v", "ON_ERROR_STOP=1", "-c", "UPDATE sites SET name = 'Renamed in QGIS' WHERE id = 't4'"])
            #expect(edit.status == 0, "\(edit.stderr)")
            var conditional = HTTPFields()
            conditional[.ifNoneMatch] = tag
            let deadline = ContinuousClock.now + .seconds(5)
            var after = try await client.execute(uri: "/collections/sites/items/t4", method: .get, headers: conditional)
            while after.status == .notModified && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                after = try await client.execute(uri: "/collections/sites/items/t4", method: .get, headers: conditional)
            }
            #expect(after.status == .ok)
            #expect(after.headers[.eTag] != tag)
            #expect(String(buffer: after.body).contains("Renamed in QGIS"))
        }
    }
}

/// Response bodies collected in a router test.
final class BodyList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    func append(_ item: String) { lock.withLock { list.append(item) } }
    var items: [String] { lock.withLock { list } }
}
