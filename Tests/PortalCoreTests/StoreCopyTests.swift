import Foundation
import GeoModel
import PortalCore
import QamtuTestSupport
import Testing

/// `qamtu copy` between a SpatiaLite file and PostGIS, and back, byte for byte.
@Suite("Copying through PostGIS", .requires(PostGISTestServer.prerequisite))
struct StoreCopyTests {
    /// Every export of every copied layer, in GeoJSON and CSV, as one text per (layer, format).
    static func exports(_ portal: Portal) throws -> [String: String] {
        var out: [String: String] = [:]
        for layer in Portal.copiedLayers {
            for options in [ExportOptions(), ExportOptions(format: .csv)] {
                let sink = MemorySink()
                _ = try portal.export(ExportQuery(layer: layer), options: options, to: sink)
                out["\(layer.name) \(options.format)"] = sink.text
            }
        }
        return out
    }

    /// SpatiaLite → PostGIS → SpatiaLite: the exports of the PostGIS copy and of the final file
    /// are those of the first file (commitments included: PostGIS places them as SpatiaLite does).
    @Test func aRoundTripThroughPostGISKeepsEveryExport() throws {
        let folder = try TemporaryFolder()
        let source = try CopyTests.source(in: folder)
        let middle = try StoreFixture.emptyStore(.postGIS, in: folder)
        let copies = try source.copyLayers(to: middle)
        #expect(copies.first { $0.layer == "settlements" }?.features == 6)
        let back = try StoreFixture.emptyStore(.spatiaLite, in: folder, name: "back")
        _ = try Portal(store: middle).copyLayers(to: back)
        let expected = try Self.exports(source)
        #expect(expected["commitments geojson"]?.contains("\"c2\"") == true)
        #expect(try Self.exports(Portal(store: middle)) == expected)
        #expect(try Self.exports(Portal(store: back)) == expected)
        // A copy never mixes two stores' features: refused into a store that holds some.
        #expect(throws: PortalError.self) { _ = try source.copyLayers(to: middle) }
    }
}

/// `qamtu copy` of the service applications: SpatiaLite → PostGIS → SpatiaLite keeps every user
/// (numbers, token ids and hashes), every application with its private details and events
/// (ids, versions, event numbers), the public layer's export and the report.
@Suite("Copying the service applications through PostGIS", .requires(PostGISTestServer.prerequisite))
struct ApplicationCopyTests {
    /// What a ledger holds, as comparable text.
    static func contents(_ portal: Portal) throws -> [String] {
        let ledger = try #require(portal.ledger)
        let sink = MemorySink()
        _ = try portal.export(ExportQuery(layer: .applications), options: ExportOptions(), to: sink)
        return [
            "\(try ledger.userCredentials().map { "\($0.user) \($0.tokenID) \($0.tokenSHA256)" })",
            "\(try ledger.applicationsWithEvents().map { "\($0.application) \($0.events)" })",
            "\(try ledger.applications(ApplicationQuery(district: "east", limit: 10)).items.map(\.id))",
            sink.text,
            "\(try portal.applicationReport(asOf: "2026-03-31"))",
        ]
    }

    @Test func aRoundTripThroughPostGISKeepsEveryApplication() throws {
        let folder = try TemporaryFolder()
        let (source, _) = try ApplicationFixture.portal(.spatiaLite, in: folder)
        _ = try source.importApplications(json: ApplicationLedgerTests.history, name: "history.geojson")
        let (_, token) = try source.addUser(name: "resident-1", role: .applicant, organisation: nil)
        _ = try source.addUser(name: "provider-water", role: .provider, organisation: "Aulie-Ata Water Utility")
        _ = try source.revokeUser(name: "provider-water")
        let expected = try Self.contents(source)
        #expect(expected[1].contains("A-000004") && expected[3].contains("A-000002"))

        let middleStore = try StoreFixture.emptyStore(.postGIS, in: folder)
        _ = try source.copyLayers(to: middleStore)
        let middle = Portal(store: middleStore, ledger: (middleStore as? PostGISStore)?.ledger)
        let copied = try source.copyApplications(to: try #require(middle.ledger))
        #expect(copied.users == 2 && copied.applications == 4 && copied.events == 11)
        #expect(try Self.contents(middle) == expected)
        #expect(try middle.authenticate(token: token).name == "resident-1")

        let backPath = folder.path("back.sqlite")
        let backStore = try SpatiaLiteStore.initialise(at: backPath).store
        _ = try middle.copyLayers(to: backStore)
        let back = Portal(store: backStore, ledger: try SpatiaLiteStore.openLedger(at: backPath, concurrent: false))
        _ = try middle.copyApplications(to: try #require(back.ledger))
        #expect(try Self.contents(back) == expected)
        // A ledger that holds applications is refused, and keeps them.
        #expect(throws: PortalError.self) { _ = try source.copyApplications(to: try #require(middle.ledger)) }
        #expect(try middle.ledger?.applications(ApplicationQuery()).matched == 4)
        // After the copy, new submissions continue the ids.
        #expect(try middle.ledger?.submitNow(ApplicationFixture.new()).id == "A-000005")
    }
}
