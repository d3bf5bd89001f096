import ArgumentParser
import Coverage
import GeoModel

/// Propagation settings shared by coverage, coverage diff, footprints and report.
struct PropagationOptions: ParsableArguments {
    @Option(name: .customLong("threshold"), parsing: .singleValue,
            help: ArgumentHelp("Receiver threshold of a technology in dBm, e.g. 4G=-72 (repeatable; defaults 2G=-94 3G=-82 4G=-69 5G=-67).",
                               valueName: "tech=dbm"))
    var thresholds: [String] = []

    @Option(name: .customLong("default-range"), parsing: .singleValue,
            help: ArgumentHelp("Range in metres when band, height or EIRP is missing, e.g. 4G=6000 (repeatable).",
                               valueName: "tech=m"))
    var defaultRanges: [String] = []

    @Option(help: ArgumentHelp("Receiver antenna height in metres (1–10).", valueName: "m"))
    var receiverHeight = 1.5

    /// The propagation settings from the options.
    func settings() throws -> PropagationSettings {
        let settings = PropagationSettings(receiverHeightMeters: receiverHeight,
                                           thresholdsDBm: try Self.parse(thresholds, option: "--threshold"),
                                           defaultRangesMeters: try Self.parse(defaultRanges, option: "--default-range"))
        do { try settings.validate() } catch { throw ValidationError(error.description) }
        return settings
    }

    /// `TECH=NUMBER` assignments as a dictionary.
    static func parse(_ assignments: [String], option: String) throws -> [MobileTechnology: Double] {
        var out: [MobileTechnology: Double] = [:]
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let technology = MobileTechnology(label: parts[0].trimmedOfSpaces),
                  let value = Double(parts[1].trimmedOfSpaces), value.isFinite else {
                throw ValidationError("\(option) expects TECH=NUMBER with TECH one of 2G, 3G, 4G, 5G, got '\(assignment)'")
            }
            out[technology] = value
        }
        return out
    }

    func validate() throws {
        _ = try settings()
    }
}
