import Foundation
import GeoModel
import Geodesy
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PortalCore
import QamtuTestSupport
import Testing
@testable import QamtuServer

/// The built `qamtu` executable (next to the test bundle, or in .build/debug), checked to be
/// linked after the last compilation of every target.
private let executable = Result {
    try BuiltExecutable.locate(
        candidates: [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("qamtu").path,
            SharedData.repository.appendingPathComponent(".build/debug/qamtu").path,
        ],
        targets: BuiltExecutable.targets(ofPackageAt: SharedData.repository))
}

/// Runs the CLI on the fixture's database; its output goes to `output` in the fixture's folder,
/// whose bytes are returned.
private func cli(_ fixture: AnalysisFixture, _ arguments: [String], output: String) throws -> [UInt8] {
    var environment = ProcessInfo.processInfo.environment
    environment["QAMTU_DB"] = nil
    let result = try run(try executable.get(), arguments + ["--db", fixture.path, "-o", output], in: fixture.folder.url.path,
                         environment: environment)
    guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
    return Array(try Data(contentsOf: URL(fileURLWithPath: fixture.folder.path(output))))
}

extension JSONValue {
    /// The elements of an array.
    var elements: [JSONValue] { if case .array(let items) = self { items } else { [] } }
}

/// The ids of a FeatureCollection's features, in order.
private func ids(_ collection: JSONValue) -> [String] { (collection["features"]?.elements ?? []).compactMap { $0["id"]?.stringValue } }

/// The property `name` of every feature.
private func property(_ collection: JSONValue, _ name: String) -> [JSONValue] {
    (collection["features"]?.elements ?? []).map { $0["properties"]?[name] ?? .null }
}

