import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PortalCore
import Testing

/// Errors as OGC exceptions, ETag / 304, gzip, CORS, limits, health and metrics.
@Suite struct HTTPMannersTests {
    /// Bad requests and the status and exception code each must get.
    static let badRequests: [(String, Int, String)] = [
        ("/collections/sites/items?bbox=1,2,3", 400, "InvalidParameterValue"),
        ("/collections/sites/items?bbox=1,2,3,4,5", 400, "InvalidParameterValue"),
        ("/collections/sites/items?bbox=NaN,0,1,1", 400, "InvalidParameterValue"),
        ("/collections/sites/items?bbox=0,0,1,95", 400, "InvalidParameterValue"),
        ("/collections/sites/items?bbox=0,0,1,1&bbox-crs=EPSG:3857", 400, "InvalidParameterValue"),
        ("/collections/sites/items?limit=-1", 400, "InvalidParameterValue"),
        ("/collections/sites/items?limit=0", 400, "InvalidParameterValue"),
        ("/collections/sites/items?limit=abc", 400, "InvalidParameterValue"),
        ("/collections/sites/items?limit=1.5", 400, "InvalidParameterValue"),
        ("/collections/sites/items?offset=-3", 400, "InvalidParameterValue"),
        ("/collections/sites/items?offset=9223372036854775807", 400, "InvalidParameterValue"),
        ("/collections/coverage/items?offset=9223372036854775807", 400, "InvalidParameterValue"),
        ("/collections/sites/items?sortby=secret", 400, "InvalidParameterValue"),
        ("/collections/sites/items?status=sleeping", 400, "InvalidParameterValue"),
        ("/collections/sites/items?planned_year=soon", 400, "InvalidParameterValue"),
        ("/collections/sites/items?colour=red", 400, "InvalidParameterValue"),
        ("/collections/sites/items?limit=1&limit=2", 400, "InvalidParameterValue"),
        ("/collections/sites/items?f=xml", 400, "InvalidParameterValue"),
        ("/collections/sites/items?operator=%zz", 400, "InvalidParameterValue"),
        ("/collections/sites/items?operator=%C3%28", 400, "InvalidParameterValue"),
        ("/collections/sites/items?operator=%00", 400, "InvalidParameterValue"),
        ("/collections/sites/items?datetime=yesterday", 400, "InvalidParameterValue"),
        ("/collections/sites/items?filter-lang=sql", 400, "InvalidParameterValue"),
        ("/collections/nowhere/items", 404, "NotFound"),
        ("/collections/nowhere", 404, "NotFound"),
        ("/collections/sites/items/nothing", 404, "NotFound"),
        ("/no/such/path", 404, "NotFound"),
        ("/collections/../api", 400, "InvalidPath"),
        ("/collections/%2e%2e/items", 400, "InvalidPath"),
        ("/collections/si%zztes", 400, "InvalidPath"),
        ("/collections/sites%2Fitems", 400, "InvalidPath"),
        ("/collections?f=json&x=1", 400, "InvalidParameterValue"),
        ("/collections/sites/items?operator='%20OR%201=1%20--", 200, ""),
    ]

