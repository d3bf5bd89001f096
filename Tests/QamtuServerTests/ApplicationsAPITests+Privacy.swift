import Foundation
import Geodesy
import GeoModel
import HTTPTypes
import HummingbirdTesting
import QamtuTestSupport
import Testing
import VectorTiles

/// No applicant's name, IIN, phone or e-mail, and no note, in any public response, tile or line
/// of the server's log; public positions are rounded to their 100 m cell.
extension ApplicationsAPITests {
    /// The properties the public `applications` collection may carry.
    static let publicProperties: Set<String> = ["id", "service_id", "status", "submitted", "decided", "due", "settlement", "district"]

    /// Whether a property name is one of the private ones.
    static func isPrivate(_ name: String) -> Bool {
        name.hasPrefix("applicant_") || name == "note" || name == "decision_note" || name == "owner_user"
            || name == "longitude" || name == "latitude"
    }

    /// Whether `bytes` holds the UTF-8 bytes of `text`.
    static func bytes(_ bytes: [UInt8], contain text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in bytes[start..<(start + needle.count)].elementsEqual(needle) }
    }

    @Test func noPersonalDataInPublicResponsesTilesOrTheLog() async throws {
        let fixture = try ApplicationsFixture()
        let log = LogRecorder()
        let noteMarker = "NOTE-gate-behind-the-poplars"
        let decisionMarker = "DECISION-ask-for-page-two"
        // Two submissions close together (in one zoom-14 tile), one in the other district, one outside both.
        let submissions: [(applicant: SampleApplicant, user: String, service: String, point: GeoPoint)] = [
            (.aigerim, ApplicationsFixture.owner, "svc-water", ApplicationsFixture.west),
            (.boris, ApplicationsFixture.otherApplicant, "svc-power", ApplicationsFixture.east),
            (.dana, ApplicationsFixture.office, "svc-sewer", GeoPoint(longitude: 71.0131, latitude: 43.0049)),
            (.xavier, ApplicationsFixture.owner, "svc-water", ApplicationsFixture.outside),
        ]
        let secrets = submissions.flatMap(\.applicant.secrets) + [noteMarker, decisionMarker]
        #expect(secrets.count == 25)  // six strings per applicant, five without an e-mail, and the two notes
        let planted: [UInt8] = Array(("{\"n\":\"" + SampleApplicant.aigerim.name + "\"}").utf8)
        #expect(Self.bytes(planted, contain: SampleApplicant.aigerim.name), "the byte search finds what is there")
        try await fixture.withClient(logger: log.logger) { client in
            let office = fixture.token(ApplicationsFixture.office)
            var points: [String: GeoPoint] = [:]
            for submission in submissions {
                let (id, tag) = try await client.submitted(submission.applicant, service: submission.service, at: submission.point,
                                                           note: "\(noteMarker) \(submission.applicant.name)",
                                                           token: fixture.token(submission.user))
                points[id] = submission.point
                if submission.applicant.name == SampleApplicant.boris.name {
                    let moved = try await client.move(id, to: "in_progress", ifMatch: tag, token: office)
                    let returned = try await client.move(id, to: "returned", note: "\(decisionMarker) \(submission.applicant.phone)",
                                                         ifMatch: try #require(moved.headers[.eTag]), token: office)
                    #expect(returned.status == .ok)
                }
            }
            // A bad submission and a bad transition, whose answers and log lines must not repeat details either.
            _ = try await client.call(.post, "/applications", token: office, body: "{\"type\":\"Feature\",\"properties\":{\"applicant_name\":\"\(SampleApplicant.aigerim.name)\",\"applicant_iin\":\"\(SampleApplicant.aigerim.iin)\"}}")
            _ = try await client.move("A-000001", to: "approved", note: SampleApplicant.aigerim.phone, ifMatch: "\"A-000001.1\"", token: office)

            var uris = ["/", "/conformance", "/api", "/collections", "/collections/applications",
                        "/collections/applications/queryables", "/collections/applications/items",
                        "/collections/applications/items?f=html", "/collections/applications/items?limit=1&offset=1",
                        "/collections/applications/items?status=returned", "/collections/applications/tiles",
                        "/collections/applications/tiles/WebMercatorQuad", "/tiles", "/collections/services/items",
                        "/health", "/metrics"]
            for id in points.keys.sorted() {
                uris += ["/collections/applications/items/\(id)", "/collections/applications/items/\(id)?f=html"]
            }
            var tiles: Set<String> = []
            for point in points.values {
                for z in [6, 10, 14] {
                    for shown in [point, PublicPosition.rounded(point)] {
                        let t = TilesAPITests.path(z, lon: shown.longitude, lat: shown.latitude)
                        tiles.insert("/tiles/WebMercatorQuad/\(t.z)/\(t.y)/\(t.x)")
                        tiles.insert("/collections/applications/tiles/WebMercatorQuad/\(t.z)/\(t.y)/\(t.x)")
                    }
                }
            }
            for uri in uris + tiles.sorted() {
                let response = try await client.execute(uri: uri, method: .get)
                #expect([.ok, .noContent].contains(response.status), "\(uri): \(response.status)")
                let bytes = Array(response.body.readableBytesView)
                for secret in secrets {
                    #expect(!Self.bytes(bytes, contain: secret), "\(uri) holds '\(secret)'")
                }
            }

            // The public features: public properties only, at their rounded positions.
            let items = try await client.execute(uri: "/collections/applications/items", method: .get).json()
            let features = try #require(items["features"] as? [[String: Any]])
            #expect(features.count == submissions.count)
            for feature in features {
                let id = try #require(feature["id"] as? String)
                let properties = try #require(feature["properties"] as? [String: Any])
                #expect(Set(properties.keys).isSubset(of: Self.publicProperties), "\(id): \(properties.keys.sorted())")
                #expect(!properties.keys.contains(where: Self.isPrivate), "\(id)")
                let submitted = try #require(points[id])
                let coordinates = try #require((feature["geometry"] as? [String: Any])?["coordinates"] as? [Double])
                let shown = GeoPoint(longitude: coordinates[0], latitude: coordinates[1])
                let rounded = PublicPosition.rounded(submitted)
                // The rounded position as GeoJSON writes it (6 decimals), within 1e-9° of the
                // decimal text; within 72 m of the submitted point.
                func six(_ degrees: Double) -> Double { (degrees * 1e6).rounded() / 1e6 }
                #expect(abs(shown.longitude - six(rounded.longitude)) < 1e-9 && abs(shown.latitude - six(rounded.latitude)) < 1e-9,
                        "\(id): \(shown) vs \(rounded) of \(submitted)")
                let metres = Geodesic.distanceMeters(submitted, shown)
                #expect(metres <= 72, "\(id): \(metres) m")
                #expect(metres > 0.5, "\(id): the exact point is not shown")
                let item = try await client.execute(uri: "/collections/applications/items/\(id)", method: .get).json()
                #expect((item["geometry"] as? [String: Any])?["coordinates"] as? [Double] == coordinates, "\(id)")
                #expect(Set((item["properties"] as? [String: Any] ?? [:]).keys).isSubset(of: Self.publicProperties), "\(id)")
            }
            let queryables = try await client.execute(uri: "/collections/applications/queryables", method: .get).json()
            let queryableNames = Set((queryables["properties"] as? [String: Any] ?? [:]).keys)
            #expect(!queryableNames.contains(where: Self.isPrivate), "\(queryableNames.sorted())")
            // A filter on a private field is refused, not answered.
            for filter in ["applicant_iin%3D%27\(SampleApplicant.aigerim.iin)%27", "note%20LIKE%20%27NOTE%25%27"] {
                let probe = try await client.execute(uri: "/collections/applications/items?filter=\(filter)", method: .get)
                #expect(probe.status == .badRequest, "\(filter)")
            }
            #expect(try await client.execute(uri: "/collections/applications/items?applicant_name=x", method: .get).status == .badRequest)

            // Tiles of the collection: one feature per application in the tile, public properties, the rounded position.
            for point in points.values {
                for z in [6, 10, 14] {
                    let rounded = PublicPosition.rounded(point)
                    let t = TilesAPITests.path(z, lon: rounded.longitude, lat: rounded.latitude)
                    let response = try await client.execute(uri: "/collections/applications/tiles/WebMercatorQuad/\(t.z)/\(t.y)/\(t.x)",
                                                            method: .get)
                    #expect(response.status == .ok, "z\(z) of \(point)")
                    let layers = try TilesAPITests.decode(response)
                    #expect(layers.map(\.name) == ["applications"])
                    let tileFeatures = layers.first?.features ?? []
                    for feature in tileFeatures {
                        #expect(Set(feature.properties.keys).isSubset(of: Self.publicProperties), "\(feature.properties.keys.sorted())")
                        for case .string(let text) in feature.properties.values {
                            #expect(!secrets.contains { text.contains($0) }, "tile value '\(text)'")
                        }
                    }
                    let projection = TileProjection(tile: try TileCoordinate(z: t.z, x: t.x, y: t.y))
                    let expected = try #require(projection.point(rounded))
                    #expect(tileFeatures.contains { $0.parts == [[expected]] }, "z\(z): the rounded position of \(point)")
                    // The combined tileset draws no applications at all.
                    let combined = try await client.execute(uri: "/tiles/WebMercatorQuad/\(t.z)/\(t.y)/\(t.x)", method: .get)
                    if combined.status == .ok {
                        #expect(!(try TilesAPITests.decode(combined)).contains { $0.name == "applications" })
                    }
                }
            }
        }
        let lines = log.lines
        #expect(lines.contains { $0.contains("POST /applications 201") }, "the log was recorded: \(lines.prefix(5))")
        #expect(lines.contains { $0.contains("GET /collections/{collectionId}/items 200") })
        for line in lines {
            for secret in secrets {
                #expect(!line.contains(secret), "log line holds '\(secret)': \(line)")
            }
        }
    }

    /// The public collection, its ETag and its tiles show a submission and a transition as soon
    /// as they are acknowledged, not one watcher interval later: caches keyed on the change
    /// token must not answer with the data before the write.
    @Test(arguments: LedgerKind.allCases) func thePublicCollectionShowsEachWriteAtOnce(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let uri = "/collections/applications/items"
            let t = TilesAPITests.path(14, lon: ApplicationsFixture.west.longitude, lat: ApplicationsFixture.west.latitude)
            let tile = "/collections/applications/tiles/WebMercatorQuad/\(t.z)/\(t.y)/\(t.x)"
            let before = try await client.execute(uri: uri, method: .get)
            #expect(try before.json()["numberMatched"] as? Int == 0)
            #expect(try await client.execute(uri: tile, method: .get).status == .noContent)
            let (id, tag) = try await client.submitted(.aigerim, service: "svc-water", at: ApplicationsFixture.west,
                                                       token: fixture.token(ApplicationsFixture.owner))
            let after = try await client.execute(uri: uri, method: .get)
            #expect(try after.json()["numberMatched"] as? Int == 1)
            #expect(after.headers[.eTag] != before.headers[.eTag])
            var conditional = HTTPFields()
            conditional[.ifNoneMatch] = try #require(before.headers[.eTag])
            #expect(try await client.execute(uri: uri, method: .get, headers: conditional).status == .ok)
            let drawn = try await client.execute(uri: tile, method: .get)
            #expect(drawn.status == .ok)
            #expect(try TilesAPITests.decode(drawn).first?.features.first?.properties["status"] == .string("received"))
            #expect(try await client.move(id, to: "in_progress", ifMatch: tag, token: fixture.token(ApplicationsFixture.office)).status == .ok)
            let moved = try await client.execute(uri: uri + "/" + id, method: .get)
            #expect((try moved.json()["properties"] as? [String: Any])?["status"] as? String == "in_progress")
            let redrawn = try await client.execute(uri: tile, method: .get)
            #expect(try TilesAPITests.decode(redrawn).first?.features.first?.properties["status"] == .string("in_progress"))
        }
    }
}
