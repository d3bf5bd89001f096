import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fault injection for crash tests: with `QAMTU_IMPORT_KILL_AT=<point>` in its environment, an
/// import kills its own process with SIGKILL (no handler runs, no buffer is flushed: as `kill -9`
/// or a power cut) when it reaches `<point>`. Without the variable, ``reach(_:)`` only compares
/// one cached optional with nil.
///
/// The points, in the order an import reaches them:
/// - `rows:<n>`: right after the n-th row (1-based) was written to the layer's table (with the
///   rows written by the same INSERT statement, ``PortalDatabase/rowsPerInsert`` at most);
/// - `rows-done`: every row written, before the spatial index is filled;
/// - `index-fill`: during the spatial-index fill: when an empty index is packed, after half of its
///   rows were handed to the packer (its first leaves written); when a non-empty index is filled
///   row by row with the rows, when the fill ends (rows added by an upsert's update in between:
///   after half of them);
/// - `index-done`: the spatial index filled and its triggers restored;
/// - `districts`: after settlements got their districts and commitments their positions;
/// - `site-pack`: during the site pack, after its first chunk (65,536 sites) was written, or after
///   the whole pack when it has one chunk (sites only);
/// - `before-commit`: everything written, just before the commit.
enum ImportKillPoint {
    /// The point named in the environment, read once.
    private static let target: String? = ProcessInfo.processInfo.environment["QAMTU_IMPORT_KILL_AT"].flatMap { $0.isEmpty ? nil : $0 }

    /// Kills the process when `point` is the one named in the environment.
    @inline(__always)
    static func reach(_ point: @autoclosure () -> String) {
        guard let target else { return }
        if point() == target { kill(getpid(), SIGKILL) }
    }

    /// Whether a `rows:<n>` point is named at all (so that the per-row check costs nothing
    /// otherwise).
    static let watchesRows: Bool = target?.hasPrefix("rows:") ?? false

    /// Kills the process when the point `rows:<row>` is named.
    @inline(__always)
    static func reachRow(_ row: Int) {
        guard watchesRows else { return }
        reach("rows:\(row)")
    }
}
