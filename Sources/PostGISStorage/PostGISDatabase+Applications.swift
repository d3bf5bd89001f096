import Foundation
import GeoModel
import Geodesy
import PostgresNIO

/// The service applications in PostgreSQL: the same results, errors, ids and order as the
/// SpatiaLite ledger (`ApplicationDatabase`), for several servers on one database.
///
/// Every write (a submission, a transition, an import) is one transaction, which ends by
/// bumping the change counter `qamtu_changes` (so that every server's change watcher renews its
/// caches: the public `applications` layer changed); that row's lock is held only from the bump
/// to the commit. A transition locks its application's row (`SELECT … FOR UPDATE`) before it
/// checks the version, and updates it only `WHERE version = $n`: an `If-Match` version is
/// checked against the committed row of any process, so two servers never both move one
/// application from one version (no lost update). Application and event numbers come from
/// identity sequences, unique across processes. `synchronous_commit` is set on in every write
/// transaction: a write returns only once its `COMMIT` has returned.
extension PostGISDatabase {
    // MARK: - Writes

    /// Stores `new` as a `received` application with its first event, in one transaction;
    /// returns once committed. Awaits postgres-nio without blocking a thread.
    /// - Throws: `ApplicationError.invalidFields` for an unknown service; ``PostGISError``.
    public func submit(_ new: NewApplication) async throws -> ServiceApplication {
        try await write { connection in try await Self.insert(new, on: connection) }
    }

    /// ``submit(_:)`` on the calling thread, which blocks until the commit (a command).
    public func submitNow(_ new: NewApplication) throws -> ServiceApplication {
        try BlockingBridge.run { try await self.submit(new) }
    }

    /// Moves an application as `change` says, with its event, once its version is checked, the
    /// workflow allows the move and `authorise` has accepted the current application (it throws
    /// to refuse), in one transaction; returns once committed.
    /// - Throws: `ApplicationError.unknownApplication`, `.staleVersion`, `.forbiddenTransition`,
    ///   and what `authorise` throws.
    public func transition(_ change: ApplicationChange,
                           authorise: @escaping @Sendable (ServiceApplication) throws -> Void) async throws -> ServiceApplication {
        try await write { connection in try await Self.apply(change, authorise: authorise, on: connection) }
    }

    /// ``transition(_:authorise:)`` on the calling thread, which blocks until the commit.
    public func transitionNow(_ change: ApplicationChange,
                              authorise: (ServiceApplication) throws -> Void) throws -> ServiceApplication {
        try withoutActuallyEscaping(authorise) { escapable in
            // The calling thread waits for the transaction; the task that ran it may be released a
            // little later, so it holds the closure through a variable emptied before this returns.
            nonisolated(unsafe) var check: ((ServiceApplication) throws -> Void)? = escapable
            defer { check = nil }
            return try BlockingBridge.run {
                try await self.write { connection in try await Self.apply(change, authorise: { try check?($0) }, on: connection) }
            }
        }
    }

    /// Stores applications with their histories in one transaction: each one is submitted, then
    /// moved through `changes` (the workflow's rules apply); nothing is stored on any error.
    /// - Returns: the stored applications, in order.
    public func importApplications(_ items: [(application: NewApplication, changes: [ApplicationChange])]) throws -> [ServiceApplication] {
        try BlockingBridge.run {
            try await self.write { connection in
                var out: [ServiceApplication] = []
                for item in items {
                    var stored = try await Self.insert(item.application, on: connection)
                    for var change in item.changes {
                        change.applicationID = stored.id
                        stored = try await Self.apply(change, authorise: { _ in }, on: connection)
                    }
                    out.append(stored)
                }
                return out
            }
        }
    }

    // MARK: - Reads

    /// The application with this id, with its private details; nil when there is none.
    public func application(id: String) throws -> ServiceApplication? {
        var binds = PostgresBindings()
        binds.append(id)
        return try rows(Self.selectSQL + " WHERE a.id = $1", binds).first.map(Self.record)
    }

