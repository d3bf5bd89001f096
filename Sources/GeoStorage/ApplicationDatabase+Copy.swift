import Foundation
import GRDB
import GeoModel

extension ApplicationDatabase {
    /// Every user with the id of its token and the stored SHA-256 of its secret, by number: what
    /// a copy of the ledger carries (never a token, which is not stored).
    public func userCredentials() throws -> [(user: PortalUser, tokenID: String, tokenSHA256: [UInt8])] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.userColumns), token_id, token_sha256 FROM users ORDER BY number").map { row in
                let hash: Data = row[7]
                return (try Self.user(row), row[6], Array(hash))
            }
        }
    }

    /// Stores users and applications with their events as another ledger holds them (user
    /// numbers, application ids in the given order, versions, event numbers and times), in one
    /// transaction: a copy into an empty ledger. The public `applications` row of each is written
    /// at its ``PublicPosition/rounded(_:)`` position, as a submission writes it.
    public func restore(users: [(user: PortalUser, tokenID: String, tokenSHA256: [UInt8])],
                        applications: [(application: ServiceApplication, events: [ApplicationEvent])]) throws {
        try writeNow { db in
            for (user, tokenID, hash) in users {
                try db.execute(sql: """
                    INSERT INTO users (number, name, role, organisation, token_id, token_sha256, created, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [user.number, user.name, user.role.rawValue, user.organisation, tokenID, Data(hash), user.created, user.revoked])
            }
            for (application, events) in applications {
                let shown = PublicPosition.rounded(application.position)
                try db.execute(sql: """
                    INSERT INTO applications (id, service_id, status, submitted, decided, due, settlement, district, version, geom)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [application.id, application.serviceID, application.status.rawValue, application.submitted,
                                     application.decided, application.due, application.settlement, application.district,
                                     application.version, Data(SpatiaLiteBlob.encode(.point(shown)))])
                let fid = db.lastInsertedRowID
                try db.execute(sql: """
                    INSERT INTO application_private (application_fid, owner_user, longitude, latitude, applicant_name, applicant_iin,
                                                     applicant_phone, applicant_email, note, decision_note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [fid, application.ownerNumber, application.position.longitude, application.position.latitude,
                                     application.applicant.name, application.applicant.iin, application.applicant.phone,
                                     application.applicant.email, application.note, application.decisionNote])
                for event in events {
                    try db.execute(sql: """
                        INSERT INTO application_events (seq, application_fid, at, actor, from_status, to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [event.sequence, fid, event.at, event.actor, event.from?.rawValue, event.to.rawValue, event.note])
                }
            }
        }
    }
}
