import Foundation
import QamtuTestSupport
import Testing

/// `qamtu copy` on the demo data: a new file whose every command answers as the source does.
@Suite("qamtu copy")
struct CopyCommandTests {
    @Test func theDemoCopiedAnswersByteForByte() throws {
        let folder = try TemporaryFolder()
        try EndToEndTests.demoDatabase(in: folder)
        let copy = try qamtu(["copy", "--from", "demo.sqlite", "--to", "copy.sqlite"], in: folder)
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stdout.hasPrefix("districts: 11\nsettlements: 372\nroads: "))
        #expect(copy.stdout.contains("commitments: 932\ncopied "))
        var commands: [[String]] = []
        for layer in ["districts", "settlements", "roads", "sites", "institutions", "commitments"] {
            for format in ["geojson", "csv", "geojsonseq"] { commands.append(["export", layer, "--format", format]) }
        }
        commands += [["coverage", "--as-of", "2026", "--format", "csv"], ["coverage", "diff", "2024", "2027"],
                     ["report", "--format", "json"], ["nearest", "settlements", "--to", "sites", "--k", "2", "--format", "csv"],
                     ["road", "masts", "A-2", "--format", "csv"]]
        for command in commands {
            let a = try qamtu(command + ["--db", "demo.sqlite"], in: folder), b = try qamtu(command + ["--db", "copy.sqlite"], in: folder)
            #expect(a.status == 0, "\(command): \(a.stderr)")
            #expect(a.stdoutBytes.count > 100 && a.stdoutBytes == b.stdoutBytes && a.status == b.status, "\(command.joined(separator: " "))")
        }
        // Into a database that holds features: refused, exit status of a conflict.
        let again = try qamtu(["copy", "--from", "demo.sqlite", "--to", "copy.sqlite"], in: folder)
        #expect(again.status != 0)
        #expect(again.stderr.contains("copy.sqlite already holds 11 districts; a copy fills an empty store"))
    }
}
