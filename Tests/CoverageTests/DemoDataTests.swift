import Coverage
import Foundation
import GeoModel
import Geodesy
import QamtuTestSupport
import Testing

/// The demo data set of GeoData/ (see its README), read with the GeoModel readers into memory.
enum DemoData {
    static let folder: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("GeoData")
    }()

    static func records(_ layer: LayerSchema, _ file: String) throws -> [FeatureRecord] {
        let path = folder.appendingPathComponent(file).path
        let source = try InputFormat.detect(path: path).openSource(path: path, layer: layer)
        var out: [FeatureRecord] = []
        var problems: [ImportProblem] = []
        while let feature = try source.next() {
            if let record = layer.validate(feature, decimalComma: source.decimalComma, problems: &problems) { out.append(record) }
        }
        if !problems.isEmpty { throw problems[0] }
        return out
    }

    /// The layers, with each settlement's district found by point-in-polygon (as `qamtu import` does).
    static func load() throws -> InMemoryCoverageData {
        let districtRecords = try records(.districts, "districts.geojson")
        var settlements = try records(.settlements, "settlements.geojson").map { try CoverageSettlement(record: $0) }
        for i in settlements.indices {
            settlements[i].district = districtRecords.first { contains($0.geometry, settlements[i].position) }?.id
        }
        return InMemoryCoverageData(
            settlements: settlements,
            sites: try records(.sites, "sites.geojson").map { try CoverageSite(record: $0) },
            institutions: try records(.institutions, "institutions.geojson").map(CoverageInstitution.init(record:)),
            commitments: try records(.commitments, "commitments.csv").map(CoverageCommitment.init(record:)),
            districts: districtRecords.map(CoverageDistrict.init(record:)))
    }

    /// Even-odd point-in-polygon in lon/lat (enough for the demo's small districts).
    static func contains(_ geometry: Geometry?, _ p: GeoPoint) -> Bool {
        guard case .multiPolygon(let polygons)? = geometry else { return false }
        var inside = false
        for ring in polygons.flatMap({ $0 }) {
            for (a, b) in zip(ring, ring.dropFirst()) where (a.latitude > p.latitude) != (b.latitude > p.latitude) {
                let lon = a.longitude + (p.latitude - a.latitude) / (b.latitude - a.latitude) * (b.longitude - a.longitude)
                if p.longitude < lon { inside.toggle() }
            }
        }
        return inside
    }
}

@Suite("Demo data: the article's figures", .requires(.demoData))
struct DemoDataTests {
    /// The report counts commitments marked done (`done_year`); this checks that the computed
    /// coverage bears each one out as of its done year, so the figures do not merely echo the
    /// input (issue 20, item 18). A 4G commitment is done when a site of the party's brand that
    /// counts that year (operational, not retired) and carries 4G or 5G reaches the settlement
    /// (geodesic distance within the engine's range for it); a fibre one when the settlement is
    /// connected by fibre by then.
    @Test func commitmentsMarkedDoneAreBorneOutByTheComputedCoverage() throws {
        let data = try DemoData.load()
        let settlements = Dictionary(data.settlements.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var engines: [Int: CoverageEngine] = [:]
        var checked: [String: Int] = [:]
        var unsupported: [String] = []
        for commitment in data.commitments where commitment.targetLayer == "settlements" {
            guard let year = commitment.doneYear else { continue }
            let settlement = try #require(settlements[commitment.targetID], "\(commitment.id): no settlement \(commitment.targetID)")
            switch commitment.technology {
            case "4G":
                let engine = engines[year] ?? CoverageEngine(sites: data.sites, asOfYear: year, scenario: .actual)
                engines[year] = engine
                let brands = Set(MobileOperator.kazakhstan.filter { $0.company == commitment.party }.map(\.brand))
                #expect(!brands.isEmpty, "\(commitment.id): unknown party \(commitment.party)")
                let reached = data.sites.indices.contains { index in
                    guard let brand = data.sites[index].operatorName, brands.contains(brand) else { return false }
                    let distance = Geodesic.distanceMeters(data.sites[index].position, settlement.position)
                    return [MobileTechnology.g4, .g5].contains { technology in
                        engine.rangeMeters(site: index, technology: technology).map { distance <= $0 } ?? false
                    }
                }
                if !reached { unsupported.append("\(commitment.id) (\(commitment.party) 4G at \(settlement.id), done \(year))") }
            case "fibre":
                let connected = settlement.fibre == .connected && (settlement.fibreYear ?? Int.min) <= year
                if !connected { unsupported.append("\(commitment.id) (fibre at \(settlement.id), done \(year))") }
            default:
                Issue.record("\(commitment.id): unexpected technology \(commitment.technology ?? "none")")
            }
            checked[commitment.technology ?? "none", default: 0] += 1
        }
        #expect(unsupported == [])
        // 18 Mobile Telecom-Service + 31 Kar-Tel + 20 Kcell 4G commitments, 82 fibre (last mile) ones.
        #expect(checked == ["4G": 69, "fibre": 82])
        // And the report counts exactly those as done by 2026.
        let report = try CoverageAnalysis(source: data).report(asOf: 2026, scenario: .actual, profile: .standard)
        #expect(report.commitments.filter { $0.targetLayer == "settlements" }.map(\.done).reduce(0, +) == 69 + 82)
    }

    /// `GeoData/check_demo.py`, the independent check of the demo data set (standard-library
    /// Python), passes; without python3 the test is skipped, and fails in CI.
    @Test(.requires(.python3)) func theDemoDataPassesItsIndependentCheck() throws {
        let python = try Prerequisite.python3.require()
        let script = try Prerequisite.demoFile("check_demo.py").require()
        let result = try run(python, [script])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.hasSuffix("all checks passed\n"), "\(result.stdout)")
        #expect(result.stdout.contains("commitments: 932 rows; MTS 18/68 done, Kar-Tel 31/61, Kcell 20/51"), "\(result.stdout)")
    }

