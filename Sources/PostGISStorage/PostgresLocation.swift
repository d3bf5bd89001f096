import Foundation

/// Where a PostGIS portal is: a `postgresql://` (or `postgres://`) URL read with libpq's
/// conventions (<https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING-URIS>).
///
/// `postgresql://user[:password]@host[:port]/dbname?param=value&…`: `host` and `port` may also
/// be given as the parameters `host` and `port` (which win); a host that starts with `/` is the
/// folder of a unix socket (`?host=/run/dir` connects to `/run/dir/.s.PGSQL.5432`). Without any
/// host, the socket in `/var/run/postgresql` is used, as Debian's libpq does. `sslmode` is one of
/// `disable`, `allow`, `prefer` (the default), `require`, `verify-ca`, `verify-full`; TLS never
/// applies to a unix socket. `sslrootcert` names a PEM file of the certificate authorities that
/// `verify-ca` and `verify-full` trust (as libpq, `require` then verifies the chain too; the word
/// `system` means the system's roots, also the default without the parameter). User, password,
/// host and database are percent-decoded.
///
/// The password is kept for connecting and never shown: ``description`` is the URL without it.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How much TLS the URL asks for (libpq's `sslmode`).
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The user name (default: `$PGUSER`, else `$USER`, else `postgres`).
    public var user: String
    /// The password, if the URL gives one. Never printed.
    public var password: String?
    /// A TCP host name or address, or the folder of a unix socket (starts with `/`).
    public var host: String
    /// The TCP port, also the number in the socket's file name (default 5432).
    public var port: Int
    /// The database name (default: the user name, as libpq).
    public var database: String
    /// The TLS mode (default `prefer`).
    public var tlsMode: TLSMode
    /// The PEM file of the trusted certificate authorities (`sslrootcert`); nil: the system's roots.
    public var rootCertificatePath: String?

    /// Whether `text` names a PostgreSQL database rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Whether the connection goes through a unix socket.
    public var isUnixSocket: Bool { host.hasPrefix("/") }

    /// The socket file libpq would use: `<host>/.s.PGSQL.<port>`.
    public var socketPath: String { (host.hasSuffix("/") ? host : host + "/") + ".s.PGSQL.\(port)" }

    /// Parses a URL.
    /// - Parameter environment: where the default user comes from (`PGUSER`, `USER`).
    /// - Throws: ``PostGISError/invalidURL(_:reason:)`` (the URL without its password) for another
    ///   scheme, a bad port, an unknown `sslmode` or an unknown parameter.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostGISError) {
        let scheme: String
        if text.hasPrefix("postgresql://") { scheme = "postgresql://" } else if text.hasPrefix("postgres://") { scheme = "postgres://" } else {
            throw .invalidURL(Self.redact(text), reason: "it must start with postgresql://")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        var userPart: Substring?
        var hostPart = authority
        if let at = authority.lastIndex(of: "@") {
            userPart = authority[..<at]
            hostPart = authority[authority.index(after: at)...]
        }
        let redacted = Self.redact(text)
        func decode(_ part: Substring) throws(PostGISError) -> String {
            guard let value = String(part).removingPercentEncoding else {
                throw .invalidURL(redacted, reason: "bad percent-encoding in '\(part)'")
            }
            return value
        }
        var user: String?
        var password: String?
        if let userPart {
            if let colon = userPart.firstIndex(of: ":") {
                user = try decode(userPart[..<colon])
                password = try decode(userPart[userPart.index(after: colon)...])
            } else {
                user = try decode(userPart)
            }
        }
        var host: String?
        var portText: String?
        if hostPart.hasPrefix("[") , let close = hostPart.firstIndex(of: "]") {
            // An IPv6 address in brackets, then maybe a port.
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portText = String(after.dropFirst()) }
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = try decode(hostPart[..<colon])
            portText = String(hostPart[hostPart.index(after: colon)...])
        } else if !hostPart.isEmpty {
            host = try decode(hostPart)
        }
        var database = path.isEmpty ? nil : try decode(path)
        var mode = TLSMode.prefer
        var rootCertificate: String?
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let key: Substring, value: Substring
            if let equals = pair.firstIndex(of: "=") {
                key = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                key = pair
                value = ""
            }
            let decoded = try decode(value)
            switch key {
            case "host": host = decoded
            case "port": portText = decoded
            case "user": user = decoded
            case "password": password = decoded
            case "dbname": database = decoded
            case "sslmode":
                guard let chosen = TLSMode(rawValue: decoded) else {
                    throw .invalidURL(redacted, reason: "unknown sslmode '\(decoded)' (one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                mode = chosen
            case "sslrootcert":
                rootCertificate = decoded == "system" || decoded.isEmpty ? nil : decoded
            case "application_name", "connect_timeout":
                continue
            default:
                throw .invalidURL(redacted, reason: "unknown parameter '\(key)'")
            }
        }
        var port = 5432
        if let portText, !portText.isEmpty {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw .invalidURL(redacted, reason: "bad port '\(portText)'")
            }
            port = number
        }
        let chosenUser = user.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        self.user = chosenUser
        self.password = password
        self.host = host.flatMap { $0.isEmpty ? nil : $0 } ?? "/var/run/postgresql"
        self.port = port
        self.database = database.flatMap { $0.isEmpty ? nil : $0 } ?? chosenUser
        self.tlsMode = mode
        self.rootCertificatePath = rootCertificate
    }

    /// The URL without the password (and with the socket folder as a parameter), for messages.
    public var description: String {
        let encodedUser = user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user
        let encodedDatabase = database.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? database
        if isUnixSocket {
            let folder = host.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? host
            let portPart = port == 5432 ? "" : "&port=\(port)"
            return "postgresql://\(encodedUser)@/\(encodedDatabase)?host=\(folder)\(portPart)"
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        var parameters: [String] = []
        if tlsMode != .prefer { parameters.append("sslmode=\(tlsMode.rawValue)") }
        if let rootCertificatePath {
            parameters.append("sslrootcert=\(rootCertificatePath.addingPercentEncoding(withAllowedCharacters: Self.parameterValueAllowed) ?? rootCertificatePath)")
        }
        let query = parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")
        return "postgresql://\(encodedUser)@\(shownHost):\(port)/\(encodedDatabase)\(query)"
    }

    /// The characters a parameter's value keeps as they are (a query's, less `&`, `=`, `+`, `#`).
    private static let parameterValueAllowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#"))

    /// The same server with another database (tests make one database per test).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// `text` with any password (between `user:` and `@`, or a `password=` parameter) replaced,
    /// for messages about a URL that could not be parsed.
    static func redact(_ text: String) -> String {
        var out = text
        if let schemeEnd = out.range(of: "://") {
            let afterScheme = out[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
            let authority = afterScheme[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out.replaceSubrange(out.index(after: colon)..<at, with: "***")
            }
        }
        if let range = out.range(of: "password=") {
            let end = out[range.upperBound...].firstIndex(of: "&") ?? out.endIndex
            out.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return out
    }
}
