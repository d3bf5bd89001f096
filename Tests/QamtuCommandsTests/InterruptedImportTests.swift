import Foundation
import QamtuTestSupport
import Testing

/// `qamtu import` stopped by Ctrl-C (SIGINT) or killed (SIGKILL) at several points of a big import,
/// then every read command on the same database (issue 20, item 1), through the built executable.
@Suite("qamtu import interrupted by SIGINT or SIGKILL (the built executable)")
struct InterruptedImportTests {
    /// Every command that only reads the database, with arguments that make its output
    /// independent of the day it runs.
    static let readCommands: [[String]] = [
        ["info"],
        ["export", "settlements", "--format", "csv"],
        ["coverage", "--as-of", "2026", "--format", "csv"],
        ["find", "Шакпаката"],
        ["report", "--as-of", "2026"],
        ["nearest", "settlements", "--to", "sites", "--k", "3", "--format", "csv"],
        ["road", "masts", "A-2", "--within", "5km", "--format", "csv"],
    ]

    /// Writes a settlements GeoJSON of `count` generated villages in Zhambyl oblast (big enough
    /// that a debug build imports it for many seconds) and returns its name in `folder`.
    static func bigSettlements(count: Int, in folder: TemporaryFolder) throws -> String {
        var rng = SplitMix64(seed: 20)
        var text = "{\"type\":\"FeatureCollection\",\"features\":[\n"
        text.reserveCapacity(count * 200)
        for i in 0..<count {
            let lon = rng.uniform(69.5, 75.5), lat = rng.uniform(42.5, 45.5)
            if i > 0 { text += ",\n" }
            text += "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(lon),\(lat)]},"
                + "\"properties\":{\"id\":\"big-\(i)\",\"name\":\"Village \(i)\",\"kind\":\"village\",\"population\":\(100 + i % 5000)}}"
        }
        text += "\n]}\n"
        try folder.write("big.geojson", text)
        return "big.geojson"
    }

    /// What an interrupted import did.
    struct Interrupted {
        var status: Int32
        var reason: Process.TerminationReason
        var stderr: String
    }