    @Test func badRequestsAnswer4xxWithAnExceptionAndTheServerGoesOn() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            for (uri, status, code) in Self.badRequests {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(Int(response.status.code) == status, "\(uri)")
                if status >= 400 {
                    #expect(response.headers[.contentType] == "application/json", "\(uri)")
                    let document = try response.json()
                    #expect(document["code"] as? String == code, "\(uri)")
                    #expect((document["description"] as? String)?.isEmpty == false, "\(uri)")
                } else {
                    // SQL in a value is a value: it matches no operator.
                    #expect(try response.json()["numberMatched"] as? Int == 0, "\(uri)")
                }
            }
            let long = "/collections/sites/items?name=" + String(repeating: "x", count: 10_000)
            let tooLong = try await client.execute(uri: long, method: .get)
            #expect(tooLong.status == .uriTooLong)
            #expect(try tooLong.json()["code"] as? String == "URITooLong")
            #expect(try await client.execute(uri: "/collections/sites/items?limit=1", method: .get).status == .ok)
        }
    }

    @Test func eTagAnswers304UntilTheRequestChanges() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let first = try await client.execute(uri: "/collections/sites/items?limit=2", method: .get)
            let tag = try #require(first.headers[.eTag])
            #expect(tag.hasPrefix("W/\""))
            #expect(first.headers[.cacheControl] == "public, no-cache")
            var conditional = HTTPFields()
            conditional[.ifNoneMatch] = tag
            let again = try await client.execute(uri: "/collections/sites/items?limit=2", method: .get, headers: conditional)
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == tag)
            let other = try await client.execute(uri: "/collections/sites/items?limit=3", method: .get, headers: conditional)
            #expect(other.status == .ok)
            #expect(other.headers[.eTag] != tag)
            var html = conditional
            html[.accept] = "text/html"
            #expect(try await client.execute(uri: "/collections/sites/items?limit=2", method: .get, headers: html).status == .ok)
        }
    }

    @Test func gzipWhenAcceptedAndTheSameBytesOnceInflated() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let plain = try await client.execute(uri: "/api", method: .get)
            #expect(plain.headers[.contentEncoding] == nil)
            var headers = HTTPFields()
            headers[.acceptEncoding] = "br;q=1.0, gzip;q=0.8"
            let compressed = try await client.execute(uri: "/api", method: .get, headers: headers)
            #expect(compressed.headers[.contentEncoding] == "gzip")
            #expect(compressed.headers[.vary]?.contains("Accept-Encoding") == true)
            #expect(compressed.body.readableBytes < plain.body.readableBytes)
            var body = compressed.body
            let inflated = try body.decompress(with: .gzip)
            #expect(inflated == plain.body)
            headers[.acceptEncoding] = "gzip;q=0"
            #expect(try await client.execute(uri: "/api", method: .get, headers: headers).headers[.contentEncoding] == nil)
        }
    }

    @Test func corsAllowsAnyOriginAndAnswersPreflight() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            var headers = HTTPFields()
            headers[.origin] = "http://maps.example"
            let response = try await client.execute(uri: "/collections", method: .get, headers: headers)
            #expect(response.headers[.accessControlAllowOrigin] == "*")
            headers[.accessControlRequestMethod] = "GET"
            let preflight = try await client.execute(uri: "/collections/sites/items", method: .options, headers: headers)
            #expect(preflight.status == .noContent || preflight.status == .ok)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("GET") == true)
        }
    }

    @Test func healthAndMetricsDescribeTheProcess() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(try health.json()["status"] as? String == "ok")
            #expect(health.headers[.cacheControl] == "no-store")
            _ = try await client.execute(uri: "/collections/sites/items", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains(#"qamtu_http_requests_total{method="GET",route="/collections/{collectionId}/items",status="200"} 1"#))
        }
    }

    @Test func writesAreRefused() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/collections/sites/items", method: .post, body: ByteBuffer(string: "{}"))
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, HEAD, OPTIONS")
            #expect(try response.json()["code"] as? String == "MethodNotAllowed")
            var chunked = HTTPFields()
            chunked[.transferEncoding] = "chunked"
            let withBody = try await client.execute(uri: "/collections/sites/items", method: .get, headers: chunked,
                                                    body: ByteBuffer(string: "hello"))
            #expect(withBody.status == .contentTooLarge)
        }
    }

    /// An import by another process (here another connection) changes every ETag and every
    /// count within the watcher's interval: nothing is served from before the change.
    @Test func aChangeOfTheDatabaseRenewsETagsAndCounts() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            let before = try await client.execute(uri: "/collections/sites/items?operator=kcell&limit=1", method: .get)
            #expect(try before.json()["numberMatched"] as? Int == 3)
            let tag = try #require(before.headers[.eTag])
            let writer = Portal(store: try SpatiaLiteStore.open(at: fixture.path, readOnly: false))
            let more = "id,name,kind,operator,technologies,range_m,status,lon,lat\nt9,New mast,base_station,Kcell,4G,3000,operational,71.2,43.1\n"
            _ = try writer.importFeatures(ImportRequest(layer: .sites, path: try fixture.folder.write("more.csv", more)))
            var conditional = HTTPFields()
            conditional[.ifNoneMatch] = tag
            let deadline = ContinuousClock.now + .seconds(5)
            var after = try await client.execute(uri: "/collections/sites/items?operator=kcell&limit=1", method: .get, headers: conditional)
            while after.status == .notModified && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                after = try await client.execute(uri: "/collections/sites/items?operator=kcell&limit=1", method: .get, headers: conditional)
            }
            #expect(after.status == .ok)
            #expect(after.headers[.eTag] != tag)
            #expect(try after.json()["numberMatched"] as? Int == 4)
        }
    }

    /// HEAD answers carry GET's headers, start no export, and leave nothing in flight; `*` in
    /// If-None-Match never turns a missing resource into a 304.
    @Test func headLeavesNothingInFlightAndStarMatchesNothingMissing() async throws {
        let fixture = try ServerFixture()
        try await fixture.withClient { client in
            for _ in 0..<3 {
                let head = try await client.execute(uri: "/collections/sites/items?limit=5000", method: .head)
                #expect(head.status == .ok)
                #expect(head.headers[.contentType] == "application/geo+json")
                #expect(head.body.readableBytes == 0)
            }
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            // Only the /metrics request itself is in flight.
            #expect(metrics.text.contains("qamtu_http_requests_in_flight 1"), "\(metrics.text)")
            var star = HTTPFields()
            star[.ifNoneMatch] = "*"
            #expect(try await client.execute(uri: "/collections/nowhere", method: .get, headers: star).status == .notFound)
        }
    }
}
