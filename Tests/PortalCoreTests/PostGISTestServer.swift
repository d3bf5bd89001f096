import Foundation
import PortalCore
import PostGISStorage
import QamtuTestSupport
import Testing

/// The PostgreSQL + PostGIS server of the store tests: `QAMTU_TEST_POSTGRES_URL` names a
/// database on it whose user may create databases (`Scripts/test.sh` starts a private cluster
/// and sets it). Every test gets a database of its own ("every test its own data").
enum PostGISTestServer {
    /// The environment variable that names the server.
    static let variable = "QAMTU_TEST_POSTGRES_URL"

    /// The server as a prerequisite: skipped without it, failing with `CI=true`.
    static let prerequisite = Prerequisite("a PostgreSQL 15 + PostGIS server named by \(variable) (Scripts/test.sh starts one)") {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A new, empty database on the server with the Qamtu schema, as a store open for writing.
    static func freshStore() throws -> PostGISStore {
        try PostGISStore.initialise(url: try freshURL())
    }

    /// The URL (with the server's password, if any: never print it) of a new, empty database
    /// on the server, without a schema.
    static func freshURL() throws -> String {
        let server = try PostgresLocation(parsing: try prerequisite.require())
        return urlWithPassword(try PostGISDatabase.createScratchDatabase(on: server), server: server)
    }

    /// The URL of `location`, with the server's password (tests only; never printed).
    private static func urlWithPassword(_ location: PostgresLocation, server: PostgresLocation) -> String {
        guard let password = server.password, !location.isUnixSocket else { return location.description }
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return location.description.replacingOccurrences(of: "postgresql://\(location.user)@", with: "postgresql://\(location.user):\(encoded)@")
    }
}

/// Shows, in the test list, whether the PostGIS store is tested in this run.
@Suite("PostGIS test server")
struct PostGISTestServerTests {
    @Test(.requires(PostGISTestServer.prerequisite)) func isAvailable() throws {
        _ = try PostGISTestServer.freshStore()
    }
}
