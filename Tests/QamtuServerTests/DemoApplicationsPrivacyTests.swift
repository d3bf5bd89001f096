import Foundation
import GeoModel
import Geodesy
import Hummingbird
import HummingbirdTesting
import Logging
import PortalCore
import QamtuServer
import QamtuTestSupport
import Testing
import VectorTiles

/// The 54 demo applications of GeoData/ behind a writable server: none of their applicants' names,
/// IINs, phones or e-mails appears in any public response, tile or error message, nor in the log.
@Suite("Demo applications: no personal data in public outputs or the log")
struct DemoApplicationsPrivacyTests {
    static let geoData = SharedData.repository.appendingPathComponent("GeoData")

    /// The personal values of every demo applicant, as written in the file and as stored.
    static func secrets() throws -> [String] {
        let data = try Data(contentsOf: geoData.appendingPathComponent("applications.geojson"))
        let document = try JSONParser.parse(Array(data))
        guard case .array(let features)? = document["features"] else { return [] }
        var secrets: [String] = []
        for feature in features {
            for key in ["applicant_name", "applicant_iin", "applicant_phone", "applicant_email"] {
                guard let value = feature["properties"]?[key]?.stringValue else { continue }
                secrets.append(value)
                if key == "applicant_phone", let normalised = ApplicantDetails.normalisedKazakhPhone(value) {
                    secrets += [normalised, String(normalised.dropFirst())]   // +77011234567 and 77011234567
                }
                if key == "applicant_name" { secrets += value.split(separator: " ").filter { $0.count > 5 }.map(String.init) }
            }
        }
        return secrets
    }

    @Test func noApplicantDetailInAnyPublicResponseTileOrLogLine() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("demo.sqlite")
        let portal = Portal(store: try SpatiaLiteStore.initialise(at: path).store)
        for (layer, file) in [(LayerSchema.districts, "districts.geojson"), (.settlements, "settlements.geojson"), (.services, "services.csv")] {
            _ = try portal.importFeatures(ImportRequest(layer: layer, path: Self.geoData.appendingPathComponent(file).path))
        }
        let office = Portal(store: try SpatiaLiteStore.open(at: path), ledger: try SpatiaLiteStore.openLedger(at: path, concurrent: false))
        let (_, adminToken) = try office.addUser(name: "office", role: .admin, organisation: nil)
        _ = try office.addUser(name: "applicant-demo", role: .applicant, organisation: nil)
        let applications = try office.importApplications(
            json: Array(try Data(contentsOf: Self.geoData.appendingPathComponent("applications.geojson"))), name: "applications.geojson")
        #expect(applications.count == 54)
        let secrets = try Self.secrets()
        #expect(secrets.count > 54 * 4)

        let log = LogCapture()
        var logger = Logger(label: "qamtu.privacy") { _ in log }
        logger.logLevel = .trace
        var configuration = ServerConfiguration(databasePath: path, host: "127.0.0.1", port: 0, baseURL: "http://qamtu.test", poolSize: 2)
        configuration.writable = true
        let app = try await QamtuServerApplication.build(configuration, logger: logger)
        let points = applications.map(\.position)
        try await app.test(.router) { client in
            var bodies: [(String, [UInt8])] = []
            func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                bodies.append((uri, Array(response.body.readableBytesView)))
                return response
            }
            for uri in ["/", "/conformance", "/api", "/collections", "/collections/applications", "/collections/applications/queryables",
                        "/collections/applications/items?limit=1000", "/collections/applications/items?limit=1000&f=html",
                        "/collections/applications/tiles", "/tiles/WebMercatorQuad?f=tilejson",
                        "/collections/applications/items?applicant_name=x", "/collections/applications/items?filter=status%3D'approved'"] {
                _ = try await get(uri)
            }
            // A writable server documents the private API in /api, behind the bearer scheme.
            let api = try await client.execute(uri: "/api", method: .get).json()
            let paths = api["paths"] as? [String: Any] ?? [:]
            #expect(["/applications", "/applications/{id}", "/applications/{id}/events", "/applications/{id}/transitions"]
                .allSatisfy { paths[$0] != nil })
            #expect(((api["components"] as? [String: Any])?["securitySchemes"] as? [String: Any])?["bearerAuth"] != nil)
            let items = try await client.execute(uri: "/collections/applications/items?limit=1000", method: .get).json()
            let features = items["features"] as? [[String: Any]] ?? []
            #expect(features.count == 54)
            for feature in features {
                let properties = feature["properties"] as? [String: Any] ?? [:]
                #expect(Set(properties.keys) == ["id", "service_id", "status", "submitted", "decided", "due", "settlement", "district"])
                let id = try #require(feature["id"] as? String)
                _ = try await get("/collections/applications/items/\(id)")
                _ = try await get("/collections/applications/items/\(id)?f=html")
            }
            // Every tile holding an application, at five zooms, through both tile paths.
            var tiles = Set<String>()
            for point in points {
                for z in [0, 4, 8, 12, 14] {
                    let size = Double(1 << z)
                    let x = Int(WebMercator.worldX(longitude: point.longitude) * size), y = Int(WebMercator.worldY(latitude: point.latitude) * size)
                    tiles.insert("\(z)/\(y)/\(x)")
                }
            }
            var featuresInTiles = 0
            for tile in tiles {
                for prefix in ["/tiles/WebMercatorQuad/", "/collections/applications/tiles/WebMercatorQuad/"] {
                    let response = try await get(prefix + tile)
                    if response.status == .ok {
                        featuresInTiles += try TileDecoder.layers(Array(response.body.readableBytesView))
                            .first { $0.name == "applications" }?.features.count ?? 0
                    }
                }
            }
            #expect(featuresInTiles >= 54 * 5)
            // Failures that carry personal values must not echo them.
            let admin: HTTPFields = [.authorization: "Bearer \(adminToken)"]
            let first = applications[0]
            let bad = """
                {"type":"Feature","geometry":{"type":"Point","coordinates":[71.4,42.9]},"properties":{"service_id":"nope",
                "applicant_name":"\(first.applicant.name)","applicant_iin":"\(first.applicant.iin.dropLast())9x",
                "applicant_phone":"\(first.applicant.phone)z","applicant_email":"\(first.applicant.email ?? "")@@"}}
                """
            let refused = try await client.execute(uri: "/applications", method: .post, headers: admin, body: ByteBuffer(string: bad))
            #expect(refused.status == .unprocessableContent)
            bodies.append(("POST /applications (422)", Array(refused.body.readableBytesView)))
            // The private reads are logged too (route and status only).
            let own = try await client.execute(uri: "/applications/\(first.id)", method: .get, headers: admin)
            #expect(own.status == .ok)
            #expect(String(buffer: own.body).contains(first.applicant.iin))
            for (uri, body) in bodies {
                let text = String(decoding: body, as: UTF8.self)
                for secret in secrets where text.contains(secret) {
                    Issue.record("\(uri) contains an applicant's personal value")
                }
            }
        }
        let lines = log.lines
        #expect(!lines.isEmpty)
        for line in lines {
            for secret in secrets where line.contains(secret) { Issue.record("the log contains an applicant's personal value: \(line.prefix(80))") }
        }
    }
}

/// Collects every log line (message and metadata) a test's server writes.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lock.withLock { collected.append("\(event.level) \(event.message) \(all) \(event.source) \(event.file)") }
    }

    var lines: [String] { lock.withLock { collected } }
}
