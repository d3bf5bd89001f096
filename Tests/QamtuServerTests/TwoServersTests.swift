import Foundation
import GeoModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import QamtuServer
import QamtuTestSupport
import Testing

/// Several servers, one database (issue 19): two `qamtu serve --writable` servers on one PostGIS
/// database, each over a real socket (HummingbirdTesting's live mode runs each with its change
/// watcher). A write through one is read through the other at once (the private API reads the
/// database), the public collection of the other follows within its watcher's poll interval,
/// an `If-Match` that one server made stale is refused by the other with 412, and of two
/// concurrent moves naming one version, one through each server, exactly one wins.
@Suite("Two servers, one PostGIS database", .requires(postGISTestServer))
struct TwoServersTests {
    static var quiet: Logger {
        var logger = Logger(label: "qamtu.test")
        logger.logLevel = .warning
        return logger
    }

    /// The `status` property of `response`'s Feature.
    static func status(_ response: TestResponse) throws -> String? {
        (try response.json()["properties"] as? [String: Any])?["status"] as? String
    }

    @Test func aWriteThroughOneServerIsReadThroughTheOther() async throws {
        let fixture = try ApplicationsFixture(.postGIS)
        let first = try await QamtuServerApplication.build(fixture.configuration, logger: Self.quiet)
        let second = try await QamtuServerApplication.build(fixture.configuration, logger: Self.quiet)
        let office = fixture.token(ApplicationsFixture.office)
        try await first.test(.live) { a in
            try await second.test(.live) { b in
                let collection = "/collections/applications/items"
                let before = try await b.execute(uri: collection, method: .get)
                #expect(try before.json()["numberMatched"] as? Int == 0)

                let (id, tag) = try await a.submitted(.aigerim, service: "svc-water", at: ApplicationsFixture.west,
                                                      token: fixture.token(ApplicationsFixture.owner))
                #expect(id == "A-000001" && tag == "\"A-000001.1\"")
                let read = try await b.call(.get, "/applications/\(id)", token: office)
                #expect(read.status == .ok)
                #expect(read.headers[.eTag] == tag)

                let moved = try await a.move(id, to: "in_progress", ifMatch: tag, token: office)
                #expect(moved.status == .ok)
                let current = try #require(moved.headers[.eTag])
                #expect(current == "\"A-000001.2\"")
                #expect(try await b.call(.get, "/applications/\(id)", token: office).headers[.eTag] == current)
                let trail = try #require(try await b.call(.get, "/applications/\(id)/events", token: office).json()["events"] as? [[String: Any]])
                #expect(trail.map { $0["to"] as? String } == ["received", "in_progress"])

                // The public item on the other server, once its watcher has seen the change counter move.
                let deadline = ContinuousClock.now + .seconds(5)
                var shown: String?
                // Read once more after every wait, however late it ends (a busy machine).
                while true {
                    let item = try await b.execute(uri: collection + "/" + id, method: .get)
                    if item.status == .ok, let status = try Self.status(item), status == "in_progress" { shown = status; break }
                    if ContinuousClock.now >= deadline { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(shown == "in_progress")
                // The item is read afresh; the listing B answered before is cached until its watcher
                // sees the change (within its poll interval).
                var after = try await b.execute(uri: collection, method: .get)
                while try after.json()["numberMatched"] as? Int != 1 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    after = try await b.execute(uri: collection, method: .get)
                }
                #expect(try after.json()["numberMatched"] as? Int == 1)
                #expect(after.headers[.eTag] != before.headers[.eTag])

                // A tag the first server made stale is refused by the second.
                let stale = try await b.move(id, to: "approved", note: "all in order", ifMatch: tag, token: office)
                #expect(stale.status == .preconditionFailed, "\(stale.text)")

                // Two moves naming the current version at once, one through each server: one wins.
                async let throughA = a.move(id, to: "approved", note: "all in order", ifMatch: current, token: office)
                async let throughB = b.move(id, to: "returned", note: "the site plan is missing", ifMatch: current, token: office)
                let statuses = try await [throughA.status.code, throughB.status.code]
                #expect(statuses.sorted() == [200, 412], "\(statuses)")
                let events = try #require(try await a.call(.get, "/applications/\(id)/events", token: office).json()["events"] as? [[String: Any]])
                #expect(events.count == 3)
                #expect(try await b.call(.get, "/applications/\(id)", token: office).headers[.eTag] == "\"A-000001.3\"")
            }
        }
    }
}
