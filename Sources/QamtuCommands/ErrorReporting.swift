import ArgumentParser
import GeoModel
import GeoStorage
import PortalCore

/// The one place where the CLI turns errors into messages and exit codes.
enum ErrorReporting {
    /// The exit status of each error category: 1 for errors a user can act on (input, names,
    /// conflicts), 69 (EX_UNAVAILABLE) for a resource that is busy or missing, 77 (EX_NOPERM)
    /// for credentials, 70 (EX_SOFTWARE) for defects and corrupt stores.
    static func exitCode(_ category: ErrorCategory) -> ExitCode {
        switch category {
        case .invalidInput, .invalidContent, .notFound, .conflict, .staleVersion: .failure
        case .unavailable: ExitCode(69)
        case .unauthorised, .forbidden: ExitCode(77)
        case .internal: ExitCode(70)
        }
    }

    /// The exit status of `error`: 130 for an import stopped with Ctrl-C (as shells report
    /// SIGINT), else its category's.
    static func exitCode(for error: any CategorizedError) -> ExitCode {
        if case ImportError.interrupted? = error as? ImportError { return ExitCode(130) }
        return exitCode(error.category)
    }

    /// The exit status of a command stopped by `signal` (SIGINT, SIGTERM) that it caught to clean
    /// up: 128 + the signal's number, as shells report it (130 for Ctrl-C).
    static func exitCode(stoppedBy signal: Int32) -> Int32 { 128 + signal }

    /// Advice for a command-line user: which command fixes or explains the failure (the
    /// libraries' messages say what is wrong, never which command to run).
    static func hint(_ error: any CategorizedError) -> String? {
        if let error = error as? PortalError { return error.commandLineHint }
        guard let error = error as? StorageError else { return nil }
        switch error {
        case .missingDatabase(let path): return "create one with `qamtu init --db \(path)`"
        case .emptyDatabase(let path): return "`qamtu init --db \(path)` creates one in it"
        case .damaged(let path, _): return "restore it from a backup; `sqlite3 \(path) .recover` may save what is left"
        case .olderSchema(let path, _): return "`qamtu init --db \(path)` upgrades it"
        case .unfinishedWrite: return "run any qamtu command on it once as a user who can write there"
        case .corruptSitePack:
            return "`DELETE FROM qamtu_site_pack` makes Qamtu read the sites table, and `qamtu init` then rebuilds the pack"
        default: return nil
        }
    }

    /// Runs a command body; a categorised error is printed as `error: …` (with advice on a
    /// second line when there is some) and exits with its category's status.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as any CategorizedError {
            Terminal.error(error.description)
            if let hint = hint(error) { Terminal.note("hint: \(hint)") }
            throw exitCode(for: error)
        }
    }
}
