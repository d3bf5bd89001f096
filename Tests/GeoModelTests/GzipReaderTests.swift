import Foundation
import QamtuTestSupport
import Testing
@testable import GeoModel

/// gzip-compressed inputs read as a stream (issue 18, item 3): `ByteReader` decompresses them
/// through `GzipReader`, so every reader and format takes them.
@Suite("gzip-compressed inputs")
struct GzipReaderTests {
    /// CSV text of `rows` sites with varied coordinates (so that it does not compress to nothing).
    static func sitesCSV(rows: Int, seed: UInt64 = 18) -> String {
        var rng = SplitMix64(seed: seed)
        var text = "id,kind,status,operator,lon,lat\n"
        for i in 0..<rows {
            text += "s\(i),base_station,operational,Kcell,\(rng.uniform(69.5, 75.5)),\(rng.uniform(42.5, 45.5))\n"
        }
        return text
    }

    /// Every byte of a reader, to the end.
    static func readAll(_ reader: ByteReader) throws -> [UInt8] {
        var out: [UInt8] = []
        while let b = try reader.next() { out.append(b) }
        return out
    }

    /// A file larger than the reader's chunks decompresses to exactly the plain bytes, with the
    /// same lines; progress counts compressed bytes and ends at the compressed file's size.
    @Test func readsTheSameBytesAsThePlainFileWithProgressInCompressedBytes() throws {
        let folder = try TemporaryFolder()
        let text = Self.sitesCSV(rows: 5_000)
        let path = try folder.writeGzip("sites.csv.gz", text)
        let size = try folder.bytes("sites.csv.gz").count
        #expect(size < text.utf8.count / 2)
        let reader = try ByteReader(path: path, displayName: "sites.csv.gz", chunkSize: 4096)
        #expect(reader.isGzipCompressed)
        #expect(reader.totalBytes == size)
        var bytes: [UInt8] = []
        var midway: (done: Int, total: Int?)?
        while let b = try reader.next() {
            bytes.append(b)
            if bytes.count == text.utf8.count / 2 { midway = reader.progress }
        }
        #expect(bytes == Array(text.utf8))
        #expect(reader.line == 5_002)
        #expect(reader.bytesConsumed == text.utf8.count)
        #expect(reader.progress.done == size && reader.progress.total == size)
        // Half the text read: about half the compressed file (one 4 KiB chunk of text ahead).
        let half = try #require(midway)
        #expect(half.total == size)
        #expect(abs(Double(half.done) / Double(size) - 0.5) < 0.05, "\(half.done) of \(size)")
    }

    /// Members one after the other (`cat a.gz b.gz`) read as their contents joined, in order.
    @Test func readsConcatenatedMembers() throws {
        let folder = try TemporaryFolder()
        let parts = ["id,kind,lon,lat\n", "a,mast,71,43\n", "", "b,mast,72,44\n"]
        let path = try folder.writeGzip("ab.csv.gz", parts[0], parts[1], parts[2], parts[3])
        let reader = try ByteReader(path: path, chunkSize: 16)
        #expect(try Self.readAll(reader) == Array(parts.joined().utf8))
        #expect(reader.progress.done == reader.progress.total)
    }

    /// The magic bytes decide: a plain file named `.gz` (as a browser saves a download it has
    /// already decompressed) is read as it is; a gzip file named otherwise is decompressed.
    @Test func theContentDecidesWhetherToDecompress() throws {
        let folder = try TemporaryFolder()
        let plain = try folder.write("saved.csv.gz", "id,lon,lat\n")
        #expect(try ByteReader(path: plain).isGzipCompressed == false)
        #expect(try Self.readAll(ByteReader(path: plain)) == Array("id,lon,lat\n".utf8))
        let unnamed = try folder.writeGzip("sites.csv", "id,lon,lat\n")
        #expect(try Self.readAll(ByteReader(path: unnamed)) == Array("id,lon,lat\n".utf8))
    }

