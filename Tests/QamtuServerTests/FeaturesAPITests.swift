import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// OGC API – Features Part 1 through the router (no socket): documents, items, paging, one
/// feature, formats.
@Suite struct FeaturesAPITests {
    @Test func landingPageLinksTheAPIConformanceAndData() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let document = try response.json()
            #expect(link(document, rel: "self") == "http://qamtu.test/?f=json")
            #expect(link(document, rel: "service-desc") == "http://qamtu.test/api")
            #expect(link(document, rel: "service-doc") == "http://qamtu.test/api.html")
            #expect(link(document, rel: "conformance") == "http://qamtu.test/conformance")
            #expect(link(document, rel: "data") == "http://qamtu.test/collections")
        }
    }

    @Test func conformanceListsCoreGeoJSONHTMLAndOpenAPI() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let document = try await client.execute(uri: "/conformance", method: .get).json()
            let classes = document["conformsTo"] as? [String] ?? []
            for name in ["core", "geojson", "html", "oas30"] {
                #expect(classes.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/\(name)"))
            }
        }
    }

    @Test func everyLayerIsACollection() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let document = try await client.execute(uri: "/collections", method: .get).json()
            let ids = (document["collections"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            // Every layer, then the computed collections.
            #expect(ids == ["districts", "settlements", "roads", "sites", "institutions", "commitments", "services", "applications",
                            "coverage", "footprints"])
            let sites = try await client.execute(uri: "/collections/sites", method: .get).json()
            #expect(link(sites, rel: "items", type: "application/geo+json") == "http://qamtu.test/collections/sites/items?f=json")
        }
    }

    @Test func pagesCarryExactCountsAndLinksThatKeepEveryFilter() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let first = try await client.execute(uri: "/collections/sites/items?operator=kcell&limit=2", method: .get)
            #expect(first.headers[.contentType] == "application/geo+json")
            let page1 = try first.json()
            #expect(page1["numberMatched"] as? Int == 3)
            #expect(page1["numberReturned"] as? Int == 2)
            #expect(featureIds(page1) == ["t1", "t3"])
            let next = try #require(link(page1, rel: "next"))
            #expect(next == "http://qamtu.test/collections/sites/items?operator=kcell&limit=2&offset=2&f=json")
            #expect(link(page1, rel: "prev") == nil)
            let path = String(next.dropFirst("http://qamtu.test".count))
            let page2 = try await client.execute(uri: path, method: .get).json()
            #expect(featureIds(page2) == ["t5"])
            #expect(page2["numberReturned"] as? Int == 1)
            #expect(link(page2, rel: "next") == nil)
            #expect(link(page2, rel: "prev") == "http://qamtu.test/collections/sites/items?operator=kcell&limit=2&f=json")
        }
    }

    @Test func bboxCrossingTheAntimeridianFindsBothSides() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let document = try await client.execute(uri: "/collections/sites/items?bbox=179,64,-179,66", method: .get).json()
            #expect(featureIds(document) == ["t5", "t6"])
            #expect(document["numberMatched"] as? Int == 2)
            let near = try await client.execute(uri: "/collections/sites/items?bbox=71.3,42.8,71.4,43.0&sortby=-name", method: .get).json()
            #expect(featureIds(near) == ["t3", "t4"])
        }
    }

    @Test func limitAboveTheMaximumIsServedAsTheMaximum() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/collections/sites/items?limit=50000", method: .get)
            #expect(response.status == .ok)
            let document = try response.json()
            #expect(document["numberReturned"] as? Int == 6)
            #expect(link(document, rel: "self")?.contains("limit=50000") == true)
        }
    }

    @Test func propertiesSelectsColumns() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let document = try await client.execute(uri: "/collections/sites/items?properties=operator&limit=1", method: .get).json()
            let feature = try #require((document["features"] as? [[String: Any]])?.first)
            #expect(feature["properties"] as? [String: String] == ["operator": "Kcell"])
            let bad = try await client.execute(uri: "/collections/sites/items?properties=operator,secret", method: .get)
            #expect(bad.status == .badRequest)
            #expect(try bad.json()["description"] as? String == "parameter 'properties': 'secret' is not a property of sites; properties are id, name, kind, operator, technologies, band_mhz, height_m, eirp_dbm, range_m, status, planned_year, commissioned, position, source")
        }
    }

    @Test func oneFeatureIsTheExportedFeatureWithLinks() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/collections/settlements/items/s2", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/geo+json")
            #expect(response.text.hasPrefix(#"{"type":"Feature","id":"s2","geometry":{"type":"Point","coordinates":[71.37,42.9]},"properties":{"id":"s2","name":"Taraz","name_kk":"Тараз""#))
            let document = try response.json()
            #expect(link(document, rel: "collection") == "http://qamtu.test/collections/settlements")
            let missing = try await client.execute(uri: "/collections/settlements/items/nope", method: .get)
            #expect(missing.status == .notFound)
            #expect(try missing.json()["code"] as? String == "NotFound")
        }
    }

    @Test func htmlEscapesDataAndIsChosenByAccept() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            var headers = HTTPFields()
            headers[.accept] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            let response = try await client.execute(uri: "/collections/sites/items?operator=Tele2", method: .get, headers: headers)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.text.contains("&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"))
            #expect(!response.text.contains("<b>&"))
            var json = HTTPFields()
            json[.accept] = "application/geo+json"
            #expect(try await client.execute(uri: "/collections/sites/items?operator=Tele2", method: .get, headers: json).json()["numberMatched"] as? Int == 1)
            var xml = HTTPFields()
            xml[.accept] = "application/xml"
            #expect(try await client.execute(uri: "/collections", method: .get, headers: xml).status == .notAcceptable)
        }
    }

    @Test func openAPIDeclaresEachCollectionsQueryablesAsParameters() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api", method: .get)
            #expect(response.headers[.contentType] == "application/vnd.oai.openapi+json;version=3.0")
            let document = try response.json()
            let paths = try #require(document["paths"] as? [String: Any])
            let sites = try #require((paths["/collections/sites/items"] as? [String: Any])?["get"] as? [String: Any])
            let names = (sites["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("operator"))
            #expect(names.contains("status"))
            let queryables = try await client.execute(uri: "/collections/sites/queryables", method: .get).json()
            let properties = try #require(queryables["properties"] as? [String: Any])
            #expect((properties["planned_year"] as? [String: Any])?["type"] as? String == "integer")
            #expect((properties["geometry"] as? [String: Any])?["format"] as? String == "geometry-point")
        }
    }

    @Test func cql2FiltersSelectTypedAndSpatialConditions() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            func ids(_ filter: String) async throws -> [String] {
                let encoded = try #require(filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
                let response = try await client.execute(uri: "/collections/sites/items?filter-lang=cql2-text&filter=" + encoded, method: .get)
                #expect(response.status == .ok, "\(filter): \(response.text)")
                return featureIds(try response.json())
            }
            #expect(try await ids("operator = 'Kcell' AND range_m > 5000") == ["t3", "t5"])
            #expect(try await ids("operator IN ('Tele2', 'Altel') OR status = 'planned'") == ["t2", "t4", "t6"])
            #expect(try await ids("S_INTERSECTS(geometry, BBOX(179, 64, 180, 66))") == ["t5"])
            #expect(try await ids("name LIKE '%mast' AND NOT planned_year IS NOT NULL") == ["t1"])
            #expect(try await ids("name = 'x'' OR 1=1 --'") == [])
            let broken = try await client.execute(uri: "/collections/sites/items?filter=operator%20%3D", method: .get)
            #expect(broken.status == .badRequest)
            #expect((try broken.json()["description"] as? String)?.hasPrefix("parameter 'filter': filter: ") == true)
            let unknown = try await client.execute(uri: "/collections/sites/items?filter=secret%3D1", method: .get)
            #expect(unknown.status == .badRequest)
        }
    }

    @Test func nearComesNearestFirstWithDistances() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/collections/sites/items?near=71.0,43.0&within=50km&operator=kcell", method: .get)
            #expect(response.status == .ok, "\(response.text)")
            let document = try response.json()
            #expect(featureIds(document) == ["t1", "t3"])
            #expect(document["numberMatched"] as? Int == 2)
            let distances = (document["features"] as? [[String: Any]] ?? []).compactMap { ($0["properties"] as? [String: Any])?["distance_m"] as? Double }
            // On WGS84, 1° of longitude at 43° N is 111,319.49 m × cos 43° / √(1 − e² sin² 43°) = 81,541.4 m,
            // so t1, 0.01° east of the point, is 815.4 m away (the geodesic is shorter by well under 0.1 m).
            #expect(distances.count == 2)
            #expect(abs(distances[0] - 815.4) <= 0.1)
            #expect(distances[1] > distances[0])
            for (uri, parameter) in [("/collections/districts/items?near=71,43&within=5km", "near"),
                                     ("/collections/sites/items?near=71,43", "within"),
                                     ("/collections/sites/items?within=5km", "within"),
                                     ("/collections/sites/items?near=71,43&within=5000km", "within"),
                                     ("/collections/sites/items?near=71,95&within=5km", "near"),
                                     ("/collections/sites/items?near=71,43&within=5km&sortby=name", "sortby")] {
                let bad = try await client.execute(uri: uri, method: .get)
                #expect(bad.status == .badRequest, "\(uri)")
                #expect((try bad.json()["description"] as? String)?.hasPrefix("parameter '\(parameter)'") == true, "\(uri)")
            }
        }
    }
}
