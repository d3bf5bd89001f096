import Foundation
import GeoModel
import Hummingbird
import HummingbirdTesting
import Logging
import PortalCore
import QamtuServer
import QamtuTestSupport

/// A portal file for server tests (EPSG:4326, lon/lat): six sites (Kcell t1, t3, t5 — t5 at
/// lon 179.99; Beeline t2 planned; Tele2 t4 with the name `<b>&"x"</b>`; Altel t6 at −179.99),
/// two settlements and one district.
final class ServerFixture: @unchecked Sendable {
    let folder: TemporaryFolder
    let path: String

    static let sites = """
        id,name,kind,operator,technologies,range_m,status,planned_year,lon,lat
        t1,Aqsu mast,base_station,Kcell,4G,5000,operational,,71.01,43.0
        t2,Kokterek mast,base_station,Beeline,4G,4000,planned,2026,71.5,43.21
        t3,Taraz 3G,base_station,Kcell,3G,8000,operational,,71.37,42.91
        t4,<b>&"x"</b>,base_station,Tele2,5G,1000,operational,,71.372,42.902
        t5,East edge,base_station,Kcell,4G,6000,operational,,179.99,65.0
        t6,West edge,base_station,Altel,4G,6000,retired,,-179.99,65.0
        """

    static let settlements = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.0,43.0]},"properties":{"id":"s1","name":"Aqsu","kind":"village","population":5000}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.37,42.9]},"properties":{"id":"s2","name":"Taraz","name_kk":"Тараз","kind":"city","population":300000}}
        ]}
        """

    static let districts = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[70.5,42.8],[71.2,42.8],[71.2,43.5],[70.5,43.5],[70.5,42.8]]]},"properties":{"id":"d1","name":"West"}}
        ]}
        """

    init() throws {
        folder = try TemporaryFolder()
        path = folder.path("server.sqlite")
        let portal = Portal(store: try SpatiaLiteStore.initialise(at: path).store)
        for (layer, name, text) in [(LayerSchema.sites, "sites.csv", Self.sites), (.settlements, "settlements.geojson", Self.settlements),
                                    (.districts, "districts.geojson", Self.districts)] {
            _ = try portal.importFeatures(ImportRequest(layer: layer, path: try folder.write(name, text)))
        }
    }

    /// The configuration the tests serve with (links on http://qamtu.test).
    var configuration: ServerConfiguration {
        ServerConfiguration(databasePath: path, host: "127.0.0.1", port: 0, baseURL: "http://qamtu.test/", poolSize: 2)
    }

    /// Runs `body` with a client of the router (no socket).
    func withClient(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "qamtu.test")
        logger.logLevel = .warning
        let app = try await QamtuServerApplication.build(configuration, logger: logger)
        try await app.test(.router) { client in try await body(client) }
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body parsed as a JSON object.
    func json() throws -> [String: Any] {
        let data = Data(text.utf8)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}

/// The `href` of the first link with `rel` (and `type`, when given).
func link(_ document: [String: Any], rel: String, type: String? = nil) -> String? {
    let links = document["links"] as? [[String: Any]] ?? []
    return links.first { $0["rel"] as? String == rel && (type == nil || $0["type"] as? String == type) }?["href"] as? String
}

/// The ids of the features of a FeatureCollection, in order.
func featureIds(_ document: [String: Any]) -> [String] {
    (document["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
}
