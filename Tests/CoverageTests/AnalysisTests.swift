import Coverage
import Foundation
import GeoModel
import Geodesy
import Testing

/// A small region: three districts, five settlements, sites with plans, institutions and commitments.
enum SmallRegion {
    static let districts = [
        CoverageDistrict(id: "bayzak", name: "Bayzak District", nameKK: "Байзақ ауданы", nameRU: "Байзакский район", code: "ZH-01"),
        CoverageDistrict(id: "kordai", name: "Kordai District", nameKK: "Қордай ауданы", nameRU: "Кордайский район", code: "ZH-04"),
        CoverageDistrict(id: "kordai-north", name: "Kordai North", code: "ZH-99"),
    ]

    static func at(_ meters: Double, from origin: GeoPoint) -> GeoPoint {
        Geodesic.destination(from: origin, azimuthDegrees: 45, distanceMeters: meters)
    }

    static let a = GeoPoint(longitude: 71.5, latitude: 43.0)
    static let b = GeoPoint(longitude: 72.5, latitude: 43.5)
    static let c = GeoPoint(longitude: 74.5, latitude: 43.2)

    static let settlements = [
        CoverageSettlement(id: "alpha", name: "Альфа", position: a, population: 1_000, district: "bayzak", fibre: .connected, fibreYear: 2015),
        CoverageSettlement(id: "beta", name: "Бета", position: b, population: 500, district: "bayzak", fibre: .planned, fibreYear: 2025),
        CoverageSettlement(id: "gamma", name: "Гамма", position: c, population: 200, district: "kordai", fibre: FibreStatus.none),
        CoverageSettlement(id: "delta", name: "Дельта", position: at(30_000, from: c), population: 50, district: "kordai"),
        CoverageSettlement(id: "eps", name: nil, position: GeoPoint(longitude: 70, latitude: 45), population: nil, district: nil),
    ]

    static let sites = [
        CoverageSite(id: "kc-1", operatorName: "Kcell", technologies: [.g2, .g3], position: at(2_000, from: a), explicitRangeMeters: 10_000),
        CoverageSite(id: "bl-1", operatorName: "Beeline", technologies: [.g2], position: at(3_000, from: b), explicitRangeMeters: 10_000),
        CoverageSite(id: "bl-2", operatorName: "Beeline", technologies: [.g4], position: at(4_000, from: b), explicitRangeMeters: 8_000,
                     status: .planned, plannedYear: 2025),
        CoverageSite(id: "t2-1", operatorName: "Tele2", technologies: [.g4], position: at(1_000, from: c), explicitRangeMeters: 5_000,
                     status: .building, plannedYear: 2024),
        CoverageSite(id: "old", operatorName: "Kcell", technologies: [.g2], position: at(500, from: c), explicitRangeMeters: 5_000,
                     status: .retired),
    ]

    static let institutions = [
        CoverageInstitution(id: "i1", kind: "school", settlementID: "gamma", connection: "satellite"),
        CoverageInstitution(id: "i2", kind: "clinic", settlementID: "delta", connection: "satellite"),
        CoverageInstitution(id: "i3", kind: "school", settlementID: "alpha", connection: "fibre"),
    ]

    static let commitments = [
        CoverageCommitment(id: "c1", programme: "Accessible Internet", party: "Kar-Tel", technology: "4G", targetLayer: "settlements",
                           targetID: "beta", plannedYear: 2025, doneYear: nil),
        CoverageCommitment(id: "c2", programme: "Accessible Internet", party: "Kar-Tel", technology: "4G", targetLayer: "settlements",
                           targetID: "alpha", plannedYear: 2024, doneYear: 2024),
        CoverageCommitment(id: "c3", programme: "Fibre roll-out", party: "Kazakhtelecom", technology: "fibre", targetLayer: "institutions",
                           targetID: "i1", plannedYear: 2026, doneYear: nil),
    ]

