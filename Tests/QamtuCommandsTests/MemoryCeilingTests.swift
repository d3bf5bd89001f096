import Foundation
import QamtuTestSupport
import Testing

/// Streamed import and export keep memory flat: the README promises that memory does not grow
/// with the file (issue 20, item 21). Peak RSS of the real executable, measured by GNU time.
@Suite("Memory ceilings of streamed import and export (the built executable)")
struct MemoryCeilingTests {
    @Test(.requires(PeakMemory.gnuTime)) func importAndExportPeakMemoryDoesNotGrowWithTheFile() throws {
        let folder = try TemporaryFolder()
        let executable = try qamtuExecutable()
        var peaks: [String: PeakMemory.Measurement] = [:]
        func measure(_ name: String, _ arguments: [String]) throws {
            var environment = ProcessInfo.processInfo.environment
            environment["QAMTU_DB"] = nil
            let run = try PeakMemory.run(executable, arguments, in: folder.url.path, environment: environment)
            #expect(run.result.status == 0, "\(name): \(run.result.stderr)")
            peaks[name] = run
        }
        for (name, count) in [("small", 66_000), ("large", 132_000)] {
            let file = try InterruptedImportTests.bigSettlements(count: count, in: folder)
            try FileManager.default.moveItem(atPath: folder.path(file), toPath: folder.path("\(name).geojson"))
            let database = folder.path("\(name).sqlite")
            try measure("init-\(name)", ["init", "--db", database])
            try measure("import-\(name)", ["import", "settlements", folder.path("\(name).geojson"), "--db", database])
            try measure("export-\(name)", ["export", "settlements", "-o", folder.path("\(name)-out.geojson"), "--db", database])
        }
        let inputBytes = try #require(FileManager.default.attributesOfItem(atPath: folder.path("large.geojson"))[.size] as? Int)
        let outputBytes = try #require(FileManager.default.attributesOfItem(atPath: folder.path("large-out.geojson"))[.size] as? Int)
        #expect(inputBytes > 24_000_000 && outputBytes > 36_000_000, "input \(inputBytes) B, output \(outputBytes) B")
        let report = peaks.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", $0.value.peakMebibytes)) MiB" }
            .joined(separator: ", ")
        let mebibyte = 1_048_576
        func peak(_ name: String) throws -> Int { try #require(peaks[name]).peakBytes }
        // Twice the features (a 25 MB GeoJSON file, 39 MB out): the peak grows by less than 8 MiB
        // (runs differ by up to about 5 MiB; holding the file or the output would add 12 or 19 MB).
        // The import holds one feature at a time; the export formats chunks of 32,768 rows on two
        // workers, so both sizes (two full chunks or more) hold the same at once.
        #expect(try peak("import-large") - peak("import-small") < 8 * mebibyte, "\(report)")
        #expect(try peak("export-large") - peak("export-small") < 8 * mebibyte, "\(report)")
        // Ceilings for the debug build (measured on Debian 12, x86-64: about 48 MiB for init and
        // import, which load SpatiaLite, and 60 MiB for the export): above what `init` needs, the
        // import adds less than 8 MiB for its 25 MB file and the export less than 24 MiB for its
        // 39 MB one.
        #expect(try peak("import-large") - peak("init-large") < 8 * mebibyte, "\(report)")
        #expect(try peak("export-large") - peak("init-large") < 24 * mebibyte, "\(report)")
        #expect(try peak("import-large") < 96 * mebibyte, "\(report)")
        #expect(try peak("export-large") < 96 * mebibyte, "\(report)")
        print("peak RSS: \(report); large input \(inputBytes) B, output \(outputBytes) B")
    }
}
