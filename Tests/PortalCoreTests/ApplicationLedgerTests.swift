import Foundation
import GRDB
import GeoModel
import Geodesy
import PortalCore
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// The service applications' storage and core (issue 17) on a SpatiaLite file: the v3
/// migration, group commit, the append-only events, replay, the report as of a day, the
/// all-or-nothing import, and tokens. Every test has a file of its own (``ApplicationFixture``).
@Suite("Service applications: ledger and core")
struct ApplicationLedgerTests {
    /// A stand-in for the CLI's office: an admin who sees everything.
    static let office = PortalUser(number: 0, name: "office", role: .admin, organisation: nil, created: "", revoked: nil)

    // MARK: - Migration

    /// A file at schema v2 (as the previous release left it, built here by the same migrator
    /// stopped at `v2-site-pack`, with SpatiaLite prepared as `PortalDatabase` does) opened by
    /// the current code gets the v3 tables, keeps its data and records `v3-applications`.
    @Test func aVersion2FileIsMigrated() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("v2.sqlite")
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                guard let connection = db.sqliteConnection else { return }
                try CaseInsensitiveCollation.register(on: connection)
                try SpatiaLiteSetup.prepare(db)
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try PortalDatabase.migrator.migrate(queue, upTo: "v2-site-pack")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO settlements (id, name, kind, population, geom) VALUES ('s1', 'Aqsu', 'village', 5000, MakePoint(71.0, 43.0, 4326));
                    INSERT INTO sites (id, kind, status, range_m, geom) VALUES ('t1', 'base_station', 'operational', 5000, MakePoint(71.01, 43.0, 4326));
                    """)
            }
            #expect(try queue.read { db in try PortalDatabase.migrator.appliedMigrations(db) } == ["v1-layers", "v2-site-pack"])
            #expect(try queue.read { db in try db.tableExists("users") } == false)
            try queue.close()
        }
        // A read-only open refuses to migrate and says what is missing.
        do {
            _ = try SpatiaLiteStore.open(at: path, readOnly: true)
            Issue.record("a v2 file opened read-only")
        } catch let error as StorageError {
            guard case .olderSchema(_, let missing) = error else { Issue.record("\(error)"); return }
            #expect(missing == ["v3-applications"])
        }

        let ledger = try SpatiaLiteStore.openLedger(at: path, concurrent: false)
        #expect(try PortalDatabase.open(at: path).appliedMigrations() == ["v1-layers", "v2-site-pack", "v3-applications"])
        let queue = try ApplicationFixture.queue(path)
        try queue.read { db throws in
            for table in ["services", "applications", "application_private", "application_events", "users"] {
                #expect(try db.tableExists(table), "\(table)")
            }
            #expect(try db.columns(in: "applications").map(\.name)
                == ["fid", "id", "service_id", "status", "submitted", "decided", "due", "settlement", "district", "geom", "version"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM geometry_columns WHERE f_table_name = 'applications' AND srid = 4326") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM geometry_columns WHERE f_table_name = 'services'") == 0)
            #expect(try db.tableExists("idx_applications_geom"))
            #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'application_events' ORDER BY name")
                == ["application_events_no_delete", "application_events_no_update"])
        }
        // The data of v2 is there, through the spatial index too.
        let portal = Portal(store: try SpatiaLiteStore.open(at: path, readOnly: false), ledger: ledger)
        #expect(try portal.status().schema == "v3-applications")
        #expect(try portal.count(ExportQuery(layer: .settlements, bbox: try BoundingBox(parsing: "70.9,42.9,71.1,43.1"))) == 1)
        #expect(try portal.count(ExportQuery(layer: .sites)) == 1)
        #expect(try portal.store.features(.settlements, ids: ["s1"]).first?.geometry == .point(GeoPoint(longitude: 71, latitude: 43)))
        // And the new tables work: a service, then an application with its event.
        _ = try portal.importFeatures(ImportRequest(layer: .services, path: try folder.write("services.csv", ApplicationFixture.services)))
        let stored = try ledger.submitNow(ApplicationFixture.new())
        #expect(stored.id == "A-000001" && stored.due == "2026-03-12")
        #expect(try ledger.events(applicationID: "A-000001")?.count == 1)
    }

    // MARK: - Group commit

    /// 300 concurrent submissions all succeed with ids A-000001…A-000300 and one event each, in
    /// fewer transactions than requests; then 20 concurrent moves of one application naming the
    /// same version: one wins, the others are stale.
    @Test(arguments: LedgerKind.allCases) func concurrentWritesAreCommittedTogether(kind: LedgerKind) async throws {
        let folder = try TemporaryFolder()
        let (portal, path) = try ApplicationFixture.portal(kind, in: folder, concurrent: true)
        let ledger = try #require(portal.ledger)
        let database = ledger as? ApplicationDatabase
        if kind == .spatiaLite {
            // WAL, and FULL (2) on the writer connection itself: a commit is synced before it is answered.
            let settings = try #require(try database?.durabilitySettings())
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)
        }
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<300 {
                group.addTask { try await ledger.submit(ApplicationFixture.new(note: "request \(index)")).id }
            }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(ids.sorted() == (1...300).map { String(format: "A-%06d", $0) })
        for table in ["applications", "application_private", "application_events"] {
            #expect(try ApplicationFixture.count(path, table) == 300, "\(table)")
        }
        if let statistics = database?.groupCommitStatistics {
            #expect(statistics.requests == 300)
            #expect(statistics.batches < 300, "\(statistics.batches) transactions for 300 requests")
            #expect(statistics.batches >= 1)
        }

        let outcomes = await withTaskGroup(of: Result<ServiceApplication, ApplicationError>.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let change = ApplicationChange(applicationID: "A-000042", to: .inProgress, note: nil, actor: "provider-\(index)",
                                                   at: "2026-03-03T10:00:00+05:00", expectedVersion: 1)
                    do { return .success(try await ledger.transition(change, authorise: { _ in })) }
                    catch let error as ApplicationError { return .failure(error) }
                    catch { return .failure(.invalidFields(["unexpected \(error)"])) }
                }
            }
            var outcomes: [Result<ServiceApplication, ApplicationError>] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let winners = outcomes.compactMap { try? $0.get() }
        #expect(winners.count == 1)
        #expect(winners.first?.version == 2 && winners.first?.status == .inProgress)
        let failures = outcomes.compactMap { outcome -> ApplicationError? in
            if case .failure(let error) = outcome { return error } else { return nil }
        }
        #expect(failures.count == 19)
        #expect(failures.allSatisfy { $0 == .staleVersion(id: "A-000042", given: 1, current: 2) }, "\(failures)")
        #expect(failures.first?.category == .staleVersion)
        let events = try #require(try ledger.events(applicationID: "A-000042"))
        #expect(events.map(\.to) == [.received, .inProgress])
        #expect(try ledger.application(id: "A-000042")?.version == 2)
        #expect(try ApplicationFixture.count(path, "application_events") == 301)
    }

    /// One request of a batch fails (an unknown service; an owner who is no user, which fails
    /// after its application row is written): it alone is rolled back, its neighbours in the same
    /// transaction are stored. The batch is made certain by holding the writer in a first job
    /// until every request is queued, and checked by the writer's statistics.
    @Test func aFailingRequestDoesNotFailItsBatch() async throws {
        let folder = try TemporaryFolder()
        let (portal, path) = try ApplicationFixture.portal(in: folder, concurrent: true)
        let ledger = try #require(portal.ledger)
        let database = try #require(ledger as? ApplicationDatabase)
        let gate = DispatchSemaphore(value: 0)
        let probe = WriterProbe()
        let holder = Task { try await database.writeGrouped { _ in probe.raise(); gate.wait(); return 0 } }
        while !probe.isRaised { try await Task.sleep(for: .milliseconds(5)) }

        let requests: [NewApplication] = [
            ApplicationFixture.new(), ApplicationFixture.new(service: "svc-power"), ApplicationFixture.new(service: "svc-nope"),
            ApplicationFixture.new(), ApplicationFixture.new(owner: 999), ApplicationFixture.new(service: "svc-power"),
            ApplicationFixture.new(), ApplicationFixture.new(),
        ]
        let outcomes = try await withThrowingTaskGroup(of: (Int, Result<String, any Error>).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    probe.increment()
                    do { return (index, .success(try await ledger.submit(request).id)) } catch { return (index, .failure(error)) }
                }
            }
            // Every task has reached its submission; give them time to queue, then let the writer go.
            while probe.count < requests.count { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(300))
            gate.signal()
            var outcomes: [Int: Result<String, any Error>] = [:]
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        #expect(try await holder.value == 0)
        #expect(database.groupCommitStatistics.batches == 2, "the holder's batch and one batch of all 8 requests")
        #expect(database.groupCommitStatistics.requests == 9)

        if case .failure(let error)? = outcomes[2] {
            #expect(error as? ApplicationError == .invalidFields(["service_id: no service 'svc-nope'"]))
        } else { Issue.record("an unknown service was stored") }
        if case .failure(let error)? = outcomes[4] {
            #expect(error is StorageError, "\(error)")
        } else { Issue.record("an owner who is no user was stored") }
        let ids = [0, 1, 3, 5, 6, 7].compactMap { try? outcomes[$0]?.get() }
        #expect(ids.sorted() == (1...6).map { String(format: "A-%06d", $0) })
        for table in ["applications", "application_private", "application_events", "idx_applications_geom"] {
            #expect(try ApplicationFixture.count(path, table) == 6, "\(table)")
        }
    }

    // MARK: - Events

    /// The audit trail refuses UPDATE and DELETE from any connection (triggers), and keeps its rows.
    @Test(arguments: LedgerKind.allCases) func eventsAreAppendOnly(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, path) = try ApplicationFixture.portal(kind, in: folder)
        let ledger = try #require(portal.ledger)
        _ = try ledger.submitNow(ApplicationFixture.new())
        _ = try portal.transitionApplicationNow("A-000001", to: .inProgress, note: nil, expectedVersion: 1, actor: "provider",
                                                at: try #require(PortalTime.parse("2026-03-03T10:00:00+05:00")))
        var statements = ["UPDATE application_events SET to_status = 'approved' WHERE seq = 2",
                          "UPDATE application_events SET note = 'edited'",
                          "DELETE FROM application_events WHERE seq = 1",
                          "DELETE FROM application_events"]
        if kind == .postGIS { statements.append("TRUNCATE application_events CASCADE") }
        for sql in statements {
            #expect(try ApplicationFixture.refusal(path, sql) == "application_events is append-only", "\(sql)")
        }
        let events = try #require(try ledger.events(applicationID: "A-000001"))
        #expect(events.map(\.to) == [.received, .inProgress])
        #expect(events.map(\.from) == [nil, .received])
        #expect(events.map(\.at) == ["2026-03-02T09:15:00+05:00", "2026-03-03T10:00:00+05:00"])
        #expect(events.map(\.actor) == ["applicant", "provider"])
        #expect(events.allSatisfy { $0.note == nil })
    }

    /// After a random walk of allowed moves (and refused forbidden and stale ones), replaying
    /// each application's events gives its stored status and version.
    @Test(arguments: LedgerKind.allCases) func replayingEventsGivesTheStoredStatus(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, _) = try ApplicationFixture.portal(kind, in: folder)
        let ledger = try #require(portal.ledger)
        var random = SplitMix64(seed: 0x17_2026)
        var model: [(status: ApplicationStatus, version: Int64)] = []
        for index in 0..<20 {
            _ = try ledger.submitNow(ApplicationFixture.new(service: index % 3 == 0 ? "svc-power" : "svc-water"))
            model.append((.received, 1))
        }
        let start = try #require(PortalTime.parse("2026-03-02T09:15:00+05:00"))
        var moves = 0, refused = 0
        for step in 1...400 {
            let index = Int(random.next() % UInt64(model.count))
            let id = String(format: "A-%06d", index + 1)
            let at = start.addingTimeInterval(Double(step) * 600)
            let (status, version) = model[index]
            if random.next() % 5 == 0 {
                // A forbidden move or a stale version: refused, nothing changes.
                let forbidden = ApplicationStatus.allCases.filter { !status.allows($0) }
                let target = forbidden[Int(random.next() % UInt64(forbidden.count))]
                #expect(throws: ApplicationError.forbiddenTransition(id: id, from: status, to: target)) {
                    try portal.transitionApplicationNow(id, to: target, note: "x", expectedVersion: version, actor: "office", at: at)
                }
                if let allowed = status.next.first {
                    #expect(throws: ApplicationError.staleVersion(id: id, given: version - 1, current: version)) {
                        try portal.transitionApplicationNow(id, to: allowed, note: "x", expectedVersion: version - 1, actor: "office", at: at)
                    }
                }
                refused += 1
                continue
            }
            guard !status.next.isEmpty else { continue }
            // Approval is final: taken one time in eight, so that the walk goes on.
            let target: ApplicationStatus = status == .inProgress ? (random.next() % 8 == 0 ? .approved : .returned) : status.next[0]
            let moved = try portal.transitionApplicationNow(id, to: target, note: target == .returned ? "reason \(step)" : nil,
                                                            expectedVersion: version, actor: "office", at: at)
            #expect(moved.status == target && moved.version == version + 1)
            model[index] = (target, version + 1)
            moves += 1
        }
        #expect(moves > 200 && refused > 40, "\(moves) moves, \(refused) refused")
        let stored = try ledger.applicationsWithEvents()
        #expect(stored.count == 20)
        var seen: Set<ApplicationStatus> = []
        for (offset, (application, events)) in stored.enumerated() {
            var replayed: ApplicationStatus?
            for event in events {
                #expect(event.from == replayed, "\(application.id): event \(event.sequence) from \(String(describing: event.from))")
                #expect(replayed.map { $0.allows(event.to) } ?? (event.to == .received), "\(application.id)")
                replayed = event.to
            }
            #expect(replayed == application.status, "\(application.id)")
            #expect(Int64(events.count) == application.version, "\(application.id)")
            #expect(application.status == model[offset].status && application.version == model[offset].version, "\(application.id)")
            #expect(events.map(\.at) == events.map(\.at).sorted(), "\(application.id)")
            if application.status.isDecided {
                #expect(application.decided == events.last?.at)
                #expect(application.decisionNote == events.last?.note)
            } else {
                #expect(application.decided == nil && application.decisionNote == nil)
            }
            seen.insert(application.status)
        }
        #expect(seen == Set(ApplicationStatus.allCases), "the walk reached every status: \(seen)")
    }

    /// The district filter ignores the case of ASCII letters only, as SQLite's `NOCASE` (and
    /// PostgreSQL's ledger with it): `WEST` finds West, `шу` does not find Шу.
    @Test(arguments: LedgerKind.allCases) func theDistrictFilterFoldsASCIILettersOnly(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, _) = try ApplicationFixture.portal(kind, in: folder)
        let ledger = try #require(portal.ledger)
        var shu = ApplicationFixture.new()
        shu.district = "Шу"
        for new in [ApplicationFixture.new(), shu, ApplicationFixture.new()] { _ = try ledger.submitNow(new) }
        func ids(_ district: String) throws -> [String] { try ledger.applications(ApplicationQuery(district: district)).items.map(\.id) }
        #expect(try ids("WEST") == ["A-000001", "A-000003"])
        #expect(try ids("west") == ["A-000001", "A-000003"])
        #expect(try ids("Шу") == ["A-000002"])
        #expect(try ids("шу").isEmpty)
        #expect(try ids("Wes").isEmpty)
        #expect(try ledger.applications(ApplicationQuery(district: "WEST", limit: 1, offset: 1)) == (2, [try #require(try ledger.application(id: "A-000003"))]))
    }

    // MARK: - Report

    /// Four applications with explicit event times (two of them in other offsets):
    ///
    /// - A-000001, svc-water (10 days), West: received 03-02 09:00, in progress 03-03, approved
    ///   03-10 (due 03-12).
    /// - A-000002, svc-water, East: received 03-02T19:30Z, that is 03-03 00:30 in the portal's
    ///   day; in progress 03-04, returned 03-06, resubmitted 03-20 (due restarts: 03-30, not
    ///   03-13), in progress 03-21.
    /// - A-000003, svc-power (5 days), East: received 03-05 12:00, due 03-10, nothing since.
    /// - A-000004, svc-power, outside every district: received 03-24T23:00-03:30, that is 03-25
    ///   07:30 in the portal's day (due 03-30); in progress 03-26.
    static let history = ApplicationFixture.collection([
        ApplicationFixture.feature(service: "svc-water", longitude: 71.0, latitude: 43.0, events: [
            .init(at: "2026-03-02T09:00:00+05:00", by: "resident-1", to: "received"),
            .init(at: "2026-03-03T10:00:00+05:00", by: "provider-water", to: "in_progress"),
            .init(at: "2026-03-10T16:00:00+05:00", by: "provider-water", to: "approved"),
        ]),
        ApplicationFixture.feature(service: "svc-water", longitude: 71.5, latitude: 43.2, events: [
            .init(at: "2026-03-02T19:30:00Z", by: "resident-2", to: "received"),
            .init(at: "2026-03-04T11:00:00+05:00", by: "provider-water", to: "in_progress"),
            .init(at: "2026-03-06T12:00:00+05:00", by: "provider-water", to: "returned", note: "the site plan is missing"),
            .init(at: "2026-03-20T10:00:00+05:00", by: "resident-2", to: "received"),
            .init(at: "2026-03-21T09:00:00+05:00", by: "provider-water", to: "in_progress"),
        ]),
        ApplicationFixture.feature(service: "svc-power", longitude: 72.0, latitude: 43.5, events: [
            .init(at: "2026-03-05T12:00:00+05:00", by: "resident-3", to: "received"),
        ]),
        ApplicationFixture.feature(service: "svc-power", longitude: 74.0, latitude: 45.0, events: [
            .init(at: "2026-03-24T23:00:00-03:30", by: "resident-4", to: "received"),
            .init(at: "2026-03-26T10:00:00+05:00", by: "provider-power", to: "in_progress"),
        ]),
    ])

    /// Counts as `[received, in progress, approved, returned, overdue]`.
    static func counts(_ c: ApplicationReport.Counts) -> [Int] { [c.received, c.inProgress, c.approved, c.returned, c.overdue] }

    @Test(arguments: LedgerKind.allCases) func importedHistoriesAreStoredAsTheWorkflowWouldStoreThem(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, _) = try ApplicationFixture.portal(kind, in: folder)
        let stored = try portal.importApplications(json: Self.history, name: "history.geojson")
        #expect(stored.map(\.id) == ["A-000001", "A-000002", "A-000003", "A-000004"])
        #expect(stored.map(\.status) == [.approved, .inProgress, .received, .inProgress])
        #expect(stored.map(\.version) == [3, 5, 1, 2])
        #expect(stored.map(\.district) == ["West", "East", "East", nil])
        #expect(stored.map(\.settlement) == ["s1", "s3", nil, nil])
        let second = try portal.application("A-000002", for: Self.office)
        #expect(second.submitted == "2026-03-03T00:30:00+05:00")
        #expect(second.due == "2026-03-30")
        #expect(second.decided == nil && second.decisionNote == nil)
        #expect(second.applicant.phone == "+77011234567")
        #expect(try portal.application("A-000001", for: Self.office).decided == "2026-03-10T16:00:00+05:00")
        #expect(try portal.application("A-000003", for: Self.office).due == "2026-03-10")
        #expect(try portal.application("A-000004", for: Self.office).submitted == "2026-03-25T07:30:00+05:00")
        let events = try portal.events(ofApplication: "A-000002", for: Self.office)
        #expect(events.map(\.at) == ["2026-03-03T00:30:00+05:00", "2026-03-04T11:00:00+05:00", "2026-03-06T12:00:00+05:00",
                                     "2026-03-20T10:00:00+05:00", "2026-03-21T09:00:00+05:00"])
        #expect(events.map(\.actor) == ["resident-2", "provider-water", "provider-water", "resident-2", "provider-water"])
        #expect(events[2].note == "the site plan is missing")
    }

    @Test(arguments: LedgerKind.allCases) func theReportCountsAsOfEachDay(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, _) = try ApplicationFixture.portal(kind, in: folder)
        _ = try portal.importApplications(json: Self.history, name: "history.geojson")

        // Before the first submission: nothing is counted, the catalogue is still listed.
        let before = try portal.applicationReport(asOf: "2026-03-01")
        #expect(before.asOf == "2026-03-01")
        #expect(Self.counts(before.total) == [0, 0, 0, 0, 0])
        #expect(before.byService.map(\.key) == ["svc-water", "svc-power"])
        #expect(before.byService.map(\.label) == ["Connection to the water supply network", "Technical conditions for an electricity connection"])
        #expect(before.byService.map(Self.counts) == [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
        #expect(before.byDistrict.isEmpty)

        // 03-02: only A-000001; A-000002 came at 19:30 UTC, already 03-03 in the portal's day.
        let first = try portal.applicationReport(asOf: "2026-03-02")
        #expect(Self.counts(first.total) == [1, 0, 0, 0, 0])
        #expect(first.byDistrict.map(\.key) == ["West"])

        let expected: [(day: String, total: [Int], water: [Int], power: [Int], districts: [String: [Int]])] = [
            ("2026-03-03", [1, 1, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0],
             ["East": [1, 0, 0, 0, 0], "West": [0, 1, 0, 0, 0]]),
            ("2026-03-06", [1, 1, 0, 1, 0], [0, 1, 0, 1, 0], [1, 0, 0, 0, 0],
             ["East": [1, 0, 0, 1, 0], "West": [0, 1, 0, 0, 0]]),
            // A-000003's due day itself is not late.
            ("2026-03-10", [1, 0, 1, 1, 0], [0, 0, 1, 1, 0], [1, 0, 0, 0, 0],
             ["East": [1, 0, 0, 1, 0], "West": [0, 0, 1, 0, 0]]),
            ("2026-03-11", [1, 0, 1, 1, 1], [0, 0, 1, 1, 0], [1, 0, 0, 0, 1],
             ["East": [1, 0, 0, 1, 1], "West": [0, 0, 1, 0, 0]]),
            // Past A-000001's due day (03-12) but decided; A-000002 returned: its clock stopped.
            ("2026-03-13", [1, 0, 1, 1, 1], [0, 0, 1, 1, 0], [1, 0, 0, 0, 1],
             ["East": [1, 0, 0, 1, 1], "West": [0, 0, 1, 0, 0]]),
            // Resubmitted on 03-20: due 03-30, so not overdue (its first due day was 03-13).
            ("2026-03-20", [2, 0, 1, 0, 1], [1, 0, 1, 0, 0], [1, 0, 0, 0, 1],
             ["East": [2, 0, 0, 0, 1], "West": [0, 0, 1, 0, 0]]),
            ("2026-03-30", [1, 2, 1, 0, 1], [0, 1, 1, 0, 0], [1, 1, 0, 0, 1],
             ["(none)": [0, 1, 0, 0, 0], "East": [1, 1, 0, 0, 1], "West": [0, 0, 1, 0, 0]]),
            ("2026-03-31", [1, 2, 1, 0, 3], [0, 1, 1, 0, 1], [1, 1, 0, 0, 2],
             ["(none)": [0, 1, 0, 0, 1], "East": [1, 1, 0, 0, 2], "West": [0, 0, 1, 0, 0]]),
        ]
        for row in expected {
            let report = try portal.applicationReport(asOf: row.day)
            #expect(Self.counts(report.total) == row.total, "\(row.day) total")
            #expect(report.total.total == row.total.prefix(4).reduce(0, +), "\(row.day)")
            #expect(report.byService.map(Self.counts) == [row.water, row.power], "\(row.day) by service")
            #expect(report.byDistrict.map(\.key) == row.districts.keys.sorted(), "\(row.day) districts")
            #expect(Dictionary(uniqueKeysWithValues: report.byDistrict.map { ($0.key, Self.counts($0)) }) == row.districts, "\(row.day)")
        }
        // A day later than every event gives the stored statuses.
        let late = try portal.applicationReport(asOf: "2027-01-01")
        let stored = try portal.applications(ApplicationQuery(), for: Self.office).items
        #expect(late.total.received == stored.filter { $0.status == .received }.count)
        #expect(late.total.inProgress == stored.filter { $0.status == .inProgress }.count)
        #expect(late.total.overdue == stored.filter { $0.isOverdue(on: "2027-01-01") }.count)
        #expect(throws: PortalError(.invalidInput, "as-of '2026-02-29' is not a day YYYY-MM-DD")) {
            try portal.applicationReport(asOf: "2026-02-29")
        }
    }

    // MARK: - Import

    /// One file with a good feature and five bad ones stores nothing and lists every problem by
    /// feature; the good feature alone then imports as A-000001 (no id was used up).
    @Test(arguments: LedgerKind.allCases) func importIsAllOrNothing(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, path) = try ApplicationFixture.portal(kind, in: folder)
        func feature(iin: String = ApplicationFixture.iin, service: String = "svc-water", _ steps: [ApplicationFixture.Step]) -> String {
            ApplicationFixture.feature(service: service, longitude: 71.0, latitude: 43.0, iin: iin, events: steps)
        }
        let received = ApplicationFixture.Step(at: "2026-03-05T09:00:00+05:00", by: "resident", to: "received")
        let good = feature([received, .init(at: "2026-03-06T09:00:00+05:00", by: "provider", to: "in_progress")])
        let bad = [
            feature(iin: "900101300127", [received]),
            feature([received, .init(at: "2026-03-06T09:00:00+05:00", by: "provider", to: "approved")]),
            feature([received, .init(at: "2026-03-06T09:00:00+05:00", by: "provider", to: "in_progress"),
                     .init(at: "2026-03-07T09:00:00+05:00", by: "provider", to: "returned")]),
            feature([received, .init(at: "2026-03-04T09:00:00+05:00", by: "provider", to: "in_progress")]),
            feature(service: "svc-nope", [received]),
        ]
        #expect(throws: ApplicationError.invalidFields([
            "bad.geojson: feature 2: applicant_iin: not a valid IIN (12 digits: a birth date, a century digit and a check digit)",
            "bad.geojson: feature 3: events[1].to: received cannot move to approved",
            "bad.geojson: feature 4: events[2].note: a return needs the reason",
            "bad.geojson: feature 5: events[1].at: earlier than the event before it",
            "bad.geojson: feature 6: service_id: no service 'svc-nope' (see the services collection)",
        ])) {
            try portal.importApplications(json: ApplicationFixture.collection([good] + bad), name: "bad.geojson")
        }
        for table in ["applications", "application_private", "application_events"] {
            #expect(try ApplicationFixture.count(path, table) == 0, "\(table)")
        }
        // No personal value in the messages.
        do { _ = try portal.importApplications(json: ApplicationFixture.collection(bad), name: "bad.geojson") } catch {
            #expect(!"\(error)".contains("900101300127") && !"\(error)".contains("Test Applicant"))
        }
        #expect(throws: ApplicationError.invalidFields(["bad.geojson: not a GeoJSON FeatureCollection"])) {
            try portal.importApplications(json: Array(#"{"type":"Feature"}"#.utf8), name: "bad.geojson")
        }
        let stored = try portal.importApplications(json: ApplicationFixture.collection([good]), name: "good.geojson")
        #expect(stored.map(\.id) == ["A-000001"])
        #expect(stored.map(\.status) == [.inProgress])
        #expect(try ApplicationFixture.count(path, "application_events") == 2)
    }

    /// A file whose features carry ids imports once: a second import of it is refused and stores
    /// nothing; an id twice in a file is refused. The first event keeps its note.
    @Test(arguments: LedgerKind.allCases) func aFileWithIdsImportsOnceAndKeepsTheFirstNote(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, path) = try ApplicationFixture.portal(kind, in: folder)
        let received = ApplicationFixture.Step(at: "2026-03-05T09:00:00+05:00", by: "resident", to: "received", note: "by post")
        func feature(_ id: String) -> String {
            ApplicationFixture.feature(service: "svc-water", longitude: 71.0, latitude: 43.0, events: [received])
                .replacingOccurrences(of: #""properties":{"#, with: #""properties":{"id":"\#(id)","#)
        }
        let stored = try portal.importApplications(json: ApplicationFixture.collection([feature("A-000001")]), name: "once.geojson")
        #expect(stored.map(\.id) == ["A-000001"])
        #expect(try portal.ledger?.events(applicationID: "A-000001")?.map(\.note) == ["by post"])
        #expect(throws: ApplicationError.invalidFields([
            "once.geojson: feature 1: id: 'A-000001' is already stored (was this file imported before?)"])) {
            try portal.importApplications(json: ApplicationFixture.collection([feature("A-000001")]), name: "once.geojson")
        }
        #expect(throws: ApplicationError.invalidFields(["twice.geojson: feature 2: id: 'A-000007' is given twice in the file"])) {
            try portal.importApplications(json: ApplicationFixture.collection([feature("A-000007"), feature("A-000007")]), name: "twice.geojson")
        }
        #expect(try ApplicationFixture.count(path, "applications") == 1)
    }

    /// `Portal.importFeatures` into the workflow's layer is refused, pointing at the right command.
    @Test(arguments: LedgerKind.allCases) func theApplicationsLayerIsNotImportedAsALayer(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, path) = try ApplicationFixture.portal(kind, in: folder)
        let writer = Portal(store: try ApplicationFixture.writableStore(path), ledger: portal.ledger)
        let file = try folder.write("applications.csv", """
            id,service_id,status,submitted,due,lon,lat
            A-000001,svc-water,approved,2026-03-02T09:00:00+05:00,2026-03-12,71.0,43.0
            """)
        do {
            _ = try writer.importFeatures(ImportRequest(layer: .applications, path: file))
            Issue.record("applications were imported as a layer")
        } catch let error as PortalError {
            #expect(error.category == .invalidInput)
            #expect(error.message == "applications are submitted and moved through the workflow, not imported as a layer")
            #expect(error.commandLineHint == "`qamtu applications import FILE` loads applications with their events")
        }
        #expect(try ApplicationFixture.count(path, "applications") == 0)
    }

    // MARK: - Users and tokens

    @Test(arguments: LedgerKind.allCases) func tokensAreShownOnceAndStoredAsHashes(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, path) = try ApplicationFixture.portal(kind, in: folder)
        let (user, token) = try portal.addUser(name: " resident-1 ", role: .applicant, organisation: nil)
        #expect(user.name == "resident-1" && user.role == .applicant && user.organisation == nil && user.revoked == nil)
        #expect(token.wholeMatch(of: #/qamtu_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/#) != nil, "\(token)")
        let tokenID = String(token.dropFirst(6).prefix(16))
        let secret = String(token.suffix(43))

        // The file (and its journal or WAL, if any), or every row of PostGIS's users as text,
        // holds the id and the hash, never the token or the secret.
        var bytes: [UInt8] = []
        let hash = AccessToken.hash(secret)
        if kind == .postGIS {
            bytes = Array((try ApplicationFixture.text(path, "SELECT string_agg(u::text, ' ') FROM users u") ?? "").utf8)
        } else {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.url.path) where name.hasPrefix(ApplicationFixture.fileName) {
                bytes += Array(try Data(contentsOf: folder.url.appendingPathComponent(name)))
            }
        }
        func contains(_ needle: [UInt8]) -> Bool {
            guard let first = needle.first, needle.count <= bytes.count else { return false }
            var index = bytes.startIndex
            while let found = bytes[index...].firstIndex(of: first) {
                if bytes[found...].starts(with: needle) { return true }
                index = found + 1
            }
            return false
        }
        #expect(!contains(Array(token.utf8)))
        #expect(!contains(Array(secret.utf8)))
        #expect(contains(Array(tokenID.utf8)), "the search reads the file the users are in")
        if kind == .postGIS {
            // bytea as text is \x and hex digits.
            #expect(contains(Array(hash.map { String(format: "%02x", $0) }.joined().utf8)))
            #expect(try ApplicationFixture.text(path, "SELECT octet_length(token_sha256)::text FROM users WHERE name = 'resident-1'") == "32")
        } else {
            #expect(contains(hash))
            #expect(try ApplicationFixture.queue(path).read { db in
                try Int.fetchOne(db, sql: "SELECT length(token_sha256) FROM users WHERE name = 'resident-1'")
            } == 32)
        }

        // Accepted as given; refused with one message when changed, malformed, missing or revoked.
        #expect(try portal.authenticate(token: token) == user)
        let refusal = ApplicationError.unauthorised("a valid bearer token is required (Authorization: Bearer qamtu_…)")
        let changed = String(token.dropLast()) + (token.last == "A" ? "B" : "A")
        for presented in [changed, String(token.dropLast()), token + "A", "Bearer " + token, "", "qamtu_", nil as String?] {
            #expect(throws: refusal, "\(String(describing: presented))") { try portal.authenticate(token: presented) }
        }
        // Another user's secret under this id is refused too.
        let (_, other) = try portal.addUser(name: "resident-2", role: .applicant, organisation: nil)
        #expect(throws: refusal) { try portal.authenticate(token: "qamtu_\(tokenID)_" + String(other.suffix(43))) }

        let revoked = try portal.revokeUser(name: "resident-1")
        #expect(revoked.revoked != nil)
        #expect(throws: refusal) { try portal.authenticate(token: token) }
        #expect(try portal.authenticate(token: other).name == "resident-2")
        #expect(refusal.category == .unauthorised)
    }

    @Test(arguments: LedgerKind.allCases) func usersNeedTheRightOrganisationAndUniqueNames(kind: LedgerKind) throws {
        let folder = try TemporaryFolder()
        let (portal, _) = try ApplicationFixture.portal(kind, in: folder)
        let provider = ApplicationError.invalidFields(["organisation: a provider needs the organisation whose services it decides"])
        #expect(throws: provider) { try portal.addUser(name: "provider-water", role: .provider, organisation: nil) }
        #expect(throws: provider) { try portal.addUser(name: "provider-water", role: .provider, organisation: "  ") }
        #expect(provider.category == .invalidContent)
        #expect(throws: ApplicationError.invalidFields(["organisation: only providers belong to an organisation"])) {
            try portal.addUser(name: "resident", role: .applicant, organisation: "Aulie-Ata Water Utility")
        }
        #expect(throws: ApplicationError.invalidFields(["name: 1 to 100 characters"])) {
            try portal.addUser(name: " ", role: .admin, organisation: nil)
        }
        let added = try portal.addUser(name: "provider-water", role: .provider, organisation: "Aulie-Ata Water Utility").user
        #expect(added.organisation == "Aulie-Ata Water Utility")
        #expect(throws: ApplicationError.duplicateUser("provider-water")) {
            try portal.addUser(name: "provider-water", role: .admin, organisation: nil)
        }
        #expect(ApplicationError.duplicateUser("provider-water").category == .conflict)
        #expect(throws: ApplicationError.unknownUser("nobody")) { try portal.revokeUser(name: "nobody") }
        #expect(try portal.users().map(\.name) == ["provider-water"])
    }
}