    static func analysis(settings: PropagationSettings = PropagationSettings()) throws -> CoverageAnalysis {
        try CoverageAnalysis(source: InMemoryCoverageData(settlements: settlements, sites: sites, institutions: institutions,
                                                          commitments: commitments, districts: districts), settings: settings)
    }
}

@Suite("Analysis: results, districts, diff, report")
struct AnalysisTests {
    /// A source whose settlements or sites fail: the analysis throws that error (the settlements'
    /// first when both fail), after both loads have finished.
    @Test(arguments: [(true, false), (false, true), (true, true)])
    func failingSourceThrowsItsError(settlementsFail: Bool, sitesFail: Bool) {
        struct Failure: Error, Equatable { let layer: String }
        struct FailingSource: CoverageDataSource {
            let settlementsFail: Bool, sitesFail: Bool
            func loadSettlements() throws -> [CoverageSettlement] {
                if settlementsFail { throw Failure(layer: "settlements") }
                return SmallRegion.settlements
            }
            func loadSites() throws -> [CoverageSite] {
                if sitesFail { throw Failure(layer: "sites") }
                return SmallRegion.sites
            }
            func loadInstitutions() -> [CoverageInstitution] { [] }
            func loadCommitments() -> [CoverageCommitment] { [] }
            func loadDistricts() -> [CoverageDistrict] { [] }
        }
        #expect(throws: Failure(layer: settlementsFail ? "settlements" : "sites")) {
            try CoverageAnalysis(source: FailingSource(settlementsFail: settlementsFail, sitesFail: sitesFail))
        }
    }

    @Test func classesAsOfAYearInEachScenario() throws {
        let analysis = try SmallRegion.analysis()
        let actual = analysis.run(asOf: 2025, scenario: .actual, profile: .standard)
        #expect(actual.entries.map(\.coverageClass) == [.served, .unserved, .underserved, .underserved, .unserved])
        #expect(actual.counts == [.served: 1, .underserved: 2, .unserved: 2])
        let planned = analysis.run(asOf: 2025, scenario: .planned, profile: .standard)
        #expect(planned.entries.map(\.coverageClass) == [.served, .served, .served, .underserved, .unserved])
        #expect(planned.entries[1].fixed == .fibre(year: 2025, planned: true))
        #expect(planned.entries[1].bestMobile == .g4)
        #expect(planned.entries[2].coveringSites == [3])
        let filtered = planned.filtered(to: .underserved)
        #expect(filtered.entries.map(\.settlement) == [3])
    }

    @Test func districtsResolveInAnyScriptAndByIdOrCode() throws {
        let analysis = try SmallRegion.analysis()
        for query in ["Байзақ ауданы", "Байзакский район", "bayzak district", "bayzak", "ZH-01"] {
            #expect(try analysis.resolveDistrict(query).id == "bayzak", "\(query)")
        }
        let only = analysis.run(asOf: 2025, scenario: .actual, profile: .standard, districtID: "kordai")
        #expect(only.settlements.map(\.id) == ["gamma", "delta"])
    }

    @Test func ambiguousAndUnknownDistrictsListCandidates() throws {
        let analysis = try SmallRegion.analysis()
        #expect(throws: CoverageError.ambiguousDistrict("Kord", candidates: ["Kordai District (kordai)", "Kordai North (kordai-north)"])) {
            try analysis.resolveDistrict("Kord")
        }
        // An id matches exactly, which beats a prefix of another district's name.
        #expect(try analysis.resolveDistrict("Kordai").id == "kordai")
        #expect(try analysis.resolveDistrict("Bayzok District").id == "bayzak", "one typo is tolerated")
        #expect(throws: CoverageError.unknownDistrict("Bajzuk Distrikt", closest: ["Bayzak District (bayzak)"])) {
            try analysis.resolveDistrict("Bajzuk Distrikt")
        }
        #expect(throws: CoverageError.unknownDistrict("Moiynkum", closest: [])) {
            try analysis.resolveDistrict("Moiynkum")
        }
        #expect(CoverageError.ambiguousDistrict("Kordai", candidates: ["A", "B"]).description
                == "district name 'Kordai' is ambiguous; candidates: A, B")
    }

    @Test func withoutDistrictsLayerTheSettlementsDistrictValuesAreMatched() throws {
        let analysis = try CoverageAnalysis(source: InMemoryCoverageData(settlements: SmallRegion.settlements))
        #expect(try analysis.resolveDistrict("KORDAI").id == "kordai")
    }

    @Test func diffListsClassChangesWithReasons() throws {
        let analysis = try SmallRegion.analysis()
        let diff = analysis.diff(from: 2023, to: 2025, scenario: .planned, profile: .standard)
        #expect(diff.changes.map { diff.settlements[$0.settlement].id } == ["beta", "gamma"])
        #expect(diff.changes[0].reason == "unserved → served (2023 → 2025): gains fibre (planned 2025); "
                + "best mobile 2G → 4G: bl-2 (Beeline, planned 2025) at 4000 m")
        #expect(diff.changes[1].reason == "underserved → served (2023 → 2025): best mobile none → 4G: t2-1 (Tele2, building, due 2024) at 1000 m")
        let backwards = analysis.diff(from: 2025, to: 2023, scenario: .planned, profile: .standard)
        #expect(backwards.changes[1].reason == "served → underserved (2025 → 2023): best mobile 4G → none: t2-1 no longer counts (building for 2024)")
        #expect(analysis.diff(from: 2023, to: 2025, scenario: .actual, profile: .standard).changes.isEmpty)
    }

    @Test func reportTalliesCommitmentsAndPlans() throws {
        let report = try SmallRegion.analysis().report(asOf: 2025, scenario: .planned, profile: .standard)
        #expect(report.districts.map(\.name) == ["Bayzak District", "Kordai District", "(no district)"])
        let bayzak = report.districts[0].tally
        #expect(bayzak.settlements == [.served: 2])
        #expect(bayzak.population == [.served: 1_500])
        #expect(bayzak.fibreSettlements == 2 && bayzak.mobile4GSettlements == 1)
        let kordai = report.districts[1].tally
        #expect(kordai.settlements == [.served: 1, .underserved: 1])
        #expect(kordai.satelliteSchools == 1)
        #expect(report.total.totalSettlements == 5 && report.total.totalPopulation == 1_750)
        #expect(abs(report.total.mobile4GShare - 0.4) < 1e-12)
        #expect(report.commitments.map(\.text) == [
            "Kar-Tel, 4G, Accessible Internet: 1 of 2 settlements",
            "Kazakhtelecom, fibre, Fibre roll-out: 0 of 1 institutions",
        ])
        #expect(report.plannedWork.map(\.year) == [2024, 2025, 2026])
        #expect(report.plannedWork[0].sites == [.building: 1])
        #expect(report.plannedWork[1].fibreSettlements == 1)
        #expect(report.plannedWork[1].commitments.map(\.text) == ["Kar-Tel, 4G, Accessible Internet: 0 of 1 settlements"])
        let text = report.text()
        #expect(text.contains("Kar-Tel, 4G, Accessible Internet: 1 of 2 settlements"))
        let totalLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("Total") })
        #expect(totalLine.split(separator: " ").prefix(6) == ["Total", "5", "3", "1", "1", "1,750"])
        let csv = report.csv()
        #expect(csv.contains("total,all,settlements_served,3\n"))
        #expect(csv.contains("commitment,\"Kar-Tel, 4G, Accessible Internet\",settlements_done,1\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(json["as_of"] as? Int == 2025)
        let total = try #require(json["total"] as? [String: Any])
        #expect((total["settlements_by_class"] as? [String: Int]) == ["served": 3, "underserved": 1, "unserved": 1])
    }
}
