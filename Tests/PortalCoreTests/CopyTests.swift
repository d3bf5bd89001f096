import Foundation
import GeoModel
import Geodesy
import PortalCore
import QamtuTestSupport
import Testing

/// `qamtu copy`'s core: every layer of one store into another, byte for byte as the exports
/// show it, streamed, refused into a store that holds features.
@Suite("Copy: every layer from one store to another")
struct CopyTests {
    /// Every export format, with a page and a property list, for `layer`.
    static func exports(_ portal: Portal, _ layer: LayerSchema) throws -> [String] {
        var texts: [String] = []
        let formats: [ExportOptions] = [ExportOptions(), ExportOptions(format: .csv), ExportOptions(format: .geojsonseq, recordSeparator: true),
                                        ExportOptions(format: .geojson, precision: 3)]
        for options in formats {
            for query in [ExportQuery(layer: layer), ExportQuery(layer: layer).sorted(by: [SortKey(column: "id", descending: true)]).paged(limit: 3)] {
                let sink = MemorySink()
                _ = try portal.export(query, options: options, to: sink)
                texts.append(sink.text)
            }
        }
        return texts
    }

    /// The fixture's layers and two commitments (a derived geometry), in a SpatiaLite file.
    static func source(in folder: TemporaryFolder) throws -> Portal {
        let portal = try StoreFixture.store(.spatiaLite, in: folder)
        let commitments = """
            id,programme,party,technology,target_layer,target_id,planned_year
            c1,Fibre 2026,Kazakhtelecom,fibre,settlements,s3,2026
            c2,Roads,Kcell,4G,roads,r1,2027

            """
        _ = try portal.importFeatures(ImportRequest(layer: .commitments, path: try folder.write("c.csv", commitments)))
        return portal
    }

    @Test func aCopyExportsAsItsSourceInEveryStore() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(in: folder)
        let file = try SpatiaLiteStore.initialise(at: folder.path("copy.sqlite")).store
        let copies = try source.copyLayers(to: file)
        #expect(copies == [LayerCopy(layer: "districts", features: 2), LayerCopy(layer: "settlements", features: 6),
                           LayerCopy(layer: "roads", features: 1), LayerCopy(layer: "sites", features: 8),
                           LayerCopy(layer: "institutions", features: 2), LayerCopy(layer: "services", features: 2),
                           LayerCopy(layer: "commitments", features: 2)])
        // And on through memory back into a new file: the round trip changes no byte.
        let memory = MemoryStore()
        _ = try Portal(store: file).copyLayers(to: memory)
        let back = try SpatiaLiteStore.initialise(at: folder.path("back.sqlite")).store
        _ = try Portal(store: memory).copyLayers(to: back)
        for layer in Portal.copiedLayers {
            let expected = try Self.exports(source, layer)
            #expect(expected[0].contains("\"type\":\"Feature\""), "\(layer.name) has features")
            #expect(try Self.exports(Portal(store: file), layer) == expected, "\(layer.name) in the copy")
            // The memory store places no commitment (it derives nothing); the file it fills does again.
            if layer.name != LayerSchema.commitments.name {
                #expect(try Self.exports(Portal(store: memory), layer) == expected, "\(layer.name) in memory")
            }
            #expect(try Self.exports(Portal(store: back), layer) == expected, "\(layer.name) back in a file")
        }
        // The copy's site pack is current (the import built it).
        #expect(try file.status().sitePackCurrent == true)
    }

    @Test func aLayerLargerThanTheBufferStreamsInOrder() throws {
        let folder = try TemporaryFolder()
        var lines = ["id,name,kind,operator,technologies,range_m,status,planned_year,lon,lat"]
        var random = SplitMix64(seed: 31)
        let operators = ["Kcell", "Beeline", "Қазақтелеком", ""]
        let technologies = ["4G", "2G;3G", "3G;4G;5G", ""]
        // More features than the source buffers (4,096).
        let count = 10_000
        for i in 0..<count {
            let range = i % 5 == 0 ? "" : String(Double(Int(random.uniform(500, 30_000) * 8)) / 8)
            lines.append("t\(count - i),Mast №\(i),base_station,\(operators[i % 4]),\(technologies[i % 4]),\(range),operational,,"
                         + "\(random.uniform(46, 87)),\(random.uniform(40, 56))")
        }
        let source = Portal(store: try SpatiaLiteStore.initialise(at: folder.path("s.sqlite")).store)
        _ = try source.importFeatures(ImportRequest(layer: .sites, path: try folder.write("sites.csv", lines.joined(separator: "\n") + "\n")))
        let target = try SpatiaLiteStore.initialise(at: folder.path("t.sqlite")).store
        let copies = try source.copyLayers(to: target)
        #expect(copies.first { $0.layer == "sites" }?.features == count)
        #expect(try Self.exports(Portal(store: target), .sites) == Self.exports(source, .sites))
    }

    @Test func aTargetWithFeaturesIsRefusedAndKeepsThem() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(in: folder)
        let target = Portal(store: try SpatiaLiteStore.initialise(at: folder.path("t.sqlite")).store)
        _ = try target.importFeatures(ImportRequest(layer: .roads, path: try folder.write("r.geojson", StoreFixture.roads)))
        let before = try Self.exports(target, .roads)
        do {
            _ = try source.copyLayers(to: target.store)
            Issue.record("copied into a store with roads")
        } catch let error as PortalError {
            #expect(error.category == .conflict)
            #expect(error.message == "\(folder.path("t.sqlite")) already holds 1 roads; a copy fills an empty store")
        }
        #expect(try Self.exports(target, .roads) == before)
        #expect(try target.store.count(ExportQuery(layer: .settlements)) == 0)
    }

    @Test func aTargetThatCannotWriteFailsWithoutWaitingForTheSource() throws {
        // A read-only target fails the first layer's import: the copy throws that error, and the
        // thread reading the source stops (the test would hang otherwise).
        let folder = try TemporaryFolder()
        let source = try Self.source(in: folder)
        _ = try SpatiaLiteStore.initialise(at: folder.path("t.sqlite"))
        let target = try SpatiaLiteStore.open(at: folder.path("t.sqlite"), readOnly: true)
        #expect(throws: (any Error).self) { try source.copyLayers(to: target) }
        #expect(try target.count(ExportQuery(layer: .districts)) == 0)
    }
}
