import ArgumentParser
import Foundation

/// The `qamtu` command: a regional GIS portal backend for connectivity planning.
public struct Qamtu: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "qamtu",
        abstract: "Qamtu (қамту, \"coverage\"): settlements, roads and telecom sites in one SpatiaLite file, as GeoJSON.",
        discussion: """
            Every command works on one portal database: --db FILE, else $QAMTU_DB, else ./qamtu.sqlite. \
            Coordinates are WGS84 longitude/latitude (EPSG:4326) everywhere.

            Start with:
              qamtu init
              qamtu import settlements places.geojson
              qamtu export settlements --bbox 70.9,42.7,71.6,43.1 -o taraz.geojson
            """,
        version: "0.1.0",
        subcommands: [InitCommand.self, ImportCommand.self, ExportCommand.self, FindCommand.self, InfoCommand.self, CoverageCommand.self, ReportCommand.self, NearestCommand.self, RoadCommand.self]
    )

    public init() {}
}

/// Keeps large values alive until the process exits, when the executable asks for it.
///
/// Releasing a million sites, their k-d trees and a hundred thousand results takes a command
/// about a tenth of a second just before it exits, when the operating system reclaims the
/// memory at once anyway (compilers skip the same work with `-disable-free`). The `qamtu`
/// executable turns this on; library callers and tests, which run many commands in one
/// process, keep freeing normally.
public enum ExitTimeRelease {
    private final class Kept: @unchecked Sendable {
        let lock = NSLock()
        var enabled = false
        var values: [Any] = []
    }

    private static let kept = Kept()

    /// Lets ``keep(_:)`` hold values until the process exits (call once, from `main`).
    public static func enable() {
        kept.lock.lock()
        kept.enabled = true
        kept.lock.unlock()
    }

    /// Holds `value` until exit when enabled; otherwise does nothing.
    static func keep(_ value: Any) {
        kept.lock.lock()
        if kept.enabled { kept.values.append(value) }
        kept.lock.unlock()
    }
}
