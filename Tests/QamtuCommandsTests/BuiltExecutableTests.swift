import Foundation
import QamtuTestSupport
import Testing

/// End-to-end tests refuse an executable linked before the code they test was compiled
/// (issue 20, item 22: `swift test --skip-build` could run a stale `qamtu`).
@Suite("The executable under test is fresh")
struct BuiltExecutableTests {
    @Test func anExecutableOlderThanAnObjectOfItsTargetsIsRefused() throws {
        let folder = try TemporaryFolder()
        let executable = try folder.write("qamtu", "#!/bin/sh\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: executable)
        for target in ["GeoModel", "Other"] {
            try FileManager.default.createDirectory(atPath: folder.path("\(target).build"), withIntermediateDirectories: true)
        }
        let object = try folder.write("GeoModel.build/WKT.swift.o", "object")
        try folder.write("Other.build/Unrelated.swift.o", "object of a target the executable does not list")
        func setDate(_ path: String, _ seconds: TimeInterval) throws {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: seconds)], ofItemAtPath: path)
        }
        try setDate(object, 2_000_000_000)
        try setDate(folder.path("Other.build/Unrelated.swift.o"), 2_100_000_000)
        try setDate(executable, 2_000_000_000)
        #expect(try BuiltExecutable.locate(candidates: [folder.path("none"), executable], targets: ["GeoModel", "CSQLite"]) == executable)
        try setDate(executable, 1_999_999_999)
        do {
            _ = try BuiltExecutable.locate(candidates: [executable], targets: ["GeoModel"])
            Issue.record("a stale executable was used")
        } catch let problem as BuiltExecutable.Problem {
            #expect(problem.description.hasPrefix("the qamtu executable \(executable) (linked 2033-05-18 03:33:19 +0000) is older than \(object) (compiled 2033-05-18 03:33:20 +0000): run swift build --build-tests"))
        }
        do {
            _ = try BuiltExecutable.locate(candidates: [folder.path("none")], targets: ["GeoModel"])
            Issue.record("a missing executable was found")
        } catch let problem as BuiltExecutable.Problem {
            #expect(problem.description == "no qamtu executable at \(folder.path("none")): run swift build --build-tests first")
        }
    }

    /// The executable the end-to-end tests run was linked from the code this test bundle was built from.
    @Test func theEndToEndTestsRunAFreshExecutable() throws {
        let executable = try qamtuExecutable()
        #expect(executable.hasSuffix("/qamtu"))
        #expect(BuiltExecutable.targets(ofPackageAt: SharedData.repository).contains("QamtuCommands"))
    }
}
