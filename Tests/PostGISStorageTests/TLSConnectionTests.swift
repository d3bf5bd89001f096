import Foundation
import PostgresNIO
import QamtuTestSupport
import Testing
@testable import PostGISStorage

/// The server of the TLS tests: `Scripts/pg-cluster.sh start DIR --tls` (run by `Scripts/test.sh`)
/// listens on 127.0.0.1 with a certificate for `localhost` signed by a test authority, and
/// `QAMTU_TEST_POSTGRES_TLS_DIR` names its `DIR/tls` folder (`url`, `ca.crt`, `other-ca.crt`).
private let tlsServer = Prerequisite("a PostgreSQL server with TLS named by QAMTU_TEST_POSTGRES_TLS_DIR (Scripts/test.sh starts one)") {
    guard let folder = ProcessInfo.processInfo.environment["QAMTU_TEST_POSTGRES_TLS_DIR"], !folder.isEmpty,
          FileManager.default.fileExists(atPath: folder + "/url") else { return nil }
    return folder
}

/// TLS against a real PostgreSQL server: libpq's `sslmode` and `sslrootcert` as Qamtu reads them,
/// checked by the server's own view of the connection (`pg_stat_ssl`).
@Suite("TLS connections", .requires(tlsServer))
struct TLSConnectionTests {
    /// The folder of the test certificates and the TCP URL of the server (no parameters).
    private func server() throws -> (folder: String, url: String) {
        let folder = try tlsServer.require()
        let url = try String(contentsOfFile: folder + "/url", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (folder, url)
    }

    /// Connects to `url` and asks the server whether this connection is encrypted, and with what.
    private func encryption(_ url: String) throws -> (ssl: Bool, version: String?) {
        let database = try PostGISDatabase(location: try PostgresLocation(parsing: url), readOnly: true, connections: 1, checkSchema: false)
        defer { database.close() }
        let rows = try database.rows("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        let row = try #require(rows.first)
        return try row.decode((Bool, String?).self)
    }

    @Test func requireEncryptsWithoutCheckingTheCertificate() throws {
        let (_, url) = try server()
        let result = try encryption(url + "?sslmode=require")
        #expect(result.ssl)
        #expect(result.version?.hasPrefix("TLSv1.") == true)
    }

    @Test func preferEncryptsWhenTheServerOffersTLS() throws {
        let (_, url) = try server()
        #expect(try encryption(url).ssl)
        #expect(try encryption(url + "?sslmode=prefer").ssl)
    }

    @Test func disableAndAllowConnectInTheClear() throws {
        let (_, url) = try server()
        #expect(try encryption(url + "?sslmode=disable").ssl == false)
        #expect(try encryption(url + "?sslmode=allow").ssl == false)
    }

    @Test func verifyFullAcceptsTheServerSignedByTheGivenAuthority() throws {
        let (folder, url) = try server()
        #expect(try encryption(url + "?sslmode=verify-full&sslrootcert=\(folder)/ca.crt").ssl)
        #expect(try encryption(url + "?sslmode=verify-ca&sslrootcert=\(folder)/ca.crt").ssl)
    }

    @Test func anotherAuthorityIsRefusedByEveryCheckingMode() throws {
        let (folder, url) = try server()
        // `require` with a root certificate checks the chain, as libpq does.
        for mode in ["verify-full", "verify-ca", "require"] {
            let target = url + "?sslmode=\(mode)&sslrootcert=\(folder)/other-ca.crt"
            do {
                _ = try encryption(target)
                Issue.record("\(mode): connected to a server another authority signed")
            } catch let PostGISError.cannotConnect(location, reason) {
                #expect(location.contains("sslmode=\(mode)"))
                #expect(reason.contains("not signed by a trusted authority"))
            }
        }
    }

    @Test func verifyFullRefusesAHostNameTheCertificateDoesNotName() throws {
        let (folder, url) = try server()
        // The certificate names `localhost` only; the same server reached as 127.0.0.1.
        let byAddress = url.replacingOccurrences(of: "@localhost:", with: "@127.0.0.1:")
        do {
            _ = try encryption(byAddress + "?sslmode=verify-full&sslrootcert=\(folder)/ca.crt")
            Issue.record("verify-full connected to a host the certificate does not name")
        } catch let PostGISError.cannotConnect(_, reason) {
            #expect(reason.contains("does not name the host"))
        }
        // verify-ca does not check the name.
        #expect(try encryption(byAddress + "?sslmode=verify-ca&sslrootcert=\(folder)/ca.crt").ssl)
    }

    @Test func aMissingRootCertificateFileIsNamed() throws {
        let (folder, url) = try server()
        do {
            _ = try encryption(url + "?sslmode=verify-full&sslrootcert=\(folder)/absent.crt")
            Issue.record("connected without the root certificate file")
        } catch let PostGISError.cannotConnect(_, reason) {
            #expect(reason.contains("absent.crt"))
            #expect(reason.contains("sslrootcert"))
        }
    }
}
