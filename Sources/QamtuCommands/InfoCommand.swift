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
            let counts = try portal.layerCounts()
            for (layer, count) in counts {
                let type = LayerSchema.named(layer)?.geometryType?.rawValue ?? "no geometry"
                print("  \(layer.padding(toLength: 13, withPad: " ", startingAt: 0)) \(grouped(count).leftPadded(9))  \(type)")
            }
            if counts.contains(where: { $0.layer == LayerSchema.sites.name && $0.count > 0 }) {
                if try portal.sitePackIsUsable() {
                    print("site pack: current (coverage reads the packed sites)")
                } else {
                    print("site pack: not current, coverage reads the sites table (slower); `qamtu init --db \(database.path)` rebuilds it")
                }
            }
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
