import ArgumentParser
import Foundation
import GeoModel
import PortalCore

/// `qamtu copy --from SOURCE --to TARGET`: every layer of one portal database into another.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every layer of one portal database into a new one.",
        discussion: """
            Layers are copied in this order: districts, settlements, roads, sites, institutions, \
            services, commitments. Each layer is streamed from the source and imported into the target \
            in one transaction, with the import's validation, spatial index and site pack, so every \
            export of the target equals the source's, byte for byte. The target is created when it does \
            not exist (as `qamtu init` does); its layers must be empty. The source is opened read-only. \
            Then the service applications are copied in one transaction: the users (with the stored \
            hashes of their tokens, so every token still signs in), every application with its private \
            details and its events, with the same ids, versions and event numbers; the target must hold none.
            """)

    @Option(name: .long, help: ArgumentHelp("The portal database to read (a file or a postgresql:// URL).", valueName: "source"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The portal database to fill (created when missing; a file or a postgresql:// URL).", valueName: "target"))
    var to: String

    func run() throws {
        try ErrorReporting.run {
            // Either side may be a SpatiaLite file or a PostGIS database (a postgresql:// URL, whose
            // schema init creates or upgrades; it refuses a database that is not Qamtu's).
            let source = Portal(store: try DatabaseOptions.openStore(from, readOnly: true), notify: { Terminal.note($0) })
            let target: any PortalStore = PostGISStore.isURL(to) || !FileManager.default.fileExists(atPath: to)
                ? try DatabaseOptions.initialiseStore(to)
                : try SpatiaLiteStore.open(at: to, readOnly: false)
            let started = Date()
            let copies = try source.copyLayers(to: target) { copy in
                print("\(copy.layer): \(NumberFormat.grouped(copy.features))")
            }
            let total = copies.reduce(0) { $0 + $1.features }
            // The stores' locations: a URL is shown without its password.
            print("copied \(NumberFormat.grouped(total)) features from \(source.store.location) to \(target.location) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            // The service applications: users, applications with their private details, events.
            let ledgers = Portal(store: source.store, ledger: try DatabaseOptions.ledger(of: source.store, at: from, readOnly: true))
            let carried = try ledgers.copyApplications(to: try DatabaseOptions.ledger(of: target, at: to, readOnly: false))
            print("service applications: \(NumberFormat.grouped(carried.applications)) with \(NumberFormat.grouped(carried.events)) events, users: \(NumberFormat.grouped(carried.users))")
        }
    }
}
