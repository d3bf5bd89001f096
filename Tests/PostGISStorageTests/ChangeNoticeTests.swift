import Foundation
import QamtuTestSupport
import Testing
@testable import PostGISStorage

/// The server of the PostGIS tests (`Scripts/test.sh` starts one and names it).
private let postgresServer = Prerequisite("a PostgreSQL 15 + PostGIS server named by QAMTU_TEST_POSTGRES_URL (Scripts/test.sh starts one)") {
    ProcessInfo.processInfo.environment["QAMTU_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
}

/// The change token of a PostGIS database follows every committed change of a layer, whoever
/// makes it, through the layers' notices (`v3-change-notices`, ``ChangeListener``).
@Suite("Change notices", .requires(postgresServer))
struct ChangeNoticeTests {
    /// A new Qamtu database: a reader (as a server holds it) and a writer that stands for another
    /// program (plain SQL, not Qamtu's import).
    private func databases() throws -> (reader: PostGISDatabase, other: PostGISDatabase) {
        let server = try PostgresLocation(parsing: try postgresServer.require())
        let location = try PostGISDatabase.createScratchDatabase(on: server)
        let other = try PostGISDatabase.initialise(location: location)
        return (try PostGISDatabase(location: location, readOnly: true, connections: 1), other)
    }

    /// Waits up to 20 s (a loaded test machine) for `reader`'s token to differ from `token`; returns the new one (nil: none).
    /// The token is read once more after every wait, however late the wait ends (a busy pool may
    /// resume this task long after its sleep).
    private func changed(_ reader: PostGISDatabase, from token: Int64) async throws -> Int64? {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let now = try reader.changeCounter()
            if now != token { return now }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func editsOfOtherProgramsMoveTheToken() async throws {
        let (reader, other) = try databases()
        defer { reader.close(); other.close() }
        let start = try reader.changeCounter()
        _ = try other.rows("""
            INSERT INTO sites (id, kind, status, geom) VALUES ('x1', 'base_station', 'operational', ST_SetSRID(ST_MakePoint(71.4, 42.9), 4326))
            """)
        let afterInsert = try #require(try await changed(reader, from: start), "an INSERT did not move the token")
        _ = try other.rows("UPDATE sites SET name = 'Edited' WHERE id = 'x1'")
        let afterUpdate = try #require(try await changed(reader, from: afterInsert), "an UPDATE did not move the token")
        _ = try other.rows("TRUNCATE sites")
        let afterTruncate = try #require(try await changed(reader, from: afterUpdate), "a TRUNCATE did not move the token")
        _ = try other.rows("DELETE FROM districts")
        #expect(try await changed(reader, from: afterTruncate) != nil, "a DELETE did not move the token")
    }

    @Test func aRolledBackEditLeavesTheTokenAndALostListenerCountsAsAChange() async throws {
        let (reader, other) = try databases()
        defer { reader.close(); other.close() }
        let start = try reader.changeCounter()
        struct Undo: Error {}
        #expect(throws: Undo.self) {
            try other.transaction { connection in
                _ = try await connection.rows("DELETE FROM sites")
                throw Undo()
            }
        }
        // Time for a notice of the rolled-back DELETE to arrive, were one sent.
        try await Task.sleep(for: .milliseconds(300))
        #expect(try reader.changeCounter() == start)
        // The listening connection is ended by the server: the listener counts the loss as a
        // change, connects again, and later edits are noticed.
        let ended = try other.rows("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database() AND query LIKE 'LISTEN%qamtu_changes%'")
        #expect(try ended.first?.decode(Int64.self) == 1)
        let afterLoss = try #require(try await changed(reader, from: start), "losing the listener did not move the token")
        try await Task.sleep(for: .seconds(2))
        let settled = try reader.changeCounter()
        _ = try other.rows("UPDATE settlements SET name = name")
        #expect(try await changed(reader, from: settled) != nil, "no notice after the listener connected again")
        #expect(settled >= afterLoss)
    }
}
