import Foundation
import GeoModel
import HTTPTypes
import HummingbirdTesting
import QamtuTestSupport
import Testing

/// The service applications over HTTP (`qamtu serve --writable`, issue 17): who may do what,
/// the workflow's every move, `If-Match`, validation, tokens, the limit on failed sign-ins,
/// paging, and no personal data in any public output or the log. Each test has its own file
/// (``ApplicationsFixture``).
@Suite struct ApplicationsAPITests {
    // MARK: - Role × endpoint

    /// Four applications for the read columns, by label: `a1` (the owner's, water — the one
    /// `GET /applications/{id}` and `/events` ask for), `a2` (the owner's, power), `b1` (the
    /// other applicant's, sewerage: water provider) and `o1` (submitted by the office, power).
    ///
    /// The transition columns each move a new application of the owner's for the water service,
    /// brought to the move's first status by the office, with its current ETag.
    static let matrix: [(caller: ApplicationCaller, submit: Int, list: Int, sees: String, show: Int, events: Int,
                         take: Int, approve: Int, giveBack: Int, resubmit: Int)] = [
        //                       POST      GET /applications    GET {id}  /events   POST {id}/transitions
        //                       /appli-   status  the ones                         received→  in_progress→  in_progress→  returned→
        //  caller               cations           it sees                          in_progress  approved      returned      received
        (.noToken,               401,      401,    "",          401,      401,      401,       401,          401,          401),
        (.malformedToken,        401,      401,    "",          401,      401,      401,       401,          401,          401),
        (.unknownToken,          401,      401,    "",          401,      401,      401,       401,          401,          401),
        (.revokedToken,          401,      401,    "",          401,      401,      401,       401,          401,          401),
        (.owner,                 201,      200,    "a1 a2",     200,      200,      403,       403,          403,          200),
        (.otherApplicant,        201,      200,    "b1",        403,      403,      403,       403,          403,          403),
        (.provider,              403,      200,    "a1 b1",     200,      200,      200,       200,          200,          403),
        (.otherProvider,         403,      200,    "a2 o1",     403,      403,      403,       403,          403,          403),
        (.admin,                 201,      200,    "a1 a2 b1 o1", 200,    200,      200,       200,          200,          200),
    ]

    /// The moves of the transition columns, in their order.
    static let matrixMoves: [(from: ApplicationStatus, to: ApplicationStatus)] =
        [(.received, .inProgress), (.inProgress, .approved), (.inProgress, .returned), (.returned, .received)]