/// Road corridor endpoints: `/roads/{road}/masts`, `gaps`, `plan`.
@Suite struct RoadsAPITests {
    /// The road r1 runs along the meridian 71° E from 43.0° N: a geodesic, so the kilometre mark
    /// of a point beside it is the meridian arc to its latitude and its offset the distance
    /// across (to 1 m; the foot of the perpendicular lies within metres of the same latitude).
    @Test func mastsWithinFiveKilometresByChainageWithOffsets() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/roads/A-2/masts?within=5km", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/geo+json")
            let masts = try response.parsed()
            #expect(ids(masts) == ["m1", "m2", "m4"])
            #expect(masts["road"]?["id"]?.stringValue == "r1")
            #expect(masts["within_m"]?.doubleValue == 5000)
            let start = GeoPoint(longitude: 71.0, latitude: 43.0)
            let expected: [(GeoPoint, GeoPoint)] = [
                (GeoPoint(longitude: 71.01, latitude: 43.1), GeoPoint(longitude: 71.0, latitude: 43.1)),
                (GeoPoint(longitude: 70.98, latitude: 43.3), GeoPoint(longitude: 71.0, latitude: 43.3)),
                (GeoPoint(longitude: 71.0, latitude: 43.38), GeoPoint(longitude: 71.0, latitude: 43.38)),
            ]
            let offsets = property(masts, "offset_m").compactMap(\.doubleValue)
            let chainages = property(masts, "chainage_km").compactMap(\.doubleValue)
            for (i, (site, foot)) in expected.enumerated() {
                #expect(abs(offsets[i] - Geodesic.distanceMeters(site, foot)) < 1, "\(i)")
                #expect(abs(chainages[i] - Geodesic.distanceMeters(start, foot) / 1000) < 0.005, "\(i)")
            }
            #expect(offsets[0] > 800 && offsets[0] < 820)
            #expect(chainages == chainages.sorted())
            // Filters of the core: status and operator (case-insensitive).
            #expect(ids(try await client.execute(uri: "/roads/A-2/masts?within=5km&status=planned", method: .get).parsed()) == ["m4"])
            #expect(ids(try await client.execute(uri: "/roads/A-2/masts?operator=beeline", method: .get).parsed()) == ["m2", "m4"])
            #expect(ids(try await client.execute(uri: "/roads/A-2/masts?within=900m", method: .get).parsed()) == ["m1", "m4"])
            // Any script, id or ref: the same answer.
            for road in ["r1", "Shakpakata-Otar", "%D0%A8%D0%B0%D0%BA%D0%BF%D0%B0%D0%BA%D0%B0%D1%82%D0%B0%E2%80%93%D0%9E%D1%82%D0%B0%D1%80"] {
                let other = try await client.execute(uri: "/roads/\(road)/masts?within=5km", method: .get)
                #expect(other.body == response.body, "\(road)")
            }
            let html = try await client.execute(uri: "/roads/A-2/masts?f=html", method: .get)
            #expect(html.headers[.contentType] == "text/html; charset=utf-8")
            #expect(html.text.contains("<td>North mast</td>"))
        }
    }

    /// The road endpoints answer what the CLI writes for the same database, byte for byte.
    @Test func roadAnswersAreTheCLIBytes() async throws {
        let fixture = try AnalysisFixture()
        let masts = try cli(fixture, ["road", "masts", "A-2", "--within", "5km"], output: "masts.geojson")
        let gaps = try cli(fixture, ["road", "gaps", "A-2", "--as-of", "2025"], output: "gaps.geojson")
        let plan = try cli(fixture, ["road", "plan", "A-2", "--as-of", "2025", "--range", "6km"], output: "plan.geojson")
        try await fixture.withClient { client in
            for (uri, expected) in [("/roads/A-2/masts?within=5km", masts), ("/roads/A-2/gaps?as-of=2025", gaps),
                                    ("/roads/A-2/plan?as-of=2025&range=6km", plan)] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(Array(buffer: response.body) == expected, "\(uri)")
            }
        }
    }

    /// Gaps end where the road leaves a site's range: the point of the road at each boundary
    /// lies at the site's range (5 km) from it, to 0.5 m.
    @Test func gapsAreTheStretchesNoSiteCovers() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.withClient { client in
            let gaps = try await client.execute(uri: "/roads/r1/gaps?as-of=2025&technology=4G", method: .get).parsed()
            #expect(ids(gaps) == ["gap-1", "gap-2", "gap-3"])
            #expect(gaps["totals"]?["gaps"]?.doubleValue == 3)
            #expect(gaps["totals"]?["sites"]?.doubleValue == 2)
            let from = property(gaps, "from_km").compactMap(\.doubleValue)
            let to = property(gaps, "to_km").compactMap(\.doubleValue)
            let length = try #require(gaps["road"]?["length_km"]?.doubleValue)
            #expect(from[0] == 0)
            #expect(to[2] == length)
            let start = GeoPoint(longitude: 71.0, latitude: 43.0)
            func road(_ km: Double) -> GeoPoint { Geodesic.destination(from: start, azimuthDegrees: 0, distanceMeters: km * 1000) }
            let m1 = GeoPoint(longitude: 71.01, latitude: 43.1), m2 = GeoPoint(longitude: 70.98, latitude: 43.3)
            for (km, site) in [(to[0], m1), (from[1], m1), (to[1], m2), (from[2], m2)] {
                #expect(abs(Geodesic.distanceMeters(road(km), site) - 5000) < 0.5, "\(km)")
            }
            // Planned for 2026, m4 (6 km) closes the last gap; 3G sites count only for 3G or less.
            let planned = try await client.execute(uri: "/roads/A-2/gaps?as-of=2026&scenario=planned", method: .get).parsed()
            #expect(ids(planned) == ["gap-1", "gap-2"])
            #expect(planned["totals"]?["sites"]?.doubleValue == 3)
        }
    }

    @Test func planClosesEveryGap() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.withClient { client in
            let plan = try await client.execute(uri: "/roads/A-2/plan?as-of=2025&range=6km&scenario=actual", method: .get).parsed()
            #expect(plan["range_m"]?.doubleValue == 6000)
            let summary = try #require(plan["summary"])
            #expect(summary["gaps"]?.doubleValue == 3)
            #expect(summary["sufficient"] == .bool(false))
            #expect(summary["covered_share_after"]?.doubleValue == 1)
            let proposed = ids(plan).filter { $0.hasPrefix("proposed-") }
            #expect(Double(proposed.count) == summary["new_masts"]?.doubleValue)
            #expect(proposed.count >= 3)
            let html = try await client.execute(uri: "/roads/A-2/plan?as-of=2025&f=html", method: .get)
            #expect(html.text.contains("proposed-1"))
        }
    }

    /// Unknown roads 404 naming the closest, ambiguous names 409 naming the candidates, bad
    /// parameters 400; never a 5xx.
    @Test func unknownAmbiguousAndBadRequests() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.withClient { client in
            let unknown = try await client.execute(uri: "/roads/Nowhere%20Highway/masts", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json()["code"] as? String == "NotFound")
            let ambiguous = try await client.execute(uri: "/roads/Kordai%20road/gaps", method: .get)
            #expect(ambiguous.status == .conflict)
            let description = try #require(try ambiguous.json()["description"] as? String)
            #expect(description.contains("r2 (R-10 Kordai road)") && description.contains("r3 (R-11 Kordai road)"), "\(description)")
            #expect(try await client.execute(uri: "/roads/r2/masts", method: .get).status == .ok)
            let bad = [
                "/roads/A-2/masts?within=5", "/roads/A-2/masts?within=abc", "/roads/A-2/masts?within=-1km", "/roads/A-2/masts?within=500km",
                "/roads/A-2/masts?status=sleeping", "/roads/A-2/masts?colour=red", "/roads/A-2/masts?f=xml",
                "/roads/A-2/gaps?technology=6G", "/roads/A-2/gaps?as-of=1800", "/roads/A-2/gaps?as-of=soon",
                "/roads/A-2/gaps?scenario=maybe", "/roads/A-2/gaps?planned-range=8", "/roads/A-2/plan?range=0m",
                "/roads/A-2/plan?range=NaNkm", "/roads/A-2/plan?within=5km",
            ]
            for uri in bad {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(try response.json()["code"] as? String == "InvalidParameterValue", "\(uri)")
            }
        }
    }
}

