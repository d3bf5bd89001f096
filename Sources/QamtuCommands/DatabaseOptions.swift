import ArgumentParser
import Foundation
import GeoModel
import GeoStorage

/// `--db FILE`, shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The portal database file (default: $QAMTU_DB, else qamtu.sqlite).", valueName: "file"))
    var db: String?

    /// The database path: `--db`, else `$QAMTU_DB`, else `qamtu.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["QAMTU_DB"], !env.isEmpty { return env }
        return "qamtu.sqlite"
    }

    /// Opens the portal; `spatialSQL: false` (read-only readers of plain columns only) starts
    /// without loading SpatiaLite (see ``PortalDatabase/open(at:readOnly:spatialSQL:)``).
    func open(readOnly: Bool = false, spatialSQL: Bool = true) throws -> PortalDatabase {
        try PortalDatabase.open(at: path, readOnly: readOnly, spatialSQL: spatialSQL)
    }
}

/// Runs a command body, printing library errors as `error: …` on standard error with exit code 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as StorageError {
        Terminal.error(error.description)
        throw ExitCode.failure
    } catch let error as GeoModelError {
        Terminal.error(error.description)
        throw ExitCode.failure
    }
}

/// Standard error output and terminal detection.
enum Terminal {
    /// True when standard error is a terminal (progress lines are shown only then).
    static let stderrIsTerminal = isatty(2) == 1

    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Rewrites the current terminal line (no newline), for progress.
    static func progress(_ message: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + message).utf8))
    }

    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// Formats counts with thousands separators: `9,899`.
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

extension LayerSchema: ExpressibleByArgument {
    public init?(argument: String) {
        guard let layer = LayerSchema.named(argument) else { return nil }
        self = layer
    }

    public static var allValueStrings: [String] { LayerSchema.all.map(\.name) }
}

extension InputFormat: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}
