import Foundation
import GRDB
import GeoModel
import GeoStorage
import Geodesy
import PortalCore
import PostGISStorage
import QamtuTestSupport

/// A portal file for the service applications (issue 17): created by
/// `SpatiaLiteStore.initialise`, with two services imported from CSV through
/// `Portal.importFeatures`, the districts West (70.5–71.2° E) and East (71.2–73° E) and the
/// settlements of ``StoreFixture``, and its ledger from `SpatiaLiteStore.openLedger`.
///
/// Services: `svc-water` (Aulie-Ata Water Utility, 10 days allowed) and `svc-power` (Talas
/// Valley Power Networks, 5 days allowed).
enum ApplicationFixture {
    static let services = """
        id,name,name_kk,name_ru,provider,kind,days_allowed,documents
        svc-water,Connection to the water supply network,Сумен жабдықтау желісіне қосылу,Подключение к сетям водоснабжения,Aulie-Ata Water Utility,water,10,identity document;site plan
        svc-power,Technical conditions for an electricity connection,,,Talas Valley Power Networks,electricity,5,identity document
        """

    /// A valid IIN (900101300126: its check digit is worked out in `ApplicationModelTests`).
    static let iin = "900101300126"

    /// An applicant with valid details.
    static let applicant = ApplicantDetails(name: "Test Applicant", iin: iin, phone: "+77011234567", email: "applicant@example.kz")

    /// The file's name in its folder.
    static let fileName = "applications.sqlite"

    /// A fresh portal file in `folder` with the fixture's layers, and the core over it with its
    /// ledger (`concurrent`: WAL and group commit, as the server opens it).
    static func portal(in folder: TemporaryFolder, concurrent: Bool = false) throws -> (portal: Portal, path: String) {
        let path = folder.path(fileName)
        do {
            // The loader's connection closes at the end of this scope, before the ledger opens
            // the file (the server too opens the ledger first).
            let loader = Portal(store: try SpatiaLiteStore.initialise(at: path).store)
            let layers: [(LayerSchema, String, String)] = [
                (.services, "services.csv", services), (.districts, "districts.geojson", StoreFixture.districts),
                (.settlements, "settlements.geojson", StoreFixture.settlements),
            ]
            for (layer, name, text) in layers {
                _ = try loader.importFeatures(ImportRequest(layer: layer, path: try folder.write(name, text)))
            }
        }
        let ledger = try SpatiaLiteStore.openLedger(at: path, concurrent: concurrent)
        let store = try SpatiaLiteStore.open(at: path, readOnly: true)
        return (Portal(store: store, ledger: ledger), path)
    }

    /// The fixture's portal with a ledger of `kind`: a file in `folder` (its path), or a new
    /// PostGIS database (its URL, which may hold the test server's password: never print it).
    static func portal(_ kind: LedgerKind, in folder: TemporaryFolder, concurrent: Bool = false) throws -> (portal: Portal, path: String) {
        switch kind {
        case .spatiaLite: return try portal(in: folder, concurrent: concurrent)
        case .postGIS:
            let url = try PostGISTestServer.freshURL()
            let store = try PostGISStore.initialise(url: url)
            let loader = Portal(store: store)
            let layers: [(LayerSchema, String, String)] = [
                (.services, "services.csv", services), (.districts, "districts.geojson", StoreFixture.districts),
                (.settlements, "settlements.geojson", StoreFixture.settlements),
            ]
            for (layer, name, text) in layers {
                _ = try loader.importFeatures(ImportRequest(layer: layer, path: try folder.write(name, text)))
            }
            return (Portal(store: store, ledger: store.ledger), url)
        }
    }

    /// A submission of the fixture's applicant, at Aqsu (71.0, 43.0) in West unless told.
    static func new(service: String = "svc-water", at: String = "2026-03-02T09:15:00+05:00", owner: Int64? = nil,
                    note: String? = nil, actor: String = "applicant") -> NewApplication {
        NewApplication(serviceID: service, position: GeoPoint(longitude: 71.0, latitude: 43.0), applicant: applicant, note: note,
                       ownerNumber: owner, actor: actor, at: at, settlement: "s1", district: "West")
    }

    /// A plain connection to the file (no SpatiaLite): for counts, and for SQL the workflow never runs.
    static func queue(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The rows of `table` (a name of the fixture's own, never input) in the file at `path`, or
    /// in the PostGIS database at the URL `path`.
    static func count(_ path: String, _ table: String) throws -> Int {
        if PostGISStore.isURL(path) {
            return Int(try text(path, "SELECT count(*)::text FROM \"\(table)\"") ?? "") ?? -1
        }
        return try queue(path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\(table)\"") ?? -1 }
    }

    /// The first column of the first row of `sql` (a statement of the test's own) in the PostGIS
    /// database at `url`, as text.
    static func text(_ url: String, _ sql: String) throws -> String? {
        let database = try PostGISDatabase(location: try PostgresLocation(parsing: url), readOnly: false, connections: 1)
        defer { database.close() }
        return try database.textForTests(sql)
    }

    /// Runs `sql` (a statement of the test's own) in the file or the PostGIS database at `path`
    /// and returns the database's refusal, nil when it ran.
    static func refusal(_ path: String, _ sql: String) throws -> String? {
        if PostGISStore.isURL(path) {
            let database = try PostGISDatabase(location: try PostgresLocation(parsing: path), readOnly: false, connections: 1)
            defer { database.close() }
            do { try database.executeForTests(sql) } catch PostGISError.server(let message, _, _) { return message }
            return nil
        }
        do { try queue(path).write { db in try db.execute(sql: sql) } } catch let error as DatabaseError { return error.message }
        return nil
    }

    /// The portal's store opened for writing (a file or a PostGIS database at `path`).
    static func writableStore(_ path: String) throws -> any PortalStore {
        PostGISStore.isURL(path) ? try PostGISStore.open(url: path, readOnly: false) : try SpatiaLiteStore.open(at: path, readOnly: false)
    }

    /// One step of an imported history: `{"at", "by", "to", "note"}`.
    struct Step {
        var at: String
        var by: String
        var to: String
        var note: String?
    }

    /// A Feature of `qamtu applications import`: a submission at (`longitude`, `latitude`) with its events.
    static func feature(service: String, longitude: Double, latitude: Double, iin: String = iin, events: [Step]) -> String {
        let steps = events.map { step in
            #"{"at":"\#(step.at)","by":"\#(step.by)","to":"\#(step.to)","note":"# + (step.note.map { "\"\($0)\"" } ?? "null") + "}"
        }
        return #"{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(longitude),\#(latitude)]},"properties":{"#
            + #""service_id":"\#(service)","applicant_name":"Test Applicant","applicant_iin":"\#(iin)","#
            + #""applicant_phone":"8 (701) 123-45-67","applicant_email":null,"note":"a house","#
            + #""events":[\#(steps.joined(separator: ","))]}}"#
    }

    /// A FeatureCollection of `features`, as bytes.
    static func collection(_ features: [String]) -> [UInt8] {
        Array((#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",\n") + "]}").utf8)
    }
}
