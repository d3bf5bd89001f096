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
        // The planned scenario adds the 2025 sites and fibre: fewer settlements lack broadband.
        let planned = analysis.run(asOf: 2026, scenario: .planned, profile: .standard)
        #expect((planned.counts[.served] ?? 0) > (result.counts[.served] ?? 0))
        let diff = analysis.diff(from: 2024, to: 2026, scenario: .planned, profile: .standard)
        #expect(!diff.changes.isEmpty)
        #expect(diff.changes.allSatisfy { $0.before.coverageClass != $0.after.coverageClass && $0.reason.contains("(2024 → 2026)") })
    }
}
