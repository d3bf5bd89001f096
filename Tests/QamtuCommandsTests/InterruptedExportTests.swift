import Foundation
import QamtuTestSupport
import Testing

/// `qamtu export -o FILE` stopped by Ctrl-C (SIGINT) or SIGTERM leaves neither FILE nor
/// FILE.partial behind (issue 20, item 11), through the built executable.
@Suite("qamtu export interrupted (the built executable)")
struct InterruptedExportTests {
    /// Writes a CSV of `count` generated operational sites in Zhambyl oblast and imports it into a
    /// fresh `big.sqlite` in `folder`.
    static func bigSitesDatabase(count: Int, in folder: TemporaryFolder) throws {
        var rng = SplitMix64(seed: 11)
        var text = "id,kind,status,operator,technologies,lon,lat\n"
        text.reserveCapacity(count * 60)
        for i in 0..<count {
            text += "s\(i),base_station,operational,Kcell,4G,\(rng.uniform(69.5, 75.5)),\(rng.uniform(42.5, 45.5))\n"
        }
        try folder.write("big.csv", text)
        #expect(try qamtu(["init", "--db", "big.sqlite"], in: folder).status == 0)
        let imported = try qamtu(["import", "sites", "big.csv", "--db", "big.sqlite"], in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
    }

    @Test func anInterruptedExportLeavesNoFileBehind() throws {
        let folder = try TemporaryFolder()
        try Self.bigSitesDatabase(count: 50_000, in: folder)
        for (signal, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try qamtuExecutable())
            process.arguments = ["export", "sites", "-o", "out.geojson", "--db", "big.sqlite"]
            process.currentDirectoryURL = folder.url
            let err = Pipe()
            process.standardError = err
            try process.run()
            // Wait until the export has written into its temporary file, then signal it.
            let partial = folder.path("out.geojson.partial")
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && Date() < deadline {
                if let size = try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int, size > 0 { break }
                Thread.sleep(forTimeInterval: 0.001)
            }
            #expect(process.isRunning, "the export ended before signal \(signal); make the database bigger")
            kill(process.processIdentifier, signal)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationReason == .exit, "signal \(signal)")
            #expect(process.terminationStatus == status, "signal \(signal): \(stderr)")
            #expect(!FileManager.default.fileExists(atPath: partial), "signal \(signal)")
            let output = folder.path("out.geojson")
            if FileManager.default.fileExists(atPath: output) {
                // The signal came after the export had moved the complete file into place (a
                // loaded machine can delay the handler that long): kept, and said so.
                #expect(stderr == "error: interrupted after out.geojson was written completely; it is kept\n")
                let data = try Data(contentsOf: URL(fileURLWithPath: output))
                let document = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                #expect((document?["features"] as? [Any])?.count == 50_000, "signal \(signal)")
                try FileManager.default.removeItem(atPath: output)
            } else {
                #expect(stderr == "error: interrupted: nothing was written to out.geojson\n")
            }
        }
        // Uninterrupted, the file is complete and the temporary one gone.
        let complete = try qamtu(["export", "sites", "-o", "out.geojson", "--db", "big.sqlite"], in: folder)
        #expect(complete.status == 0)
        #expect(complete.stderr == "wrote 50,000 sites to out.geojson (geojson)\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.geojson.partial")))
    }
}