/// `/reports/coverage` and `/reports/commitments`.
@Suite struct ReportsAPITests {
    @Test func coverageReportIsTheCLIsJSON() async throws {
        let fixture = try AnalysisFixture()
        let expected = try cli(fixture, ["report", "--as-of", "2025", "--format", "json"], output: "report.json")
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/reports/coverage?as-of=2025", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(Array(buffer: response.body) == expected)
            let report = try response.parsed()
            let classes = try #require(report["total"]?["settlements_by_class"])
            #expect(classes["served"]?.doubleValue == 2)
            #expect(classes["underserved"]?.doubleValue == 1)
            #expect(classes["unserved"]?.doubleValue == 2)
            #expect(report["total"]?["population"]?.doubleValue == 301_650)
            let planned = try await client.execute(uri: "/reports/coverage?as-of=2026&scenario=planned&profile=fibre-first", method: .get).parsed()
            #expect(planned["profile"]?.stringValue == "fibre-first")
            #expect(planned["scenario"]?.stringValue == "planned")
            let html = try await client.execute(uri: "/reports/coverage?as-of=2025&f=html", method: .get)
            #expect(html.text.contains("Coverage report as of 2025"))
        }
    }

    @Test func commitmentsReportHasEachGroupsProgress() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.withClient { client in
            let report = try await client.execute(uri: "/reports/commitments?as-of=2025", method: .get).parsed()
            guard case .object(let members) = report else { Issue.record("not an object"); return }
            #expect(members.map(\.key) == ["as_of", "commitments", "planned_work", "scenario"])
            let groups = (report["commitments"]?.elements ?? []).map {
                "\($0["party"]?.stringValue ?? "") \($0["technology"]?.stringValue ?? "") \(Int($0["done"]?.doubleValue ?? -1))/\(Int($0["total"]?.doubleValue ?? -1))"
            }
            #expect(groups.sorted() == ["Kazakhtelecom fibre 1/1", "Kcell 4G 1/2"])
            // The same groups as in the whole report.
            let whole = try await client.execute(uri: "/reports/coverage?as-of=2025", method: .get).parsed()
            #expect(whole["commitments"] == report["commitments"])
            #expect(whole["planned_work"] == report["planned_work"])
        }
    }

    @Test func badReportParametersAre400() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.withClient { client in
            for uri in ["/reports/coverage?profile=/etc/passwd", "/reports/coverage?profile=default.json", "/reports/coverage?as-of=abc",
                        "/reports/coverage?as-of=2200", "/reports/coverage?scenario=dream", "/reports/coverage?year=2025",
                        "/reports/commitments?profile=default", "/reports/commitments?as-of=1.5"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(try response.json()["code"] as? String == "InvalidParameterValue", "\(uri)")
            }
        }
    }
}

