import ArgumentParser
import Coverage
import PortalCore

/// The technology and year options of `road gaps` and `road plan`.
struct RoadCoverageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Mobile technology: 2G, 3G, 4G or 5G; sites with it or a better one count.", valueName: "tech"))
    var technology: MobileTechnology = .g4

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The year (default: this year).", valueName: "year"))
    var asOf: Int?

    /// The year of `--as-of`, else this year (UTC).
    var year: Int { asOf ?? CalendarYear.current }

    func validate() throws { try validateYear(asOf, option: "--as-of") }
}
