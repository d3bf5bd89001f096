import Foundation
import GeoModel
import Geodesy
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

    /// The gaps of A-2 in 2024 and a plan whose masts close every one of them: each gap lies
    /// within its mast's range (geodesic distance), and with the masts added as sites `road gaps`
    /// finds none (issue 20, item 22: this test once only checked that the plan was not empty).
    @Test func gapsAndPlanAreGeoJSONThatClosesTheGaps() throws {
        let folder = try TemporaryFolder()
        try EndToEndTests.demoDatabase(in: folder)
        // Operational sites only: 8 gaps, 43.73465 km.
        let actual = try gaps(["--as-of", "2024"], in: folder)
        #expect(actual.lengths.count == 8)
        #expect(abs(actual.lengths.reduce(0, +) - 43.73465) < 0.00001 * 8)
        #expect(actual.totals?["uncovered_km"]?.doubleValue == 43.73465)
        // With the sites planned by 2024 (the seven A-2 masts among them): 2 gaps remain.
        let planned = try gaps(["--as-of", "2024", "--scenario", "planned"], in: folder)
        #expect(planned.lengths == [4.38213, 0.29752])

        let plan = try qamtu(["road", "plan", "A-2", "--as-of", "2024", "-o", "plan.geojson", "--db", "demo.sqlite"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stderr.hasSuffix("wrote 2 proposed masts and 2 gaps to plan.geojson\n"), "\(plan.stderr)")
        let planJSON = try JSONParser.parse(try folder.read("plan.geojson"))
        #expect(planJSON["summary"]?["new_masts"]?.doubleValue == 2)
        #expect(planJSON["summary"]?["sufficient"] == .bool(false))
        #expect(planJSON["summary"]?["covered_share_after"]?.doubleValue == 1)
        let features = try #require(planJSON["features"]?.arrayValue)
        var masts: [String: (position: GeoPoint, rangeMeters: Double)] = [:]
        var csv = "id,name,kind,technologies,range_m,status,lon,lat\n"
        for feature in features where feature["properties"]?["kind"]?.stringValue == "proposed_mast" {
            let id = try #require(feature["id"]?.stringValue)
            let coordinates = try #require(feature["geometry"]?["coordinates"]?.numbers)
            let range = try #require(feature["properties"]?["range_m"]?.doubleValue)
            masts[id] = (GeoPoint(longitude: coordinates[0], latitude: coordinates[1]), range)
            csv += "\(id),Proposed \(id),antenna_mast,4G,\(range),operational,\(coordinates[0]),\(coordinates[1])\n"
        }
        #expect(masts.keys.sorted() == ["proposed-1", "proposed-2"])
        #expect(masts.values.allSatisfy { $0.rangeMeters == 6_000 })
        // Every vertex of every gap (its ends included) is within range of the mast that closes it.
        var gapsChecked = 0
        for feature in features where feature["properties"]?["kind"]?.stringValue == "gap" {
            let closer = try #require(feature["properties"]?["closed_by"]?.stringValue)
            let mast = try #require(masts[closer], "\(closer) is not a proposed mast")
            let vertices = try #require(feature["geometry"]?["coordinates"]?.arrayValue)
            #expect(vertices.count >= 2)
            for vertex in vertices {
                let lonLat = try #require(vertex.numbers)
                let distance = Geodesic.distanceMeters(mast.position, GeoPoint(longitude: lonLat[0], latitude: lonLat[1]))
                #expect(distance <= mast.rangeMeters, "\(closer): \(lonLat) is \(distance) m away")
            }
            gapsChecked += 1
        }
        #expect(gapsChecked == 2)

        // The proposed masts built: no gap is left, and the plan needs no new mast.
        try folder.write("proposed.csv", csv)
        let added = try qamtu(["import", "sites", "proposed.csv", "--db", "demo.sqlite"], in: folder)
        #expect(added.status == 0, "\(added.stderr)")
        let closed = try gaps(["--as-of", "2024", "--scenario", "planned"], in: folder)
        #expect(closed.lengths == [])
        #expect(closed.totals?["covered_share"]?.doubleValue == 1)
        #expect(closed.totals?["sites"]?.doubleValue == 143)
        let again = try qamtu(["road", "plan", "A-2", "--as-of", "2024", "-o", "again.geojson", "--db", "demo.sqlite"], in: folder)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try JSONParser.parse(try folder.read("again.geojson"))["summary"]?["new_masts"]?.doubleValue == 0)
    }

    /// `road gaps A-2` with `options` on the demo database: each gap's length (checked against its
    /// from/to chainage) and the totals.
    func gaps(_ options: [String], in folder: TemporaryFolder) throws -> (lengths: [Double], totals: JSONValue?) {
        let result = try qamtu(["road", "gaps", "A-2", "-o", "gaps.geojson", "--db", "demo.sqlite"] + options, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONParser.parse(try folder.read("gaps.geojson"))
        var lengths: [Double] = []
        for feature in try #require(json["features"]?.arrayValue) {
            let from = try #require(feature["properties"]?["from_km"]?.doubleValue)
            let to = try #require(feature["properties"]?["to_km"]?.doubleValue)
            let length = try #require(feature["properties"]?["length_km"]?.doubleValue)
            #expect(to > from)
            #expect(abs((to - from) - length) < 0.001)
            lengths.append(length)
        }
        return (lengths, json["totals"])
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

extension JSONValue {
    /// The elements of an array, or nil.
    var arrayValue: [JSONValue]? { if case .array(let elements) = self { elements } else { nil } }

    /// The numbers of an array of numbers (a position), or nil.
    var numbers: [Double]? {
        guard let elements = arrayValue else { return nil }
        let numbers = elements.compactMap { $0.doubleValue }
        return numbers.count == elements.count && numbers.count >= 2 ? numbers : nil
    }
}