    /// A 401 names the scheme to use and says nothing of why the token failed.
    static func expectUnauthorised(_ response: TestResponse, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"qamtu\"", "\(what)", sourceLocation: sourceLocation)
        #expect((try? response.json()["code"] as? String) == "Unauthorized", "\(what)", sourceLocation: sourceLocation)
        #expect((try? response.json()["description"] as? String)
                    == "a valid bearer token is required (Authorization: Bearer qamtu_…)", "\(what)", sourceLocation: sourceLocation)
    }

    @Test(arguments: LedgerKind.allCases) func readsFollowTheRoleMatrix(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let owner = fixture.token(ApplicationsFixture.owner)
            let labels = [
                "a1": try await client.submitted(.aigerim, service: "svc-water", at: ApplicationsFixture.west, token: owner).id,
                "a2": try await client.submitted(.aigerim, service: "svc-power", at: ApplicationsFixture.east, token: owner).id,
                "b1": try await client.submitted(.boris, service: "svc-sewer", at: ApplicationsFixture.west,
                                                 token: fixture.token(ApplicationsFixture.otherApplicant)).id,
                "o1": try await client.submitted(.dana, service: "svc-power", at: ApplicationsFixture.outside,
                                                 token: fixture.token(ApplicationsFixture.office)).id,
            ]
            let target = try #require(labels["a1"])
            for row in Self.matrix {
                let token = row.caller.token(fixture)
                let list = try await client.call(.get, "/applications", token: token)
                #expect(list.status.code == row.list, "GET /applications as \(row.caller)")
                let show = try await client.call(.get, "/applications/\(target)", token: token)
                #expect(show.status.code == row.show, "GET /applications/{id} as \(row.caller)")
                let events = try await client.call(.get, "/applications/\(target)/events", token: token)
                #expect(events.status.code == row.events, "GET /applications/{id}/events as \(row.caller)")
                for (response, what) in [(list, "GET /applications"), (show, "GET {id}"), (events, "GET {id}/events")] {
                    #expect(response.headers[.cacheControl] == "no-store", "\(what) as \(row.caller)")
                    if row.caller.failsSignIn { Self.expectUnauthorised(response, "\(what) as \(row.caller)") }
                }
                if row.list == 200 {
                    let expected = row.sees.split(separator: " ").compactMap { labels[String($0)] }.sorted()
                    let document = try list.json()
                    #expect(document["numberMatched"] as? Int == expected.count, "as \(row.caller)")
                    #expect(document["numberReturned"] as? Int == expected.count, "as \(row.caller)")
                    #expect(featureIds(document) == expected, "as \(row.caller)")
                }
                if row.show == 200 {
                    #expect(try show.json()["id"] as? String == target)
                    #expect(show.headers[.eTag] == "\"\(target).1\"")
                    let trail = try #require(try events.json()["events"] as? [[String: Any]])
                    #expect(trail.count == 1)
                    #expect(trail.first?["to"] as? String == "received")
                    #expect(trail.first?["by"] as? String == ApplicationsFixture.owner)
                }
                if row.show == 403 {
                    #expect(try show.json()["code"] as? String == "Forbidden")
                    #expect(show.headers[.eTag] == nil)
                }
            }
        }
    }

    @Test(arguments: LedgerKind.allCases) func submissionsFollowTheRoleMatrix(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let office = fixture.token(ApplicationsFixture.office)
            var stored = 0
            for row in Self.matrix {
                let response = try await client.submit(.xavier, service: "svc-water", at: ApplicationsFixture.west,
                                                       token: row.caller.token(fixture))
                #expect(response.status.code == row.submit, "POST /applications as \(row.caller): \(response.text)")
                #expect(response.headers[.cacheControl] == "no-store")
                if row.caller.failsSignIn { Self.expectUnauthorised(response, "POST /applications as \(row.caller)") }
                if row.submit == 201 {
                    stored += 1
                    let id = String(format: "A-%06d", stored)
                    let document = try response.json()
                    #expect(document["id"] as? String == id)
                    #expect((document["properties"] as? [String: Any])?["status"] as? String == "received")
                    #expect(response.headers[.eTag] == "\"\(id).1\"")
                    #expect(response.headers[.location] == "http://qamtu.test/applications/\(id)")
                    // The submitter owns it: the same token reads it back.
                    #expect(try await client.call(.get, "/applications/\(id)", token: row.caller.token(fixture)).status == .ok)
                } else if row.submit == 403 {
                    #expect(try response.json()["code"] as? String == "Forbidden")
                }
                #expect(try await client.matchedApplications(token: office) == stored, "after POST as \(row.caller)")
            }
            #expect(stored == 3)
        }
    }

    @Test(arguments: LedgerKind.allCases) func transitionsFollowTheRoleMatrix(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let owner = fixture.token(ApplicationsFixture.owner)
            let office = fixture.token(ApplicationsFixture.office)
            for row in Self.matrix {
                for (move, expected) in zip(Self.matrixMoves, [row.take, row.approve, row.giveBack, row.resubmit]) {
                    let what = "\(move.from.rawValue) → \(move.to.rawValue) as \(row.caller)"
                    let (id, submittedTag) = try await client.submitted(.aigerim, service: "svc-water", at: ApplicationsFixture.west,
                                                                        token: owner)
                    let tag = try await client.advance(id, tag: submittedTag, through: move.from.pathFromReceived, token: office)
                    let note = move.to == .returned ? "the title deed is unreadable" : nil
                    let response = try await client.move(id, to: move.to.rawValue, note: note, ifMatch: tag, token: row.caller.token(fixture))
                    #expect(response.status.code == expected, "\(what): \(response.text)")
                    if row.caller.failsSignIn { Self.expectUnauthorised(response, what) }
                    let after = try await client.call(.get, "/applications/\(id)", token: office)
                    let status = (try after.json()["properties"] as? [String: Any])?["status"] as? String
                    if expected == 200 {
                        #expect(status == move.to.rawValue, "\(what)")
                        #expect(after.headers[.eTag] == response.headers[.eTag], "\(what)")
                    } else {
                        #expect(status == move.from.rawValue, "\(what)")
                        #expect(after.headers[.eTag] == tag, "\(what): unchanged")
                    }
                    if expected == 403 { #expect(try response.json()["code"] as? String == "Forbidden", "\(what)") }
                }
            }
        }
    }

    // MARK: - The workflow

    /// The workflow's allowed moves, written out: every other pair of statuses is forbidden.
    static let allowedMoves: Set<String> = ["received→in_progress", "in_progress→approved", "in_progress→returned", "returned→received"]

    @Test(arguments: LedgerKind.allCases) func everyPairOfStatusesIsAllowedOrRefusedAsTheWorkflowSays(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let owner = fixture.token(ApplicationsFixture.owner)
            let office = fixture.token(ApplicationsFixture.office)
            var allowedSeen = 0
            for from in ApplicationStatus.allCases {
                for to in ApplicationStatus.allCases {
                    let pair = "\(from.rawValue)→\(to.rawValue)"
                    let allowed = Self.allowedMoves.contains(pair)
                    #expect(from.allows(to) == allowed, "\(pair): the model agrees")
                    let (id, submittedTag) = try await client.submitted(.boris, service: "svc-power", at: ApplicationsFixture.east,
                                                                        token: owner)
                    let tag = try await client.advance(id, tag: submittedTag, through: from.pathFromReceived, token: office)
                    let version = 1 + from.pathFromReceived.count
                    #expect(tag == "\"\(id).\(version)\"", "\(pair)")
                    let eventsBefore = try await client.call(.get, "/applications/\(id)/events", token: office)
                    let trailBefore = try #require(try eventsBefore.json()["events"] as? [[String: Any]])
                    #expect(trailBefore.count == version, "\(pair)")
                    let note = "step \(pair) by the office"
                    let response = try await client.move(id, to: to.rawValue, note: note, ifMatch: tag, token: office)
                    let after = try await client.call(.get, "/applications/\(id)", token: office)
                    let eventsAfter = try await client.call(.get, "/applications/\(id)/events", token: office)
                    let properties = try #require(try after.json()["properties"] as? [String: Any])
                    if allowed {
                        allowedSeen += 1
                        #expect(response.status == .ok, "\(pair): \(response.text)")
                        let moved = try #require(try response.json()["properties"] as? [String: Any])
                        #expect(moved["status"] as? String == to.rawValue, "\(pair)")
                        #expect(moved["version"] as? Int == version + 1, "\(pair)")
                        #expect(response.headers[.eTag] == "\"\(id).\(version + 1)\"", "\(pair)")
                        #expect(response.headers[.eTag] != tag, "\(pair)")
                        #expect(after.headers[.eTag] == response.headers[.eTag], "\(pair)")
                        #expect(properties["version"] as? Int == version + 1, "\(pair)")
                        // A decision is dated and keeps its note; a resubmission clears both.
                        #expect((properties["decided"] as? String != nil) == to.isDecided, "\(pair)")
                        #expect(properties["decision_note"] as? String == (to.isDecided ? note : nil), "\(pair)")
                        let trail = try #require(try eventsAfter.json()["events"] as? [[String: Any]])
                        #expect(trail.count == version + 1, "\(pair)")
                        let last = try #require(trail.last)
                        #expect(last["from"] as? String == from.rawValue, "\(pair)")
                        #expect(last["to"] as? String == to.rawValue, "\(pair)")
                        #expect(last["by"] as? String == ApplicationsFixture.office, "\(pair)")
                        #expect(last["note"] as? String == note, "\(pair)")
                        #expect(PortalTime.parse(try #require(last["at"] as? String)) != nil, "\(pair)")
                        let sequences = trail.compactMap { $0["seq"] as? Int }
                        #expect(sequences == sequences.sorted() && Set(sequences).count == trail.count, "\(pair)")
                    } else {
                        #expect(response.status == .conflict, "\(pair): \(response.text)")
                        #expect(try response.json()["code"] as? String == "Conflict", "\(pair)")
                        #expect(response.headers[.eTag] == nil, "\(pair)")
                        #expect(properties["status"] as? String == from.rawValue, "\(pair)")
                        #expect(properties["version"] as? Int == version, "\(pair)")
                        #expect(after.headers[.eTag] == tag, "\(pair)")
                        #expect(eventsAfter.text == eventsBefore.text, "\(pair): no event")
                    }
                }
            }
            #expect(allowedSeen == 4)
        }
    }

    @Test(arguments: LedgerKind.allCases) func aReturnNeedsItsReason(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let office = fixture.token(ApplicationsFixture.office)
            let staff = fixture.token(ApplicationsFixture.waterStaff)
            let (id, submittedTag) = try await client.submitted(.dana, service: "svc-water", at: ApplicationsFixture.west,
                                                                token: fixture.token(ApplicationsFixture.owner))
            let tag = try await client.advance(id, tag: submittedTag, through: [.inProgress], token: staff)
            let eventsBefore = try await client.call(.get, "/applications/\(id)/events", token: office).text
            for note in [nil, "", "  \n\t "] as [String?] {
                let response = try await client.move(id, to: "returned", note: note, ifMatch: tag, token: staff)
                #expect(response.status == .unprocessableContent, "note \(String(describing: note))")
                #expect(try response.json()["problems"] as? [String] == ["note: a return needs the reason, for the applicant"])
            }
            let after = try await client.call(.get, "/applications/\(id)", token: office)
            #expect(after.headers[.eTag] == tag)
            #expect((try after.json()["properties"] as? [String: Any])?["status"] as? String == "in_progress")
            #expect(try await client.call(.get, "/applications/\(id)/events", token: office).text == eventsBefore)
            // With a reason the same move is made.
            #expect(try await client.move(id, to: "returned", note: "sign page 2", ifMatch: tag, token: staff).status == .ok)
        }
    }

    // MARK: - If-Match

    @Test(arguments: LedgerKind.allCases) func ifMatchMustNameTheCurrentVersionOfThisApplication(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let office = fixture.token(ApplicationsFixture.office)
            let owner = fixture.token(ApplicationsFixture.owner)
            let (id, v1) = try await client.submitted(.aigerim, service: "svc-water", at: ApplicationsFixture.west, token: owner)
            let (otherID, otherTag) = try await client.submitted(.aigerim, service: "svc-water", at: ApplicationsFixture.east, token: owner)
            #expect(v1 == "\"\(id).1\"")
            #expect(otherTag == "\"\(otherID).1\"")
            let first = try await client.move(id, to: "in_progress", ifMatch: v1, token: office)
            #expect(first.status == .ok)
            let v2 = try #require(first.headers[.eTag])
            #expect(v2 == "\"\(id).2\"")
            let eventsBefore = try await client.call(.get, "/applications/\(id)/events", token: office).text
            let cases: [(ifMatch: String?, status: HTTPResponse.Status, code: String, what: String)] = [
                (v1, .preconditionFailed, "PreconditionFailed", "stale (version 1 of 2)"),
                (nil, .preconditionRequired, "PreconditionRequired", "missing"),
                (otherTag, .preconditionFailed, "PreconditionFailed", "the current tag of another application"),
                ("W/\(v2)", .preconditionFailed, "PreconditionFailed", "a weak tag of the current version"),
                ("\"\(id).3\"", .preconditionFailed, "PreconditionFailed", "a future version"),
                ("\(id).2", .preconditionFailed, "PreconditionFailed", "an unquoted tag"),
            ]
            for check in cases {
                let response = try await client.move(id, to: "approved", note: "all in order", ifMatch: check.ifMatch, token: office)
                #expect(response.status == check.status, "\(check.what): \(response.text)")
                #expect(try response.json()["code"] as? String == check.code, "\(check.what)")
                let after = try await client.call(.get, "/applications/\(id)", token: office)
                #expect(after.headers[.eTag] == v2, "\(check.what): unchanged")
                #expect((try after.json()["properties"] as? [String: Any])?["status"] as? String == "in_progress", "\(check.what)")
            }
            #expect(try await client.call(.get, "/applications/\(id)/events", token: office).text == eventsBefore)
            // The other application was not touched by a tag naming it.
            #expect(try await client.call(.get, "/applications/\(otherID)", token: office).headers[.eTag] == otherTag)
            // The current tag still works.
            #expect(try await client.move(id, to: "approved", note: "all in order", ifMatch: v2, token: office).status == .ok)
        }
    }

    /// Concurrent requests with the same `If-Match` (committed together by the group writer):
    /// exactly one moves the application, every other answers 412, and one event is written.
    @Test(arguments: LedgerKind.allCases) func concurrentMovesWithOneTagLetExactlyOneThrough(kind: LedgerKind) async throws {
        let fixture = try ApplicationsFixture(kind)
        try await fixture.withClient { client in
            let office = fixture.token(ApplicationsFixture.office)
            let (id, tag) = try await client.submitted(.xavier, service: "svc-water", at: ApplicationsFixture.west,
                                                       token: fixture.token(ApplicationsFixture.owner))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await client.move(id, to: "in_progress", ifMatch: tag, token: office).status.code }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.sorted() == [200] + Array(repeating: 412, count: 7))
            let after = try await client.call(.get, "/applications/\(id)", token: office)
            #expect(after.headers[.eTag] == "\"\(id).2\"")
            let trail = try #require(try await client.call(.get, "/applications/\(id)/events", token: office).json()["events"] as? [[String: Any]])
            #expect(trail.map { $0["to"] as? String } == ["received", "in_progress"])
            // Concurrent submissions are all stored, each once.
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<12 {
                    let applicant: SampleApplicant = index.isMultiple(of: 2) ? .aigerim : .boris
                    group.addTask {
                        try await client.submitted(applicant, service: "svc-sewer", at: ApplicationsFixture.east,
                                                   token: fixture.token(ApplicationsFixture.otherApplicant)).id
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 12)
            #expect(try await client.matchedApplications(token: office) == 13)
        }
    }
}
