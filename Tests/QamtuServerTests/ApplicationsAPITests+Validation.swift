import Foundation
import GeoModel
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QamtuTestSupport
import Testing

/// Bad submissions, tokens that stop working, and the limit on failed sign-ins.
extension ApplicationsAPITests {
    /// The field each problem names (the text before its first colon).
    static func fields(_ problems: [String]) -> [String] {
        problems.map { String($0.prefix { $0 != ":" }) }
    }

    /// Expects that no string of `applicant` appears in `text`.
    static func expectNoSecrets(of applicant: SampleApplicant, in text: String, _ what: String,
                                sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for secret in applicant.secrets {
            #expect(!text.contains(secret), "\(what) repeats '\(secret)'", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: LedgerKind.allCases) func aBadSubmissionListsEveryProblemAndStoresNothing(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let owner = fixture.token(ApplicationsFixture.owner)
            let office = fixture.token(ApplicationsFixture.office)
            _ = try await client.submitted(.aigerim, service: "svc-water", at: ApplicationsFixture.west, token: owner)
            // Out of range, an unknown property, an IIN with a wrong check digit, a phone of nine
            // digits, an e-mail without a domain, and no name.
            let allWrong = """
                {"type":"Feature","geometry":{"type":"Point","coordinates":[200.5,95.25]},
                 "properties":{"service_id":"svc-water","applicant_iin":"850312401236","applicant_phone":"+7 701 234 56",
                               "applicant_email":"aigerim.zh@","colour":"blue"}}
                """
            let response = try await client.call(.post, "/applications", token: owner, body: allWrong)
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.cacheControl] == "no-store")
            let document = try response.json()
            #expect(document["code"] as? String == "InvalidContent")
            let problems = try #require(document["problems"] as? [String])
            #expect(Self.fields(problems) == ["geometry", "properties.colour", "applicant_name", "applicant_iin",
                                              "applicant_phone", "applicant_email"])
            #expect((document["description"] as? String)?.hasPrefix("6 problems: ") == true)
            for secret in ["850312401236", "+7 701 234 56", "77012345", "aigerim.zh@", "blue"] {
                #expect(!response.text.contains(secret), "the 422 repeats '\(secret)'")
            }

            // A name, IIN and phone that are fine beside fields that are not: none of them repeated.
            var named = try #require(try JSONSerialization.jsonObject(
                with: Data(SampleApplicant.xavier.submission(service: "svc-water", at: ApplicationsFixture.west).utf8)) as? [String: Any])
            var properties = try #require(named["properties"] as? [String: Any])
            properties["applicant_email"] = "Xavier Ōtsuka-Brandt 010203604562"
            properties["service_id"] = 42
            named["properties"] = properties
            named["geometry"] = ["type": "LineString", "coordinates": [[71.0, 43.0], [71.1, 43.1]]]
            let namedBody = String(decoding: try JSONSerialization.data(withJSONObject: named), as: UTF8.self)
            let namedResponse = try await client.call(.post, "/applications", token: owner, body: namedBody)
            #expect(namedResponse.status == .unprocessableContent)
            let namedProblems = try #require(try namedResponse.json()["problems"] as? [String])
            #expect(Set(Self.fields(namedProblems)) == ["geometry", "service_id", "applicant_email"])
            Self.expectNoSecrets(of: .xavier, in: namedResponse.text, "a 422 beside valid details")

            // An unknown service: 422 naming the field only.
            let unknownService = try await client.call(
                .post, "/applications", token: owner, body: SampleApplicant.dana.submission(service: "svc-gold", at: ApplicationsFixture.west))
            #expect(unknownService.status == .unprocessableContent)
            #expect(Self.fields(try #require(try unknownService.json()["problems"] as? [String])) == ["service_id"])
            Self.expectNoSecrets(of: .dana, in: unknownService.text, "the 422 of an unknown service")

            // Not a Feature at all.
            let notFeature = try await client.call(.post, "/applications", token: owner, body: "[1, 2, 3]")
            #expect(notFeature.status == .unprocessableContent)

            // Not JSON: 400, and the text of the body is not echoed.
            let form = "applicant_name=Айгерим Жумабаева&applicant_iin=850312401235&applicant_phone=+77012345678"
            let notJSON = try await client.call(.post, "/applications", token: owner, body: form)
            #expect(notJSON.status == .badRequest)
            #expect(try notJSON.json()["code"] as? String == "InvalidBody")
            Self.expectNoSecrets(of: .aigerim, in: notJSON.text, "the 400 of a body that is not JSON")

            #expect(try await client.matchedApplications(token: office) == 1)
        }
    }

    @Test func aBodyOverTheLimitAnswers413() async throws {
        let fixture = try ApplicationsFixture()
        try await fixture.withClient(adjust: { $0.maximumBodyBytes = 1024 }) { client in
            let owner = fixture.token(ApplicationsFixture.owner)
            let office = fixture.token(ApplicationsFixture.office)
            // A valid submission but for its size: a note of 1,500 characters (2,000 are allowed).
            let long = SampleApplicant.boris.submission(service: "svc-water", at: ApplicationsFixture.west,
                                                        note: String(repeating: "n", count: 1500))
            #expect(long.utf8.count > 1024)
            let response = try await client.call(.post, "/applications", token: owner, body: long)
            #expect(response.status == .contentTooLarge)
            #expect(try response.json()["code"] as? String == "ContentTooLarge")
            Self.expectNoSecrets(of: .boris, in: response.text, "the 413")
            // The same below the limit is stored.
            let (id, tag) = try await client.submitted(.boris, service: "svc-water", at: ApplicationsFixture.west, note: "short",
                                                       token: owner)
            #expect(try await client.matchedApplications(token: office) == 1)
            // A transition's body is limited too.
            let move = try await client.call(.post, "/applications/\(id)/transitions", token: office, ifMatch: tag,
                                             body: "{\"to\":\"in_progress\",\"note\":\"\(String(repeating: "x", count: 1100))\"}")
            #expect(move.status == .contentTooLarge)
            #expect(try await client.call(.get, "/applications/\(id)", token: office).headers[.eTag] == tag)
        }
    }

    @Test(arguments: LedgerKind.allCases) func aRevokedTokenStopsWorkingAtTheNextRequest(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let owner = fixture.token(ApplicationsFixture.owner)
            let (id, _) = try await client.submitted(.aigerim, service: "svc-water", at: ApplicationsFixture.west, token: owner)
            #expect(try await client.call(.get, "/applications/\(id)", token: owner).status == .ok)
            try fixture.revoke(ApplicationsFixture.owner)
            for (method, uri) in [(HTTPRequest.Method.get, "/applications/\(id)"), (.get, "/applications"), (.get, "/applications/\(id)/events")] {
                let response = try await client.call(method, uri, token: owner)
                #expect(response.status == .unauthorized, "\(uri)")
                Self.expectUnauthorised(response, uri)
            }
            let submit = try await client.submit(.aigerim, service: "svc-water", at: ApplicationsFixture.west, token: owner)
            #expect(submit.status == .unauthorized)
            // Other users are unaffected, and the application stays.
            #expect(try await client.call(.get, "/applications/\(id)", token: fixture.token(ApplicationsFixture.office)).status == .ok)
            #expect(try await client.matchedApplications(token: fixture.token(ApplicationsFixture.office)) == 1)
        }
    }

    @Test func failedSignInsAreLimitedPerAddress() async throws {
        let fixture = try ApplicationsFixture()
        try await fixture.withClient(adjust: { $0.maximumFailedSignIns = 3; $0.authenticationWindowSeconds = 60 }) { client in
            let owner = fixture.token(ApplicationsFixture.owner)
            #expect(try await client.call(.get, "/applications", token: owner).status == .ok)
            // Requests without a token guess nothing: they are refused but not counted.
            for _ in 0..<10 {
                #expect(try await client.call(.get, "/applications", token: nil).status == .unauthorized)
            }
            #expect(try await client.call(.get, "/applications", token: owner).status == .ok)
            let wrongSecret = String(owner.dropLast()) + (owner.hasSuffix("A") ? "B" : "A")
            for token in ["not-a-qamtu-token", ApplicationCaller.unknownToken.token(fixture), wrongSecret] {
                #expect(try await client.call(.get, "/applications", token: token).status == .unauthorized)
            }
            for (method, uri) in [(HTTPRequest.Method.get, "/applications"), (.post, "/applications")] {
                let response = try await client.call(method, uri, token: owner,
                                                     body: method == .post ? SampleApplicant.aigerim.submission(service: "svc-water", at: ApplicationsFixture.west) : nil)
                #expect(response.status == .tooManyRequests, "\(method) \(uri)")
                #expect(try response.json()["code"] as? String == "TooManyRequests")
                let retry = try #require(response.headers[.retryAfter].flatMap(Int.init))
                #expect((1...60).contains(retry))
            }
            // The public API is not limited; the refused POST stored nothing.
            let items = try await client.execute(uri: "/collections/applications/items", method: .get)
            #expect(items.status == .ok)
            #expect(try items.json()["numberMatched"] as? Int == 0)
        }
    }
}
