import Foundation
import Testing

/// Something a test needs from its environment that the repository does not hold or build: a file
/// of the shared real data (`../shared/geodata`), the demo data of `GeoData/`, or a program on
/// `PATH` (`ogrinfo` from gdal-bin, `python3`, `setpriv`).
///
/// Every test with such a need goes through this one type, so that a missing prerequisite is never
/// a silent pass:
/// - On a developer's machine a test whose prerequisite is missing is skipped, and the skip names
///   what is missing (`swift test` lists it).
/// - In CI (the environment variable `CI` is `true`, as CI services set it) nothing is skipped: the
///   test runs and fails with a message that names what is missing.
///
/// Use the trait to skip the test (or fail it in CI), and ``require()`` in the body to get the path:
/// ```swift
/// @Test(.requires(.sharedFile("roads.geojson"))) func readsRoads() throws {
///     let roads = try Prerequisite.sharedFile("roads.geojson").require()
///     …
/// }
/// ```
/// A part of a test that is optional outside CI uses ``ifPresent()`` instead of `if let`.
public struct Prerequisite: Sendable, CustomStringConvertible {
    /// What is needed, in words ("../shared/geodata/x.geojson", "ogrinfo (Debian package gdal-bin)").
    public let description: String
    /// The path of the file or program, or nil when it is missing.
    private let locate: @Sendable () -> String?

    /// A prerequisite described by `description` and found by `locate`.
    public init(_ description: String, locate: @escaping @Sendable () -> String?) {
        self.description = description
        self.locate = locate
    }

    /// True when missing prerequisites must fail tests instead of skipping them: the environment
    /// variable `CI` is `true` (any case) or `1`.
    public static var isRequired: Bool { isRequired(in: ProcessInfo.processInfo.environment) }

    /// Whether `environment` asks for missing prerequisites to fail (`CI` is `true` or `1`).
    public static func isRequired(in environment: [String: String]) -> Bool {
        guard let value = environment["CI"]?.lowercased() else { return false }
        return value == "true" || value == "1"
    }

    /// Whether a test that needs `prerequisites` runs: true when all are present, false (skip)
    /// when one is missing, and in CI (`environment` has `CI=true`) a ``Missing`` error naming
    /// every missing one (the test fails).
    public static func check(_ prerequisites: [Prerequisite],
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Bool {
        let missing = prerequisites.filter { $0.path == nil }.map(\.description)
        if missing.isEmpty { return true }
        if isRequired(in: environment) { throw Missing(prerequisite: missing.joined(separator: ", "), inCI: true) }
        return false
    }

    /// A file of the shared real data, `../shared/geodata/NAME` next to the repository.
    public static func sharedFile(_ name: String) -> Prerequisite {
        file(SharedData.geodata.appendingPathComponent(name).path, described: "../shared/geodata/\(name)")
    }

    /// A file of the demo data set, `GeoData/NAME` in the repository.
    public static func demoFile(_ name: String) -> Prerequisite {
        file(SharedData.repository.appendingPathComponent("GeoData/\(name)").path, described: "GeoData/\(name)")
    }

    /// The demo data set (`GeoData/`, checked by its sites file).
    public static let demoData = demoFile("sites.geojson")

    /// A program on `PATH`, installed on Debian by `package` (`Scripts/ensure-packages.sh` installs it).
    public static func tool(_ name: String, package: String) -> Prerequisite {
        Prerequisite("\(name) on PATH (Debian package \(package))") { which(name) }
    }

    /// GDAL's `ogrinfo`.
    public static let ogrinfo = tool("ogrinfo", package: "gdal-bin")
    /// GDAL's `ogr2ogr`.
    public static let ogr2ogr = tool("ogr2ogr", package: "gdal-bin")
    /// Python 3 (stdlib only), for the scripts in `GeoData/`.
    public static let python3 = tool("python3", package: "python3")
    /// curl, an HTTP client for tests of `qamtu serve` over a socket.
    public static let curl = tool("curl", package: "curl")
    /// `setpriv`, to run a program as another user (tests running as root).
    public static let setpriv = tool("setpriv", package: "util-linux")

    private static func file(_ path: String, described description: String) -> Prerequisite {
        Prerequisite(description) { FileManager.default.fileExists(atPath: path) ? path : nil }
    }

    /// The path of the file or program, or nil when it is missing.
    public var path: String? { locate() }

    /// Whether a test that needs this should run: when it is present, and always in CI (where a
    /// missing prerequisite then fails the test through ``require()``).
    public var shouldRun: Bool { Self.isRequired || path != nil }

    /// The path of the file or program; throws ``Missing`` (which fails the test) when it is absent.
    public func require() throws -> String {
        guard let path else { throw Missing(prerequisite: description, inCI: Self.isRequired) }
        return path
    }

    /// The path, or nil when it is absent outside CI (the caller leaves that check out); in CI an
    /// absent prerequisite throws ``Missing`` as ``require()`` does.
    public func ifPresent() throws -> String? {
        if let path { return path }
        if Self.isRequired { throw Missing(prerequisite: description, inCI: true) }
        return nil
    }

    /// A prerequisite that a test needed was missing.
    public struct Missing: Error, CustomStringConvertible {
        /// What was missing, in words.
        public let prerequisite: String
        /// Whether the test ran because `CI=true` (rather than being skipped).
        public let inCI: Bool

        public var description: String {
            "missing prerequisite: \(prerequisite)" + (inCI ? " (CI=true: missing prerequisites fail instead of skipping; Scripts/ensure-packages.sh installs the tools)" : "")
        }
    }
}

extension Trait where Self == ConditionTrait {
    /// Skips the test (or suite) when one of `prerequisites` is missing, with a comment that names
    /// what is missing; in CI (`CI=true`) fails it instead, before its body runs, with an error that
    /// names what is missing.
    public static func requires(_ prerequisites: Prerequisite...) -> Self { requires(prerequisites) }

    /// ``requires(_:)-(Prerequisite...)`` for a list made at run time (empty: always enabled).
    public static func requires(_ prerequisites: [Prerequisite]) -> Self {
        let missingNow = prerequisites.filter { $0.path == nil }.map(\.description)
        let comment = Comment(rawValue: "missing: " + missingNow.joined(separator: ", ") + " (with CI=true this fails)")
        return .enabled(comment) { try Prerequisite.check(prerequisites) }
    }
}
