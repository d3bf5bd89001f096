import Foundation
import GeoModel
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// Imports of gzip-compressed files (issue 18, item 3): the same features as the plain file, and
/// nothing written when the compressed data is cut off or damaged.
@Suite("Import of gzip-compressed files")
struct GzipImportTests {
    /// The layer exported as GeoJSON and as CSV.
    static func exports(_ fixture: Fixture, _ layer: LayerSchema) throws -> [String] {
        try [ExportFormat.geojson, .csv].map { try fixture.exportText(ExportQuery(layer: layer), options: ExportOptions(format: $0)) }
    }

    /// A CSV of sites and a GeoJSON of settlements give exactly the layer the plain files give.
    @Test func compressedFilesImportExactlyAsThePlainOnes() throws {
        let sites = SitePackTests.sitesCSV(count: 300, seed: 18)
        for (layer, name, text) in [(LayerSchema.sites, "sites.csv", sites), (.settlements, "settlements.geojson", settlementsGeoJSON)] {
            let plain = try Fixture(), packed = try Fixture()
            let plainReport = try plain.importText(layer, name, text)
            let path = try packed.folder.writeGzip(name + ".gz", text)
            let packedReport = try packed.importFile(layer, path: path)
            #expect(packedReport.imported == plainReport.imported && packedReport.imported > 0, "\(name)")
            #expect(try Self.exports(packed, layer) == Self.exports(plain, layer), "\(name)")
        }
    }

    /// The start of a 20,000-site file is valid: the problem comes after thousands of rows have
    /// been written in the transaction, which is rolled back (with `replace`, the emptied layer too).
    @Test(arguments: ["cut", "check", "damaged"])
    func aCutOrDamagedFileWritesNothing(damage: String) throws {
        let fixture = try Fixture()
        try fixture.importText(.sites, "before.csv", "id,kind,status,operator,lon,lat\nkeep,base_station,operational,Kcell,71,42\n")
        let before = try Self.exports(fixture, .sites)
        var bytes = try GzipFiles.members([Array(SitePackTests.sitesCSV(count: 20_000, seed: 7).utf8)])
        let size = bytes.count
        switch damage {
        case "cut": bytes.removeLast(size / 10)
        case "check": bytes[size - 8] ^= 0x01  // the CRC-32 of the content: found after the last row
        default: for i in (size / 2)..<(size / 2 + 64) { bytes[i] = ~bytes[i] }
        }
        let path = try fixture.folder.write("big.csv.gz", bytes: bytes)
        for options in [ImportOptions(), ImportOptions(replace: true)] {
            do {
                try fixture.importFile(.sites, path: path, format: .csv, options: options)
                Issue.record("imported a \(damage) file")
            } catch {
                let message = "\(error)"
                switch damage {
                case "cut":
                    #expect(message == "big.csv.gz: the gzip data is cut off at byte \(bytes.count) (the file is incomplete; download or copy it again)")
                case "check":
                    #expect(message == "big.csv.gz: damaged gzip data at byte \(size - 4): incorrect data check")
                default:
                    // zlib finds the damage in the data, or in the check value at the end.
                    #expect(message.hasPrefix("big.csv.gz: damaged gzip data at byte "), "\(message)")
                }
            }
            #expect(try Self.exports(fixture, .sites) == before)
        }
    }

    /// `cell_towers.csv.gz` as OpenCelliD ships it (made by `gzip`, the original name in its
    /// header) is detected as OpenCelliD from its decompressed header and imports as the plain file.
    @Test(.requires(GzipFiles.gzipTool)) func openCelliDCellTowersAsShipped() throws {
        let plain = try Fixture(), packed = try Fixture()
        let text = """
            radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal
            LTE,401,77,12001,1234567,0,71.3901,42.8995,1500,12,1,1546300800,1700000000,0
            GSM,401,1,300,4401,0,74.7183,43.0417,5000,3,1,1262304000,1700000000,0
            LTE,250,1,1,1,0,37.6,55.7,1000,9,1,1262304000,1700000000,0
            UMTS,401,2,500,77,0,70.6475,42.5711,0,1,1,1262304000,1700000000,0

            """
        try packed.folder.write("cell_towers.csv", text)
        let path = try packed.folder.gzipWithTool("cell_towers.csv")
        #expect(try packed.folder.bytes("cell_towers.csv.gz").prefix(2) == [0x1F, 0x8B])
        #expect(try InputFormat.detect(path: path) == .opencellid)
        let report = try packed.importFile(.sites, path: path)
        #expect(report.imported == 3)
        #expect(report.skipped == ["outside Kazakhstan (MCC ≠ 401)": 1])
        try plain.importText(.sites, "cell_towers.csv", text)
        #expect(try Self.exports(packed, .sites) == Self.exports(plain, .sites))
    }
}
