import Foundation
import GRDB
import GeoModel
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// A writer opened without SpatiaLite (`spatialSQL: false`) loads it when an import needs it,
/// and an append of points does without: every kind of import still works and gives what it
/// gives on a connection with SpatiaLite from the start.
@Suite("Import: SpatiaLite loaded only when a statement needs it")
struct SpatialSQLLoadingTests {
    static let settlements = """
        id,name,kind,district,lon,lat
        s1,One,village,,70.5,42.5
        s2,Two,village,,71.5,42.5

        """

    static let districts = """
        id,name,wkt
        west,West,"MULTIPOLYGON(((70 42,71 42,71 43,70 43,70 42)))"

        """

    /// A new portal file; the fixture's own connection (with SpatiaLite) is not used again.
    static func newFile() throws -> (folder: TemporaryFolder, path: String) {
        let fixture = try Fixture()
        return (fixture.folder, fixture.folder.path("portal.sqlite"))
    }

    /// Imports `text` into `layer` through `portal`.
    @discardableResult
    static func importText(_ portal: PortalDatabase, _ folder: TemporaryFolder, _ layer: LayerSchema, _ name: String, _ text: String,
                           options: ImportOptions = ImportOptions()) throws -> ImportReport {
        let path = try folder.write(name, text)
        let source = try InputFormat.detect(path: path, displayName: name).openSource(path: path, displayName: name, layer: layer, options: SourceOptions())
        return try portal.importFeatures(from: source, into: layer, fileName: name, options: options)
    }

    /// The settlements as id, district and the point's text (SpatiaLite's `AsText`), by id.
    static func settlementRows(_ path: String) throws -> [String] {
        let check = try PortalDatabase.open(at: path)
        return try check.read { db in
            try Row.fetchAll(db, sql: "SELECT id, district, AsText(geom) FROM settlements ORDER BY id").map { "\($0)" }
        }
    }

    @Test func anAppendOfPointsDoesNotLoadSpatiaLite() throws {
        let (folder, path) = try Self.newFile()
        let portal = try PortalDatabase.open(at: path, spatialSQL: false)
        #expect(portal.spatialSQL.isLoaded == false)
        let report = try Self.importText(portal, folder, .settlements, "s.csv", Self.settlements)
        #expect(report.imported == 2 && report.districtsAssigned == 0)
        #expect(portal.spatialSQL.isLoaded == false)
        #expect(try Self.settlementRows(path) == [#"[id:"s1" district:NULL AsText(geom):"POINT(70.5 42.5)"]"#,
                                                  #"[id:"s2" district:NULL AsText(geom):"POINT(71.5 42.5)"]"#])
        // SpatiaLite's own check of the index the import filled without it.
        try portal.loadSpatialSQL()
        #expect(portal.spatialSQL.isLoaded)
        let check = try portal.read { db in try Int.fetchOne(db, sql: "SELECT CheckSpatialIndex('settlements', 'geom')") }
        #expect(check == 1)
    }

    @Test func districtsUpsertsReplacementsAndCommitmentsLoadIt() throws {
        let (folder, path) = try Self.newFile()
        do {
            // Settlements after districts: their districts are assigned by ST_Intersects.
            let portal = try PortalDatabase.open(at: path, spatialSQL: false)
            try Self.importText(portal, folder, .districts, "d.csv", Self.districts)
            #expect(portal.spatialSQL.isLoaded)
        }
        do {
            let portal = try PortalDatabase.open(at: path, spatialSQL: false)
            let report = try Self.importText(portal, folder, .settlements, "s.csv", Self.settlements)
            #expect(report.districtsAssigned == 1)
            #expect(portal.spatialSQL.isLoaded)
        }
        do {
            // An upsert fires SpatiaLite's update triggers.
            let portal = try PortalDatabase.open(at: path, spatialSQL: false)
            let moved = "id,name,kind,lon,lat\ns2,Two,village,70.25,42.75\n"
            let report = try Self.importText(portal, folder, .settlements, "m.csv", moved, options: ImportOptions(upsert: true))
            #expect(report.updated == 1 && report.districtsAssigned == 1)
            #expect(portal.spatialSQL.isLoaded)
        }
        #expect(try Self.settlementRows(path) == [#"[id:"s1" district:"west" AsText(geom):"POINT(70.5 42.5)"]"#,
                                                  #"[id:"s2" district:"west" AsText(geom):"POINT(70.25 42.75)"]"#])
        do {
            // A replacement deletes through SpatiaLite's delete triggers.
            let portal = try PortalDatabase.open(at: path, spatialSQL: false)
            let report = try Self.importText(portal, folder, .settlements, "r.csv", "id,name,lon,lat\nr1,New,75,45\n", options: ImportOptions(replace: true))
            #expect(report.replaced == 2 && report.imported == 1)
            #expect(portal.spatialSQL.isLoaded)
        }
        do {
            // Commitments are placed at their targets by SpatiaLite's functions.
            let portal = try PortalDatabase.open(at: path, spatialSQL: false)
            let csv = "id,programme,party,technology,target_layer,target_id,planned_year\nc1,Fibre,Kazakhtelecom,fibre,settlements,r1,2026\n"
            let report = try Self.importText(portal, folder, .commitments, "c.csv", csv)
            #expect(report.imported == 1 && report.unresolvedCommitments == 0)
            #expect(portal.spatialSQL.isLoaded)
            let placed = try portal.read { db in try String.fetchOne(db, sql: "SELECT AsText(geom) FROM commitments") }
            #expect(placed == "POINT(75 45)")
        }
        let check = try PortalDatabase.open(at: path)
        for layer in ["settlements", "districts"] {
            #expect(try check.read { db in try Int.fetchOne(db, sql: "SELECT CheckSpatialIndex(?, 'geom')", arguments: [layer]) } == 1)
        }
    }
}