/// The computed collections `coverage` and `footprints`.
@Suite struct ComputedCollectionsTests {
    @Test func coverageItemsAreTheCLIsFeaturesWithFiltersAndBbox() async throws {
        let fixture = try AnalysisFixture()
        let expected = try JSONParser.parse(try cli(fixture, ["coverage", "--as-of", "2025"], output: "coverage.geojson"))
        try await fixture.withClient { client in
            let all = try await client.execute(uri: "/collections/coverage/items?as-of=2025", method: .get)
            #expect(all.headers[.contentType] == "application/geo+json")
            let coverage = try all.parsed()
            #expect(ids(coverage) == ["v1", "v2", "v3", "v4", "v5"])
            #expect(property(coverage, "class").compactMap(\.stringValue) == ["served", "underserved", "unserved", "served", "unserved"])
            #expect(coverage["features"] == expected["features"])
            #expect(coverage["numberMatched"]?.doubleValue == 5)
            #expect(coverage["numberReturned"]?.doubleValue == 5)
            #expect(coverage["qamtu"]?["counts"]?["unserved"]?.doubleValue == 2)
            func page(_ query: String) async throws -> [String] {
                ids(try await client.execute(uri: "/collections/coverage/items?\(query)", method: .get).parsed())
            }
            #expect(try await page("as-of=2025&class=unserved") == ["v3", "v5"])
            #expect(try await page("as-of=2025&class=UNSERVED&district=d1") == ["v5"])
            #expect(try await page("as-of=2025&district=d2") == ["v3"])
            #expect(try await page("as-of=2025&best_mobile=4G") == ["v1", "v4"])
            #expect(try await page("as-of=2025&nearest_site_id=m3") == ["v2"])
            #expect(try await page("as-of=2025&bbox=70.9,43.0,71.1,43.5") == ["v1", "v4", "v5"])
            #expect(try await page("as-of=2025&name=aqsu") == ["v1"])
            // The planned mast m4 serves Kokterek in the planned scenario of 2026.
            #expect(try await page("as-of=2026&scenario=planned&class=served") == ["v1", "v4", "v5"])
            let narrow = try await client.execute(uri: "/collections/coverage/items?as-of=2025&properties=id,class&limit=1", method: .get).parsed()
            guard case .object(let members)? = narrow["features"]?.elements.first?["properties"] else { Issue.record("no properties"); return }
            #expect(members.map(\.key) == ["id", "class"])
            let one = try await client.execute(uri: "/collections/coverage/items/v2?as-of=2025", method: .get).parsed()
            #expect(one["properties"]?["class"]?.stringValue == "underserved")
            #expect(one["properties"]?["best_mobile"]?.stringValue == "3G")
            #expect(try await client.execute(uri: "/collections/coverage/items/v9?as-of=2025", method: .get).status == .notFound)
            let html = try await client.execute(uri: "/collections/coverage/items?as-of=2025&f=html", method: .get)
            #expect(html.text.contains("<td>underserved</td>"))
        }
    }

