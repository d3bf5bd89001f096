import Foundation
import GeoModel
import PortalCore
import QamtuTestSupport
import Testing

/// `qamtu copy`: every layer from one store to another and back, byte for byte.
@Suite("Copying between stores")
struct StoreCopyTests {
    /// Every export of every copied layer, in every format, as one text per (layer, format).
    static func exports(_ portal: Portal) throws -> [String: String] {
        var out: [String: String] = [:]
        for layer in StoreCopy.layers {
            for options in [ExportOptions(), ExportOptions(format: .csv)] {
                let sink = MemorySink()
                _ = try portal.export(ExportQuery(layer: layer), options: options, to: sink)
                out["\(layer.name) \(options.format)"] = sink.text
            }
        }
        return out
    }

    /// SpatiaLite → PostGIS → SpatiaLite (SpatiaLite → memory → SpatiaLite without a PostGIS
    /// server): the exports of the final file are those of the first, and of the store between.
    @Test func aRoundTripKeepsEveryExport() throws {
        let folder = try TemporaryFolder()
        let source = try StoreFixture.store(.spatiaLite, in: folder)
        let middleKind: StoreKind = StoreKind.allCases.contains(.postGIS) ? .postGIS : .memory
        let middle = try StoreFixture.emptyStore(middleKind, in: folder, name: "middle")
        let reports = try StoreCopy.copy(from: source.store, to: middle)
        #expect(reports.map(\.layer) == StoreCopy.layers.map(\.name))
        #expect(reports.first { $0.layer == "settlements" }?.imported == 6)
        let back = try StoreFixture.emptyStore(.spatiaLite, in: folder, name: "back")
        _ = try StoreCopy.copy(from: middle, to: back)
        let expected = try Self.exports(source)
        #expect(expected["sites geojson"]?.contains("\"t8\"") == true)
        #expect(try Self.exports(Portal(store: middle)) == expected, "\(middleKind)")
        #expect(try Self.exports(Portal(store: back)) == expected)
        // A second copy replaces the target's layers instead of adding to them.
        _ = try StoreCopy.copy(from: middle, to: back)
        #expect(try back.count(ExportQuery(layer: .sites)) == 8)
    }
}
