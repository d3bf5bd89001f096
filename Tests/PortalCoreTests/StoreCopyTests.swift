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
