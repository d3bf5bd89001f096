import Foundation
import GRDB
import GeoModel
import Geodesy

extension ApplicationDatabase {
    /// Stores `new` as a `received` application with its first event; returns it once committed
    /// with the concurrent requests of the same batch.
    /// - Throws: `ApplicationError.invalidFields` for an unknown service.
    public func submit(_ new: NewApplication) async throws -> ServiceApplication {
        try await writeGrouped { db in try Self.insert(new, in: db) }
    }

    /// ``submit(_:)`` in a transaction of its own, on the calling thread.
    public func submitNow(_ new: NewApplication) throws -> ServiceApplication {
        try writeNow { db in try Self.insert(new, in: db) }
    }

    /// Moves an application as `change` says, with its event, once `authorise` has accepted the
    /// current application (it throws to refuse), all in one transaction of the next batch.
    /// - Throws: `ApplicationError.unknownApplication`, `.staleVersion`, `.forbiddenTransition`,
    ///   and what `authorise` throws.
    public func transition(_ change: ApplicationChange,
                           authorise: @escaping @Sendable (ServiceApplication) throws -> Void) async throws -> ServiceApplication {
        try await writeGrouped { db in try Self.apply(change, authorise: authorise, in: db) }
    }

    /// ``transition(_:authorise:)`` in a transaction of its own, on the calling thread.
    public func transitionNow(_ change: ApplicationChange,
                              authorise: (ServiceApplication) throws -> Void) throws -> ServiceApplication {
        try writeNow { db in try Self.apply(change, authorise: authorise, in: db) }
    }

    /// Stores applications with their histories in one transaction: each one is submitted, then
    /// moved through `changes` (the workflow's rules apply); nothing is stored on any error.
    /// - Returns: the stored applications, in order.
    public func importApplications(_ items: [(application: NewApplication, changes: [ApplicationChange])]) throws -> [ServiceApplication] {
        try writeNow { db in
            try items.map { item in
                var stored = try Self.insert(item.application, in: db)
                for var change in item.changes {
                    change.applicationID = stored.id
                    stored = try Self.apply(change, authorise: { _ in }, in: db)
                }
                return stored
            }
        }
    }

    /// The application with this id, with its private details; nil when there is none.
    public func application(id: String) throws -> ServiceApplication? {
        try read { db in try Self.fetch(db, whereSQL: "a.id = ?", arguments: [id]).first }
    }

