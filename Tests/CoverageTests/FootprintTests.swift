import Coverage
import GeoModel
import Geodesy
import QamtuTestSupport
import Testing

@Suite("Coverage footprints")
struct FootprintTests {
    /// Whether the polygon (closed rings, lon/lat read as a plane) contains the point.
    static func inside(_ p: GeoPoint, _ rings: [[GeoPoint]]) -> Bool {
        planarRingsContain(x: p.longitude, y: p.latitude, rings: rings.map { $0.map { (x: $0.longitude, y: $0.latitude) } })
    }

    /// One group per operator and technology of the counted sites, with their circles; every
    /// settlement the engine says a site of the group covers lies inside one of the group's circles.
    @Test(arguments: [(Region.zhambyl, UInt64(11)), (Region.antimeridian, UInt64(12))])
    func groupsCountedSitesAndContainCoveredSettlements(region: Region, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let sites = randomSites(400, in: region, rng: &rng)
        let settlements = (0..<400).map { i in CoverageSettlement(id: "p\(i)", position: region.point(&rng)) }
        let engine = CoverageEngine(sites: sites, asOfYear: 2025, scenario: .planned)
        let groups = engine.footprintGroups(segments: 32)
        // Expected membership, by brute force over the sites.
        var expected: [String: Int] = [:]
        for (i, site) in sites.enumerated() where engine.active[i] {
            for technology in site.technologies.mobile {
                expected["\(site.operatorName ?? "no operator") \(technology.label)", default: 0] += 1
            }
        }
        #expect(Dictionary(uniqueKeysWithValues: groups.map { ($0.label, $0.siteCount) }) == expected)
        #expect(groups.last?.operatorName == nil)
        for group in groups {
            #expect(group.polygons.count >= group.siteCount)
            #expect(group.polygons.allSatisfy { $0.count == 1 && $0[0].first == $0[0].last })
        }
        let byLabel = Dictionary(uniqueKeysWithValues: groups.map { ($0.label, $0) })
        var checked = 0
        for entry in engine.evaluate(settlements, satelliteCounts: [:], profile: .standard) {
            guard let technology = entry.bestMobile else { continue }
            let point = settlements[entry.settlement].position
            for site in entry.coveringSites {
                let label = "\(sites[site].operatorName ?? "no operator") \(technology.label)"
                let group = try #require(byLabel[label])
                #expect(group.polygons.contains { Self.inside(point, $0) }, "settlement \(entry.settlement) outside \(label)")
                checked += 1
            }
        }
        #expect(checked > 50)
    }

    @Test func filtersByOperatorAndTechnology() throws {
        var rng = SplitMix64(seed: 5)
        let engine = CoverageEngine(sites: randomSites(300, in: .zhambyl, rng: &rng), asOfYear: 2025, scenario: .actual)
        let tele2 = try engine.operators(matching: "tele 2")
        #expect(tele2 == ["Tele2"])
        let groups = engine.footprintGroups(operators: tele2, technology: .g4)
        #expect(groups.map(\.label) == ["Tele2 4G"])
        // A licensed company name selects its brands.
        #expect(try engine.operators(matching: "Kar-Tel") == ["Beeline"])
        #expect(try engine.operators(matching: "mobile telecom service") == ["Tele2"])
        #expect(throws: CoverageError.unknownOperator("Altel", known: ["Beeline", "Kcell", "Tele2"])) {
            try engine.operators(matching: "Altel")
        }
        #expect(CoverageError.unknownOperator("Altel", known: ["Beeline", "Kcell", "Tele2"]).description
                == "no operator matches 'Altel'; operators of the sites: Beeline, Kcell, Tele2")
        // Groups are ordered by operator, then technology best first.
        let all = engine.footprintGroups(technology: nil).filter { $0.operatorName == "Kcell" }.map(\.technology)
        #expect(all == all.sorted(by: >))
    }
}
