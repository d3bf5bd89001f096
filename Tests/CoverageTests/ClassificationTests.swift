import Coverage
import Foundation
import Geodesy
import Testing

/// A settlement at the origin of a small test world, and sites placed at given distances east of it.
struct World {
    static let origin = GeoPoint(longitude: 72, latitude: 44)

    static func east(_ meters: Double) -> GeoPoint {
        Geodesic.destination(from: origin, azimuthDegrees: 90, distanceMeters: meters)
    }

    static func site(_ id: String, _ technologies: TechnologySet, at meters: Double, range: Double = 10_000,
                     status: SiteStatus = .operational, plannedYear: Int? = nil, commissioned: Int? = nil,
                     operatorName: String? = "Kcell") -> CoverageSite {
        CoverageSite(id: id, kind: technologies == [.fibre] ? .fibreNode : .baseStation, operatorName: operatorName,
                     technologies: technologies, position: east(meters), explicitRangeMeters: range, status: status,
                     plannedYear: plannedYear, commissionedYear: commissioned)
    }

    /// Evaluates one settlement at the origin.
    static func evaluate(_ sites: [CoverageSite], settlement: CoverageSettlement = CoverageSettlement(id: "v", position: origin),
                         year: Int = 2025, scenario: Scenario = .actual, satellite: Int = 0,
                         profile: ClassificationProfile = .standard) -> SettlementCoverage {
        CoverageEngine(sites: sites, asOfYear: year, scenario: scenario)
            .evaluate(settlement, index: 0, satelliteInstitutions: satellite, profile: profile)
    }
}

@Suite("Classification edge cases")
struct ClassificationTests {
    @Test func fourGIsServedThreeGUnderservedTwoGUnserved() {
        #expect(World.evaluate([World.site("a", [.g4], at: 3_000)]).coverageClass == .served)
        #expect(World.evaluate([World.site("a", [.g2, .g3], at: 3_000)]).coverageClass == .underserved)
        #expect(World.evaluate([World.site("a", [.g2], at: 3_000)]).coverageClass == .unserved)
        #expect(World.evaluate([]).coverageClass == .unserved)
        #expect(World.evaluate([World.site("a", [.g4, .g5], at: 3_000)]).bestMobile == .g5)
    }

    @Test func bestTechnologyWinsOverNearerSites() {
        let result = World.evaluate([World.site("near2g", [.g2], at: 500), World.site("far4g", [.g4], at: 9_000),
                                     World.site("out4g", [.g4], at: 10_001)])
        #expect(result.bestMobile == .g4)
        #expect(result.coveringSites == [1])
        #expect(result.nearestSite == 0)
        #expect(abs((result.nearestSiteMeters ?? 0) - 500) <= 1e-6)
        #expect(abs((result.closestCoveringMeters ?? 0) - 9_000) <= 1e-6)
    }

    @Test func fibrePlusTwoGIsServed() {
        let settlement = CoverageSettlement(id: "v", position: World.origin, fibre: .connected, fibreYear: 2019)
        let result = World.evaluate([World.site("a", [.g2], at: 1_000)], settlement: settlement)
        #expect(result.coverageClass == .served)
        #expect(result.fixed == .fibre(year: 2019, planned: false))
        #expect(result.bestMobile == .g2)
    }

    @Test func satelliteOnlyIsUnderservedByDefaultAndServedInAnotherProfile() {
        #expect(World.evaluate([], satellite: 2).coverageClass == .underserved)
        #expect(World.evaluate([World.site("a", [.g2], at: 100)], satellite: 1).coverageClass == .underserved)
        #expect(World.evaluate([], satellite: 1, profile: .satelliteAsBroadband).coverageClass == .served)
        #expect(World.evaluate([], satellite: 1, profile: .fibreFirst).coverageClass == .underserved)
    }

