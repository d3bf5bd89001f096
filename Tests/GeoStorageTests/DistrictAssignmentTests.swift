import Foundation
import GRDB
import GeoModel
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// Settlements' `district` follows the districts layer by point-in-polygon (issue 20, item 2).
@Suite("Import: settlements get their district by point-in-polygon")
struct DistrictAssignmentTests {
    /// Two boxes side by side: west 70–71°E, east 71–72°E, 42–43°N.
    static func districts(west: String, east: String) -> String {
        """
        id,name,wkt
        \(west),West,"MULTIPOLYGON(((70 42,71 42,71 43,70 43,70 42)))"
        \(east),East,"MULTIPOLYGON(((71 42,72 42,72 43,71 43,71 42)))"

        """
    }

    /// s1 in the west box, s2 in the east box, s3 outside both with an explicit district.
    static let settlements = """
        id,name,kind,district,lon,lat
        s1,One,village,,70.5,42.5
        s2,Two,village,,71.5,42.5
        s3,Three,village,old-east,75,42.5

        """

    static func districtColumn(_ fixture: Fixture) throws -> [String?] {
        try fixture.portal.queue.read { db in try String?.fetchAll(db, sql: "SELECT district FROM settlements ORDER BY id") }
    }

    @Test func replacingTheDistrictsReassignsEverySettlementInTheSameTransaction() throws {
        let fixture = try Fixture()
        try fixture.importText(.districts, "old.csv", Self.districts(west: "west", east: "old-east"))
        let first = try fixture.importText(.settlements, "s.csv", Self.settlements)
        #expect(first.districtsAssigned == 2)
        #expect(try Self.districtColumn(fixture) == ["west", "old-east", "old-east"])
        // The east district gets a new id: s2 moves to it by point-in-polygon, s3 (outside every
        // district) loses its reference to a district that no longer exists, s1 keeps its own.
        let replaced = try fixture.importText(.districts, "new.csv", Self.districts(west: "west", east: "new-east"),
                                              options: ImportOptions(replace: true))
        #expect(replaced.replaced == 2)
        #expect(replaced.districtsAssigned == 1)
        #expect(replaced.districtsCleared == 1)
        #expect(try Self.districtColumn(fixture) == ["west", "new-east", nil])
        let unknown = try fixture.portal.queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM settlements WHERE district IS NOT NULL AND district NOT IN (SELECT id FROM districts)")
        }
        #expect(unknown == 0)
    }

    @Test func aFailedReplaceLeavesTheSettlementsAsTheyWere() throws {
        let fixture = try Fixture()
        try fixture.importText(.districts, "old.csv", Self.districts(west: "west", east: "old-east"))
        try fixture.importText(.settlements, "s.csv", Self.settlements)
        let bad = Self.districts(west: "west", east: "new-east") + "broken,Broken,\"MULTIPOLYGON(((70 42,71 42)))\"\n"
        #expect(throws: ImportError.self) {
            try fixture.importText(.districts, "bad.csv", bad, options: ImportOptions(replace: true))
        }
        #expect(try Self.districtColumn(fixture) == ["west", "old-east", "old-east"])
    }

    @Test func aDryRunReplaceCountsButChangesNothing() throws {
        let fixture = try Fixture()
        try fixture.importText(.districts, "old.csv", Self.districts(west: "west", east: "old-east"))
        try fixture.importText(.settlements, "s.csv", Self.settlements)
        let report = try fixture.importText(.districts, "new.csv", Self.districts(west: "west", east: "new-east"),
                                            options: ImportOptions(replace: true, dryRun: true))
        #expect(report.districtsAssigned == 1)
        #expect(report.districtsCleared == 1)
        #expect(try Self.districtColumn(fixture) == ["west", "old-east", "old-east"])
    }

    /// Without `replace`, settlements with a district id not (yet) in the layer keep it: the
    /// districts it names may come in a later import.
    @Test func addingDistrictsKeepsReferencesToDistrictsStillToCome() throws {
        let fixture = try Fixture()
        try fixture.importText(.settlements, "s.csv", Self.settlements)
        let report = try fixture.importText(.districts, "d.csv", Self.districts(west: "west", east: "east"))
        #expect(report.districtsAssigned == 2)
        #expect(report.districtsCleared == 0)
        #expect(try Self.districtColumn(fixture) == ["west", "east", "old-east"])
    }
}
