import Foundation
import GeoModel
import QamtuTestSupport
import Testing

/// `qamtu road …` on the demo data, through the built executable.
@Suite("qamtu road (the built executable, demo data)")
struct RoadCLITests {
    @Test func findsTheSevenPlannedMastsAlongShakpakataOtarInAnyScript() throws {
        let folder = try TemporaryFolder()
        try EndToEndTests.demoDatabase(in: folder)
        var outputs: Set<String> = []
        for name in ["Шақпақата–Отар", "Шакпаката - Отар", "Shakpakata-Otar", "A-2", "a2-shakpakata-otar"] {
            let result = try qamtu(["road", "masts", name, "--within", "5km", "--format", "csv", "--db", "demo.sqlite"], in: folder)
            #expect(result.status == 0, "\(name): \(result.stderr)")
            outputs.insert(result.stdout)
        }
        #expect(outputs.count == 1)
        let csv = try #require(outputs.first)
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        let offset = try #require(header.firstIndex(of: "offset_m")), chainage = try #require(header.firstIndex(of: "chainage_km"))
        let masts = rows.dropFirst().filter { $0[0].hasPrefix("a2-mast-") }
        #expect(masts.map { $0[0] } == (1...7).map { "a2-mast-\($0)" })
        // Planned, as in the source article, for its own year 2024 (issue 20, item 16).
        let plannedYear = try #require(header.firstIndex(of: "planned_year")), status = try #require(header.firstIndex(of: "status"))
        #expect(masts.map { "\($0[status]) \($0[plannedYear])" } == [String](repeating: "planned 2024", count: 7))
        // The demo masts stand 76–229 m from the road (GeoData/README.md).
        for mast in masts { #expect((50...300).contains(Double(mast[offset]) ?? -1), "\(mast)") }
        // Sorted by chainage.
        let chainages = rows.dropFirst().compactMap { Double($0[chainage]) }
        #expect(chainages == chainages.sorted())
        #expect(chainages.allSatisfy { $0 >= 0 })
    }

    @Test func gapsAndPlanAreGeoJSONThatClosesTheGaps() throws {
        let folder = try TemporaryFolder()
        try EndToEndTests.demoDatabase(in: folder)
        let gaps = try qamtu(["road", "gaps", "A-2", "--as-of", "2024", "-o", "gaps.geojson", "--db", "demo.sqlite"], in: folder)
        #expect(gaps.status == 0, "\(gaps.stderr)")
        let gapsJSON = try JSONParser.parse(try folder.read("gaps.geojson"))
        guard case .array(let gapFeatures)? = gapsJSON["features"] else { Issue.record("no features"); return }
        #expect(!gapFeatures.isEmpty)
        for feature in gapFeatures {
            let from = try #require(feature["properties"]?["from_km"]?.doubleValue)
            let to = try #require(feature["properties"]?["to_km"]?.doubleValue)
            let length = try #require(feature["properties"]?["length_km"]?.doubleValue)
            #expect(to > from)
            #expect(abs((to - from) - length) < 0.001)
        }
        let plan = try qamtu(["road", "plan", "A-2", "--as-of", "2024", "-o", "plan.geojson", "--db", "demo.sqlite"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        let planJSON = try JSONParser.parse(try folder.read("plan.geojson"))
        guard case .array(let planFeatures)? = planJSON["features"] else { Issue.record("no features"); return }
        #expect(!planFeatures.isEmpty)
    }

    @Test func unknownRoadsGetAClearError() throws {
        let folder = try TemporaryFolder()
        try EndToEndTests.demoDatabase(in: folder)
        let result = try qamtu(["road", "gaps", "Nowhere Highway", "--db", "demo.sqlite"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: no road matches 'Nowhere Highway'"))
        let typo = try qamtu(["road", "masts", "Shakpakta-Otar", "--db", "demo.sqlite", "--format", "csv"], in: folder)
        #expect(typo.status == 0, "a small spelling difference is tolerated: \(typo.stderr)")
    }
}
