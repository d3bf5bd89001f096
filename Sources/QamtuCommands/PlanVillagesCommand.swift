import ArgumentParser
import Coverage
import GeoModel
import PortalCore

/// `qamtu plan villages`: new masts that serve the most people of the settlements lacking a technology.
struct PlanVillagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "villages",
        abstract: "New mast positions that serve the most people of the settlements lacking a technology (existing and planned sites kept).",
        // Written out: with more than 12 options the generated usage is only `<options>`.
        usage: """
            qamtu plan villages [--budget <n>] [--target-share <share>] [--district <name>] [--technology <tech>] \
            [--range <dist>] [--band <mhz>] [--height <m>] [--eirp <dbm>] [--candidates <candidates>] [--as-of <year>] \
            [--scenario <scenario>] [--ignore-existing] [--format <format>] [--precision <n>] [--threshold <tech=dbm> ...] \
            [--default-range <tech=m> ...] [--receiver-height <m>] [--output <file>] [--db <file>]
            """,
        discussion: """
            The settlements that gain are those whose best mobile technology as of --as-of in \
            --scenario (default planned: operational sites and planned or building sites due by \
            then) is below --technology or none, as `qamtu coverage` finds it; the objective is \
            their population served by new masts. A new mast serves a settlement when the geodesic \
            distance (WGS84) is at most its range: --range, else the propagation model for \
            --band/--height/--eirp, else the technology's default range (4G 6 km, --default-range). \
            --budget N: the best N masts; --target-share S: the fewest masts serving that share of \
            those settlements' population. Candidates: the settlements' own positions (default), \
            grid:5km (rows 5 km apart from the south edge of the settlements' extent along the \
            meridian, points 5 km apart along each parallel), or a GeoJSON/CSV file of Points with \
            id and name, validated like an import.

            The solver: greedy with exact marginal gains, swap improvement, a Lagrangian relaxation \
            (subgradient steps), then branch and bound within a work limit. The output states an \
            upper bound on the optimum, proven from submodularity (value + the N largest marginal \
            gains, at every greedy step), by the Lagrangian relaxation or by a complete branch and \
            bound (then the plan is optimal). Masts are listed in pick order, \
            each with the settlements it newly serves, their population, the cumulative population \
            and share; the summary on standard error shows the population gained per mast.
            """)

    @Option(help: ArgumentHelp("At most this many new masts, serving the most people.", valueName: "n"))
    var budget: Int?

    @Option(help: ArgumentHelp("The fewest new masts serving this share (0–1] of the population of the settlements that gain.",
                               valueName: "share"))
    var targetShare: Double?

    @Option(help: ArgumentHelp("Only settlements of this district (name in any script, or id).", valueName: "name"))
    var district: String?

    @Option(help: ArgumentHelp("The new masts' technology: 2G, 3G, 4G or 5G; settlements below it gain.", valueName: "tech"))
    var technology: MobileTechnology = .g4

    @Option(help: ArgumentHelp("Range of each new mast, e.g. 6km (default: the technology's default range).", valueName: "dist"))
    var range: Distance?

    @Option(help: ArgumentHelp("Band of the new masts in MHz (with --height and --eirp: the propagation model's range).",
                               valueName: "mhz"))
    var band: Double?

    @Option(help: ArgumentHelp("Antenna height of the new masts in metres.", valueName: "m"))
    var height: Double?

    @Option(help: ArgumentHelp("EIRP of the new masts in dBm.", valueName: "dbm"))
    var eirp: Double?

    @Option(help: ArgumentHelp("Where new masts may go: settlements, grid:DIST (e.g. grid:5km) or a GeoJSON/CSV file of Points.",
                               valueName: "candidates"))
    var candidates = "settlements"

    @Option(help: ArgumentHelp("The year (default: this year).", valueName: "year"))
    var asOf: Int?

    @Option(help: ArgumentHelp("actual or planned (default planned).", valueName: "scenario"))
    var scenario: Scenario = .planned

    @Flag(name: .customLong("ignore-existing"),
          help: "Count no existing site: every settlement gains (the plain maximal covering problem).")
    var ignoreExisting = false

    @Option(help: "Output format: geojson, csv or table.")
    var format: VillagePlanWriter.Format = .geojson

    @Option(help: ArgumentHelp("Decimals of coordinates (0–15).", valueName: "n"))
    var precision = 6

    @OptionGroup var propagation: PropagationOptions
    @OptionGroup var destination: OutputOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        switch (budget, targetShare) {
        case (nil, nil): throw ValidationError("give --budget N or --target-share SHARE")
        case (_?, _?): throw ValidationError("--budget and --target-share exclude each other")
        case (let n?, nil) where n < 1: throw ValidationError("--budget must be at least 1, got \(n)")
        case (nil, let share?) where !(share > 0 && share <= 1):
            throw ValidationError("--target-share must be within (0, 1], got \(share)")
        default: break
        }
        let radio = [band, height, eirp].compactMap { $0 }
        if !radio.isEmpty && radio.count < 3 { throw ValidationError("--band, --height and --eirp go together") }
        if range != nil && !radio.isEmpty { throw ValidationError("--range and --band/--height/--eirp exclude each other") }
        if let range, range.meters <= 0 { throw ValidationError("--range must be more than 0 m, got \(range)") }
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15, got \(precision)") }
        do { _ = try VillagePlanRequest.Candidates(parsing: candidates) } catch { throw ValidationError(error.message) }
        try validateYear(asOf, option: "--as-of")
    }

    /// The request of the options.
    func request() throws -> VillagePlanRequest {
        let newRange: NewMastRange
        if let range {
            newRange = .explicit(meters: range.meters)
        } else if let band, let height, let eirp {
            newRange = .model(bandMegahertz: band, antennaHeightMeters: height, eirpDBm: eirp)
        } else {
            newRange = .defaultTable
        }
        let objective: PlanObjective = budget.map { .budget($0) } ?? .targetShare(targetShare ?? 1)
        return VillagePlanRequest(
            analysis: AnalysisRequest(asOfYear: asOf ?? CalendarYear.current, scenario: scenario,
                                      propagation: try propagation.settings()),
            district: district, technology: technology, range: newRange, objective: objective,
            candidates: try VillagePlanRequest.Candidates(parsing: candidates), ignoreExistingSites: ignoreExisting)
    }

    func run() throws {
        try ErrorReporting.run {
            let plan = try database.portal().planVillages(try request())
            let writer = VillagePlanWriter(format: format, precision: precision)
            try writer.write(plan, to: try destination.sink())
            if format != .table || destination.output != "-" {
                for line in writer.summary(plan) { Terminal.note(line) }
            }
            destination.noteWritten(NumberFormat.count(plan.masts.count, "proposed mast"))
        }
    }
}
