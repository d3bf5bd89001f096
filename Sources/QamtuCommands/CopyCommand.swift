import ArgumentParser
import GeoModel
import PortalCore

/// `qamtu copy --from SOURCE --to TARGET`: every layer from one portal database to another.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every layer from one portal database to another (SpatiaLite file ↔ PostGIS).",
        discussion: """
            SOURCE and TARGET are each a SpatiaLite file or a postgresql:// URL. TARGET is created (or \
            upgraded) as qamtu init does; each of its layers is replaced by the source's, in one \
            transaction per layer, through the ordinary validated import, so that every export of the \
            copy is identical to the source's. The service applications are not copied.
            """)

    @Option(name: .long, help: ArgumentHelp("The database to copy from (a file or a postgresql:// URL).", valueName: "file|url"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The database to copy into, created when missing.", valueName: "file|url"))
    var to: String

    func validate() throws {
        if from == to { throw ValidationError("--from and --to name the same database") }
    }

    func run() throws {
        try ErrorReporting.run {
            let source = try DatabaseOptions.openStore(from, readOnly: true)
            let target = try DatabaseOptions.initialiseStore(to)
            _ = try StoreCopy.copy(from: source, to: target) { report in
                print("copied \(NumberFormat.grouped(report.imported)) \(report.layer)")
            }
            print("\(source.location) → \(target.location): every layer copied")
        }
    }
}
