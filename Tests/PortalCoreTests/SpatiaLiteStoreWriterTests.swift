import Foundation
import GeoModel
import Geodesy
import PortalCore
import QamtuTestSupport
import Testing

/// A writable SpatiaLite store opens its one connection without SpatiaLite and loads it when a
/// call first needs it: after an import that did without, a call with spatial SQL still works.
@Suite("SpatiaLite store: spatial SQL on a writer when it is first needed")
struct SpatiaLiteStoreWriterTests {
    @Test func aBoundingBoxOfPolygonsAfterAnImportOfPoints() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("portal.sqlite")
        _ = try SpatiaLiteStore.initialise(at: path)
        let districts = try folder.write("d.geojson", StoreFixture.districts)
        let settlements = try folder.write("s.geojson", StoreFixture.settlements)
        do {
            // Districts first, in a store of their own (their import loads SpatiaLite).
            let portal = Portal(store: try SpatiaLiteStore.open(at: path, readOnly: false))
            _ = try portal.importFeatures(ImportRequest(layer: .districts, path: districts))
        }
        let store = try SpatiaLiteStore.open(at: path, readOnly: false)
        let portal = Portal(store: store)
        let report = try portal.importFeatures(ImportRequest(layer: .settlements, path: settlements)).report
        #expect(report.imported == 6 && report.districtsAssigned == 0)
        // ST_Intersects with the box: d1 (70.5–71.2°E) and d2 (71.2–73°E) both reach 71.1–71.3°E.
        let box = BoundingBox(minLongitude: 71.1, minLatitude: 43.0, maxLongitude: 71.3, maxLatitude: 43.1)
        #expect(try store.features(ExportQuery(layer: .districts, bbox: box)).map(\.id) == ["d1", "d2"])
        let west = BoundingBox(minLongitude: 70.6, minLatitude: 43.0, maxLongitude: 70.7, maxLatitude: 43.1)
        #expect(try store.count(ExportQuery(layer: .districts, bbox: west)) == 1)
    }
}