    /// The applications `query` selects, in id order, and how many it selects without the page.
    public func applications(_ query: ApplicationQuery) throws -> (matched: Int, items: [ServiceApplication]) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let status = query.status { conditions.append("a.status = ?"); arguments.append(status.rawValue) }
        if let service = query.serviceID { conditions.append("a.service_id = ?"); arguments.append(service) }
        if let district = query.district { conditions.append("a.district = ? COLLATE NOCASE"); arguments.append(district) }
        if let owner = query.ownerNumber { conditions.append("p.owner_user = ?"); arguments.append(owner) }
        if let provider = query.provider {
            conditions.append("a.service_id IN (SELECT id FROM services WHERE provider = ?)")
            arguments.append(provider)
        }
        let whereSQL = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        return try read { db in
            let matched = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM applications a JOIN application_private p ON p.application_fid = a.fid WHERE \(whereSQL)",
                arguments: StatementArguments(arguments)) ?? 0
            let items = try Self.fetch(db, whereSQL: whereSQL + " ORDER BY a.fid LIMIT ? OFFSET ?",
                                       arguments: arguments + [max(0, query.limit), max(0, query.offset)])
            return (matched, items)
        }
    }

    /// The events of the application with this id, oldest first; nil when there is no such application.
    public func events(applicationID: String) throws -> [ApplicationEvent]? {
        try read { db in
            guard let fid = try Int64.fetchOne(db, sql: "SELECT fid FROM applications WHERE id = ?", arguments: [applicationID]) else {
                return nil
            }
            return try Self.events(fid: fid, in: db)
        }
    }

    /// Every application with its events (for reports and checks), in id order, read in one transaction.
    public func applicationsWithEvents() throws -> [(application: ServiceApplication, events: [ApplicationEvent])] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: Self.selectSQL + " ORDER BY a.fid")
            var byFid: [Int64: [ApplicationEvent]] = [:]
            let events = try Row.fetchCursor(db, sql: """
                SELECT application_fid, seq, at, actor, from_status, to_status, note FROM application_events ORDER BY seq
                """)
            while let row = try events.next() {
                byFid[row[0], default: []].append(try Self.event(row, offset: 1))
            }
            // Each application with the events of its own row (the fid read in the same row).
            return try rows.map { row in (try Self.record(row), byFid[row[18] as Int64] ?? []) }
        }
    }

    // MARK: - SQL

    private static let selectSQL = """
        SELECT a.id, a.service_id, a.status, a.submitted, a.decided, a.due, a.settlement, a.district, a.version,
               p.owner_user, p.longitude, p.latitude, p.applicant_name, p.applicant_iin, p.applicant_phone,
               p.applicant_email, p.note, p.decision_note, a.fid
        FROM applications a JOIN application_private p ON p.application_fid = a.fid
        """

    private static func fetch(_ db: Database, whereSQL: String, arguments: [(any DatabaseValueConvertible)?]) throws -> [ServiceApplication] {
        try Row.fetchAll(db, sql: selectSQL + " WHERE " + whereSQL, arguments: StatementArguments(arguments)).map(record)
    }

    private static func status(_ text: String?, column: String) throws -> ApplicationStatus {
        guard let text, let status = ApplicationStatus(rawValue: text) else {
            throw StorageError.sqlite(message: "unknown application status in \(column)", sql: nil)
        }
        return status
    }

    private static func record(_ row: Row) throws -> ServiceApplication {
        ServiceApplication(
            id: row[0], serviceID: row[1], status: try status(row[2], column: "applications.status"),
            submitted: row[3], decided: row[4], due: row[5], settlement: row[6], district: row[7],
            decisionNote: row[17], version: row[8],
            position: GeoPoint(longitude: row[10], latitude: row[11]),
            applicant: ApplicantDetails(name: row[12], iin: row[13], phone: row[14], email: row[15]),
            note: row[16], ownerNumber: row[9])
    }

    private static func event(_ row: Row, offset: Int) throws -> ApplicationEvent {
        let fromText: String? = row[offset + 3]
        return ApplicationEvent(sequence: row[offset], at: row[offset + 1], actor: row[offset + 2],
                                from: try fromText.map { try status($0, column: "application_events.from_status") },
                                to: try status(row[offset + 4], column: "application_events.to_status"), note: row[offset + 5])
    }

    private static func events(fid: Int64, in db: Database) throws -> [ApplicationEvent] {
        try Row.fetchAll(db, sql: "SELECT seq, at, actor, from_status, to_status, note FROM application_events WHERE application_fid = ? ORDER BY seq",
                         arguments: [fid]).map { try event($0, offset: 0) }
    }

    /// The days allowed for the service, or nil when there is no such service.
    private static func daysAllowed(_ serviceID: String, in db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT days_allowed FROM services WHERE id = ?", arguments: [serviceID])
    }

    private static func insert(_ new: NewApplication, in db: Database) throws -> ServiceApplication {
        guard let days = try daysAllowed(new.serviceID, in: db) else {
            throw ApplicationError.invalidFields(["service_id: no service '\(new.serviceID)'"])
        }
        let due = try ServiceApplication.dueDay(from: new.at, days: days)
        let shown = PublicPosition.rounded(new.position)
        // The id follows the row number; a placeholder holds its place until the number is known.
        try db.execute(sql: """
            INSERT INTO applications (id, service_id, status, submitted, decided, due, settlement, district, version, geom)
            VALUES ('', ?, 'received', ?, NULL, ?, ?, ?, 1, ?)
            """, arguments: [new.serviceID, new.at, due, new.settlement, new.district,
                             Data(SpatiaLiteBlob.encode(.point(shown)))])
        let fid = db.lastInsertedRowID
        let id = String(format: "A-%06lld", fid)
        try db.execute(sql: "UPDATE applications SET id = ? WHERE fid = ?", arguments: [id, fid])
        try db.execute(sql: """
            INSERT INTO application_private (application_fid, owner_user, longitude, latitude, applicant_name, applicant_iin,
                                             applicant_phone, applicant_email, note, decision_note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            """, arguments: [fid, new.ownerNumber, new.position.longitude, new.position.latitude, new.applicant.name,
                             new.applicant.iin, new.applicant.phone, new.applicant.email, new.note])
        try db.execute(sql: "INSERT INTO application_events (application_fid, at, actor, from_status, to_status, note) VALUES (?, ?, ?, NULL, 'received', ?)",
                       arguments: [fid, new.at, new.actor, new.eventNote])
        return ServiceApplication(id: id, serviceID: new.serviceID, status: .received, submitted: new.at, decided: nil, due: due,
                                  settlement: new.settlement, district: new.district, decisionNote: nil, version: 1,
                                  position: new.position, applicant: new.applicant, note: new.note, ownerNumber: new.ownerNumber)
    }

    private static func apply(_ change: ApplicationChange, authorise: (ServiceApplication) throws -> Void,
                              in db: Database) throws -> ServiceApplication {
        guard let row = try Row.fetchOne(db, sql: selectSQL + " WHERE a.id = ?", arguments: [change.applicationID]) else {
            throw ApplicationError.unknownApplication(change.applicationID)
        }
        let stored = try record(row)
        let fid: Int64 = row[18]
        try stored.check(change)
        try authorise(stored)
        let days = change.to == .received ? try daysAllowed(stored.serviceID, in: db) : nil
        let current = try stored.moved(by: change, daysAllowed: days)
        let from = stored.status
        try db.execute(sql: "UPDATE applications SET status = ?, decided = ?, due = ?, version = ? WHERE fid = ? AND version = ?",
                       arguments: [current.status.rawValue, current.decided, current.due, current.version, fid, current.version - 1])
        guard db.changesCount == 1 else {
            throw ApplicationError.staleVersion(id: current.id, given: current.version - 1, current: current.version)
        }
        try db.execute(sql: "UPDATE application_private SET decision_note = ? WHERE application_fid = ?",
                       arguments: [current.decisionNote, fid])
        try db.execute(sql: "INSERT INTO application_events (application_fid, at, actor, from_status, to_status, note) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [fid, change.at, change.actor, from.rawValue, change.to.rawValue, change.note])
        return current
    }
}
