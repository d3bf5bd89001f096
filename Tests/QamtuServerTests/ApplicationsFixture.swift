import Foundation
import Geodesy
import GeoModel
import Hummingbird
import HummingbirdTesting
import Logging
import PortalCore
import PostGISStorage
import QamtuServer
import QamtuTestSupport

/// A portal file (or PostGIS database) for the service applications over HTTP (EPSG:4326, lon/lat): three services of
/// two providers (water: `svc-water`, `svc-sewer`; power: `svc-power`), two settlements, two
/// districts (West 70.5–71.2° E, East 71.2–72.0° E, both 42.8–43.5° N), and six users with their
/// tokens: the applicants ``owner`` and ``otherApplicant``, the providers ``waterStaff`` and
/// ``powerStaff``, the admin ``office``, and ``former``, an applicant whose token is revoked.
///
/// The fixture's own `Portal` and ledger live only in `init` (and in ``revoke(_:)``): the
/// server opens the file afterwards, as `qamtu serve --writable` would.
final class ApplicationsFixture: @unchecked Sendable {
    let folder: TemporaryFolder
    let path: String
    /// Each user's token, by user name.
    let tokens: [String: String]

    static let waterProvider = "Aulie-Ata Water Utility"
    static let powerProvider = "Talas Valley Power Networks"

    static let owner = "aigerim"
    static let otherApplicant = "boris"
    static let waterStaff = "water-staff"
    static let powerStaff = "power-staff"
    static let office = "office"
    static let former = "former"

    static let services = """
        id,name,name_kk,name_ru,provider,kind,days_allowed,documents
        svc-water,Connection to the water supply network,Сумен жабдықтау желісіне қосылу,Подключение к сетям водоснабжения,Aulie-Ata Water Utility,water,15,identity document;title deed
        svc-sewer,Connection to the sewerage network,Су бұру желісіне қосылу,Подключение к сетям водоотведения,Aulie-Ata Water Utility,sewerage,20,identity document
        svc-power,Connection to the electricity grid,Электр желісіне қосылу,Подключение к электрическим сетям,Talas Valley Power Networks,electricity,10,identity document;site plan
        """

    static let settlements = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.0,43.0]},"properties":{"id":"s1","name":"Aqsu","kind":"village","population":5000}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.37,42.9]},"properties":{"id":"s2","name":"Taraz","name_kk":"Тараз","kind":"city","population":300000}}
        ]}
        """

    static let districts = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[70.5,42.8],[71.2,42.8],[71.2,43.5],[70.5,43.5],[70.5,42.8]]]},"properties":{"id":"d1","name":"West"}},
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[71.2,42.8],[72.0,42.8],[72.0,43.5],[71.2,43.5],[71.2,42.8]]]},"properties":{"id":"d2","name":"East"}}
        ]}
        """

    /// A point in West near Aqsu (s1), one in East near Taraz (s2), and one outside both districts.
    static let west = GeoPoint(longitude: 71.0123, latitude: 43.0045)
    static let east = GeoPoint(longitude: 71.3712, latitude: 42.9031)
    static let outside = GeoPoint(longitude: 75.25, latitude: 45.5)

    /// The fixture in a SpatiaLite file, or (`.postGIS`) in a new database on the test server,
    /// whose URL is then ``path``.
    init(_ kind: LedgerKind = .spatiaLite) throws {
        folder = try TemporaryFolder()
        let portal: Portal
        switch kind {
        case .spatiaLite:
            path = folder.path("applications.sqlite")
            portal = Portal(store: try SpatiaLiteStore.initialise(at: path).store,
                            ledger: try SpatiaLiteStore.openLedger(at: path, concurrent: false))
        case .postGIS:
            let server = try PostgresLocation(parsing: try postGISTestServer.require())
            path = try PostGISDatabase.createScratchDatabase(on: server).description
            let store = try PostGISStore.initialise(url: path)
            portal = Portal(store: store, ledger: store.ledger)
        }
        for (layer, name, text) in [(LayerSchema.services, "services.csv", Self.services),
                                    (.settlements, "settlements.geojson", Self.settlements),
                                    (.districts, "districts.geojson", Self.districts)] {
            _ = try portal.importFeatures(ImportRequest(layer: layer, path: try folder.write(name, text)))
        }
        var tokens: [String: String] = [:]
        for (name, role, organisation) in [(Self.owner, UserRole.applicant, nil), (Self.otherApplicant, .applicant, nil),
                                           (Self.waterStaff, .provider, Self.waterProvider),
                                           (Self.powerStaff, .provider, Self.powerProvider),
                                           (Self.office, .admin, nil), (Self.former, .applicant, nil)] as [(String, UserRole, String?)] {
            tokens[name] = try portal.addUser(name: name, role: role, organisation: organisation).token
        }
        _ = try portal.revokeUser(name: Self.former)
        self.tokens = tokens
    }

    /// The token of user `name` (one of the fixture's).
    func token(_ name: String) -> String { tokens[name] ?? "" }

    /// The configuration the tests serve with: writable, links on http://qamtu.test, and a limit
    /// of failed sign-ins high enough for the tests that present bad tokens on purpose.
    var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(databasePath: path, host: "127.0.0.1", port: 0, baseURL: "http://qamtu.test/", poolSize: 2)
        configuration.writable = true
        configuration.maximumFailedSignIns = 1000
        return configuration
    }

    /// Runs `body` with a client of the router (no socket), the server built from
    /// ``configuration`` changed by `adjust` and logging to `logger` (warnings only by default).
    func withClient(logger: Logger? = nil, adjust: (inout ServerConfiguration) -> Void = { _ in },
                    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var configuration = self.configuration
        adjust(&configuration)
        let logger = logger ?? {
            var quiet = Logger(label: "qamtu.test")
            quiet.logLevel = .warning
            return quiet
        }()
        let app = try await QamtuServerApplication.build(configuration, logger: logger)
        try await app.test(.router) { client in try await body(client) }
    }

    /// Revokes user `name` through the core, as `qamtu users revoke` does (a ledger of its own
    /// on the file the server has open).
    func revoke(_ name: String) throws {
        let portal: Portal
        if PostGISStore.isURL(path) {
            let store = try PostGISStore.open(url: path, readOnly: false, connections: 1)
            portal = Portal(store: store, ledger: store.ledger)
        } else {
            portal = Portal(store: try SpatiaLiteStore.open(at: path), ledger: try SpatiaLiteStore.openLedger(at: path, concurrent: false))
        }
        _ = try portal.revokeUser(name: name)
    }
}
