import ArgumentParser
import Coverage
import GeoModel
import PortalCore

/// The help of `--profile`.
let profileHelp = ArgumentHelp("Rule profile: default, satellite-as-broadband, fibre-first, or a JSON profile file.",
                               valueName: "name")

/// `--profile NAME`: a built-in profile's name, else (on the command line only) a JSON file.
func profileFile(_ name: String) -> String? {
    ClassificationProfile.builtIn.contains { $0.name == name } ? nil : name
}

/// Checks a year option against the years the column contract accepts.
func validateYear(_ year: Int?, option: String) throws {
    guard let year else { return }
    do { _ = try CalendarYear.checked(year, name: option) } catch { throw ValidationError(error.message) }
}

/// `--as-of`, `--scenario`, `--profile` and the propagation settings, shared by `coverage list`,
/// `coverage footprints` and `report`.
struct AnalysisOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The year (default: this year).", valueName: "year"))
    var asOf: Int?

    @Option(help: ArgumentHelp("actual (only what exists) or planned (also what is planned for the year or earlier).",
                               valueName: "scenario"))
    var scenario: Scenario = .actual

    @Option(help: profileHelp)
    var profile = ClassificationProfile.standard.name

    @OptionGroup var propagation: PropagationOptions

    func validate() throws { try validateYear(asOf, option: "--as-of") }

    /// The analysis request of the options.
    func request() throws -> AnalysisRequest {
        AnalysisRequest(asOfYear: asOf ?? CalendarYear.current, scenario: scenario, profileName: profile,
                        propagation: try propagation.settings(), profileFile: profileFile(profile))
    }
}
