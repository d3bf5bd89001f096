import Foundation
import GeoModel
import PortalCore
import PostGISStorage
import QamtuTestSupport
import Testing

/// The service applications on PostgreSQL beyond the shared ledger tests: the `v3-applications`
/// migration of an older database, and several processes on one database, each with a pool of
/// its own (two ``PostGISStore``s stand for two servers): ids unique, one winner among
/// concurrent moves naming one version, and the change counter bumped by every write.
@Suite("Service applications on PostGIS", .requires(PostGISTestServer.prerequisite))
struct PostGISLedgerTests {
    /// A database at `v2-applications-layers` (as the previous release left it) is refused
    /// read-only with the missing migration named, and migrated when opened for writing.
    @Test func aVersion2DatabaseIsMigratedWhenOpenedForWriting() throws {
        let url = try PostGISTestServer.freshURL()
        try PostGISDatabase.initialiseForTests(location: try PostgresLocation(parsing: url), upTo: "v2-applications-layers")
        #expect(throws: PostGISError.olderSchema(location: PostGISStore.displayLocation(url), missingMigrations: ["v3-applications", "v4-change-notices", "v5-site-pack"])) {
            _ = try PostGISStore.open(url: url, readOnly: true)
        }
        let store = try PostGISStore.open(url: url, readOnly: false)
        #expect(try store.database.appliedMigrations() == ["v1-layers", "v2-applications-layers", "v3-applications", "v4-change-notices", "v5-site-pack"])
        for table in ["users", "application_private", "application_events"] {
            #expect(try ApplicationFixture.text(url, "SELECT (to_regclass('\(table)') IS NOT NULL)::text") == "true", "\(table)")
        }
        #expect(try ApplicationFixture.text(url, """
            SELECT string_agg(tgname, ' ' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'application_events'::regclass AND NOT tgisinternal
            """) == "application_events_no_delete application_events_no_truncate application_events_no_update")
        // A hash of another length is refused by the table itself.
        #expect(try ApplicationFixture.refusal(url, """
            INSERT INTO users (number, name, role, token_id, token_sha256, created) VALUES (1, 'x', 'admin', 'i', '\\x00', 'now')
            """)?.contains("users_token_sha256_check") == true)
        // Read-only now opens; a read-only ledger refuses writes.
        let reader = try PostGISStore.open(url: url, readOnly: true)
        #expect(throws: PostGISError.readOnly(location: reader.location)) {
            _ = try reader.ledger.submitNow(ApplicationFixture.new())
        }
    }

    /// Two stores on one database, as two servers: 40 submissions through both at once get
    /// the ids A-000001…A-000040, each once; 16 moves of one application naming version 1,
    /// half through each, let exactly one through; each write bumps the change counter once.
    @Test func twoPoolsOnOneDatabaseShareTheApplications() async throws {
        let folder = try TemporaryFolder()
        let (portal, url) = try ApplicationFixture.portal(.postGIS, in: folder)
        let first = try #require(portal.ledger)
        let secondStore = try PostGISStore.open(url: url, readOnly: false, connections: 4)
        let second = secondStore.ledger
        let before = try secondStore.changeToken()
        let counter = { try ApplicationFixture.text(url, "SELECT counter::text FROM qamtu_changes WHERE id = 1").flatMap { Int64($0) } }
        let counterBefore = try #require(try counter())
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<40 {
                let ledger = index.isMultiple(of: 2) ? first : second
                group.addTask { try await ledger.submit(ApplicationFixture.new(note: "request \(index)")).id }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(ids.sorted() == (1...40).map { String(format: "A-%06d", $0) })
        #expect(try counter() == counterBefore + 40)
        // The token is the counter plus the layers' notices this store has received.
        #expect(try secondStore.changeToken() >= before + 40)
        #expect(try first.events(applicationID: "A-000040")?.count == 1)

        let outcomes = await withTaskGroup(of: ApplicationError?.self) { group in
            for index in 0..<16 {
                let ledger = index.isMultiple(of: 2) ? first : second
                group.addTask {
                    let change = ApplicationChange(applicationID: "A-000007", to: .inProgress, note: nil, actor: "provider-\(index)",
                                                   at: "2026-03-03T10:00:00+05:00", expectedVersion: 1)
                    do { _ = try await ledger.transition(change, authorise: { _ in }); return nil }
                    catch let error as ApplicationError { return error }
                    catch { return .invalidFields(["unexpected \(error)"]) }
                }
            }
            return await group.reduce(into: [ApplicationError?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .staleVersion(id: "A-000007", given: 1, current: 2) }, "\(outcomes)")
        #expect(try second.application(id: "A-000007")?.version == 2)
        #expect(try first.events(applicationID: "A-000007")?.map(\.to) == [.received, .inProgress])
        #expect(try ApplicationFixture.count(url, "application_events") == 41)
        // The public layer shows the application as the other store wrote it, at its rounded position.
        let shown = try #require(try secondStore.features(.applications, ids: ["A-000007"]).first)
        #expect(shown.values[LayerSchema.applications.columnIndex("status") ?? 0].text == "in_progress")
        #expect(shown.geometry == .point(PublicPosition.rounded(ApplicationFixture.new().position)))
    }
}