    /// The applications `query` selects, in id order, and how many it selects without the page.
    ///
    /// The district is compared ignoring the case of ASCII letters only, as SQLite's `NOCASE`.
    public func applications(_ query: ApplicationQuery) throws -> (matched: Int, items: [ServiceApplication]) {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func next() -> String { "$\(binds.count + 1)" }
        if let status = query.status { conditions.append("a.status = \(next())"); binds.append(status.rawValue) }
        if let service = query.serviceID { conditions.append("a.service_id = \(next())"); binds.append(service) }
        if let district = query.district {
            conditions.append("\(Self.asciiLower("a.district")) = \(Self.asciiLower(next()))")
            binds.append(district)
        }
        if let owner = query.ownerNumber { conditions.append("p.owner_user = \(next())"); binds.append(owner) }
        if let provider = query.provider {
            conditions.append("a.service_id IN (SELECT id FROM services WHERE provider = \(next()))")
            binds.append(provider)
        }
        let whereSQL = conditions.isEmpty ? "true" : conditions.joined(separator: " AND ")
        let counted = binds
        let limit = next()
        binds.append(Int64(max(0, query.limit)))
        let offset = next()
        binds.append(Int64(max(0, query.offset)))
        let countSQL = "SELECT count(*) FROM applications a JOIN application_private p ON p.application_fid = a.fid WHERE \(whereSQL)"
        let pageSQL = Self.selectSQL + " WHERE \(whereSQL) ORDER BY a.fid LIMIT \(limit) OFFSET \(offset)"
        let pageBinds = binds
        return try readTransaction { connection in
            let matched = try await connection.rows(countSQL, counted).first?.decode(Int64.self) ?? 0
            let items = try await connection.rows(pageSQL, pageBinds).map(Self.record)
            return (Int(matched), items)
        }
    }

    /// The events of the application with this id, oldest first; nil when there is no such application.
    public func events(applicationID: String) throws -> [ApplicationEvent]? {
        try readTransaction { connection in
            var binds = PostgresBindings()
            binds.append(applicationID)
            guard let fid = try await connection.rows("SELECT fid FROM applications WHERE id = $1", binds).first?.decode(Int64.self) else {
                return nil
            }
            var byFid = PostgresBindings()
            byFid.append(fid)
            return try await connection.rows("""
                SELECT seq, at, actor, from_status, to_status, note FROM application_events WHERE application_fid = $1 ORDER BY seq
                """, byFid).map { try Self.event(Array($0), offset: 0) }
        }
    }

    /// Every application with its events (for reports and checks), in id order, read in one
    /// transaction (one snapshot).
    public func applicationsWithEvents() throws -> [(application: ServiceApplication, events: [ApplicationEvent])] {
        try readTransaction { connection -> [(application: ServiceApplication, events: [ApplicationEvent])] in
            let rows = try await connection.rows(Self.selectSQL + " ORDER BY a.fid")
            var byFid: [Int64: [ApplicationEvent]] = [:]
            for row in try await connection.rows("SELECT application_fid, seq, at, actor, from_status, to_status, note FROM application_events ORDER BY seq") {
                let cells = Array(row)
                byFid[try cells[0].decode(Int64.self), default: []].append(try Self.event(cells, offset: 1))
            }
            return try rows.map { row in
                let fid = try Array(row)[18].decode(Int64.self)
                return (application: try Self.record(row), events: byFid[fid] ?? [])
            }
        }
    }

    // MARK: - Transactions

    /// Runs `operation` in one write transaction of the workflow, then bumps the change counter
    /// and sets `synchronous_commit` on for the commit; `COMMIT` when it returns, `ROLLBACK`
    /// when it throws (its error is rethrown).
    /// - Parameter bumpsChanges: false for writes that change nothing public (users).
    func write<T: Sendable>(bumpsChanges: Bool = true,
                            _ operation: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard !readOnly else { throw PostGISError.readOnly(location: name) }
        let client = client, name = name
        do {
            return try await client.withConnection { connection in
                try await Self.enclosed(connection) { connection in
                    let value = try await operation(connection)
                    // Last, so that the counter's row lock (which serialises the bumps of every
                    // process) is held for one statement and the commit.
                    _ = try await connection.rows(bumpsChanges
                        ? "UPDATE qamtu_changes SET counter = counter + 1 WHERE id = 1 RETURNING set_config('synchronous_commit', 'on', true)"
                        : "SELECT set_config('synchronous_commit', 'on', true)")
                    return value
                }
            }
        } catch {
            throw PostGISError.wrap(error, location: name)
        }
    }

