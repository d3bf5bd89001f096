import Foundation
import QamtuTestSupport
import Testing

/// Tests that need something outside the repository skip only on a developer's machine: in CI
/// (`CI=true`) a missing prerequisite fails (issue 20, item 19).
@Suite("Test prerequisites: skipped locally, failed in CI")
struct PrerequisiteTests {
    static let present = Prerequisite("a file that exists") { "/" }
    static let absent = Prerequisite("../shared/geodata/nothing.geojson") { nil }

    @Test func aMissingPrerequisiteSkipsLocallyAndFailsInCI() throws {
        #expect(try Prerequisite.check([Self.present], environment: [:]))
        #expect(try Prerequisite.check([Self.present], environment: ["CI": "true"]))
        #expect(try !Prerequisite.check([Self.present, Self.absent], environment: [:]))
        #expect(try !Prerequisite.check([Self.absent], environment: ["CI": "false"]))
        for value in ["true", "TRUE", "1"] {
            #expect(throws: Prerequisite.Missing.self) { try Prerequisite.check([Self.absent], environment: ["CI": value]) }
        }
        do {
            _ = try Prerequisite.check([Self.present, Self.absent], environment: ["CI": "true"])
            Issue.record("a missing prerequisite passed in CI")
        } catch let error as Prerequisite.Missing {
            #expect(error.description.hasPrefix("missing prerequisite: ../shared/geodata/nothing.geojson (CI=true:"))
        }
        #expect(try Self.present.ifPresent() == "/")
        #expect(try Self.present.require() == "/")
        #expect(throws: Prerequisite.Missing.self) { try Self.absent.require() }
        #expect(Prerequisite.tool("sh", package: "dash").path == "/usr/bin/sh" || Prerequisite.tool("sh", package: "dash").path == "/bin/sh")
        #expect(Prerequisite.tool("no-such-tool-qamtu", package: "none").path == nil)
    }

    /// No test decides on its own to skip: every check of the environment goes through
    /// `Prerequisite` (a bare `.enabled(if:)`, `which(…)` or shared-data path would skip silently).
    @Test func everyTestChecksItsEnvironmentThroughPrerequisite() throws {
        let tests = SharedData.repository.appendingPathComponent("Tests")
        let files = try #require(FileManager.default.enumerator(atPath: tests.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("QamtuTestSupport/") && $0 != "QamtuCommandsTests/PrerequisiteTests.swift" }
        #expect(files.count > 30)
        let forbidden = [".enabled(" + "if:", "which" + "(", "SharedData" + ".geodata", "try?" + " String(contentsOf"]
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOfFile: tests.appendingPathComponent(file).path, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for pattern in forbidden where line.contains(pattern) { offenders.append("\(file):\(number + 1): \(pattern)") }
            }
        }
        #expect(offenders == [])
    }
}
