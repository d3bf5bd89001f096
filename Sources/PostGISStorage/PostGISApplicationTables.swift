import GeoModel

/// The private tables of the service applications in PostgreSQL (the migration
/// `v3-applications`), the counterparts of SpatiaLite's `ApplicationTables`:
///
/// - `applications.version`: the row version behind `ETag` / `If-Match`, compared in the
///   `UPDATE … WHERE version = $n` of every transition, so that it holds across processes.
/// - `application_private`: one row per application with the exact position (EPSG:4326
///   degrees), the applicant's details, the owner and the notes; never read by a public path.
/// - `application_events`: the audit trail, append-only (triggers refuse `UPDATE`, `DELETE` and
///   `TRUNCATE` with the message SpatiaLite's triggers give), written in the transaction of each change.
/// - `users`: names, roles, organisations and the SHA-256 of each token's secret (`bytea` of
///   32 bytes, checked), never the token.
///
/// `users.number` and `application_events.seq` are plain keys, not sequences: the ledger gives
/// each write the next number while it holds the change counter's row lock (see
/// ``PostGISDatabase``'s workflow), so numbers have no gaps and are those SpatiaLite gives.
enum PostGISApplicationTables {
    /// The statements of the migration, in order.
    static func statements() -> [String] {
        let statuses = ApplicationStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let roles = UserRole.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return [
            "ALTER TABLE applications ADD COLUMN version bigint NOT NULL DEFAULT 1",
            "CREATE INDEX applications_status ON applications (status)",
            "CREATE INDEX applications_service ON applications (service_id)",
            """
            CREATE TABLE users (
                number bigint PRIMARY KEY,
                name text NOT NULL UNIQUE,
                role text NOT NULL CHECK (role IN (\(roles))),
                organisation text,
                token_id text NOT NULL UNIQUE,
                token_sha256 bytea NOT NULL CHECK (octet_length(token_sha256) = 32),
                created text NOT NULL,
                revoked text)
            """,
            """
            CREATE TABLE application_private (
                application_fid bigint PRIMARY KEY REFERENCES applications (fid),
                owner_user bigint REFERENCES users (number),
                longitude double precision NOT NULL,
                latitude double precision NOT NULL,
                applicant_name text NOT NULL,
                applicant_iin text NOT NULL,
                applicant_phone text NOT NULL,
                applicant_email text,
                note text,
                decision_note text)
            """,
            "CREATE INDEX application_private_owner ON application_private (owner_user)",
            """
            CREATE TABLE application_events (
                seq bigint PRIMARY KEY,
                application_fid bigint NOT NULL REFERENCES applications (fid),
                at text NOT NULL,
                actor text NOT NULL,
                from_status text CHECK (from_status IN (\(statuses))),
                to_status text NOT NULL CHECK (to_status IN (\(statuses))),
                note text)
            """,
            "CREATE INDEX application_events_application ON application_events (application_fid, seq)",
            """
            CREATE FUNCTION qamtu_application_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'application_events is append-only';
            END
            $$
            """,
            """
            CREATE TRIGGER application_events_no_update BEFORE UPDATE ON application_events
                FOR EACH ROW EXECUTE FUNCTION qamtu_application_events_append_only()
            """,
            """
            CREATE TRIGGER application_events_no_delete BEFORE DELETE ON application_events
                FOR EACH ROW EXECUTE FUNCTION qamtu_application_events_append_only()
            """,
            """
            CREATE TRIGGER application_events_no_truncate BEFORE TRUNCATE ON application_events
                FOR EACH STATEMENT EXECUTE FUNCTION qamtu_application_events_append_only()
            """,
        ]
    }
}
