import Foundation
import GeoModel
import Hummingbird
import HummingbirdTesting
import NIOCore
import Logging
import PortalCore
import QamtuServer
import QamtuTestSupport

/// A portal file for the analysis endpoints (EPSG:4326, lon/lat):
/// - roads: `r1` (A-2 Shakpakata–Otar) along the meridian 71° E from 43.0° N to 43.4° N (a
///   geodesic, about 44.4 km); `r2` and `r3`, two roads both named `Kordai road` (an ambiguous
///   name).
/// - sites: `m1` Kcell 4G 5 km at 71.01, 43.1 (about 0.8 km east of the road at km 11.1); `m2`
///   Beeline 4G 5 km at 70.98, 43.3 (1.6 km west, km 33.3); `m3` Kcell 3G 8 km at 71.2, 43.2 (16 km
///   away); `m4` Beeline 4G 6 km planned for 2026 on the road at 43.38; `m5` Tele2 5G 3 km far east.
/// - settlements: `v1` Aqsu (served by m1's 4G), `v2` Beskol (underserved: m3's 3G), `v3` Zhana
///   (unserved, district d2), `v4` Taraz (fibre since 2010, served), `v5` Kokterek (unserved in
///   2025; served by the planned m4 in the planned scenario of 2026).
/// - commitments: Kcell 4G for v1 (done 2024) and v5 (planned 2026); Kazakhtelecom fibre for v4
///   (done 2010).
final class AnalysisFixture: @unchecked Sendable {
    let folder: TemporaryFolder
    let path: String

    static let roads = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"LineString","coordinates":[[71.0,43.0],[71.0,43.4]]},"properties":{"id":"r1","ref":"A-2","name":"Shakpakata–Otar","category":"national"}},
        {"type":"Feature","geometry":{"type":"LineString","coordinates":[[72.0,43.0],[72.0,43.1]]},"properties":{"id":"r2","ref":"R-10","name":"Kordai road","category":"local"}},
        {"type":"Feature","geometry":{"type":"LineString","coordinates":[[72.5,43.0],[72.5,43.1]]},"properties":{"id":"r3","ref":"R-11","name":"Kordai road","category":"local"}}
        ]}
        """

    static let sites = """
        id,name,kind,operator,technologies,range_m,status,planned_year,lon,lat
        m1,North mast,base_station,Kcell,4G,5000,operational,,71.01,43.1
        m2,South mast,base_station,Beeline,4G,5000,operational,,70.98,43.3
        m3,Far mast,base_station,Kcell,3G,8000,operational,,71.2,43.2
        m4,Planned mast,base_station,Beeline,4G,6000,planned,2026,71.0,43.38
        m5,East mast,base_station,Tele2,5G,3000,operational,,74.5,44.5
        """

    static let settlements = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.01,43.11]},"properties":{"id":"v1","name":"Aqsu","kind":"village","population":500,"district":"d1"}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.2,43.21]},"properties":{"id":"v2","name":"Beskol","kind":"village","population":300,"district":"d1"}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[73.5,44.0]},"properties":{"id":"v3","name":"Zhana","kind":"hamlet","population":50,"district":"d2"}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.0,43.29]},"properties":{"id":"v4","name":"Taraz","kind":"city","population":300000,"district":"d1","fibre":"connected","fibre_year":2010}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[70.99,43.38]},"properties":{"id":"v5","name":"Kokterek","kind":"village","population":800,"district":"d1"}}
        ]}
        """

    static let commitments = """
        id,programme,party,technology,target_layer,target_id,planned_year,done_year
        c1,Accessible Internet,Kcell,4G,settlements,v1,2024,2024
        c2,Accessible Internet,Kcell,4G,settlements,v5,2026,
        c3,Fibre programme,Kazakhtelecom,fibre,settlements,v4,2010,2010
        """

    init() throws {
        folder = try TemporaryFolder()
        path = folder.path("analysis.sqlite")
        let portal = Portal(store: try SpatiaLiteStore.initialise(at: path).store)
        for (layer, name, text) in [(LayerSchema.roads, "roads.geojson", Self.roads), (.sites, "sites.csv", Self.sites),
                                    (.settlements, "settlements.geojson", Self.settlements),
                                    (.commitments, "commitments.csv", Self.commitments)] {
            _ = try portal.importFeatures(ImportRequest(layer: layer, path: try folder.write(name, text)))
        }
    }

    /// The core over the same file (for expected outputs written by the core's writers).
    func portal() throws -> Portal { Portal(store: try SpatiaLiteStore.open(at: path)) }

    /// Runs `body` with a client of the router (no socket).
    func withClient(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "qamtu.test")
        logger.logLevel = .warning
        let configuration = ServerConfiguration(databasePath: path, host: "127.0.0.1", port: 0, baseURL: "http://qamtu.test/",
                                                poolSize: 2)
        let app = try await QamtuServerApplication.build(configuration, logger: logger)
        try await app.test(.router) { client in try await body(client) }
    }
}

extension TestResponse {
    /// The body parsed as ordered JSON.
    func parsed() throws -> JSONValue { try JSONParser.parse(Array(buffer: body)) }
}
