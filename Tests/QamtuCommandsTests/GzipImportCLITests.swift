import Foundation
import GeoModel
import QamtuTestSupport
import Testing
@testable import QamtuCommands

/// `qamtu import` of gzip-compressed files and standard input, and its progress line (issue 18,
/// item 3), through the built executable.
@Suite("qamtu import of gzip-compressed inputs (the built executable)")
struct GzipImportCLITests {
    /// `count` sites as CSV, in `parts` pieces (the header in the first) for gzip members.
    static func sitesCSV(count: Int, parts: Int = 1) -> [String] {
        var rng = SplitMix64(seed: 31)
        var pieces = [String](repeating: "", count: parts)
        pieces[0] = "id,name,kind,status,operator,technologies,lon,lat\n"
        for i in 0..<count {
            pieces[i * parts / count] += "s\(i),Mast \(i),base_station,operational,Kcell,2G;4G,"
                + "\(rng.uniform(69.5, 75.5)),\(rng.uniform(42.5, 45.5))\n"
        }
        return pieces
    }

    /// Runs `qamtu` with standard input read from the file `input` of `folder`.
    static func qamtuReading(_ input: String, _ arguments: [String], in folder: TemporaryFolder) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["QAMTU_DB"] = nil
        return try run(qamtuExecutable(), arguments, in: folder.url.path, environment: environment, standardInput: folder.path(input))
    }

    /// Imports `file` into `layer` of a new database `database` and returns the layer's export.
    static func importAndExport(_ layer: String, _ file: String, database: String, in folder: TemporaryFolder,
                                extra: [String] = []) throws -> (imported: ProcessResult, export: String) {
        #expect(try qamtu(["init", "--db", database], in: folder).status == 0)
        let imported = try qamtu(["import", layer, file, "--db", database] + extra, in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        let export = try qamtu(["export", layer, "--db", database], in: folder)
        #expect(export.status == 0, "\(export.stderr)")
        return (imported, export.stdout)
    }

    /// A CSV of sites and a GeoJSON of settlements from `.gz` give the bytes of `qamtu export` that
    /// the plain files give; the format is detected through the compression.
    @Test func compressedFilesExportTheSameBytes() throws {
        let folder = try TemporaryFolder()
        let sites = Self.sitesCSV(count: 2_000)[0]
        try folder.write("sites.csv", sites)
        try folder.writeGzip("sites.csv.gz", sites)
        let settlements = try InterruptedImportTests.bigSettlements(count: 500, in: folder)
        let settlementsText = try folder.read(settlements)
        try folder.writeGzip("big.geojson.gz", settlementsText)
        for (layer, file) in [("sites", "sites.csv"), ("settlements", "big.geojson")] {
            let plain = try Self.importAndExport(layer, file, database: "\(layer)-plain.sqlite", in: folder)
            let packed = try Self.importAndExport(layer, file + ".gz", database: "\(layer)-packed.sqlite", in: folder)
            #expect(packed.export == plain.export, "\(file)")
            #expect(plain.export.count > 10_000)
            let format = layer == "sites" ? "csv" : "geojson"
            #expect(packed.imported.stdout.hasPrefix("imported \(layer == "sites" ? "2,000 sites" : "500 settlements") from \(file).gz (\(format)) in "),
                    "\(packed.imported.stdout)")
            // No terminal: no progress line.
            #expect(packed.imported.stderr == "")
        }
    }

    /// Standard input that starts with the gzip magic bytes is decompressed, also when it is
    /// several gzip members one after the other (`cat a.gz b.gz | qamtu import …`).
    @Test func standardInputWithConcatenatedMembers() throws {
        let folder = try TemporaryFolder()
        let parts = Self.sitesCSV(count: 3_000, parts: 3)
        try folder.write("sites.csv", parts.joined())
        try folder.write("sites.csv.gz", bytes: GzipFiles.members(parts.map { Array($0.utf8) }))
        let plain = try Self.importAndExport("sites", "sites.csv", database: "plain.sqlite", in: folder)
        #expect(try qamtu(["init", "--db", "stdin.sqlite"], in: folder).status == 0)
        let imported = try Self.qamtuReading("sites.csv.gz", ["import", "sites", "-", "--format", "csv", "--db", "stdin.sqlite"], in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("imported 3,000 sites from - (csv) in "), "\(imported.stdout)")
        let export = try qamtu(["export", "sites", "--db", "stdin.sqlite"], in: folder)
        #expect(export.stdout == plain.export)
        // A file of several members, named: the same.
        let named = try Self.importAndExport("sites", "sites.csv.gz", database: "named.sqlite", in: folder)
        #expect(named.export == plain.export)
    }

    /// A cut-off or damaged `.gz` fails with the file named and the layer as it was (standard
    /// input is named so).
    @Test func aCutOrDamagedFileFailsAndChangesNothing() throws {
        let folder = try TemporaryFolder()
        try folder.write("first.csv", "id,kind,status,operator,lon,lat\nkeep,base_station,operational,Kcell,71,42\n")
        let before = try Self.importAndExport("sites", "first.csv", database: "d.sqlite", in: folder).export
        let good = try GzipFiles.members([Array(Self.sitesCSV(count: 20_000)[0].utf8)])
        try folder.write("cut.csv.gz", bytes: Array(good.prefix(good.count * 3 / 4)))
        var damaged = good
        damaged[good.count - 5] ^= 0x10  // the last byte of the CRC-32: every row is read before
        try folder.write("damaged.csv.gz", bytes: damaged)
        let cut = "the gzip data is cut off at byte \(good.count * 3 / 4) (the file is incomplete; download or copy it again)"
        let check = "damaged gzip data at byte \(good.count - 4): incorrect data check"
        for (file, message) in [("cut.csv.gz", cut), ("damaged.csv.gz", check)] {
            for extra in [[], ["--replace"]] {
                let result = try qamtu(["import", "sites", file, "--db", "d.sqlite"] + extra, in: folder)
                #expect(result.status == 1)
                #expect(result.stderr == "error: \(file): \(message)\n")
                #expect(result.stdout == "")
                #expect(try qamtu(["export", "sites", "--db", "d.sqlite"], in: folder).stdout == before)
            }
            let piped = try Self.qamtuReading(file, ["import", "sites", "-", "--format", "csv", "--db", "d.sqlite"], in: folder)
            #expect(piped.status == 1)
            #expect(piped.stderr == "error: standard input: \(message)\n")
        }
        #expect(try qamtu(["export", "sites", "--db", "d.sqlite"], in: folder).stdout == before)
    }

    /// On a terminal (a pseudo-terminal from `script`), the import shows rows, rows per second and
    /// the share of the compressed file read, and clears the line before its summary.
    @Test(.requires(.tool("script", package: "bsdutils"))) func progressOnATerminal() throws {
        let folder = try TemporaryFolder()
        try folder.writeGzip("sites.csv.gz", Self.sitesCSV(count: 60_000)[0])
        #expect(try qamtu(["init", "--db", "t.sqlite"], in: folder).status == 0)
        let script = try Prerequisite.tool("script", package: "bsdutils").require()
        let command = "'\(try qamtuExecutable())' import sites sites.csv.gz --db t.sqlite"
        var environment = ProcessInfo.processInfo.environment
        environment["QAMTU_DB"] = nil
        let result = try run(script, ["-q", "-e", "-c", command, "/dev/null"], in: folder.url.path, environment: environment)
        #expect(result.status == 0, "\(result.stdout)")
        let clear = "\r\u{1B}[K"
        // The first report, after 10,000 rows, is always shown; the next ones have a rate.
        #expect(result.stdout.contains(clear + "sites: 10,000 rows ("), "\(result.stdout.debugDescription)")
        #expect(result.stdout.contains(" rows/s"), "\(result.stdout.debugDescription)")
        // The line is cleared, then the summary follows.
        let summary = try #require(result.stdout.range(of: "imported 60,000 sites from sites.csv.gz (csv) in "))
        #expect(result.stdout[..<summary.lowerBound].hasSuffix(clear), "\(result.stdout.debugDescription)")
    }

    /// A 200,000-row compressed file imports with flat memory: the compressed input costs a
    /// buffer and zlib's window, not the file (peak RSS of the real executable, GNU time).
    @Test(.requires(PeakMemory.gnuTime)) func aLargeCompressedFileImportsWithFlatMemory() throws {
        let folder = try TemporaryFolder()
        let executable = try qamtuExecutable()
        var environment = ProcessInfo.processInfo.environment
        environment["QAMTU_DB"] = nil
        var peaks: [String: Int] = [:]
        func measure(_ name: String, _ arguments: [String]) throws -> ProcessResult {
            let run = try PeakMemory.run(executable, arguments, in: folder.url.path, environment: environment)
            #expect(run.result.status == 0, "\(name): \(run.result.stderr)")
            peaks[name] = run.peakBytes
            return run.result
        }
        for (name, count) in [("small", 100_000), ("large", 200_000)] {
            let file = try InterruptedImportTests.bigSettlements(count: count, in: folder)
            try folder.write("\(name).geojson.gz", bytes: GzipFiles.members([folder.bytes(file)]))
            if name == "large" { try FileManager.default.moveItem(atPath: folder.path(file), toPath: folder.path("large.geojson")) }
            _ = try measure("init-\(name)", ["init", "--db", "\(name).sqlite"])
            let imported = try measure("gz-\(name)", ["import", "settlements", "\(name).geojson.gz", "--db", "\(name).sqlite"])
            #expect(imported.stdout.hasPrefix("imported \(NumberFormat.grouped(count)) settlements from \(name).geojson.gz (geojson)"),
                    "\(imported.stdout)")
        }
        _ = try measure("init-plain", ["init", "--db", "plain.sqlite"])
        _ = try measure("plain-large", ["import", "settlements", "large.geojson", "--db", "plain.sqlite"])
        let compressed = try #require(FileManager.default.attributesOfItem(atPath: folder.path("large.geojson.gz"))[.size] as? Int)
        let plain = try #require(FileManager.default.attributesOfItem(atPath: folder.path("large.geojson"))[.size] as? Int)
        #expect(plain > 30_000_000 && compressed > 5_000_000, "plain \(plain) B, compressed \(compressed) B")
        let mebibyte = 1_048_576
        let report = peaks.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", Double($0.value) / Double(mebibyte))) MiB" }
            .joined(separator: ", ")
        func peak(_ name: String) throws -> Int { try #require(peaks[name]) }
        // Measured on Debian 12, x86-64, debug build: about 52 MiB for init, 53 MiB for either
        // import of 200,000 rows (38 MB of GeoJSON, 6.6 MB compressed).
        // Twice the rows: the peak grows by less than 8 MiB (runs differ by up to about 5 MiB;
        // holding the decompressed text would add 19 MB).
        #expect(try peak("gz-large") - peak("gz-small") < 8 * mebibyte, "\(report)")
        // Decompression adds a 1 MiB buffer of compressed bytes and zlib's state (about 45 KiB)
        // to the plain import; holding the compressed file would add 6 MiB.
        #expect(try peak("gz-large") - peak("plain-large") < 4 * mebibyte, "\(report)")
        #expect(try peak("gz-large") - peak("init-large") < 8 * mebibyte, "\(report)")
        print("peak RSS: \(report); large input \(plain) B, \(compressed) B compressed")
    }
}

