import Foundation
import GeoModel
import PostgresNIO

extension PostGISDatabase {
    /// Every user with the id of its token and the stored SHA-256 of its secret, by number: what
    /// a copy of the ledger carries (never a token, which is not stored).
    public func userCredentials() throws -> [(user: PortalUser, tokenID: String, tokenSHA256: [UInt8])] {
        try rows("SELECT \(Self.userColumns), token_id, token_sha256 FROM users ORDER BY number").map { row in
            let cells = Array(row)
            return (try Self.user(cells), try cells[6].decode(String.self), Array(try cells[7].decode(Data.self)))
        }
    }

    /// Stores users and applications with their events as another ledger holds them (user
    /// numbers, application ids in the given order, versions, event numbers and times), in one
    /// transaction that bumps the change counter: a copy into an empty ledger. The public
    /// `applications` row of each is written at its ``PublicPosition/rounded(_:)`` position, as a
    /// submission writes it.
    public func restore(users: [(user: PortalUser, tokenID: String, tokenSHA256: [UInt8])],
                        applications: [(application: ServiceApplication, events: [ApplicationEvent])]) throws {
        try BlockingBridge.run {
            try await self.write { connection in
                _ = try await connection.rows("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
                for (user, tokenID, hash) in users {
                    var binds = PostgresBindings()
                    binds.append(user.number)
                    binds.append(user.name)
                    binds.append(user.role.rawValue)
                    binds.append(user.organisation)
                    binds.append(tokenID)
                    try binds.append(Data(hash))
                    binds.append(user.created)
                    binds.append(user.revoked)
                    _ = try await connection.rows("""
                        INSERT INTO users (number, name, role, organisation, token_id, token_sha256, created, revoked)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        """, binds)
                }
                for (application, events) in applications {
                    let fid = try await connection.rows("SELECT nextval(pg_get_serial_sequence('applications', 'fid'))")
                        .first?.decode(Int64.self) ?? 0
                    let shown = PublicPosition.rounded(application.position)
                    var row = PostgresBindings()
                    row.append(fid)
                    row.append(application.id)
                    row.append(application.serviceID)
                    row.append(application.status.rawValue)
                    row.append(application.submitted)
                    row.append(application.decided)
                    row.append(application.due)
                    row.append(application.settlement)
                    row.append(application.district)
                    row.append(application.version)
                    row.append(shown.longitude)
                    row.append(shown.latitude)
                    _ = try await connection.rows("""
                        INSERT INTO applications (fid, id, service_id, status, submitted, decided, due, settlement, district, version, geom)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ST_SetSRID(ST_MakePoint($11, $12), 4326))
                        """, row)
                    var details = PostgresBindings()
                    details.append(fid)
                    details.append(application.ownerNumber)
                    details.append(application.position.longitude)
                    details.append(application.position.latitude)
                    details.append(application.applicant.name)
                    details.append(application.applicant.iin)
                    details.append(application.applicant.phone)
                    details.append(application.applicant.email)
                    details.append(application.note)
                    details.append(application.decisionNote)
                    _ = try await connection.rows("""
                        INSERT INTO application_private (application_fid, owner_user, longitude, latitude, applicant_name, applicant_iin,
                                                         applicant_phone, applicant_email, note, decision_note)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                        """, details)
                    for event in events {
                        var binds = PostgresBindings()
                        binds.append(event.sequence)
                        binds.append(fid)
                        binds.append(event.at)
                        binds.append(event.actor)
                        binds.append(event.from?.rawValue)
                        binds.append(event.to.rawValue)
                        binds.append(event.note)
                        _ = try await connection.rows("""
                            INSERT INTO application_events (seq, application_fid, at, actor, from_status, to_status, note)
                            VALUES ($1, $2, $3, $4, $5, $6, $7)
                            """, binds)
                    }
                }
                // The events' numbers were given: the next one follows the highest.
                _ = try await connection.rows("""
                    SELECT setval(pg_get_serial_sequence('application_events', 'seq'),
                                  (SELECT coalesce(max(seq), 0) + 1 FROM application_events), false)
                    """)
            }
        }
    }
}
