import ArgumentParser
import Foundation
import GeoModel
import PortalCore

/// `qamtu info`: what the database holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the layers of the portal database and their feature counts.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try ErrorReporting.run {
            let status = try database.portal().status()
            // The store's location: the path, or the URL without its password.
            print("\(status.location) (schema \(status.schema ?? "?"), EPSG:4326)")
            for entry in status.layerCounts {
                let type = LayerSchema.named(entry.layer)?.geometryType?.rawValue ?? "no geometry"
                let count = NumberFormat.grouped(entry.count)
                print("  \(entry.layer.padding(toLength: 13, withPad: " ", startingAt: 0)) "
                    + "\(String(repeating: " ", count: max(0, 9 - count.count)))\(count)  \(type)")
            }
            switch status.sitePackCurrent {
            case true?: print("site pack: current (coverage reads the packed sites)")
            case false?:
                print("site pack: not current, coverage reads the sites table (slower); `qamtu init --db \(status.location)` rebuilds it")
            case nil: break
            }
        }
    }
}