    @Test func plannedSiteCountsFromItsYearInThePlannedScenarioOnly() {
        let sites = [World.site("p", [.g4], at: 2_000, status: .planned, plannedYear: 2026)]
        #expect(World.evaluate(sites, year: 2025, scenario: .planned).bestMobile == nil)
        #expect(World.evaluate(sites, year: 2026, scenario: .planned).bestMobile == .g4)
        #expect(World.evaluate(sites, year: 2027, scenario: .planned).bestMobile == .g4)
        #expect(World.evaluate(sites, year: 2030, scenario: .actual).bestMobile == nil)
        let building = [World.site("b", [.g4], at: 2_000, status: .building, plannedYear: 2024)]
        #expect(World.evaluate(building, year: 2024, scenario: .planned).bestMobile == .g4)
        #expect(World.evaluate(building, year: 2024, scenario: .actual).bestMobile == nil)
        let undated = [World.site("u", [.g4], at: 2_000, status: .planned)]
        #expect(World.evaluate(undated, year: 2100, scenario: .planned).bestMobile == nil)
    }

    @Test func retiredSitesNeverCount() {
        let sites = [World.site("r", [.g4], at: 1_000, status: .retired, plannedYear: 2010)]
        for scenario in Scenario.allCases {
            let result = World.evaluate(sites, year: 2025, scenario: scenario)
            #expect(result.bestMobile == nil)
            #expect(result.nearestSite == nil)
        }
        #expect(SiteActivity(site: sites[0], asOf: 2025, scenario: .planned) == .inactive("retired"))
    }

    @Test func operationalSitesCountFromTheirCommissioningYear() {
        let sites = [World.site("c", [.g4], at: 1_000, commissioned: 2024)]
        #expect(World.evaluate(sites, year: 2023).bestMobile == nil)
        #expect(World.evaluate(sites, year: 2024).bestMobile == .g4)
        #expect(CoverageSite.year(inDate: "2024-05-01") == 2024)
        #expect(CoverageSite.year(inDate: "05.2023") == 2023)
        #expect(CoverageSite.year(inDate: "12345") == nil)
        #expect(CoverageSite.year(inDate: "soon") == nil)
    }

    @Test func fibreStatusByYearAndScenario() {
        let connected = CoverageSettlement(id: "c", position: World.origin, fibre: .connected, fibreYear: 2023)
        #expect(connected.fibreStatus(asOf: 2022, scenario: .planned) == (nil, "fibre connected only from 2023"))
        #expect(connected.fibreStatus(asOf: 2023, scenario: .actual) == (.fibre(year: 2023, planned: false), nil))
        let planned = CoverageSettlement(id: "p", position: World.origin, fibre: .planned, fibreYear: 2025)
        #expect(planned.fibreStatus(asOf: 2025, scenario: .actual) == (nil, "fibre planned 2025"))
        #expect(planned.fibreStatus(asOf: 2024, scenario: .planned) == (nil, "fibre planned 2025"))
        #expect(planned.fibreStatus(asOf: 2025, scenario: .planned) == (.fibre(year: 2025, planned: true), nil))
        let none = CoverageSettlement(id: "n", position: World.origin, fibre: FibreStatus.none)
        #expect(none.fibreStatus(asOf: 2025, scenario: .planned) == (nil, "no fibre"))
        let unknown = CoverageSettlement(id: "u", position: World.origin)
        #expect(unknown.fibreStatus(asOf: 2025, scenario: .planned) == (nil, nil))
    }

    @Test func fibreNodesGiveFibreOnlyWithinAnExplicitReach() {
        let withReach = World.evaluate([World.site("node", [.fibre], at: 2_999, range: 3_000)])
        #expect(withReach.fixed == .fibreNode(site: 0, distanceMeters: Geodesic.distanceMeters(World.origin, World.east(2_999))))
        #expect(withReach.coverageClass == .served)
        #expect(withReach.nearestSite == nil, "a fibre node is not a radio site")
        var noReach = World.site("node", [.fibre], at: 100)
        noReach.explicitRangeMeters = nil
        #expect(World.evaluate([noReach]).fixed == nil)
        #expect(World.evaluate([World.site("node", [.fibre], at: 3_001, range: 3_000)]).fixed == nil)
    }

