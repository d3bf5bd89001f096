import Foundation
import Geodesy
import GeoModel
import HTTPTypes
import HummingbirdTesting
import QamtuTestSupport
import Testing

/// `GET /applications`: filters by status, service and district within what the user may see,
/// pages with `limit` / `offset` and a `next` link, and 400 for what it does not understand.
extension ApplicationsAPITests {
    /// Seven applications, A-000001 … A-000007, with (service, district, status):
    /// 1 water West in_progress · 2 power East received · 3 sewer West returned ·
    /// 4 water (none) received · 5 water East approved · 6 power West in_progress · 7 water West received.
    /// 1, 2, 5 are the owner's; 3, 6 the other applicant's; 4, 7 the office's.
    static func submitSeven(_ client: any TestClientProtocol, _ fixture: ApplicationsFixture) async throws {
        let owner = fixture.token(ApplicationsFixture.owner)
        let other = fixture.token(ApplicationsFixture.otherApplicant)
        let office = fixture.token(ApplicationsFixture.office)
        let plan: [(SampleApplicant, String, String, GeoPoint, [ApplicationStatus])] = [
            (.aigerim, owner, "svc-water", ApplicationsFixture.west, [.inProgress]),
            (.aigerim, owner, "svc-power", ApplicationsFixture.east, []),
            (.boris, other, "svc-sewer", ApplicationsFixture.west, [.inProgress, .returned]),
            (.dana, office, "svc-water", ApplicationsFixture.outside, []),
            (.aigerim, owner, "svc-water", ApplicationsFixture.east, [.inProgress, .approved]),
            (.boris, other, "svc-power", ApplicationsFixture.west, [.inProgress]),
            (.xavier, office, "svc-water", ApplicationsFixture.west, []),
        ]
        for (index, (applicant, token, service, point, path)) in plan.enumerated() {
            let (id, tag) = try await client.submitted(applicant, service: service, at: point, token: token)
            #expect(id == String(format: "A-%06d", index + 1))
            _ = try await client.advance(id, tag: tag, through: path, token: office)
        }
    }

    /// `A-00000n` for each n.
    static func ids(_ numbers: [Int]) -> [String] { numbers.map { String(format: "A-%06d", $0) } }

    @Test(arguments: LedgerKind.allCases) func theListFiltersByStatusServiceAndDistrictWithinWhatTheUserSees(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            try await Self.submitSeven(client, fixture)
            let office = fixture.token(ApplicationsFixture.office)
            let owner = fixture.token(ApplicationsFixture.owner)
            let staff = fixture.token(ApplicationsFixture.waterStaff)
            let cases: [(token: String, query: String, expected: [Int])] = [
                (office, "", [1, 2, 3, 4, 5, 6, 7]),
                (office, "status=received", [2, 4, 7]),
                (office, "status=in_progress", [1, 6]),
                (office, "status=approved", [5]),
                (office, "status=returned", [3]),
                (office, "service=svc-water", [1, 4, 5, 7]),
                (office, "service=svc-gold", []),
                (office, "district=West", [1, 3, 6, 7]),
                (office, "district=east", [2, 5]),
                (office, "district=Nowhere", []),
                (office, "status=in_progress&district=West", [1, 6]),
                (office, "service=svc-water&district=East", [5]),
                (office, "status=approved&service=svc-power", []),
                (owner, "", [1, 2, 5]),
                (owner, "district=East", [2, 5]),
                (owner, "service=svc-sewer", []),
                (staff, "", [1, 3, 4, 5, 7]),
                (staff, "status=received", [4, 7]),
                (staff, "service=svc-power", []),
                (staff, "district=West&status=returned", [3]),
            ]
            for check in cases {
                let response = try await client.call(.get, "/applications" + (check.query.isEmpty ? "" : "?" + check.query), token: check.token)
                #expect(response.status == .ok, "\(check.query)")
                #expect(response.headers[.contentType] == "application/geo+json")
                let document = try response.json()
                #expect(document["type"] as? String == "FeatureCollection")
                #expect(document["numberMatched"] as? Int == check.expected.count, "\(check.query)")
                #expect(featureIds(document) == Self.ids(check.expected), "\(check.query)")
                #expect(link(document, rel: "next") == nil, "\(check.query)")
            }
        }
    }

    @Test(arguments: LedgerKind.allCases) func theListPagesWithLimitOffsetAndNextLinks(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            try await Self.submitSeven(client, fixture)
            let office = fixture.token(ApplicationsFixture.office)
            // Following `next` from the first page of three visits every application once, in id order.
            var uri: String? = "/applications?limit=3"
            var pages: [[String]] = []
            var nextLinks: [String] = []
            while let current = uri {
                let document = try await client.call(.get, current, token: office).json()
                #expect(document["numberMatched"] as? Int == 7)
                #expect(document["numberReturned"] as? Int == featureIds(document).count)
                pages.append(featureIds(document))
                let next = link(document, rel: "next")
                if let next { nextLinks.append(next) }
                uri = next.map { String($0.dropFirst("http://qamtu.test".count)) }
                if pages.count > 5 { break }
            }
            #expect(pages == [Self.ids([1, 2, 3]), Self.ids([4, 5, 6]), Self.ids([7])])
            #expect(nextLinks == ["http://qamtu.test/applications?limit=3&offset=3", "http://qamtu.test/applications?limit=3&offset=6"])
            // A filter is kept in the links.
            let filtered = try await client.call(.get, "/applications?status=received&limit=2", token: office).json()
            #expect(featureIds(filtered) == Self.ids([2, 4]))
            #expect(link(filtered, rel: "self") == "http://qamtu.test/applications?status=received&limit=2&offset=0")
            #expect(link(filtered, rel: "next") == "http://qamtu.test/applications?status=received&limit=2&offset=2")
            // An offset past the end: nothing, still counted.
            let past = try await client.call(.get, "/applications?offset=20", token: office).json()
            #expect(featureIds(past).isEmpty)
            #expect(past["numberMatched"] as? Int == 7)
            #expect(link(past, rel: "next") == nil)
        }
    }

    @Test(arguments: LedgerKind.allCases) func theListRefusesWhatItDoesNotUnderstand(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let office = fixture.token(ApplicationsFixture.office)
            for (query, parameter) in [("colour=blue", "colour"), ("status=done", "status"), ("status=Received", "status"),
                                       ("status=in%20progress", "status"), ("limit=0", "limit"), ("limit=1001", "limit"),
                                       ("limit=ten", "limit"), ("offset=-1", "offset"), ("bbox=70,42,72,44", "bbox"),
                                       ("status=received&status=approved", "status")] {
                let response = try await client.call(.get, "/applications?" + query, token: office)
                #expect(response.status == .badRequest, "\(query)")
                let document = try response.json()
                #expect(document["code"] as? String == "InvalidParameterValue", "\(query)")
                #expect((document["description"] as? String)?.hasPrefix("parameter '\(parameter)'") == true, "\(query): \(response.text)")
            }
            // An unknown application: 404 for the office.
            #expect(try await client.call(.get, "/applications/A-999999", token: office).status == .notFound)
            #expect(try await client.call(.get, "/applications/A-999999/events", token: office).status == .notFound)
        }
    }
}
