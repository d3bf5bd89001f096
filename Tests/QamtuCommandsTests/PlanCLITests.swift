import Foundation
import GeoModel
import QamtuTestSupport
import Testing

/// `qamtu plan villages` and `qamtu coverage … --with-sites` through the built executable, each
/// test on a database of its own.
@Suite("plan villages and what-if (the built executable)")
struct PlanCLITests {
    /// Villages along the parallel 43° N (1° of longitude ≈ 81.4 km): v1 and v2 4.1 km apart, v3
    /// 8.1 km east of v2, v4 3.3 km east of v3; v5 far east, covered by the 4G site s5. Districts:
    /// v3 and v4 east, the others west.
    static let settlements = """
        id,name,kind,population,district,lon,lat
        v1,Alpha,village,1000,west,71.0000,43.0
        v2,Beta,village,600,west,71.0500,43.0
        v3,Gamma,village,500,east,71.1500,43.0
        v4,Delta,village,300,east,71.1900,43.0
        v5,Epsilon,village,900,west,72.0000,43.0

        """
    static let sites = """
        id,name,kind,operator,technologies,range_m,status,lon,lat
        s5,Site 5,base_station,Kcell,4G,5000,operational,72.0100,43.0

        """

    /// A database with the villages and the site, made through the CLI.
    static func database(in folder: TemporaryFolder) throws {
        try folder.write("settlements.csv", settlements)
        try folder.write("sites.csv", sites)
        #expect(try qamtu(["init", "--db", "plan.sqlite"], in: folder).status == 0)
        for layer in ["settlements", "sites"] {
            let result = try qamtu(["import", layer, "\(layer).csv", "--db", "plan.sqlite"], in: folder)
            #expect(result.status == 0, "\(layer): \(result.stderr)")
        }
    }

    /// The bytes of the database file and whether its WAL and shared-memory files exist.
    static func snapshot(_ folder: TemporaryFolder) throws -> (Data, Bool, Bool) {
        (try Data(contentsOf: URL(fileURLWithPath: folder.path("plan.sqlite"))),
         FileManager.default.fileExists(atPath: folder.path("plan.sqlite-wal")),
         FileManager.default.fileExists(atPath: folder.path("plan.sqlite-shm")))
    }

    static let proposed = """
        id,name,kind,operator,technologies,range_m,status,lon,lat
        P-1,Proposed 1,antenna_mast,Tele2,4G,3000,planned,71.0100,43.0

        """