    /// Runs `operation` in one read-only transaction with one snapshot (`REPEATABLE READ`),
    /// blocking the calling thread until it ends.
    func readTransaction<T: Sendable>(_ operation: @escaping @Sendable (PostgresConnection) async throws -> T) throws -> T {
        try withConnection { connection in
            try await Self.enclosed(connection, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", operation)
        }
    }

    // MARK: - SQL

    /// `expression` with its ASCII letters lowered (and no other): SQLite's `NOCASE`.
    static func asciiLower(_ expression: String) -> String {
        "translate(\(expression), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    }

    static let selectSQL = """
        SELECT a.id, a.service_id, a.status, a.submitted, a.decided, a.due, a.settlement, a.district, a.version,
               p.owner_user, p.longitude, p.latitude, p.applicant_name, p.applicant_iin, p.applicant_phone,
               p.applicant_email, p.note, p.decision_note, a.fid
        FROM applications a JOIN application_private p ON p.application_fid = a.fid
        """

    private static func status(_ text: String?, column: String) throws -> ApplicationStatus {
        guard let text, let status = ApplicationStatus(rawValue: text) else {
            throw PostGISError.server(message: "unknown application status in \(column)", sqlState: nil, sql: nil)
        }
        return status
    }

    /// The application of a row of ``selectSQL``.
    static func record(_ row: PostgresRow) throws -> ServiceApplication {
        let c = Array(row)
        return ServiceApplication(
            id: try c[0].decode(String.self), serviceID: try c[1].decode(String.self),
            status: try status(try c[2].decode(String?.self), column: "applications.status"),
            submitted: try c[3].decode(String.self), decided: try c[4].decode(String?.self), due: try c[5].decode(String.self),
            settlement: try c[6].decode(String?.self), district: try c[7].decode(String?.self),
            decisionNote: try c[17].decode(String?.self), version: try c[8].decode(Int64.self),
            position: GeoPoint(longitude: try c[10].decode(Double.self), latitude: try c[11].decode(Double.self)),
            applicant: ApplicantDetails(name: try c[12].decode(String.self), iin: try c[13].decode(String.self),
                                        phone: try c[14].decode(String.self), email: try c[15].decode(String?.self)),
            note: try c[16].decode(String?.self), ownerNumber: try c[9].decode(Int64?.self))
    }

    private static func event(_ cells: [PostgresCell], offset: Int) throws -> ApplicationEvent {
        let fromText = try cells[offset + 3].decode(String?.self)
        return ApplicationEvent(sequence: try cells[offset].decode(Int64.self), at: try cells[offset + 1].decode(String.self),
                                actor: try cells[offset + 2].decode(String.self),
                                from: try fromText.map { try status($0, column: "application_events.from_status") },
                                to: try status(try cells[offset + 4].decode(String?.self), column: "application_events.to_status"),
                                note: try cells[offset + 5].decode(String?.self))
    }

    /// The days allowed for the service, or nil when there is no such service.
    private static func daysAllowed(_ serviceID: String, on connection: PostgresConnection) async throws -> Int? {
        var binds = PostgresBindings()
        binds.append(serviceID)
        return try await connection.rows("SELECT days_allowed FROM services WHERE id = $1", binds).first
            .map { Int(try $0.decode(Int64.self)) }
    }

    private static func insert(_ new: NewApplication, on connection: PostgresConnection) async throws -> ServiceApplication {
        var service = PostgresBindings()
        service.append(new.serviceID)
        // The days allowed, and the next application number once the service is known.
        guard let row = try await connection.rows("""
            SELECT days_allowed, nextval(pg_get_serial_sequence('applications', 'fid')) FROM services WHERE id = $1
            """, service).first else {
            throw ApplicationError.invalidFields(["service_id: no service '\(new.serviceID)'"])
        }
        let (days, fid) = try row.decode((Int64, Int64).self)
        let due = try ServiceApplication.dueDay(from: new.at, days: Int(days))
        let shown = PublicPosition.rounded(new.position)
        let id = String(format: "A-%06lld", fid)
        var binds = PostgresBindings()
        binds.append(fid)
        binds.append(id)
        binds.append(new.serviceID)
        binds.append(new.at)
        binds.append(due)
        binds.append(new.settlement)
        binds.append(new.district)
        binds.append(shown.longitude)
        binds.append(shown.latitude)
        binds.append(new.ownerNumber)
        binds.append(new.position.longitude)
        binds.append(new.position.latitude)
        binds.append(new.applicant.name)
        binds.append(new.applicant.iin)
        binds.append(new.applicant.phone)
        binds.append(new.applicant.email)
        binds.append(new.note)
        binds.append(new.actor)
        binds.append(new.eventNote)
        // The public row, the private details and the first event in one statement.
        _ = try await connection.rows("""
            WITH a AS (
                INSERT INTO applications (fid, id, service_id, status, submitted, decided, due, settlement, district, version, geom)
                VALUES ($1, $2, $3, 'received', $4, NULL, $5, $6, $7, 1, ST_SetSRID(ST_MakePoint($8, $9), 4326))
                RETURNING fid),
            p AS (
                INSERT INTO application_private (application_fid, owner_user, longitude, latitude, applicant_name, applicant_iin,
                                                 applicant_phone, applicant_email, note, decision_note)
                SELECT fid, $10, $11, $12, $13, $14, $15, $16, $17, NULL FROM a
                RETURNING application_fid)
            INSERT INTO application_events (application_fid, at, actor, from_status, to_status, note)
            SELECT application_fid, $4, $18, NULL, 'received', $19 FROM p
            """, binds)
        return ServiceApplication(id: id, serviceID: new.serviceID, status: .received, submitted: new.at, decided: nil, due: due,
                                  settlement: new.settlement, district: new.district, decisionNote: nil, version: 1,
                                  position: new.position, applicant: new.applicant, note: new.note, ownerNumber: new.ownerNumber)
    }

    private static func apply(_ change: ApplicationChange, authorise: (ServiceApplication) throws -> Void,
                              on connection: PostgresConnection) async throws -> ServiceApplication {
        var key = PostgresBindings()
        key.append(change.applicationID)
        guard let row = try await connection.rows(selectSQL + " WHERE a.id = $1 FOR UPDATE OF a", key).first else {
            throw ApplicationError.unknownApplication(change.applicationID)
        }
        let stored = try record(row)
        let fid = try Array(row)[18].decode(Int64.self)
        try stored.check(change)
        try authorise(stored)
        let days = change.to == .received ? try await daysAllowed(stored.serviceID, on: connection) : nil
        let current = try stored.moved(by: change, daysAllowed: days)
        let from = stored.status
        var update = PostgresBindings()
        update.append(current.status.rawValue)
        update.append(current.decided)
        update.append(current.due)
        update.append(current.version)
        update.append(fid)
        update.append(current.version - 1)
        update.append(current.decisionNote)
        update.append(change.at)
        update.append(change.actor)
        update.append(from.rawValue)
        update.append(change.to.rawValue)
        update.append(change.note)
        // The row (only at the version read), its private note and the event in one statement.
        let written = try await connection.rows("""
            WITH u AS (
                UPDATE applications SET status = $1, decided = $2, due = $3, version = $4 WHERE fid = $5 AND version = $6
                RETURNING fid),
            p AS (
                UPDATE application_private SET decision_note = $7 WHERE application_fid IN (SELECT fid FROM u)
                RETURNING application_fid)
            INSERT INTO application_events (application_fid, at, actor, from_status, to_status, note)
            SELECT application_fid, $8, $9, $10, $11, $12 FROM p
            RETURNING seq
            """, update)
        guard written.count == 1 else {
            throw ApplicationError.staleVersion(id: current.id, given: current.version - 1, current: current.version)
        }
        return current
    }
}
