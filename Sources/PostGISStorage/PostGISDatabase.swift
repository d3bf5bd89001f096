import Foundation
import GeoModel
import Logging
import PostgresNIO

/// A Qamtu portal in a PostgreSQL database with PostGIS, through a pool of postgres-nio
/// connections (`PostgresClient`).
///
/// Every method blocks its calling thread until the server answers (the store protocol is
/// synchronous); call them from threads that may block (the core's `BlockingExecutor`, the CLI's
/// main thread), never from a task on Swift's cooperative pool (see ``BlockingBridge``).
/// Statements take their values as bound parameters (`$1`, `$2`, …); the only identifiers written
/// into SQL are the fixed layer and column names of ``LayerSchema``, quoted.
public final class PostGISDatabase: @unchecked Sendable {
    /// Where the database is (its URL without the password in messages).
    public let location: PostgresLocation
    /// Whether writes are refused.
    public let readOnly: Bool
    let client: PostgresClient
    private let runner: Task<Void, Never>
    /// The notices of changes (see ``changeCounter()``), listened to from its first call.
    let listener = ChangeListener()
    /// postgres-nio's logs are not Qamtu's: errors reach the caller as thrown errors.
    static let logger = Logger(label: "qamtu.postgis", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Opens a pool on `location` and checks the connection (and, unless `checkSchema` is false,
    /// that the database holds a current Qamtu schema; opened for writing, an older schema is
    /// migrated instead).
    /// - Parameter connections: the most connections open at once.
    /// - Throws: ``PostGISError/cannotConnect(location:reason:)``, `.emptyDatabase`,
    ///   `.notAQamtuDatabase`, `.newerSchema`, `.olderSchema`.
    public init(location: PostgresLocation, readOnly: Bool, connections: Int = 4, checkSchema: Bool = true) throws {
        self.location = location
        self.readOnly = readOnly
        // One connection first, alone: a wrong URL, password or server fails here at once with
        // the reason (the pool would retry for a minute before giving up without one).
        try Self.probe(location)
        var configuration: PostgresClient.Configuration
        if location.isUnixSocket {
            configuration = .init(unixSocketPath: location.socketPath, username: location.user, password: location.password,
                                  database: location.database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch try Self.tlsSettings(location) {
            case nil: tls = .disable
            case let (settings, required)?: tls = required ? .require(settings) : .prefer(settings)
            }
            configuration = .init(host: location.host, port: location.port, username: location.user, password: location.password,
                                  database: location.database, tls: tls)
        }
        configuration.options.maximumConnections = max(1, connections)
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration, backgroundLogger: Self.logger)
        self.client = client
        runner = Task.detached(executorPreference: BridgeExecutor.shared) { await client.run() }
        do {
            _ = try rows("SELECT 1")
            if checkSchema {
                do {
                    try Self.checkSchema(self)
                } catch PostGISError.olderSchema where !readOnly {
                    // Opened for writing: an older schema is brought up to date first, as
                    // SpatiaLite's files are.
                    try migrate()
                }
            }
        } catch {
            runner.cancel()
            throw error
        }
    }

    deinit {
        listener.stop()
        runner.cancel()
    }

    /// The settings of one connection (not pooled) to `location`, with its TLS.
    /// - Throws: ``PostGISError/cannotConnect(location:reason:)`` for TLS settings that cannot be used.
    static func connectionConfiguration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if location.isUnixSocket {
            configuration = .init(unixSocketPath: location.socketPath, username: location.user, password: location.password,
                                  database: location.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch try tlsSettings(location) {
            case nil: tls = .disable
            case let (settings, required)?:
                let context: NIOSSLContext
                do { context = try NIOSSLContext(configuration: settings) } catch {
                    throw PostGISError.cannotConnect(location: location.description, reason: "TLS: \(error)")
                }
                tls = required ? .require(context) : .prefer(context)
            }
            configuration = .init(host: location.host, port: location.port, username: location.user, password: location.password,
                                  database: location.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// Opens and closes one connection to `location`.
    /// - Throws: ``PostGISError/cannotConnect(location:reason:)`` with the server's or the
    ///   network's reason.
    static func probe(_ location: PostgresLocation) throws {
        if location.isUnixSocket, !FileManager.default.fileExists(atPath: location.socketPath) {
            throw PostGISError.cannotConnect(location: location.description,
                                             reason: "no server socket \(location.socketPath) (is PostgreSQL running, with this folder in unix_socket_directories and this port?)")
        }
        let settings = try connectionConfiguration(location)
        let name = location.description
        try BlockingBridge.run {
            do {
                let connection = try await PostgresConnection.connect(configuration: settings, id: 0, logger: Self.logger)
                try await connection.close()
            } catch {
                let wrapped = PostGISError.wrap(error, location: name)
                if let wrapped = wrapped as? PostGISError, case .server(let message, _, _) = wrapped {
                    throw PostGISError.cannotConnect(location: name, reason: message)
                }
                throw wrapped
            }
        }
    }

    /// What TLS a connection uses: none, tried (`prefer`) or insisted on (`require`), with the
    /// certificate checks to make.
    enum TLSPlan: Equatable {
        case off
        case prefer(CertificateVerification)
        case require(CertificateVerification)
    }

    /// libpq's `sslmode` as a plan: `disable` and `allow` never start TLS, `prefer` tries it,
    /// `require` insists without checking the certificate (as libpq does, unless a root
    /// certificate file is given: then it checks the chain, as `verify-ca`), `verify-ca` checks the
    /// chain and `verify-full` also the host name.
    /// - Parameter rootCertificate: whether the URL names the trusted authorities (`sslrootcert`).
    static func tlsPlan(_ mode: PostgresLocation.TLSMode, rootCertificate: Bool = false) -> TLSPlan {
        switch mode {
        case .disable, .allow: .off
        case .prefer: .prefer(.none)
        case .require: .require(rootCertificate ? .noHostnameVerification : .none)
        case .verifyCA: .require(.noHostnameVerification)
        case .verifyFull: .require(.fullVerification)
        }
    }

    /// The TLS settings of `location`'s `sslmode` and `sslrootcert` (see ``tlsPlan(_:rootCertificate:)``),
    /// and whether TLS is required; nil when no TLS is started. The trusted authorities are those of
    /// the `sslrootcert` file, else the system's.
    /// - Throws: ``PostGISError/cannotConnect(location:reason:)`` when the `sslrootcert` file is missing.
    static func tlsSettings(_ location: PostgresLocation) throws -> (settings: TLSConfiguration, required: Bool)? {
        let verification: CertificateVerification, required: Bool
        switch tlsPlan(location.tlsMode, rootCertificate: location.rootCertificatePath != nil) {
        case .off: return nil
        case .prefer(let chosen): (verification, required) = (chosen, false)
        case .require(let chosen): (verification, required) = (chosen, true)
        }
        var settings = TLSConfiguration.makeClientConfiguration()
        settings.certificateVerification = verification
        if let path = location.rootCertificatePath {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw PostGISError.cannotConnect(location: location.description, reason: "the root certificate file \(path) (sslrootcert) cannot be read")
            }
            settings.trustRoots = .file(path)
        }
        return (settings, required)
    }

    /// Closes the pool's connections.
    public func close() {
        listener.stop()
        runner.cancel()
    }

    /// The URL without the password.
    var name: String { location.description }

    /// Runs `sql` with `binds` and returns every row (for small results).
    /// - Throws: ``PostGISError/server(message:sqlState:sql:)`` when the server rejects it.
    func rows(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws -> [PostgresRow] {
        let client = client, name = name
        return try BlockingBridge.run {
            do {
                var out: [PostgresRow] = []
                for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: Self.logger) {
                    out.append(row)
                }
                return out
            } catch {
                throw PostGISError.wrap(error, location: name, sql: sql)
            }
        }
    }

    /// Runs `sql` with `binds` and calls `body` with its rows in batches, streamed: at most a few
    /// batches are held in memory while `body` works (``BatchChannel``), and the server is read
    /// only as fast as `body` consumes. `body` runs on the calling thread; when it throws, the
    /// query is abandoned and its error rethrown.
    func stream(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), batchSize: Int = 1_000,
                _ body: ([PostgresRow]) throws -> Void) throws {
        let channel = BatchChannel<[PostgresRow]>(capacity: 4)
        let client = client, name = name
        Task.detached(executorPreference: BridgeExecutor.shared) {
            do {
                var batch: [PostgresRow] = []
                batch.reserveCapacity(batchSize)
                for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: Self.logger) {
                    batch.append(row)
                    if batch.count == batchSize {
                        guard await channel.send(batch) else { break }
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { _ = await channel.send(batch) }
                channel.finish()
            } catch {
                channel.finish(throwing: PostGISError.wrap(error, location: name, sql: sql))
            }
        }
        do {
            while let batch = try channel.receive() { try body(batch) }
        } catch {
            channel.cancel()
            channel.waitUntilFinished()
            throw error
        }
    }

    /// Runs `operation` with one connection of the pool.
    func withConnection<T: Sendable>(_ operation: @escaping @Sendable (PostgresConnection) async throws -> T) throws -> T {
        let client = client, name = name
        return try BlockingBridge.run {
            do {
                return try await client.withConnection { try await operation($0) }
            } catch {
                throw PostGISError.wrap(error, location: name)
            }
        }
    }

    /// Runs `operation` in one transaction on one connection: `COMMIT` when it returns, `ROLLBACK`
    /// when it throws (its error is rethrown).
    func transaction<T: Sendable>(_ operation: @escaping @Sendable (PostgresConnection) async throws -> T) throws -> T {
        try withConnection { connection in try await Self.enclosed(connection, operation) }
    }

    /// Runs `operation` on `connection` between `begin` and `COMMIT`; `ROLLBACK` when it throws
    /// (its error is rethrown).
    static func enclosed<T>(_ connection: PostgresConnection, begin: String = "BEGIN",
                            _ operation: (PostgresConnection) async throws -> T) async throws -> T {
        try await connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)
        do {
            let value = try await operation(connection)
            try await connection.query("COMMIT", logger: logger)
            return value
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}

extension PostgresConnection {
    /// Runs `sql` with `binds` and returns every row (for small results inside a transaction).
    func rows(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws -> [PostgresRow] {
        var out: [PostgresRow] = []
        do {
            for try await row in try await query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: PostGISDatabase.logger) {
                out.append(row)
            }
        } catch let error as PSQLError {
            throw PostGISError.wrap(error, location: "", sql: sql)
        }
        return out
    }
}