/// The progress line's text and pace, without a terminal.
@Suite("Import progress line")
struct ImportProgressLineTests {
    @Test func showsRowsRateShareAndTimeLeft() {
        let progress = ImportProgress(features: 250_000, bytesRead: 37_000_000, totalBytes: 100_000_000)
        #expect(ImportProgressLine.text(layer: "sites", progress: progress, elapsed: .seconds(10))
                == "sites: 250,000 rows (37%, 25,000 rows/s, 17 s left)")
        // Standard input: no size, so no share and no time left.
        let piped = ImportProgress(features: 1, bytesRead: 120, totalBytes: nil)
        #expect(ImportProgressLine.text(layer: "roads", progress: piped, elapsed: .milliseconds(500)) == "roads: 1 row (2 rows/s)")
        // No estimate in the first second.
        let early = ImportProgress(features: 10_000, bytesRead: 1_000, totalBytes: 1_000_000)
        #expect(ImportProgressLine.text(layer: "sites", progress: early, elapsed: .milliseconds(400)) == "sites: 10,000 rows (0%, 25,000 rows/s)")
        let done = ImportProgress(features: 9, bytesRead: 50, totalBytes: 50)
        #expect(ImportProgressLine.text(layer: "sites", progress: done, elapsed: .seconds(3)) == "sites: 9 rows (100%, 3 rows/s, 0 s left)")
    }

    /// Rates are measured from the first report: the time before it (emptying the layer for
    /// `--replace`) does not slow the rate or stretch the time left.
    @Test func ratesAreMeasuredFromTheFirstReport() {
        let start = ContinuousClock.now
        var line = ImportProgressLine(layer: "sites", started: start)
        // 8 s of setting up, then 10,000 rows (10% of the file).
        let first = line.update(ImportProgress(features: 10_000, bytesRead: 10, totalBytes: 100), now: start + .seconds(8))
        #expect(first == "sites: 10,000 rows (10%)")
        let next = line.update(ImportProgress(features: 110_000, bytesRead: 50, totalBytes: 100), now: start + .seconds(12))
        #expect(next == "sites: 110,000 rows (50%, 25,000 rows/s, 5 s left)")
        let baseline = ImportProgressLine.Baseline(elapsed: .seconds(8), features: 10_000, fraction: 0.1)
        #expect(ImportProgressLine.text(layer: "sites", progress: ImportProgress(features: 110_000, bytesRead: 50, totalBytes: 100),
                                        elapsed: .seconds(12), since: baseline) == next)
    }

    @Test func durationsForPeople() {
        #expect(ImportProgressLine.duration(0.4) == "0 s")
        #expect(ImportProgressLine.duration(42) == "42 s")
        #expect(ImportProgressLine.duration(185) == "3 min 05 s")
        #expect(ImportProgressLine.duration(7_620) == "2 h 07 min")
        #expect(ImportProgressLine.duration(-3) == "0 s")
        #expect(ImportProgressLine.duration(.infinity) == "277777 h 46 min")
    }

    /// At most one line every quarter of a second.
    @Test func showsAtMostFourLinesASecond() {
        let start = ContinuousClock.now
        var line = ImportProgressLine(layer: "sites", started: start)
        let progress = ImportProgress(features: 10_000, bytesRead: 10, totalBytes: 100)
        var shown: [Int] = []
        for ms in stride(from: 0, through: 1_000, by: 50) where line.update(progress, now: start + .milliseconds(100 + ms)) != nil {
            shown.append(ms)
        }
        #expect(shown == [0, 250, 500, 750, 1_000])
    }
}