    /// Starts `qamtu import settlements FILE`, waits until its write transaction has begun (the
    /// journal exists) or, with `afterSpill`, until it has written changed pages into the database
    /// file (SQLite then has synced a hot journal), then `delay` seconds more, and sends `signal`.
    static func interruptedImport(_ file: String, signal: Int32, afterSpill: Bool = false, delay: Double,
                                  in folder: TemporaryFolder) throws -> Interrupted {
        let executable = try qamtuExecutable()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["import", "settlements", file, "--db", "demo.sqlite"]
        process.currentDirectoryURL = folder.url
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        let database = folder.path("demo.sqlite")
        func size() -> Int { (try? FileManager.default.attributesOfItem(atPath: database)[.size] as? Int) ?? 0 }
        let sizeBefore = size()
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline {
            if afterSpill ? size() > sizeBefore : FileManager.default.fileExists(atPath: database + "-journal") { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        Thread.sleep(forTimeInterval: delay)
        #expect(process.isRunning, "the import ended before signal \(signal) at +\(delay) s; make the file bigger")
        kill(process.processIdentifier, signal)
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Interrupted(status: process.terminationStatus, reason: process.terminationReason,
                           stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs every read command and returns their outputs; each must succeed.
    static func readEverything(in folder: TemporaryFolder, after: String) throws -> [String] {
        try readCommands.map { command in
            let result = try qamtu(command + ["--db", "demo.sqlite"], in: folder)
            #expect(result.status == 0, "\(command.joined(separator: " ")) after \(after): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(command.joined(separator: " ")) after \(after): \(result.stderr)")
            return result.stdout
        }
    }

    @Test func everyReadCommandWorksAfterAnImportIsInterruptedOrKilled() throws {
        let folder = try TemporaryFolder()
        try EndToEndTests.demoDatabase(in: folder)
        let before = try Self.readEverything(in: folder, after: "the demo import")
        #expect(before[0].contains("settlements         372  Point"), "\(before[0])")
        let file = try Self.bigSettlements(count: 200_000, in: folder)
        let points: [(signal: Int32, afterSpill: Bool, delay: Double)] = [
            (SIGINT, false, 0), (SIGINT, false, 1), (SIGINT, true, 0.5),
            (SIGKILL, false, 0), (SIGKILL, false, 1), (SIGKILL, true, 0), (SIGKILL, true, 2),
        ]
        for (signal, afterSpill, delay) in points {
            let point = "signal \(signal) at +\(delay) s after \(afterSpill ? "the first pages reached the file" : "the transaction began")"
            let result = try Self.interruptedImport(file, signal: signal, afterSpill: afterSpill, delay: delay, in: folder)
            if signal == SIGINT {
                #expect(result.reason == .exit && result.status == 130, "\(point): \(result.reason) \(result.status)")
                #expect(result.stderr == "error: import of settlements from big.geojson interrupted: nothing was imported (rolled back)\n", "\(point)")
                #expect(!FileManager.default.fileExists(atPath: folder.path("demo.sqlite-journal")), "\(point)")
            } else {
                #expect(result.reason == .uncaughtSignal && result.status == SIGKILL, "\(point): \(result.reason) \(result.status)")
            }
            let after = try Self.readEverything(in: folder, after: point)
            for (command, (was, now)) in zip(Self.readCommands, zip(before, after)) {
                #expect(now == was, "\(command.joined(separator: " ")) after \(point) differs")
            }
        }
    }

    /// A reader without write access cannot roll back an import killed after it wrote into the
    /// file (a hot journal): it is told so, and the data is intact for the next reader who can.
    /// An import killed before it wrote into the file leaves a journal that is not hot, which such
    /// a reader reads past. Root ignores file permissions, so as root
    /// the reader runs as `nobody` through `setpriv`.
    @Test(.requires(getuid() == 0 ? [.setpriv] : []))
    func aReaderWithoutWriteAccessIsToldWhatIsWrong() throws {
        let folder = try TemporaryFolder()
        try EndToEndTests.demoDatabase(in: folder)
        let file = try Self.bigSettlements(count: 200_000, in: folder)
        let result = try Self.interruptedImport(file, signal: SIGKILL, afterSpill: true, delay: 0, in: folder)
        #expect(result.reason == .uncaughtSignal)
        let executable = try qamtuExecutable()
        let path = folder.path("demo.sqlite")
        let unprivileged = try run(executable, ["info", "--db", path], asNobody: true)
        #expect(unprivileged.status == 69)
        #expect(unprivileged.stderr == """
            error: database \(path) has an unfinished write left by an interrupted program (\(path)-journal); the data is intact, \
            but rolling the write back needs write access to the file and its folder
            hint: run any qamtu command on it once as a user who can write there

            """)
        let owner = try qamtu(["info", "--db", path], in: folder)
        #expect(owner.status == 0, "\(owner.stderr)")
        #expect(owner.stdout.contains("settlements         372  Point"), "\(owner.stdout)")
        #expect(try run(executable, ["info", "--db", path], asNobody: true).stdout == owner.stdout)
        // Killed before its first pages reached the file: the journal is not hot.
        _ = try Self.interruptedImport(file, signal: SIGKILL, delay: 0, in: folder)
        #expect(FileManager.default.fileExists(atPath: path + "-journal"))
        let notHot = try run(executable, ["info", "--db", path], asNobody: true)
        #expect(notHot.status == 0, "\(notHot.stderr)")
        #expect(notHot.stdout == owner.stdout)
    }

    /// Runs `executable` as a user who cannot write the test's files: `nobody` through `setpriv`
    /// when running as root (root ignores permissions), else this user with the folder made read-only.
    func run(_ executable: String, _ arguments: [String], asNobody: Bool) throws -> ProcessResult {
        if getuid() == 0 {
            let setpriv = try Prerequisite.setpriv.require()
            return try QamtuTestSupport.run(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", executable] + arguments)
        }
        let folder = try #require(arguments.last.map { ($0 as NSString).deletingLastPathComponent })
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        return try QamtuTestSupport.run(executable, arguments)
    }
}