    @Test func reasonsNameTheRuleSitesAndDistances() throws {
        let sites = [World.site("kc-1", [.g2, .g3], at: 4_000, range: 6_000), World.site("bl-9", [.g4], at: 12_000, range: 8_000, operatorName: "Beeline")]
        let settlement = CoverageSettlement(id: "v", position: World.origin, fibre: .planned, fibreYear: 2026)
        let engine = CoverageEngine(sites: sites, asOfYear: 2025, scenario: .actual)
        let entry = engine.evaluate(settlement, index: 0, satelliteInstitutions: 1, profile: .standard)
        let result = CoverageResult(engine: engine, profile: .standard, settlements: [settlement], entries: [entry])
        #expect(result.reason(entry) == "underserved by profile default (underserved = 3G or better or satellite): "
                + "fibre planned 2026; 3G from 1 site (Kcell), nearest kc-1 at 4000 m within 6000 m (explicit); "
                + "satellite at 1 institution")
        let far = World.evaluate([sites[1]])
        let farResult = CoverageResult(engine: CoverageEngine(sites: [sites[1]], asOfYear: 2025, scenario: .actual),
                                       profile: .standard, settlements: [CoverageSettlement(id: "v", position: World.origin)],
                                       entries: [far])
        #expect(farResult.reason(far) == "unserved by profile default (otherwise unserved): no fibre recorded; no mobile coverage; "
                + "nearest site bl-9 (4G, Beeline) at 12000 m, beyond its range (4G 8000 m)")
    }

    /// The other branches of the reason text, exactly: a fibre node with its activity, several
    /// operators nearest first (a site without one left out), a building site's due year, a
    /// connected settlement's year, a Hata range with its clamping notes, and no operator at all.
    @Test func reasonsOfFibreNodesActivityAndModels() throws {
        let sites = [
            World.site("node-1", [.fibre], at: 1_000, range: 3_000, status: .planned, plannedYear: 2025),
            World.site("a-1", [.g4], at: 2_000, range: 5_000, status: .building, plannedYear: 2024, operatorName: "Tele2"),
            World.site("c-1", [.g4], at: 2_500, range: 5_000, operatorName: nil),
            World.site("b-1", [.g4], at: 3_000, range: 5_000, operatorName: "Kcell"),
        ]
        let settlement = CoverageSettlement(id: "v", position: World.origin, fibre: FibreStatus.none)
        let engine = CoverageEngine(sites: sites, asOfYear: 2025, scenario: .planned)
        let entry = engine.evaluate(settlement, index: 0, satelliteInstitutions: 0, profile: .standard)
        let result = CoverageResult(engine: engine, profile: .standard, settlements: [settlement], entries: [entry])
        #expect(result.reason(entry) == "served by profile default (served = fibre or 4G/5G): "
                + "fibre from node node-1 at 1000 m within its reach of 3000 m (planned 2025); "
                + "4G from 3 sites (Tele2, Kcell), nearest a-1 at 2000 m within 5000 m (explicit) (building, due 2024)")

        var hata = World.site("h-1", [.g2], at: 4_000, operatorName: nil)
        hata.explicitRangeMeters = nil
        hata.bandMegahertz = 900
        hata.antennaHeightMeters = 20
        hata.eirpDBm = 60
        let connected = CoverageSettlement(id: "w", position: World.origin, fibre: .connected, fibreYear: 2008)
        let hataEngine = CoverageEngine(sites: [hata], asOfYear: 2025, scenario: .actual)
        let hataEntry = hataEngine.evaluate(connected, index: 0, satelliteInstitutions: 0, profile: .standard)
        let hataResult = CoverageResult(engine: hataEngine, profile: .standard, settlements: [connected], entries: [hataEntry])
        // Two clamps, joined by "; " inside the range's parentheses.
        #expect(hataResult.reason(hataEntry) == "served by profile default (served = fibre or 4G/5G): fibre connected 2008; "
                + "2G from 1 site (operator not assigned), nearest h-1 at 4000 m within 20000 m "
                + "(okumura-hata; antenna height 20 m raised to the model's 30 m minimum; "
                + "capped at the model's 20 km limit (budget reaches 39.1 km))")
    }
}

