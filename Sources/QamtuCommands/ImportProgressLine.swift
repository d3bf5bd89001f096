import GeoModel

/// The progress line `qamtu import` keeps rewriting on a terminal: rows read, rows per second,
/// the share of the file read and the time left, e.g.
/// `sites: 250,000 rows (37%, 24,310 rows/s, 1 min 12 s left)`.
///
/// The share is bytes of the file read over its size (compressed bytes for a `.gz` input). Rates
/// are measured from the first report on (which shows rows and share only), so that the time an
/// import spends before its first rows (emptying the layer for `--replace`) does not skew them:
/// rows per second since then, and the time since then scaled by what remains of the file. Standard input, whose size
/// is unknown, shows rows and rows per second only. ``update(_:now:)`` returns a line at most
/// every ``interval``, so that a fast import does not spend its time on the terminal.
struct ImportProgressLine {
    /// The shortest time between two lines shown.
    static let interval: Duration = .milliseconds(250)
    /// No time left is estimated before rows have been read for this long (an estimate from the
    /// first moments is noise).
    static let estimateAfter: Duration = .seconds(1)

    /// Where the rates are measured from: a moment of the import, rows and share of the file by then.
    struct Baseline: Equatable {
        /// Time since the import started.
        var elapsed: Duration
        /// Rows read by then.
        var features: Int
        /// Share of the file read by then (0 when unknown).
        var fraction: Double

        /// The start of the import.
        static let start = Baseline(elapsed: .zero, features: 0, fraction: 0)
    }

    /// The layer being filled, which starts the line.
    let layer: String
    /// When the import started.
    let started: ContinuousClock.Instant
    private var lastShown: ContinuousClock.Instant?
    private var baseline: Baseline?

    /// A line for an import into `layer` that started at `started`.
    init(layer: String, started: ContinuousClock.Instant = .now) {
        self.layer = layer
        self.started = started
    }

    /// The line for `progress` at `now`, or nil when the last line shown is less than
    /// ``interval`` old.
    mutating func update(_ progress: ImportProgress, now: ContinuousClock.Instant = .now) -> String? {
        let elapsed = now - started
        guard let baseline else {
            // The first report: rows and share; rates are measured from here on.
            let first = Baseline(elapsed: elapsed, features: progress.features, fraction: Self.fraction(progress) ?? 0)
            baseline = first
            lastShown = now
            return Self.text(layer: layer, progress: progress, elapsed: elapsed, since: first)
        }
        if let lastShown, now - lastShown < Self.interval { return nil }
        lastShown = now
        return Self.text(layer: layer, progress: progress, elapsed: elapsed, since: baseline)
    }

    /// The line for `progress` after `elapsed` of the import, with rates measured since `baseline`.
    static func text(layer: String, progress: ImportProgress, elapsed: Duration, since baseline: Baseline = .start) -> String {
        let measured = seconds(elapsed - baseline.elapsed)
        var details: [String] = []
        let fraction = Self.fraction(progress)
        if let fraction { details.append("\(Int((fraction * 100).rounded(.down)))%") }
        if measured >= 0.01 {
            let rate = Double(progress.features - baseline.features) / measured
            details.append("\(NumberFormat.grouped(Int(rate.rounded()))) rows/s")
        }
        if let fraction, fraction > baseline.fraction, elapsed - baseline.elapsed >= estimateAfter {
            details.append("\(duration(measured * (1 - fraction) / (fraction - baseline.fraction))) left")
        }
        let rows = "\(layer): \(NumberFormat.count(progress.features, "row"))"
        return details.isEmpty ? rows : rows + " (" + details.joined(separator: ", ") + ")"
    }

    /// The share of the file read, in [0, 1], or nil when its size is unknown.
    static func fraction(_ progress: ImportProgress) -> Double? {
        guard let total = progress.totalBytes, total > 0 else { return nil }
        return min(1, max(0, Double(progress.bytesRead) / Double(total)))
    }

    /// Seconds for people, to the second below a minute and coarser above:
    /// `0 s`, `42 s`, `3 min 05 s`, `2 h 07 min`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(min(max(0, seconds), 1e9).rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(twoDigits(whole % 60)) s" }
        return "\(whole / 3600) h \(twoDigits(whole % 3600 / 60)) min"
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