    @Test func reportReproducesTheSourceFigures() throws {
        let analysis = try CoverageAnalysis(source: DemoData.load())
        #expect(analysis.settlements.count == 372)
        #expect(analysis.settlements.allSatisfy { $0.district != nil })
        let report = analysis.report(asOf: 2026, scenario: .actual, profile: .standard)
        let commitments = report.commitments.map(\.text)
        // "4G, Mobile Telecom-Service: 68 villages, 18 done"; "4G, Kar-Tel: 61 villages, 31 done".
        #expect(commitments.contains("Mobile Telecom-Service, 4G, Accessible Internet: 18 of 68 settlements"))
        #expect(commitments.contains("Kar-Tel, 4G, Accessible Internet: 31 of 61 settlements"))
        #expect(commitments.contains("Kcell, 4G, Kcell modernisation: 20 of 51 settlements"))
        #expect(commitments.contains("Kazakhtelecom, fibre, Last mile subsidy: 82 of 120 settlements"))
        #expect(commitments.contains("Kazakhtelecom, 4G, Accessible Internet: 0 of 7 sites"))
        // Fibre plans per year: 2024 30 / 144, 2025 86 / 204, 2026 44 / 96, 2027 10 / 11.
        var fibrePlan: [Int: [String: Int]] = [:]
        for year in report.plannedWork {
            for c in year.commitments where c.programme == "Fibre roll-out" {
                fibrePlan[year.year ?? 0, default: [:]][c.targetLayer] = c.total
            }
        }
        #expect(fibrePlan == [2024: ["settlements": 30, "institutions": 144], 2025: ["settlements": 86, "institutions": 204],
                              2026: ["settlements": 44, "institutions": 96], 2027: ["settlements": 10, "institutions": 11]])
        // 53 schools on Starlink.
        #expect(report.total.satelliteSchools == 53)
        #expect(report.districts.map(\.tally.satelliteSchools).reduce(0, +) == 53)
        #expect(report.total.totalSettlements == 372)
        #expect(report.districts.count == 11)
        // Done by an earlier year: only what was done then.
        let early = analysis.report(asOf: 2023, scenario: .actual, profile: .standard)
        #expect(early.commitments.map(\.text).contains("Kar-Tel, 4G, Accessible Internet: 12 of 61 settlements"))
    }

    @Test func unservedVillagesAreListedWithReasons() throws {
        let analysis = try CoverageAnalysis(source: DemoData.load())
        let result = analysis.run(asOf: 2026, scenario: .actual, profile: .standard)
        let byID = Dictionary(uniqueKeysWithValues: result.entries.map { (result.settlements[$0.settlement].id, $0) })
        let unserved = result.filtered(to: .unserved).entries
        #expect(!unserved.isEmpty)
        for entry in unserved {
            #expect(entry.fixed == nil && (entry.bestMobile ?? .g2) == .g2 && entry.satelliteInstitutions == 0)
            #expect(result.reason(entry).hasPrefix("unserved by profile default (otherwise unserved): "))
        }
        // Taraz has fibre and 4G; the remote villages lack broadband; Saudakent has Kcell 4G.
        #expect(byID["taraz"]?.coverageClass == .served)
        #expect(byID["taraz"]?.fixed == .fibre(year: 2008, planned: false))
        for remote in ["ulanbel", "kamkaly", "mynaral", "shyganak"] {
            #expect(byID[remote]?.coverageClass != .served, "\(remote)")
        }
        let saudakent = try #require(byID["saudakent"])
        #expect(saudakent.bestMobile == .g4)
        #expect(result.coveringOperators(saudakent).contains("Kcell"))
        // Every operator that covers Taraz, with its best technology: not only the 5G ones (issue 20, item 4).
        let taraz = try #require(byID["taraz"])
        #expect(result.coveringOperatorTechnologies(taraz) == ["Kcell:5G", "Beeline:5G", "Tele2:4G", "Altel:4G"])
        #expect(taraz.lowerTechnologySites.filter { $0.technology == .g4 }.count == 17)
        #expect(result.reason(taraz).contains("; also 4G from 17 sites (Tele2, Kcell, Altel, Beeline)"))
        // The planned scenario adds the 2025 sites and fibre: fewer settlements lack broadband.
        let planned = analysis.run(asOf: 2026, scenario: .planned, profile: .standard)
        #expect((planned.counts[.served] ?? 0) > (result.counts[.served] ?? 0))
        let diff = analysis.diff(from: 2024, to: 2026, scenario: .planned, profile: .standard)
        #expect(!diff.changes.isEmpty)
        #expect(diff.changes.allSatisfy { $0.before.coverageClass != $0.after.coverageClass && $0.reason.contains("(2024 → 2026)") })
    }
}
