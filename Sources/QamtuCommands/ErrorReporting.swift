import ArgumentParser
import GeoModel
import PortalCore

/// The one place where the CLI turns errors into messages and exit codes.
enum ErrorReporting {
    /// The exit status of each error category: 1 for errors a user can act on (input, names,
    /// conflicts), 69 (EX_UNAVAILABLE) for a resource that is busy or missing, 77 (EX_NOPERM)
    /// for credentials, 70 (EX_SOFTWARE) for defects and corrupt stores.
    static func exitCode(_ category: ErrorCategory) -> ExitCode {
        switch category {
        case .invalidInput, .notFound, .conflict: .failure
        case .unavailable: ExitCode(69)
        case .unauthorised, .forbidden: ExitCode(77)
        case .internal: ExitCode(70)
        }
    }

    /// Advice for a command-line user: which command fixes or explains the failure.
    static func hint(_ error: any CategorizedError) -> String? {
        if let error = error as? PortalError { return error.commandLineHint }
        return nil
    }

    /// Runs a command body; a categorised error is printed as `error: …` (with advice on a
    /// second line when there is some) and exits with its category's status.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as any CategorizedError {
            Terminal.error(error.description)
            if let hint = hint(error) { Terminal.note("hint: \(hint)") }
            throw exitCode(error.category)
        }
    }
}
