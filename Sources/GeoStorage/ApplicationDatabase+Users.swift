import Foundation
import GRDB
import GeoModel

extension ApplicationDatabase {
    /// Adds a user whose token is identified by `tokenID` and checked against `tokenSHA256`
    /// (the SHA-256 of the token's secret, 32 bytes).
    /// - Throws: `ApplicationError.duplicateUser` when the name is taken.
    public func addUser(name: String, role: UserRole, organisation: String?, tokenID: String, tokenSHA256: [UInt8],
                        at: String) throws -> PortalUser {
        try writeNow { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) == true {
                throw ApplicationError.duplicateUser(name)
            }
            try db.execute(sql: "INSERT INTO users (name, role, organisation, token_id, token_sha256, created, revoked) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                           arguments: [name, role.rawValue, organisation, tokenID, Data(tokenSHA256), at])
            return PortalUser(number: db.lastInsertedRowID, name: name, role: role, organisation: organisation, created: at, revoked: nil)
        }
    }

    /// Revokes the token of the user `name` (kept revoked when it was already).
    /// - Throws: `ApplicationError.unknownUser`.
    public func revokeUser(name: String, at: String) throws -> PortalUser {
        try writeNow { db in
            try db.execute(sql: "UPDATE users SET revoked = ? WHERE name = ? AND revoked IS NULL", arguments: [at, name])
            guard let row = try Row.fetchOne(db, sql: Self.userSQL + " WHERE name = ?", arguments: [name]) else {
                throw ApplicationError.unknownUser(name)
            }
            return try Self.user(row)
        }
    }

    /// Every user, by number.
    public func users() throws -> [PortalUser] {
        try read { db in try Row.fetchAll(db, sql: Self.userSQL + " ORDER BY number").map(Self.user) }
    }

    /// The user of a token id and the stored SHA-256 of its secret; nil for an unknown id.
    public func credential(tokenID: String) throws -> (user: PortalUser, secretSHA256: [UInt8])? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.userColumns), token_sha256 FROM users WHERE token_id = ?",
                                             arguments: [tokenID]) else { return nil }
            let hash: Data = row[6]
            return (try Self.user(row), Array(hash))
        }
    }

    static let userColumns = "number, name, role, organisation, created, revoked"
    private static let userSQL = "SELECT \(userColumns) FROM users"

    static func user(_ row: Row) throws -> PortalUser {
        let roleText: String = row[2]
        guard let role = UserRole(rawValue: roleText) else {
            throw StorageError.sqlite(message: "unknown role in users.role", sql: nil)
        }
        return PortalUser(number: row[0], name: row[1], role: role, organisation: row[3], created: row[4], revoked: row[5])
    }
}
