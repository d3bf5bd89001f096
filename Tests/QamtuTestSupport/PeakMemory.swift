import Foundation

/// Runs a program to its end under GNU time (`/usr/bin/time -f %M`) and reports its peak resident
/// set size, for memory-ceiling tests.
///
/// The measurement must come from a parent with a small memory: Linux keeps a process's peak RSS
/// across `exec`, and a child that the test process starts (with `posix_spawn`, a `vfork`) begins
/// with the test process's own peak, so its `wait4` figure is the test runner's. GNU time forks
/// the program from its own small image and reads the program's `wait4` figure alone.
public enum PeakMemory {
    /// GNU time (Debian package `time`, installed by `Scripts/ensure-packages.sh`).
    public static let gnuTime = Prerequisite("/usr/bin/time (Debian package time)") {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil
    }

    /// What a measured run did.
    public struct Measurement: Sendable {
        /// The program's exit status and output.
        public var result: ProcessResult
        /// The peak resident set size in bytes (GNU time reports kibibytes).
        public var peakBytes: Int

        /// The peak in mebibytes, for messages.
        public var peakMebibytes: Double { Double(peakBytes) / 1_048_576 }
    }

    /// A measurement that could not be read.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    /// Runs `executable` with `arguments` in `directory` under GNU time and waits for it.
    /// - Throws: ``Prerequisite/Missing`` without GNU time; ``Failure`` when its report is unreadable.
    public static func run(_ executable: String, _ arguments: [String], in directory: String,
                           environment: [String: String]? = nil) throws -> Measurement {
        let time = try gnuTime.require()
        let report = directory + "/peak-rss-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: report) }
        let result = try QamtuTestSupport.run(time, ["-f", "%M", "-o", report, executable] + arguments, in: directory,
                                              environment: environment)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        // GNU time writes "Command exited with non-zero status N" before the figure when N ≠ 0.
        guard let line = text.split(separator: "\n").last, let kibibytes = Int(line.trimmingCharacters(in: .whitespaces)) else {
            throw Failure(description: "GNU time wrote no peak RSS for \(executable) \(arguments.joined(separator: " ")): '\(text)'")
        }
        return Measurement(result: result, peakBytes: kibibytes * 1024)
    }
}
