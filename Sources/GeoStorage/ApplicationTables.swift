import GRDB
import GeoModel

/// The private tables of the service applications, beside the public `applications` layer:
///
/// - `applications.version`: the change counter behind `ETag` / `If-Match`.
/// - `application_private`: one row per application with the exact position (EPSG:4326
///   degrees), the applicant's details, the owner and the notes; never read by any public path.
/// - `application_events`: the audit trail, append-only (triggers refuse updates and deletes),
///   written in the same transaction as each change.
/// - `users`: names, roles, organisations and the SHA-256 of each token's secret (never the token).
enum ApplicationTables {
    static func create(_ db: Database) throws {
        let statuses = ApplicationStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let roles = UserRole.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try db.execute(sql: """
            ALTER TABLE applications ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
            CREATE INDEX applications_status ON applications (status);
            CREATE INDEX applications_service ON applications (service_id);
            CREATE TABLE users (
                number INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN (\(roles))),
                organisation TEXT,
                token_id TEXT NOT NULL UNIQUE,
                token_sha256 BLOB NOT NULL CHECK (length(token_sha256) = 32),
                created TEXT NOT NULL,
                revoked TEXT);
            CREATE TABLE application_private (
                application_fid INTEGER PRIMARY KEY REFERENCES applications (fid),
                owner_user INTEGER REFERENCES users (number),
                longitude REAL NOT NULL,
                latitude REAL NOT NULL,
                applicant_name TEXT NOT NULL,
                applicant_iin TEXT NOT NULL,
                applicant_phone TEXT NOT NULL,
                applicant_email TEXT,
                note TEXT,
                decision_note TEXT);
            CREATE INDEX application_private_owner ON application_private (owner_user);
            CREATE TABLE application_events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                application_fid INTEGER NOT NULL REFERENCES applications (fid),
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                from_status TEXT CHECK (from_status IN (\(statuses))),
                to_status TEXT NOT NULL CHECK (to_status IN (\(statuses))),
                note TEXT);
            CREATE INDEX application_events_application ON application_events (application_fid, seq);
            CREATE TRIGGER application_events_no_update BEFORE UPDATE ON application_events
                BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END;
            CREATE TRIGGER application_events_no_delete BEFORE DELETE ON application_events
                BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END;
            """)
    }
}