@Suite("Rule profiles")
struct ProfileTests {
    @Test func defaultProfileIsDesignDotMd() throws {
        #expect(ClassificationProfile.standard.summary
                == "served = fibre or 4G/5G; underserved = 3G or better or satellite; otherwise unserved")
        #expect(try ClassificationProfile.named("default") == .standard)
    }

    @Test func unknownProfileListsTheBuiltInOnes() {
        #expect(throws: CoverageError.unknownProfile("strict", known: ["default", "satellite-as-broadband", "fibre-first"])) {
            try ClassificationProfile.named("strict")
        }
        #expect(CoverageError.unknownProfile("strict", known: ["default"]).description
                == "unknown rule profile 'strict' (built-in profiles: default; or give a JSON profile file)")
    }

    @Test func profilesAreDataReadFromJSON() throws {
        let json = """
            {"name": "kz-2025", "rules": [
              {"class": "served", "when": [{"fibre": true}, {"mobile_at_least": "4G", "satellite": false}]},
              {"class": "underserved", "when": [{"mobile_at_least": "4G"}, {"satellite": true}]}],
             "otherwise": "unserved"}
            """
        let profile = try ClassificationProfile(json: Data(json.utf8), source: "kz.json")
        #expect(profile.name == "kz-2025")
        #expect(profile.classify(ConnectivityFacts(fibre: false, bestMobile: .g5, satellite: false)).coverageClass == .served)
        #expect(profile.classify(ConnectivityFacts(fibre: false, bestMobile: .g4, satellite: true)) == (.underserved, 1))
        #expect(profile.classify(ConnectivityFacts(fibre: false, bestMobile: .g3, satellite: false)) == (.unserved, nil))
        #expect(profile.classify(ConnectivityFacts(fibre: true, bestMobile: nil, satellite: false)) == (.served, 0))
    }

    @Test(arguments: [
        (#"{"name":"x","rules":[]}"#, "rule profile p.json is not usable: missing 'otherwise'"),
        (#"{"name":"x","rules":[{"class":"great","when":[{"fibre":true}]}],"otherwise":"unserved"}"#,
         "rule profile p.json is not usable: Cannot initialize CoverageClass from invalid String value great at rules.[0].class"),
        (#"{"name":"x","rules":[{"class":"served","when":[{"mobile_at_least":"6G"}]}],"otherwise":"unserved"}"#,
         "rule profile p.json is not usable: expected 2G, 3G, 4G or 5G, got '6G' at rules.[0].when.[0].mobile_at_least"),
        (#"{"name":"x","rules":[{"class":"served","when":[]}],"otherwise":"unserved"}"#,
         "rule profile p.json is not usable: rule 1 (served) has no conditions"),
        (#"{"name":"","rules":[],"otherwise":"unserved"}"#, "rule profile p.json is not usable: the name is empty"),
        ("not json", "rule profile p.json is not usable: The given data was not valid JSON."),
    ])
    func badProfilesSayWhatIsWrong(json: String, message: String) {
        do {
            _ = try ClassificationProfile(json: Data(json.utf8), source: "p.json")
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description == message)
        }
    }
}

@Suite("Technologies")
struct TechnologyTests {
    @Test func parsesTheColumnAndTheImportersAliases() {
        #expect(TechnologySet(parsing: " 2G; lte ,Fibre-Node|nr") == [.g2, .g4, .fibre, .g5])
        #expect(TechnologySet(parsing: "2G;3G;4G").label == "2G;3G;4G")
        #expect(TechnologySet(parsing: "GSM,UMTS").mobile == [.g2, .g3])
        #expect(TechnologySet(parsing: "wifi;;") == [])
        #expect(TechnologySet(parsing: "4G;5G").bestMobile == .g5)
        #expect(MobileTechnology.bestFirst == [.g5, .g4, .g3, .g2])
        #expect(MobileTechnology(label: "4g") == .g4 && MobileTechnology(label: "6G") == nil)
    }
}

@Suite("Site activity")
struct SiteActivityTests {
    /// The quick check the engine uses agrees with the activity that reasons are written from, for
    /// every status, planned year, commissioning year, as-of year and scenario.
    @Test func quickCheckAgreesWithTheActivity() {
        let years: [Int?] = [nil, 2020, 2024, 2025, 2026]
        for status in [SiteStatus.operational, .planned, .building, .retired] {
            for planned in years {
                for commissioned in years {
                    var site = CoverageSite(id: "s", technologies: [.g4], position: GeoPoint(longitude: 71, latitude: 43),
                                            status: status, plannedYear: planned)
                    site.commissionedYear = commissioned
                    for asOf in 2023...2027 {
                        for scenario in Scenario.allCases {
                            #expect(SiteActivity.counts(site, asOf: asOf, scenario: scenario)
                                    == SiteActivity(site: site, asOf: asOf, scenario: scenario).isActive)
                        }
                    }
                }
            }
        }
    }
}
