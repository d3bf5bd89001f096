import GeoModel
import PostgresNIO

/// What can go wrong with a PostGIS portal: the URL, the connection, the schema, a statement.
///
/// Messages name the database by its URL without the password (``PostgresLocation``) and a
/// statement by its SQL, never by its bound values (no user data in logs). Each case has an
/// ``ErrorCategory``, which the CLI and the server map to exit codes and HTTP statuses.
public enum PostGISError: Error, Equatable, Sendable {
    /// The `--db` URL cannot be read.
    case invalidURL(String, reason: String)
    /// The server cannot be reached or refuses the login.
    case cannotConnect(location: String, reason: String)
    /// The PostGIS extension is not installed and cannot be created by this user.
    case missingPostGIS(location: String, reason: String)
    /// The database has tables but no Qamtu schema (or no migrations table): not a Qamtu portal.
    case notAQamtuDatabase(location: String)
    /// The database was migrated by a newer Qamtu (these migrations are unknown here).
    case newerSchema(location: String, unknownMigrations: [String])
    /// The database lacks migrations: run `qamtu init --db URL` to upgrade it.
    case olderSchema(location: String, missingMigrations: [String])
    /// The database has no Qamtu schema yet: run `qamtu init --db URL`.
    case emptyDatabase(location: String)
    /// A write was asked of a store opened read-only.
    case readOnly(location: String)
    /// A stored geometry cannot be decoded (`fid` is the row's internal id).
    case corruptGeometry(layer: String, fid: Int64, reason: String)
    /// The server rejected a statement: its message, SQLSTATE and the statement's SQL.
    case server(message: String, sqlState: String?, sql: String?)
    /// A model error (an unknown column, an invalid condition).
    case model(GeoModelError)
}

extension PostGISError: CategorizedError {
    /// The category of each failure: a bad URL, schema or query is input; a server that cannot
    /// be reached, a missing PostGIS or a read-only store is unavailable; a unique violation
    /// (SQLSTATE 23505) or a serialisation failure (40001) is a conflict; the rest is internal.
    public var category: ErrorCategory {
        switch self {
        case .invalidURL, .notAQamtuDatabase, .newerSchema, .olderSchema: .invalidInput
        case .emptyDatabase: .notFound
        case .cannotConnect, .missingPostGIS, .readOnly: .unavailable
        case .corruptGeometry: .internal
        case .model(let error): error.category
        case .server(_, let state, _):
            switch state {
            case "23505", "40001", "40P01": .conflict
            case "42501": .forbidden
            case let state? where state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57"): .unavailable
            default: .internal
            }
        }
    }

    /// A message for people.
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "invalid PostgreSQL URL \(url): \(reason)"
        case .cannotConnect(let location, let reason): "cannot connect to \(location): \(reason)"
        case .missingPostGIS(let location, let reason): "\(location) has no PostGIS extension and cannot create it: \(reason)"
        case .notAQamtuDatabase(let location): "\(location) is not a Qamtu database (it has tables but no Qamtu schema)"
        case .newerSchema(let location, let unknown):
            "\(location) was written by a newer Qamtu (unknown migrations: \(unknown.joined(separator: ", ")))"
        case .olderSchema(let location, let missing):
            "\(location) has an older schema (missing migrations: \(missing.joined(separator: ", "))); run qamtu init to upgrade it"
        case .emptyDatabase(let location): "\(location) has no Qamtu schema yet; run qamtu init first"
        case .readOnly(let location): "\(location) is open read-only"
        case .corruptGeometry(let layer, let fid, let reason): "corrupt geometry in \(layer) (fid \(fid)): \(reason)"
        case .server(let message, let state, let sql):
            "PostgreSQL error\(state.map { " \($0)" } ?? ""): \(message)\(sql.map { " (in: \($0))" } ?? "")"
        case .model(let error): error.description
        }
    }

    /// `error` as a ``PostGISError``: postgres-nio's errors (whose own description hides the
    /// server's message) with the server's message and SQLSTATE; other errors unchanged.
    /// - Parameter location: the database, for connection failures.
    static func wrap(_ error: any Error, location: String, sql: String? = nil) -> any Error {
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError { return wrap(inner, location: location, sql: sql) }
            if let inner = error.beginError ?? error.commitError { return wrap(inner, location: location, sql: sql) }
            return error
        }
        if String(describing: type(of: error)).contains("ConnectionPoolError") {
            // The pool gave up on connecting (postgres-nio's pool error type is not public API).
            return PostGISError.cannotConnect(location: location, reason: "\(error)")
        }
        guard let error = error as? PSQLError else { return error }
        if let info = error.serverInfo {
            let message = info[.message] ?? "unknown server error"
            let detail = info[.detail].map { " (\($0))" } ?? ""
            return PostGISError.server(message: message + detail, sqlState: info[.sqlState], sql: sql ?? error.query?.sql)
        }
        if error.code == .connectionError || error.code == .unexpectedBackendMessage || error.code == .serverClosedConnection
            || error.code == .sslUnsupported || error.code == .authMechanismRequiresPassword {
            let reason = error.underlying.map { tlsReason($0) ?? "\($0)" } ?? "\(error.code)"
            return PostGISError.cannotConnect(location: location, reason: reason)
        }
        return PostGISError.server(message: "\(error.code)", sqlState: nil, sql: sql ?? error.query?.sql)
    }

    /// The reason of a failed TLS handshake in words, with the library's own text after it; nil
    /// for any other error.
    static func tlsReason(_ error: any Error) -> String? {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: the server's certificate is not signed by a trusted authority (sslrootcert, else the system's roots): \(text)"
        }
        if text.contains("failedToValidateHostname") {
            return "TLS: the server's certificate does not name the host of the URL (sslmode=verify-full): \(text)"
        }
        return nil
    }
}
