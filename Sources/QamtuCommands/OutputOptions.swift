import ArgumentParser
import GeoModel

/// `-o/--output FILE`, shared by every command that writes a result.
struct OutputOptions: ParsableArguments {
    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    /// Where the result goes: the file (moved into place when complete) or standard output. For a
    /// file, Ctrl-C (SIGINT) or SIGTERM from here on removes its temporary `FILE.partial` and
    /// stops the command (``PartialOutputCleanup``).
    func sink() throws -> FileSink {
        if let partial = FileSink.partialPath(for: output) { PartialOutputCleanup.install(removing: partial, output: output) }
        return try FileSink(path: output)
    }

    /// Prints `wrote …` on standard error when the result went to a file (standard output stays
    /// the result's alone).
    /// - Parameter detail: what follows in parentheses (format, year), when anything does.
    func noteWritten(_ what: String, detail: String? = nil) {
        guard output != "-" else { return }
        Terminal.note("wrote \(what) to \(output)" + (detail.map { " (\($0))" } ?? ""))
    }
}
