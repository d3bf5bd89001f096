import Foundation
import GeoModel
@testable import PostGISStorage
import Testing

/// `--db postgresql://…` read with libpq's conventions, and never shown with its password.
@Suite("PostgreSQL URLs")
struct PostgresLocationTests {
    let environment = ["USER": "qamtu"]

    @Test func readsUserPasswordHostPortAndDatabase() throws {
        let location = try PostgresLocation(parsing: "postgresql://ana:s%40cret@db.example.kz:6543/portal?sslmode=require",
                                            environment: environment)
        #expect(location.user == "ana")
        #expect(location.password == "s@cret")
        #expect(location.host == "db.example.kz")
        #expect(location.port == 6543)
        #expect(location.database == "portal")
        #expect(location.tlsMode == .require)
        #expect(!location.isUnixSocket)
        #expect(location.description == "postgresql://ana@db.example.kz:6543/portal?sslmode=require")
        #expect(!location.description.contains("cret"))
    }

    @Test func aHostParameterStartingWithASlashIsASocketFolder() throws {
        let location = try PostgresLocation(parsing: "postgresql://postgres@/qamtu?host=/run/pg&port=5433", environment: environment)
        #expect(location.isUnixSocket)
        #expect(location.socketPath == "/run/pg/.s.PGSQL.5433")
        #expect(location.database == "qamtu")
        #expect(location.description == "postgresql://postgres@/qamtu?host=/run/pg&port=5433")
        // A percent-encoded socket folder in the host part, as libpq allows.
        let encoded = try PostgresLocation(parsing: "postgres://%2Ftmp%2Fpg/db", environment: environment)
        #expect(encoded.socketPath == "/tmp/pg/.s.PGSQL.5432")
        #expect(encoded.user == "qamtu")
    }

    @Test func defaultsAreLibpqs() throws {
        let location = try PostgresLocation(parsing: "postgresql://", environment: ["PGUSER": "pg", "USER": "other"])
        #expect(location.user == "pg")
        #expect(location.database == "pg")
        #expect(location.host == "/var/run/postgresql")
        #expect(location.port == 5432)
        #expect(location.tlsMode == .prefer)
        let ipv6 = try PostgresLocation(parsing: "postgresql://u@[::1]:5439/d", environment: environment)
        #expect(ipv6.host == "::1" && ipv6.port == 5439)
        #expect(ipv6.description == "postgresql://u@[::1]:5439/d")
    }

    @Test func badURLsAreInputErrorsWithoutThePassword() {
        for text in ["mysql://u@h/d", "postgresql://u:pw@h:99999/d", "postgresql://u:pw@h/d?sslmode=maybe",
                     "postgresql://u:pw@h/d?nosuch=1"] {
            #expect {
                _ = try PostgresLocation(parsing: text, environment: environment)
            } throws: { error in
                guard let error = error as? PostGISError, case .invalidURL(let shown, _) = error else { return false }
                return error.category == .invalidInput && !shown.contains("pw") && !error.description.contains(":pw@")
            }
        }
        #expect(PostgresLocation.redact("postgresql://u:pw@h/d?password=x&sslmode=disable")
            == "postgresql://u:***@h/d?password=***&sslmode=disable")
    }

    @Test func tlsModesAreLibpqs() {
        #expect(PostGISDatabase.tlsPlan(.disable) == .off)
        #expect(PostGISDatabase.tlsPlan(.allow) == .off)
        #expect(PostGISDatabase.tlsPlan(.prefer) == .prefer(.none))
        #expect(PostGISDatabase.tlsPlan(.require) == .require(.none))
        #expect(PostGISDatabase.tlsPlan(.verifyCA) == .require(.noHostnameVerification))
        #expect(PostGISDatabase.tlsPlan(.verifyFull) == .require(.fullVerification))
        // With a root certificate file, `require` checks the chain (libpq's rule); `prefer` does not.
        #expect(PostGISDatabase.tlsPlan(.require, rootCertificate: true) == .require(.noHostnameVerification))
        #expect(PostGISDatabase.tlsPlan(.prefer, rootCertificate: true) == .prefer(.none))
    }

    @Test func aMissingSocketIsNamedWithoutWaiting() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qamtu-no-server-\(UInt32.random(in: 0...UInt32.max))").path
        do {
            _ = try PostGISDatabase(location: try PostgresLocation(parsing: "postgresql://postgres:pw@/portal?host=\(folder)&port=6000"),
                                    readOnly: true, connections: 1)
            Issue.record("opened a database without a server")
        } catch let PostGISError.cannotConnect(location, reason) {
            #expect(location == "postgresql://postgres@/portal?host=\(folder)&port=6000")
            #expect(reason.contains("no server socket \(folder)/.s.PGSQL.6000"))
        }
    }

    @Test func rootCertificateIsKeptAndShown() throws {
        let location = try PostgresLocation(parsing: "postgresql://ana:pw@db.example.kz/portal?sslmode=verify-full&sslrootcert=/etc/qamtu/ca%20bundle.pem",
                                            environment: [:])
        #expect(location.rootCertificatePath == "/etc/qamtu/ca bundle.pem")
        #expect(location.description == "postgresql://ana@db.example.kz:5432/portal?sslmode=verify-full&sslrootcert=/etc/qamtu/ca%20bundle.pem")
        // The description reads back as the same location, less the password.
        var withoutPassword = location
        withoutPassword.password = nil
        #expect(try PostgresLocation(parsing: location.description, environment: [:]) == withoutPassword)
        // `system` (and an empty value) mean the system's roots, as libpq's `sslrootcert=system`.
        #expect(try PostgresLocation(parsing: "postgresql://h/d?sslrootcert=system", environment: [:]).rootCertificatePath == nil)
        #expect(try PostgresLocation(parsing: "postgresql://h/d?sslrootcert=", environment: [:]).rootCertificatePath == nil)
    }

    @Test func serverErrorsHaveCategories() {
        #expect(PostGISError.server(message: "duplicate key", sqlState: "23505", sql: nil).category == .conflict)
        #expect(PostGISError.server(message: "too many connections", sqlState: "53300", sql: nil).category == .unavailable)
        #expect(PostGISError.server(message: "syntax", sqlState: "42601", sql: nil).category == .internal)
        #expect(PostGISError.cannotConnect(location: "postgresql://u@h:5432/d", reason: "refused").category == .unavailable)
        #expect(PostGISError.olderSchema(location: "x", missingMigrations: ["v2"]).category == .invalidInput)
    }
}
