import ArgumentParser
import GeoModel
import GeoStorage

/// `qamtu info`: what the database holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the layers of the portal database and their feature counts.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors {
            let portal = try database.open(readOnly: true)
            print("\(database.path) (schema \(try portal.appliedMigrations().last ?? "?"), EPSG:4326)")
            for (layer, count) in try portal.layerCounts() {
                let type = LayerSchema.named(layer)?.geometryType?.rawValue ?? "no geometry"
                print("  \(layer.padding(toLength: 13, withPad: " ", startingAt: 0)) \(grouped(count).leftPadded(9))  \(type)")
            }
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
