import Coverage
import Geodesy
import Testing
import QamtuTestSupport

@Suite("Coverage engine against brute force")
struct CoverageEngineTests {
    /// Random settlements and sites; every settlement's best technology, covering sites, fibre node
    /// and nearest site must equal an all-pairs computation with the exact ellipsoidal distance.
    @Test(arguments: [
        (Region.zhambyl, UInt64(1), 1.0),
        (Region.antimeridian, UInt64(2), 1.0),
        (Region.highLatitude, UInt64(3), 0.5),
    ])
    func matchesAllPairs(region: Region, seed: UInt64, rangeScale: Double) throws {
        var rng = SplitMix64(seed: seed)
        let sites = randomSites(700, in: region, rng: &rng, rangeScale: rangeScale)
        let settlements = (0..<500).map { i in CoverageSettlement(id: "p\(i)", position: region.point(&rng)) }
        for scenario in Scenario.allCases {
            let engine = CoverageEngine(sites: sites, asOfYear: 2025, scenario: scenario)
            let results = engine.evaluate(settlements, satelliteCounts: [:], profile: .standard)
            #expect(results.count == settlements.count)
            var coveredCount = 0
            var lowerCount = 0
            for (i, result) in results.enumerated() {
                let expected = BruteForce(settlement: settlements[i].position, engine: engine)
                #expect(result.settlement == i)
                #expect(result.bestMobile == expected.bestMobile, "\(region) \(scenario) settlement \(i): \(expected)")
                #expect(Set(result.coveringSites) == expected.covering, "\(region) \(scenario) settlement \(i)")
                // The sites of lower technologies, each once at its best technology, by technology.
                var lower: [Int: MobileTechnology] = [:]
                for entry in result.lowerTechnologySites { lower[entry.site] = entry.technology }
                #expect(lower.count == result.lowerTechnologySites.count, "a site listed twice")
                #expect(lower == expected.siteTechnologies.filter { !expected.covering.contains($0.key) },
                        "\(region) \(scenario) settlement \(i)")
                #expect(result.lowerTechnologySites.map(\.technology) == result.lowerTechnologySites.map(\.technology).sorted(by: >))
                if !result.lowerTechnologySites.isEmpty { lowerCount += 1 }
                if case .fibreNode(let site, _)? = result.fixed {
                    #expect(site == expected.fibreNode)
                } else {
                    #expect(expected.fibreNode == nil, "\(region) \(scenario) settlement \(i): \(expected)")
                }
                #expect(result.nearestSite == expected.nearest, "\(region) \(scenario) settlement \(i)")
                #expect(result.nearestSiteMeters == expected.nearestMeters)
                if result.bestMobile != nil { coveredCount += 1 }
            }
            // The data must exercise both outcomes.
            #expect(coveredCount > 0 && coveredCount < settlements.count, "\(region) \(scenario): \(coveredCount) covered")
            #expect(lowerCount > 0, "\(region) \(scenario): no settlement covered by a lower technology too")

            // Less detail: the same classes and technologies; what was left out stays empty.
            for detail: EvaluationDetail in [[], [.coveringSites], [.nearestSite], [.fixedNode]] {
                let brief = engine.evaluate(settlements, satelliteCounts: [:], profile: .standard, detail: detail)
                for (full, lean) in zip(results, brief) {
                    #expect(lean.coverageClass == full.coverageClass && lean.ruleIndex == full.ruleIndex)
                    #expect(lean.bestMobile == full.bestMobile && lean.fixed?.technology == full.fixed?.technology, "\(region) \(detail)")
                    if detail.contains(.fixedNode) {
                        #expect(lean.fixed == full.fixed)
                    } else if case .fibreNode(let site, let distance)? = lean.fixed {
                        // Some covering node, without its distance.
                        #expect(distance == nil)
                        #expect(Geodesic.distanceMeters(settlements[full.settlement].position, sites[site].position)
                                <= sites[site].explicitRangeMeters ?? -1)
                    } else {
                        #expect(lean.fixed == full.fixed)
                    }
                    if detail.contains(.coveringSites) {
                        #expect(lean.coveringSites == full.coveringSites && lean.closestCoveringMeters == full.closestCoveringMeters)
                    } else {
                        #expect(lean.coveringSites.isEmpty && lean.closestCoveringMeters == nil)
                    }
                    if detail.contains(.nearestSite) {
                        #expect(lean.nearestSite == full.nearestSite && lean.nearestSiteMeters == full.nearestSiteMeters)
                    } else {
                        #expect(lean.nearestSite == nil && lean.nearestSiteMeters == nil)
                    }
                }
            }
        }
    }

    /// Sites' spatial ranks only order the index build: ranks of the sites' own order, a random
    /// permutation, duplicates, missing ones and ranks out of range all give the same results as
    /// no ranks.
    /// (900 sites are read by one thread, 20 500 by two, each with ranks of its own.)
    @Test(arguments: [900, 20_500])
    func spatialRanksNeverChangeResults(siteCount: Int) {
        var rng = SplitMix64(seed: 21)
        let sites = randomSites(siteCount, in: .zhambyl, rng: &rng, rangeScale: siteCount > 1000 ? 0.2 : 1)
        let settlements = (0..<400).map { i in CoverageSettlement(id: "p\(i)", position: Region.zhambyl.point(&rng)) }
        let expected = CoverageEngine(sites: sites, asOfYear: 2025, scenario: .planned)
            .evaluate(settlements, satelliteCounts: [:], profile: .standard)
        let own = SpatialOrder.ranks(sites.map(\.position))
        var permutation = (0..<UInt32(sites.count)).map { $0 }
        permutation.shuffle(using: &rng)
        let variants: [(String, (Int) -> UInt32?)] = [
            ("own order", { own[$0] }), ("random permutation", { permutation[$0] }), ("all equal", { _ in 0 }),
            ("some missing", { $0 % 7 == 0 ? nil : own[$0] }), ("out of range", { $0 == 5 ? UInt32(sites.count) : own[$0] }),
            ("shared by the halves", { own[$0].map { $0 / 2 } }),
        ]
        for (name, rank) in variants {
            var ranked = sites
            for i in ranked.indices { ranked[i].spatialRank = rank(i) }
            let results = CoverageEngine(sites: ranked, asOfYear: 2025, scenario: .planned)
                .evaluate(settlements, satelliteCounts: [:], profile: .standard)
            #expect(results == expected, "\(name)")
        }
    }

    /// Points no import lets in (a longitude far out of range, NaN) do not stop the evaluation of
    /// a large set (ordered in Z order by cells of longitude and latitude): each is evaluated as alone.
    @Test func outOfRangePointsDoNotStopALargeEvaluation() {
        var rng = SplitMix64(seed: 23)
        let sites = randomSites(300, in: .zhambyl, rng: &rng, rangeScale: 1)
        var settlements = (0..<1_100).map { i in CoverageSettlement(id: "p\(i)", position: Region.zhambyl.point(&rng)) }
        settlements[3] = CoverageSettlement(id: "far", position: GeoPoint(longitude: 1e17, latitude: 43))
        settlements[4] = CoverageSettlement(id: "nan", position: GeoPoint(longitude: .nan, latitude: .nan))
        settlements[5] = CoverageSettlement(id: "inf", position: GeoPoint(longitude: -.infinity, latitude: 95))
        let engine = CoverageEngine(sites: sites, asOfYear: 2025, scenario: .actual)
        let results = engine.evaluate(settlements, satelliteCounts: [:], profile: .standard)
        #expect(results.count == settlements.count)
        for i in [0, 3, 4, 5, 700] {
            let alone = engine.evaluate(settlements[i], index: i, satelliteInstitutions: 0, profile: .standard)
            #expect(results[i].coverageClass == alone.coverageClass && results[i].bestMobile == alone.bestMobile, "\(i)")
        }
    }

    /// Settlements placed exactly at, just inside and just outside a site's range.
    @Test(arguments: [Region.zhambyl, Region.antimeridian, Region.highLatitude])
    func distanceExactlyAtTheRangeCounts(region: Region) {
        var rng = SplitMix64(seed: 99)
        var sites: [CoverageSite] = []
        var settlements: [CoverageSettlement] = []
        var expected: [Bool] = []
        for i in 0..<120 {
            let center = region.point(&rng)
            let target = Geodesic.destination(from: center, azimuthDegrees: Double.random(in: -180...180, using: &rng),
                                              distanceMeters: Double.random(in: 500...30_000, using: &rng))
            let exact = Geodesic.distanceMeters(center, target)
            // Three sites per settlement would interfere; one site and one settlement per case, far apart in index only.
            let (range, covered): (Double, Bool) = switch i % 3 {
            case 0: (exact, true)
            case 1: (exact.nextUp, true)
            default: (exact.nextDown, false)
            }
            sites.append(CoverageSite(id: "s\(i)", technologies: [.g4], position: center, explicitRangeMeters: range))
            settlements.append(CoverageSettlement(id: "p\(i)", position: target))
            expected.append(covered)
        }
        // Evaluate each pair alone so that neighbouring cases cannot cover each other.
        for i in 0..<sites.count {
            let engine = CoverageEngine(sites: [sites[i]], asOfYear: 2025, scenario: .actual)
            let result = engine.evaluate(settlements[i], index: 0, satelliteInstitutions: 0, profile: .standard)
            #expect((result.bestMobile == .g4) == expected[i], "\(region) case \(i)")
        }
    }
}
