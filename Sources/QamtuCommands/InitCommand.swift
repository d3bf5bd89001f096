import ArgumentParser
import GeoModel
import GeoStorage

/// `qamtu init`: create the portal database.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a portal database (SpatiaLite) with every layer, or upgrade an existing one.",
        discussion: """
            Layers: districts (MultiPolygon), settlements (Point), roads (MultiLineString), sites (Point), \
            institutions (Point), commitments (no geometry). Geometries are EPSG:4326 with an R*Tree \
            spatial index. The file opens in QGIS, ogrinfo and spatialite.

            On an existing database, init applies the schema upgrades this version brings and rebuilds             the site pack (the packed copy of the sites that coverage reads) when another program has             changed the sites since the last import.
            """)

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try reportingErrors {
            let portal = try PortalDatabase.create(at: database.path)
            let packed = try portal.refreshSitePack()
            try portal.checkpoint()
            let layers = LayerSchema.all.map { "\($0.name) (\($0.geometryType?.rawValue ?? "no geometry"))" }
            print("\(database.path): Qamtu database ready, schema \(try portal.appliedMigrations().last ?? "?"), EPSG:4326")
            print("layers: " + layers.joined(separator: ", "))
            if let packed { print("site pack rebuilt: \(grouped(packed)) sites") }
        }
    }
}
