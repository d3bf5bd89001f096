import Coverage
import Foundation
import GeoModel
@testable import PortalCore
import PostGISStorage
import QamtuTestSupport
import Testing

/// The PostGIS store's site pack (`qamtu_site_pack`): built by an import of sites into an empty
/// layer, emptied by any other write to `sites` through SQL, and read by the coverage exactly as
/// the table would be (the same sites, the same answers).
@Suite("PostGIS site pack", .requires(PostGISTestServer.prerequisite))
struct PostGISSitePackTests {
    /// The sites the coverage reads, without the spatial rank (a hint only the pack keeps).
    static func sites(_ store: PostGISStore) throws -> [CoverageSite] {
        try store.coverageSource().loadSites().map { site in
            var plain = site
            plain.spatialRank = nil
            return plain
        }
    }

    /// The coverage of every settlement.
    static func coverage(_ portal: Portal) throws -> [SettlementCoverage] {
        try portal.coverage(AnalysisRequest(asOfYear: 2026)).result.entries
    }

    @Test func anImportBuildsThePackAndTheCoverageReadsTheSameFromPackAndTable() throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(.postGIS, in: folder)
        let store = try #require(portal.store as? PostGISStore)
        let pack = try #require(try store.database.sitePack())
        #expect(pack.chunkRows.reduce(0, +) == 8)
        let fromPack = try Self.sites(store)
        let ranked = try store.coverageSource().loadSites()
        #expect(ranked.allSatisfy { $0.spatialRank != nil })
        let answers = try Self.coverage(portal)
        // Emptied (as a trigger would): the table is read, with the same sites and answers.
        try store.database.executeForTests("DELETE FROM qamtu_site_pack")
        #expect(try store.database.sitePack() == nil)
        #expect(try Self.sites(store) == fromPack)
        #expect(try Self.coverage(portal) == answers)
    }

    @Test(arguments: [
        "INSERT INTO sites (id, kind, status, geom) VALUES ('x9', 'base_station', 'operational', ST_SetSRID(ST_MakePoint(71, 43), 4326))",
        "UPDATE sites SET range_m = 7000 WHERE id = 't1'",
        "UPDATE sites SET range_m = range_m WHERE false",
        "DELETE FROM sites WHERE id = 't8'",
        "TRUNCATE sites",
    ])
    func anyOtherWriteToSitesEmptiesThePack(statement: String) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(.postGIS, in: folder)
        let store = try #require(portal.store as? PostGISStore)
        #expect(try store.database.sitePack() != nil)
        try store.database.executeForTests(statement)
        #expect(try store.database.sitePack() == nil)
        // The coverage reads the table, changed as it is.
        let expected = try Self.sites(store)
        #expect(expected.count == (statement.hasPrefix("TRUNCATE") ? 0 : statement.hasPrefix("INSERT") ? 9
                                   : statement.hasPrefix("DELETE") ? 7 : 8))
    }

    @Test func aReplacingImportRebuildsThePackAndAnAppendingOneLeavesItEmpty() throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(.postGIS, in: folder)
        let store = try #require(portal.store as? PostGISStore)
        let more = try folder.write("more.csv", "id,kind,status,lon,lat\nz1,base_station,operational,71.3,43.3\n")
        _ = try portal.importFeatures(ImportRequest(layer: .sites, path: more))
        #expect(try store.database.sitePack() == nil)
        let appended = try Self.sites(store)
        #expect(appended.count == 9)
        let again = try folder.write("again.csv", StoreFixture.sites)
        _ = try portal.importFeatures(ImportRequest(layer: .sites, path: again, options: ImportOptions(replace: true)))
        #expect(try store.database.sitePack()?.chunkRows.reduce(0, +) == 8)
        // A dry run changes nothing, the pack included.
        _ = try portal.importFeatures(ImportRequest(layer: .sites, path: again, options: ImportOptions(replace: true, dryRun: true)))
        #expect(try store.database.sitePack()?.chunkRows.reduce(0, +) == 8)
    }

    @Test func aFailedImportKeepsNothingAndReportsItsProblems() throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(.postGIS, in: folder)
        let store = try #require(portal.store as? PostGISStore)
        let before = try Self.sites(store)
        let bad = try folder.write("bad.csv", "id,kind,status,lon,lat\nq1,base_station,operational,71.3,43.3\nq2,spaceship,operational,71,43\n")
        #expect(throws: (any Error).self) {
            _ = try portal.importFeatures(ImportRequest(layer: .sites, path: bad, options: ImportOptions(replace: true)))
        }
        #expect(try Self.sites(store) == before)
        #expect(try store.database.sitePack() != nil)
    }
}
