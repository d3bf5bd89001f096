import Foundation
import GeoModel
import PortalCore
import QamtuTestSupport
import Testing

/// The stores every store test runs against: in memory, a SpatiaLite file, and PostGIS when
/// `QAMTU_TEST_POSTGRES_URL` names a server (`Scripts/test.sh` starts a private one). Without it
/// the PostGIS case is left out (``PostGISTestServer/isAvailableTest()`` shows the skip), except
/// with `CI=true`, where it stays in and fails for want of the server.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, spatiaLite, postGIS

    /// The kinds this run tests (see the type's documentation).
    static var allCases: [StoreKind] {
        PostGISTestServer.prerequisite.shouldRun ? [.memory, .spatiaLite, .postGIS] : [.memory, .spatiaLite]
    }

    var testDescription: String { rawValue }
}

/// A small region near Taraz (EPSG:4326, lon/lat order everywhere), written as GeoJSON and CSV
/// files and imported through the core into a fresh store of each kind.
///
/// Settlements: s1 Aqsu (71.00, 43.00), s2 Berik (71.10, 43.00, fibre since 2020), s3 Kokterek
/// (71.50, 43.20, fibre planned 2026), s4 Taraz (71.37, 42.90), s5 Zhana (72.50, 43.80, far from
/// every site), s6 Aqsu hamlet (71.05, 43.40). Sites: t1 Kcell 4G 5 km at 71.01,43.00; t2 Beeline
/// 4G planned for 2026, 4 km, at 71.50,43.21; t3 Tele2 3G 8 km and t4 Kcell 5G 1 km by Taraz; t5 a
/// fibre node; t6 retired Altel 4G at Zhana; t7 Kcell 4G 6 km at 71.2,43.12 and t8 Beeline 4G
/// planned for 2026, 6 km, at 71.6,43.08 near the road T-1 through (70.8, 43.1), (71.2, 43.1),
/// (71.6, 43.1) and (71.8, 43.1): each mast stands 0.02° from a vertex.
enum StoreFixture {
    static let settlements = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.0,43.0]},"properties":{"id":"s1","name":"Aqsu","kind":"village","population":5000,"district":"d1","fibre":"none"}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.1,43.0]},"properties":{"id":"s2","name":"Berik","kind":"village","population":800,"district":"d1","fibre":"connected","fibre_year":2020}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.5,43.2]},"properties":{"id":"s3","name":"Kokterek","name_ru":"Коктерек","kind":"village","population":1200,"district":"d2","fibre":"planned","fibre_year":2026}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.37,42.9]},"properties":{"id":"s4","name":"Taraz","name_kk":"Тараз","kind":"city","population":300000,"district":"d2","fibre":"none"}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[72.5,43.8]},"properties":{"id":"s5","name":"Zhana","kind":"village","population":150,"district":"d2"}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.05,43.4]},"properties":{"id":"s6","name":"Aqsu","kind":"hamlet","population":50,"district":"d1"}}
        ]}
        """

    static let sites = """
        id,name,kind,operator,technologies,range_m,status,planned_year,lon,lat
        t1,Aqsu mast,base_station,Kcell,4G,5000,operational,,71.01,43.0
        t2,Kokterek mast,base_station,Beeline,4G,4000,planned,2026,71.5,43.21
        t3,Taraz 3G,base_station,Tele2,3G,8000,operational,,71.37,42.91
        t4,Taraz 5G,base_station,Kcell,5G,1000,operational,,71.372,42.902
        t5,Berik node,fibre_node,Kazakhtelecom,fibre,,operational,,71.1,43.0
        t6,Zhana old,base_station,Altel,4G,6000,retired,,72.5,43.8
        t7,Road west,base_station,Kcell,4G,6000,operational,,71.2,43.12
        t8,Road east,base_station,Beeline,4G,6000,planned,2026,71.6,43.08
        """

    static let districts = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[70.5,42.8],[71.2,42.8],[71.2,43.5],[70.5,43.5],[70.5,42.8]]]},"properties":{"id":"d1","name":"West"}},
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[71.2,42.8],[73,42.8],[73,44],[71.2,44],[71.2,42.8]]]},"properties":{"id":"d2","name":"East"}}
        ]}
        """

    static let roads = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"LineString","coordinates":[[70.8,43.1],[71.2,43.1],[71.6,43.1],[71.8,43.1]]},"properties":{"id":"r1","ref":"T-1","name":"Test highway","category":"regional"}}
        ]}
        """

    static let institutions = """
        id,name,kind,settlement_id,connection,lon,lat
        i1,School 1,school,s1,satellite,71.0005,43.0005
        i2,School 2,school,s2,fibre,71.1005,43.0005
        """

    /// Two services (a layer without geometry), with a `;`-list, Cyrillic and a comma in a value.
    static let services = """
        id,name,name_kk,name_ru,provider,kind,days_allowed,documents
        svc-w,Water connection,Су құбырына қосылу,Подключение к водопроводу,"Water, Ltd",water,15,identity document;site plan
        svc-e,Electricity connection,,,Power Grid,electricity,10,
        """

    /// A fresh, empty store of `kind`: a new file in `folder`, or a new PostGIS database.
    static func emptyStore(_ kind: StoreKind, in folder: TemporaryFolder, name: String = "fixture") throws -> any PortalStore {
        switch kind {
        case .memory: MemoryStore()
        case .spatiaLite: try SpatiaLiteStore.initialise(at: folder.path("\(name).sqlite")).store
        case .postGIS: try PostGISTestServer.freshStore()
        }
    }

    /// A fresh store of `kind` with the fixture's layers; the folder holds its files.
    static func store(_ kind: StoreKind, in folder: TemporaryFolder) throws -> Portal {
        let portal = Portal(store: try emptyStore(kind, in: folder))
        let files: [(LayerSchema, String, String)] = [
            (.settlements, "settlements.geojson", settlements), (.districts, "districts.geojson", districts), (.sites, "sites.csv", sites),
            (.roads, "roads.geojson", roads), (.institutions, "institutions.csv", institutions), (.services, "services.csv", services),
        ]
        for (layer, name, text) in files {
            _ = try portal.importFeatures(ImportRequest(layer: layer, path: try folder.write(name, text)))
        }
        return portal
    }
}
