import ArgumentParser
import Coverage
import GeoModel
import PortalCore

/// `qamtu road plan ROAD`: the fewest new masts on the road that close every gap.
struct RoadPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Fewest new masts on a road that close every coverage gap (existing sites kept); says whether the planned sites suffice.",
        discussion: """
            Gaps are computed as in `qamtu road gaps` with the sites of the scenario \
            (default planned: operational sites plus planned and building sites due by \
            --as-of). New masts of range --range (default: the technology's default range, \
            4G 6 km) are placed on the road by a greedy cover, optimal for a road that does \
            not double back on itself within the range; each is listed with its chainage \
            and the gap(s) it closes. Output: GeoJSON with the proposed masts (Points) and \
            the gaps (LineStrings); a summary on standard error says whether the planned \
            sites suffice and, if not, how many more masts are needed and where. \
            --planned-range answers "do the planned masts suffice at this range?".

            Examples:
              qamtu road plan Shakpakata-Otar --range 8km --as-of 2025
              qamtu road plan A-2 --planned-range 10km --range 10km -o a2-plan.geojson
            """)

    @OptionGroup var selection: RoadSelection
    @OptionGroup var coverage: RoadCoverageOptions

    @Option(help: ArgumentHelp("actual or planned (default planned).", valueName: "scenario"))
    var scenario: Scenario = .planned

    @Option(help: ArgumentHelp("Range of each new mast, e.g. 8km (default: the technology's default range).", valueName: "dist"))
    var range: Distance?

    @Option(name: .customLong("planned-range"),
            help: ArgumentHelp("Assume this range for planned and building sites (e.g. 8km) instead of their own.", valueName: "dist"))
    var plannedRange: Distance?

    @OptionGroup var destination: OutputOptions

    func validate() throws {
        if let range, range.meters <= 0.002 { throw ValidationError("--range must be more than 2 mm, got \(range)") }
    }

    func run() throws {
        try ErrorReporting.run {
            let result = try selection.database.portal().roadPlan(
                selection.road, technology: coverage.technology, asOfYear: coverage.year, scenario: scenario, range: range,
                plannedRange: plannedRange)
            let writer = RoadPlanWriter()
            try writer.write(result, to: try destination.sink())
            for line in writer.summary(result) { Terminal.note(line) }
            destination.noteWritten("\(NumberFormat.count(result.plan.masts.count, "proposed mast")) and "
                + NumberFormat.count(result.plan.gaps.count, "gap"))
        }
    }
}