    /// Paging keeps every parameter in its links and runs the analysis once for all pages.
    @Test func coveragePagesComputeTheAnalysisOnce() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.withClient { client in
            var uri: String? = "/collections/coverage/items?as-of=2025&limit=2"
            var pages: [[String]] = []
            while let next = uri {
                let page = try await client.execute(uri: next, method: .get).parsed()
                #expect(page["numberMatched"]?.doubleValue == 5)
                pages.append(ids(page))
                let links = page["links"]?.elements ?? []
                uri = links.first { $0["rel"]?.stringValue == "next" }?["href"]?.stringValue
                    .map { String($0.dropFirst("http://qamtu.test".count)) }
                if let uri { #expect(uri.contains("as-of=2025") && uri.contains("limit=2")) }
                if pages.count > 1 { #expect(links.contains { $0["rel"]?.stringValue == "prev" }) }
            }
            #expect(pages == [["v1", "v2"], ["v3", "v4"], ["v5"]])
            let past = try await client.execute(uri: "/collections/coverage/items?as-of=2025&offset=9", method: .get).parsed()
            #expect(past["numberReturned"]?.doubleValue == 0)
            #expect(ids(past) == [])
            func runs() async throws -> String {
                try await client.execute(uri: "/metrics", method: .get).text.split(separator: "\n")
                    .first { $0.hasPrefix(#"qamtu_analysis_runs_total{analysis="coverage"}"#) }.map(String.init) ?? ""
            }
            #expect(try await runs() == #"qamtu_analysis_runs_total{analysis="coverage"} 1"#)
            _ = try await client.execute(uri: "/collections/coverage/items?as-of=2024", method: .get)
            #expect(try await runs() == #"qamtu_analysis_runs_total{analysis="coverage"} 2"#)
        }
    }

    @Test func footprintsPerOperatorAndTechnology() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.withClient { client in
            let all = try await client.execute(uri: "/collections/footprints/items?as-of=2025", method: .get).parsed()
            #expect(ids(all) == ["Beeline 4G", "Kcell 4G", "Kcell 3G", "Tele2 5G"])
            #expect(all["numberMatched"]?.doubleValue == 4)
            // A 5 km geodesic circle is 78.54 km²; its circumscribing 64-gon is at most 0.5 % larger.
            let area = try #require(property(all, "area_km2")[1].doubleValue)
            #expect(area > 78.5 && area < 78.54 * 1.005, "\(area)")
            func page(_ query: String) async throws -> [String] {
                ids(try await client.execute(uri: "/collections/footprints/items?\(query)", method: .get).parsed())
            }
            #expect(try await page("as-of=2025&operator=kcell") == ["Kcell 4G", "Kcell 3G"])
            #expect(try await page("as-of=2025&technology=4g") == ["Beeline 4G", "Kcell 4G"])
            #expect(try await page("as-of=2025&operator=Nobody") == [])
            #expect(try await page("as-of=2025&bbox=74,44,75,45") == ["Tele2 5G"])
            #expect(try await page("as-of=2025&limit=1&offset=1") == ["Kcell 4G"])
            let one = try await client.execute(uri: "/collections/footprints/items/Kcell%203G?as-of=2025", method: .get).parsed()
            #expect(one["properties"]?["sites"]?.doubleValue == 1)
            for uri in ["/collections/footprints/items?technology=6G", "/collections/footprints/items?as-of=year",
                        "/collections/footprints/items?profile=default", "/collections/footprints/items?limit=-1"] {
                #expect(try await client.execute(uri: uri, method: .get).status == .badRequest, "\(uri)")
            }
        }
    }

    @Test func badCoverageParametersAre400AndNeverReadAFile() async throws {
        let fixture = try AnalysisFixture()
        let profile = try fixture.folder.write("profile.json", #"{"name":"mine","rules":[],"otherwise":"served"}"#)
        try await fixture.withClient { client in
            for query in ["profile=\(profile)", "profile=mine", "as-of=3000", "as-of=", "scenario=x", "class=good", "limit=0",
                          "limit=abc", "offset=-1", "bbox=1,2,3", "properties=secret", "properties=", "sortby=name", "colour=red",
                          "satellite=maybe", "population=many"] {
                let response = try await client.execute(uri: "/collections/coverage/items?\(query)", method: .get)
                #expect(response.status == .badRequest, "\(query)")
                #expect(try response.json()["code"] as? String == "InvalidParameterValue", "\(query)")
            }
        }
    }

    /// The computed collections are listed, described and declared in the API definition.
    @Test func collectionsAndAPIDescribeTheComputedCollections() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.withClient { client in
            let collections = try await client.execute(uri: "/collections", method: .get).json()
            let list = collections["collections"] as? [[String: Any]] ?? []
            #expect(list.compactMap { $0["id"] as? String }.suffix(2) == ["coverage", "footprints"])
            #expect((list.last?["description"] as? String)?.hasPrefix("Computed on request") == true)
            let coverage = try await client.execute(uri: "/collections/coverage", method: .get).json()
            #expect(coverage["id"] as? String == "coverage")
            let queryables = try await client.execute(uri: "/collections/coverage/queryables", method: .get).json()
            let properties = queryables["properties"] as? [String: Any] ?? [:]
            #expect((properties["class"] as? [String: Any])?["enum"] as? [String] == ["served", "underserved", "unserved"])
            let api = try await client.execute(uri: "/api", method: .get).json()
            let paths = api["paths"] as? [String: Any] ?? [:]
            for path in ["/roads/{road}/masts", "/roads/{road}/gaps", "/roads/{road}/plan", "/reports/coverage", "/reports/commitments",
                         "/collections/coverage/items/{featureId}"] {
                #expect(paths[path] != nil, "\(path)")
            }
            let items = try #require((paths["/collections/coverage/items"] as? [String: Any])?["get"] as? [String: Any])
            let names = Set((items["parameters"] as? [Any] ?? []).compactMap { ($0 as? [String: Any])?["name"] as? String })
            #expect(names.isSuperset(of: ["as-of", "scenario", "profile", "class", "district"]))
            #expect(!names.contains("sortby"))
        }
    }
}

/// The cache of computed results.
@Suite struct ComputedResultCacheTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    @Test func computesOncePerKeyKeepsTheLastFewAndRetriesFailures() async throws {
        let cache = ComputedResultCache<Int, Int>(capacity: 2)
        let counter = Counter()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { try await cache.value(for: 1) { try await Task.sleep(for: .milliseconds(20)); return counter.next() } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == [Int](repeating: 1, count: 8))
        #expect(cache.computations == 1)
        #expect(try await cache.value(for: 2) { counter.next() } == 2)
        #expect(try await cache.value(for: 1) { counter.next() } == 1)
        #expect(try await cache.value(for: 3) { counter.next() } == 3)
        // Key 2 was the least recently used: it is computed again.
        #expect(try await cache.value(for: 2) { counter.next() } == 4)
        struct Failure: Error {}
        await #expect(throws: Failure.self) { try await cache.value(for: 5) { throw Failure() } }
        #expect(try await cache.value(for: 5) { counter.next() } == 5)
    }
}