    /// The format comes from the decompressed content and the name without `.gz`.
    @Test func detectsTheFormatFromTheContentAndTheNameWithoutGz() throws {
        let folder = try TemporaryFolder()
        let cells = try folder.writeGzip("cell_towers.csv.gz",
                                         "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n")
        #expect(try InputFormat.detect(path: cells) == .opencellid)
        let sites = try folder.writeGzip("sites.csv.gz", Self.sitesCSV(rows: 3))
        #expect(try InputFormat.detect(path: sites) == .csv)
        let places = try folder.writeGzip("places.json.gz", #"{"type":"FeatureCollection","features":[{"properties":{"place":"town","osm_id":1}}]}"#)
        #expect(try InputFormat.detect(path: places) == .osmPlaces)
        // Named GeoJSON, holding something else: read as GeoJSON, so that it is said not to be JSON.
        let notJSON = try folder.writeGzip("villages.geojson.gz", "hello\n")
        #expect(try InputFormat.detect(path: notJSON) == .geojson)
        #expect(InputFormat.detect(head: Array("hello\n".utf8), name: "V.GEOJSON.GZ") == .geojson)
        #expect(InputFormat.detect(head: Array("hello\n".utf8), name: "villages.gz") == .csv)
    }

    /// A damaged file is an error naming the file and the offset in the compressed file.
    @Test func truncatedDamagedAndTrailingDataAreErrorsWithTheFileAndOffset() throws {
        let folder = try TemporaryFolder()
        let good = try GzipFiles.members([Array(Self.sitesCSV(rows: 2_000).utf8)])
        func message(_ name: String, _ bytes: [UInt8]) throws -> String? {
            let path = try folder.write(name, bytes: bytes)
            do {
                let reader = try ByteReader(path: path, displayName: name, chunkSize: 4096)
                _ = try Self.readAll(reader)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let cut = Array(good.prefix(good.count / 2))
        #expect(try message("cut.csv.gz", cut)
                == "cut.csv.gz: the gzip data is cut off at byte \(cut.count) (the file is incomplete; download or copy it again)")
        // Without its 8-byte trailer (CRC-32 and length): still cut off.
        let noTrailer = Array(good.dropLast(8))
        #expect(try message("short.csv.gz", noTrailer)
                == "short.csv.gz: the gzip data is cut off at byte \(noTrailer.count) (the file is incomplete; download or copy it again)")
        // A wrong CRC-32 in the trailer: the content does not match its check value.
        var badCheck = good
        badCheck[good.count - 8] ^= 0xFF
        #expect(try message("check.csv.gz", badCheck) == "check.csv.gz: damaged gzip data at byte \(good.count - 4): incorrect data check")
        // A byte of the deflate data changed: zlib refuses the data somewhere after it.
        var flipped = good
        for i in stride(from: 20, to: 60, by: 1) { flipped[i] = 0xFF }
        let damaged = try #require(try message("damaged.csv.gz", flipped))
        #expect(damaged.hasPrefix("damaged.csv.gz: damaged gzip data at byte "), "\(damaged)")
        let offset = try #require(Int(damaged.dropFirst("damaged.csv.gz: damaged gzip data at byte ".count).prefix { $0.isNumber }))
        #expect(offset >= 20 && offset <= good.count, "\(damaged)")
        // Something other than a gzip member after the last one.
        #expect(try message("trailing.csv.gz", good + Array("hello".utf8))
                == "trailing.csv.gz: bytes after the end of the gzip data, at byte \(good.count), do not start another gzip member")
        // The error stays: reading on throws it again rather than seeing an end of file.
        let reader = try ByteReader(path: folder.path("cut.csv.gz"), displayName: "cut.csv.gz", chunkSize: 4096)
        let again = GeoModelError.unreadable(file: "cut.csv.gz", line: nil,
                                             message: "the gzip data is cut off at byte \(cut.count) (the file is incomplete; download or copy it again)")
        #expect(throws: again) { try Self.readAll(reader) }
        #expect(throws: again) { try reader.peek() }
        // Not deflate at all after a gzip header.
        #expect(try message("method.csv.gz", [0x1F, 0x8B, 0x07, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3])
                == "method.csv.gz: damaged gzip data at byte 4: unknown compression method")
    }

    /// A `.tar.gz` and a file compressed twice are said to be what they are once decompressed.
    @Test func archivesInsideGzipAreDiagnosed() throws {
        let folder = try TemporaryFolder()
        var header = [UInt8](repeating: 0, count: 512)
        for (i, b) in "villages.csv".utf8.enumerated() { header[i] = b }
        for (i, b) in "ustar\u{0}00".utf8.enumerated() { header[257 + i] = b }
        let tar = try folder.write("villages.tar.gz", bytes: GzipFiles.members([header]))
        #expect(throws: GeoModelError.unreadable(file: "villages.tar.gz", line: nil, message:
            "decompressed, it is a tar archive: extract it first (tar -xzf villages.tar.gz) and import the file inside")) {
            try CSVReader(path: tar, displayName: "villages.tar.gz")
        }
        let plainTar = try folder.write("villages.tar", bytes: header)
        #expect(throws: GeoModelError.unreadable(file: "villages.tar", line: nil, message:
            "a tar archive: extract it first (tar -xf villages.tar) and import the file inside")) {
            try GeoJSONFeatureReader(path: plainTar, displayName: "villages.tar")
        }
        let twice = try folder.write("twice.csv.gz", bytes: GzipFiles.members([GzipFiles.members([Array("id\n".utf8)])]))
        #expect(throws: GeoModelError.unreadable(file: "twice.csv.gz", line: nil, message:
            "decompressed, it is gzip-compressed: decompress it twice (gunzip -c twice.csv.gz | gunzip -c) and import the result")) {
            try CSVReader(path: twice, displayName: "twice.csv.gz")
        }
        // A CSV that happens to hold "ustar" at byte 257 is text (no NUL byte before it).
        let text = String(repeating: "a", count: 257) + "ustar\n"
        let csv = try folder.write("odd.csv", "name\n" + text)
        #expect(try CSVReader(path: csv).next()?.fields == ["name"])
    }

    /// Features of a compressed GeoJSON file stream like those of the plain one, with the same
    /// lines and indexes.
    @Test func geoJSONFeaturesStreamFromAGzipFile() throws {
        let folder = try TemporaryFolder()
        let text = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[71.4,42.9]}},
            {"type":"Feature","properties":{"id":"b"},"geometry":null}
            ]}
            """
        let plain = try GeoJSONFeatureReader(path: folder.write("a.geojson", text))
        let packed = try GeoJSONFeatureReader(path: folder.writeGzip("a.geojson.gz", text))
        while let expected = try plain.next() {
            let feature = try #require(try packed.next())
            #expect(feature.location.line == expected.location.line)
            #expect(feature.properties == expected.properties)
            #expect(feature.geometry == expected.geometry)
        }
        #expect(try packed.next() == nil)
    }
}
