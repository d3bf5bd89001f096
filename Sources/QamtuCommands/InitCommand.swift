import ArgumentParser
import GeoModel
import PortalCore

/// `qamtu init`: create the portal database.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a portal database (SpatiaLite, or PostGIS for a postgresql:// URL) with every layer, or upgrade an existing one.",
        discussion: """
            Layers: districts (MultiPolygon), settlements (Point), roads (MultiLineString), sites (Point), \
            institutions (Point), commitments (Point, derived from their targets). Geometries are \
            EPSG:4326 with an R*Tree spatial index. The file opens in QGIS, ogrinfo and spatialite.

            On an existing database, init applies the schema upgrades this version brings and rebuilds \
            the site pack (the packed copy of the sites that coverage reads) when another program has \
            changed the sites since the last import.

            With --db postgresql://user@host:port/dbname (or ?host=/socket/folder), init creates the \
            PostGIS extension when it is missing (if the user may) and the same layers in EPSG:4326 \
            with GiST indexes, recorded as named migrations in qamtu_migrations.
            """)

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try ErrorReporting.run {
            let store: any PortalStore
            var packed: Int?
            if database.isPostGIS {
                store = try PostGISStore.initialise(url: database.path)
            } else {
                (store, packed) = try SpatiaLiteStore.initialise(at: database.path)
            }
            let layers = LayerSchema.all.map { "\($0.name) (\($0.geometryType?.rawValue ?? "no geometry"))" }
            // The store's location: a URL without its password.
            print("\(store.location): Qamtu database ready, schema \(try store.status().schema ?? "?"), EPSG:4326")
            print("layers: " + layers.joined(separator: ", "))
            if let packed { print("site pack rebuilt: \(NumberFormat.grouped(packed)) sites") }
        }
    }
}
