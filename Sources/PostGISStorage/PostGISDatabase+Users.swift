import Foundation
import GeoModel
import PostgresNIO

/// The users of the service applications in PostgreSQL, as the SpatiaLite ledger keeps them:
/// names, roles, organisations and the SHA-256 of each token's secret (never the token).
///
/// A user's number is the next one (`max + 1`) under a lock of the `users` table, so that two
/// processes adding users at once neither take the same number nor the same name.
extension PostGISDatabase {
    /// Adds a user whose token is identified by `tokenID` and checked against `tokenSHA256`
    /// (the SHA-256 of the token's secret, 32 bytes).
    /// - Throws: `ApplicationError.duplicateUser` when the name is taken.
    public func addUser(name: String, role: UserRole, organisation: String?, tokenID: String, tokenSHA256: [UInt8],
                        at: String) throws -> PortalUser {
        try BlockingBridge.run {
            try await self.write(bumpsChanges: false) { connection in
                _ = try await connection.rows("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
                var byName = PostgresBindings()
                byName.append(name)
                if try await !connection.rows("SELECT 1 FROM users WHERE name = $1", byName).isEmpty {
                    throw ApplicationError.duplicateUser(name)
                }
                var binds = PostgresBindings()
                binds.append(name)
                binds.append(role.rawValue)
                binds.append(organisation)
                binds.append(tokenID)
                try binds.append(Data(tokenSHA256))
                binds.append(at)
                let number = try await connection.rows("""
                    INSERT INTO users (number, name, role, organisation, token_id, token_sha256, created, revoked)
                    VALUES ((SELECT coalesce(max(number), 0) + 1 FROM users), $1, $2, $3, $4, $5, $6, NULL) RETURNING number
                    """, binds).first?.decode(Int64.self) ?? 0
                return PortalUser(number: number, name: name, role: role, organisation: organisation, created: at, revoked: nil)
            }
        }
    }

    /// Revokes the token of the user `name` (kept revoked when it was already).
    /// - Throws: `ApplicationError.unknownUser`.
    public func revokeUser(name: String, at: String) throws -> PortalUser {
        try BlockingBridge.run {
            try await self.write(bumpsChanges: false) { connection in
                var binds = PostgresBindings()
                binds.append(at)
                binds.append(name)
                _ = try await connection.rows("UPDATE users SET revoked = $1 WHERE name = $2 AND revoked IS NULL", binds)
                var byName = PostgresBindings()
                byName.append(name)
                guard let row = try await connection.rows(Self.userSQL + " WHERE name = $1", byName).first else {
                    throw ApplicationError.unknownUser(name)
                }
                return try Self.user(Array(row))
            }
        }
    }

    /// Every user, by number.
    public func users() throws -> [PortalUser] {
        try rows(Self.userSQL + " ORDER BY number").map { try Self.user(Array($0)) }
    }

    /// The user of a token id and the stored SHA-256 of its secret; nil for an unknown id.
    public func credential(tokenID: String) throws -> (user: PortalUser, secretSHA256: [UInt8])? {
        var binds = PostgresBindings()
        binds.append(tokenID)
        guard let row = try rows("SELECT \(Self.userColumns), token_sha256 FROM users WHERE token_id = $1", binds).first else {
            return nil
        }
        let cells = Array(row)
        return (try Self.user(cells), Array(try cells[6].decode(Data.self)))
    }

    static let userColumns = "number, name, role, organisation, created, revoked"
    private static let userSQL = "SELECT \(userColumns) FROM users"

    static func user(_ cells: [PostgresCell]) throws -> PortalUser {
        let roleText = try cells[2].decode(String.self)
        guard let role = UserRole(rawValue: roleText) else {
            throw PostGISError.server(message: "unknown role in users.role", sqlState: nil, sql: nil)
        }
        return PortalUser(number: try cells[0].decode(Int64.self), name: try cells[1].decode(String.self), role: role,
                          organisation: try cells[3].decode(String?.self), created: try cells[4].decode(String.self),
                          revoked: try cells[5].decode(String?.self))
    }
}