    @Test func withSitesServesTheVillageAndNeverWritesTheDatabase() throws {
        let folder = try TemporaryFolder()
        try Self.database(in: folder)
        try folder.write("proposed.csv", Self.proposed)
        let before = try Self.snapshot(folder)
        let plain = try qamtu(["coverage", "--as-of", "2026", "--format", "csv", "--properties", "id,class", "--db", "plan.sqlite"], in: folder)
        #expect(plain.stdout.contains("v1,unserved,"))
        let listed = try qamtu(["coverage", "--with-sites", "proposed.csv", "--as-of", "2026", "--format", "csv",
                                "--properties", "id,class,reason", "--db", "plan.sqlite"], in: folder)
        #expect(listed.status == 0, "\(listed.stderr)")
        let v1 = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("v1,") })
        #expect(v1 == "v1,served,\"served by profile default (served = fibre or 4G/5G): no fibre recorded; 4G from 1 site (Tele2), "
            + "nearest P-1 at 815 m within 3000 m (explicit) (proposed)\",71.0,43.0")
        // v2 is 3.3 km from P-1: beyond its 3 km.
        #expect(listed.stdout.contains("\nv2,unserved,"))
        let diff = try qamtu(["coverage", "diff", "--with-sites", "proposed.csv", "--as-of", "2026", "--format", "csv",
                              "--properties", "id,population,class_from,class_to,reason", "--db", "plan.sqlite"], in: folder)
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout == """
            id,population,class_from,class_to,reason,lon,lat
            v1,1000,unserved,served,"unserved → served (as of 2026, with 1 proposed site): best mobile none → 4G: P-1 (Tele2, proposed) at 815 m",71.0,43.0

            """)
        #expect(diff.stderr == "1 settlement changes class as of 2026, with 1 proposed site; population gained per class: "
            + "served +1,000, underserved ±0, unserved −1,000\n")
        let json = try qamtu(["coverage", "diff", "--with-sites", "proposed.csv", "--as-of", "2026", "--db", "plan.sqlite"], in: folder)
        let meta = try #require(try JSONParser.parse(json.stdout)["qamtu"])
        #expect(meta["with_sites"] == .array([.string("P-1")]))
        #expect(meta["population_change"]?["served"] == .number(1_000))
        #expect(meta["population_change"]?["unserved"] == .number(-1_000))
        // Nothing was written: the same bytes, no journal left.
        let after = try Self.snapshot(folder)
        #expect(after.0 == before.0)
        #expect(after.1 == before.1 && after.2 == before.2)
        #expect(try qamtu(["export", "sites", "--format", "csv", "--db", "plan.sqlite"], in: folder).stdout
            .split(separator: "\n").count == 2)
    }

    @Test func aBadWithSitesFileGivesTheImportsMessageAndExitCode() throws {
        let folder = try TemporaryFolder()
        try Self.database(in: folder)
        try folder.write("bad.csv", """
            id,kind,technologies,status,lon,lat
            s5,base_station,4G,operational,71.0,43.0
            P-2,tower,4G,operational,71.0,43.0
            P-3,antenna_mast,4G,operational,71.0,95.0
            P-4,antenna_mast,4G,operational,71.0,43.0
            P-4,antenna_mast,4G,operational,71.0,43.1

            """)
        let before = try Self.snapshot(folder)
        let whatIf = try qamtu(["coverage", "--with-sites", "bad.csv", "--db", "plan.sqlite"], in: folder)
        let diff = try qamtu(["coverage", "diff", "--with-sites", "bad.csv", "--db", "plan.sqlite"], in: folder)
        #expect(try Self.snapshot(folder).0 == before.0)
        let imported = try qamtu(["import", "sites", "bad.csv", "--dry-run", "--db", "plan.sqlite"], in: folder)
        #expect(imported.status == 1)
        #expect(whatIf.status == imported.status)
        #expect(diff.status == imported.status)
        #expect(whatIf.stderr == imported.stderr)
        #expect(diff.stderr == imported.stderr)
        #expect(whatIf.stderr == """
            error: import of sites from bad.csv failed: 4 problems, nothing was written
              bad.csv:2: field 'id': 's5' is already used by a feature already in layer sites
              bad.csv:3: field 'kind': unknown value 'tower' (expected one of base_station, antenna_mast, fibre_node)
              bad.csv:4: field 'geometry': position 0 (71.0, 95.0) is outside the WGS84 range (longitude -180…180, latitude -90…90)
              bad.csv:6: field 'id': 'P-4' is already used by an earlier feature of this file

            """)
        #expect(whatIf.stdout.isEmpty)
    }

    @Test func budgetPlanServesTheMostPeopleWithExactValues() throws {
        let folder = try TemporaryFolder()
        try Self.database(in: folder)
        let before = try Self.snapshot(folder)
        let result = try qamtu(["plan", "villages", "--budget", "2", "--technology", "4G", "--range", "6km", "--as-of", "2026",
                                "--db", "plan.sqlite"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONParser.parse(result.stdout)
        let meta = try #require(json["qamtu"])
        #expect(meta["demand_settlements"] == .number(4))
        #expect(meta["demand_population"] == .number(2_400))
        #expect(meta["candidate_count"] == .number(5))
        #expect(meta["candidates"] == .string("settlements"))
        #expect(meta["budget"] == .number(2))
        #expect(meta["population"] == .number(2_400))
        #expect(meta["share"] == .number(1))
        #expect(meta["upper_bound"] == .number(2_400))
        #expect(meta["optimal"] == .bool(true))
        #expect(meta["range_m"] == .number(6_000))
        #expect(meta["objective"] == .string("maximise the population of the settlements without 4G served by at most 2 new masts of 6000 m"))
        guard case .array(let features)? = json["features"] else { Issue.record("no features"); return }
        #expect(features.count == 2)
        let first = try #require(features.first?["properties"])
        #expect(first["id"] == .string("proposed-1"))
        #expect(first["candidate_id"] == .string("v1"))
        #expect(first["settlements"] == .string("v1;v2"))
        #expect(first["settlement_names"] == .string("Alpha;Beta"))
        #expect(first["population"] == .number(1_600))
        #expect(first["cumulative_population"] == .number(1_600))
        #expect(first["cumulative_share"] == .number(0.666667))
        let second = try #require(features.last?["properties"])
        #expect(second["candidate_id"] == .string("v3"))
        #expect(second["settlements"] == .string("v3;v4"))
        #expect(second["population"] == .number(800))
        #expect(second["cumulative_share"] == .number(1))
        #expect(features.first?["geometry"]?["coordinates"] == .array([.number(71), .number(43)]))
        // The closing note: the population gained per mast.
        #expect(result.stderr.contains("  proposed-1  Alpha (v1)  +1,600 people in 2 settlements  (cumulative 1,600, 66.7%)\n"))
        #expect(result.stderr.contains("  proposed-2  Gamma (v3)  +800 people in 2 settlements  (cumulative 2,400, 100.0%)\n"))
        #expect(result.stderr.contains("2 new masts serve 2,400 of 2,400 people (100.0%).\n"))
        #expect(try Self.snapshot(folder).0 == before.0)
    }

    @Test func csvTableDistrictAndTargetShare() throws {
        let folder = try TemporaryFolder()
        try Self.database(in: folder)
        let csv = try qamtu(["plan", "villages", "--budget", "1", "--range", "6km", "--format", "csv", "--as-of", "2026",
                             "--db", "plan.sqlite"], in: folder)
        #expect(csv.stdout == """
            id,rank,candidate_id,candidate_name,technologies,range_m,settlements,settlement_names,settlement_count,population,cumulative_population,cumulative_share,lon,lat
            proposed-1,1,v1,Alpha,4G,6000.0,v1;v2,Alpha;Beta,2,1600,1600,0.666667,71.0,43.0

            """)
        let table = try qamtu(["plan", "villages", "--budget", "1", "--range", "6km", "--format", "table", "--as-of", "2026",
                               "--db", "plan.sqlite"], in: folder)
        #expect(table.stdout.hasPrefix("""
            mast        candidate         lon        lat  settlements  population  cumulative  share
            proposed-1  Alpha (v1)  71.000000  43.000000            2       1,600       1,600  66.7%
            """))
        #expect(table.stderr.isEmpty)
        let east = try qamtu(["plan", "villages", "--district", "east", "--budget", "1", "--range", "6km", "--format", "csv",
                              "--as-of", "2026", "--db", "plan.sqlite"], in: folder)
        #expect(east.stdout.split(separator: "\n").dropFirst().first == "proposed-1,1,v3,Gamma,4G,6000.0,v3;v4,Gamma;Delta,2,800,800,1.0,71.15,43.0")
        // 0.6 of 2,400 people: one mast (1,600); 0.7: two; 1 km masts reach only their own village: four.
        for (share, masts, range) in [("0.6", 1, "6km"), ("0.7", 2, "6km"), ("1", 4, "1km")] {
            let planned = try qamtu(["plan", "villages", "--target-share", share, "--range", range, "--as-of", "2026",
                                     "--db", "plan.sqlite"], in: folder)
            #expect(planned.status == 0, "\(planned.stderr)")
            let meta = try #require(try JSONParser.parse(planned.stdout)["qamtu"])
            #expect(meta["masts"] == .number(Double(masts)), "share \(share)")
            #expect(meta["optimal"] == .bool(true))
            #expect(meta["fewest_masts_lower_bound"] == .number(Double(masts)))
        }
    }

    @Test func gridAndFileCandidates() throws {
        let folder = try TemporaryFolder()
        try Self.database(in: folder)
        let grid = try qamtu(["plan", "villages", "--budget", "1", "--range", "6km", "--candidates", "grid:5km", "--as-of", "2026",
                              "--db", "plan.sqlite"], in: folder)
        #expect(grid.status == 0, "\(grid.stderr)")
        let json = try JSONParser.parse(grid.stdout)
        #expect(json["qamtu"]?["candidates"] == .string("grid:5000m"))
        // The extent 71°–72° E along 43° N: one row of points 5 km apart (81.4 km: 17 points).
        #expect(json["qamtu"]?["candidate_count"] == .number(17))
        guard case .array(let features)? = json["features"], let mast = features.first?["properties"] else {
            Issue.record("no mast"); return
        }
        // grid-1-1 (71°) and grid-1-2 (5 km east) both reach v1 and v2; the lower index wins.
        #expect(mast["candidate_id"] == .string("grid-1-1"))
        #expect(mast["population"] == .number(1_600))
        try folder.write("candidates.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"c1","name":"Hill"},"geometry":{"type":"Point","coordinates":[71.17,43.0]}},
            {"type":"Feature","properties":{"id":"c2"},"geometry":{"type":"Point","coordinates":[70.5,43.0]}}]}
            """)
        let file = try qamtu(["plan", "villages", "--budget", "2", "--range", "6km", "--candidates", "candidates.geojson",
                              "--format", "csv", "--as-of", "2026", "--db", "plan.sqlite"], in: folder)
        #expect(file.stdout == """
            id,rank,candidate_id,candidate_name,technologies,range_m,settlements,settlement_names,settlement_count,population,cumulative_population,cumulative_share,lon,lat
            proposed-1,1,c1,Hill,4G,6000.0,v3;v4,Gamma;Delta,2,800,800,0.333333,71.17,43.0

            """)
        try folder.write("bad.csv", "id,lon,lat\nc1,71,43\n,71,43\nc3,200,43\n")
        let bad = try qamtu(["plan", "villages", "--budget", "1", "--candidates", "bad.csv", "--db", "plan.sqlite"], in: folder)
        #expect(bad.status == 1)
        #expect(bad.stderr == """
            error: import of candidates from bad.csv failed: 2 problems, nothing was written
              bad.csv:3: field 'id': required value is missing
              bad.csv:4: field 'geometry': position 0 (200.0, 43.0) is outside the WGS84 range (longitude -180…180, latitude -90…90)

            """)
    }

    @Test func badOptionsAndUnreachableTargets() throws {
        let folder = try TemporaryFolder()
        try Self.database(in: folder)
        let none = try qamtu(["plan", "villages", "--db", "plan.sqlite"], in: folder)
        #expect(none.status == 64)
        #expect(none.stderr.hasPrefix("Error: give --budget N or --target-share SHARE\n"))
        let both = try qamtu(["plan", "villages", "--budget", "2", "--target-share", "0.5", "--db", "plan.sqlite"], in: folder)
        #expect(both.stderr.hasPrefix("Error: --budget and --target-share exclude each other\n"))
        let radio = try qamtu(["plan", "villages", "--budget", "2", "--band", "800", "--db", "plan.sqlite"], in: folder)
        #expect(radio.stderr.hasPrefix("Error: --band, --height and --eirp go together\n"))
        let grid = try qamtu(["plan", "villages", "--budget", "2", "--candidates", "grid:5", "--db", "plan.sqlite"], in: folder)
        #expect(grid.stderr.hasPrefix("Error: '5' has no unit; write it with m or km, e.g. 5km or 800m\n"))
        try folder.write("far.csv", "id,lon,lat\nfar,75,45\n")
        let unreachable = try qamtu(["plan", "villages", "--target-share", "0.5", "--candidates", "far.csv", "--db", "plan.sqlite"],
                                    in: folder)
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr == "error: the target of 1,200 people (share 0.5) is not reachable: all candidates together reach 0 of 2,400 (share 0.0)\n")
    }
}
