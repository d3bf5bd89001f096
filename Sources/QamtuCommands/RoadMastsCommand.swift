import ArgumentParser
import Coverage
import GeoModel
import PortalCore

/// `qamtu road masts ROAD`: the sites within a distance of a road, by chainage.
struct RoadMastsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "masts",
        abstract: "Sites within a distance of a road, sorted by chainage, with offset and nearest road point.",
        discussion: """
            Every site whose geodesic distance (WGS84 ellipsoid) to the road is at most \
            --within, with offset_m (metres to the nearest point of the road), chainage_km \
            (kilometres along the road to that point) and road_lon, road_lat (that point). \
            Sites are found through the spatial index (boxes along the road), then \
            measured exactly.

            Examples:
              qamtu road masts A-2 --within 5km --format table
              qamtu road masts Шакпаката-Отар --within 800m --status planned -o planned.geojson
            """)

    @OptionGroup var selection: RoadSelection

    @Option(help: ArgumentHelp("Largest offset from the road, with its unit: 5km, 800m.", valueName: "dist"))
    var within = Distance(meters: 5_000)

    @Option(help: ArgumentHelp("Only sites with this status: planned, building, operational, retired.", valueName: "status"))
    var status: SiteStatus?

    @Option(name: .customLong("operator"), help: ArgumentHelp("Only sites of this operator (case-insensitive).", valueName: "name"))
    var operatorName: String?

    @Option(help: ArgumentHelp("geojson, csv or table.", valueName: "format"))
    var format: RoadMastsWriter.Format = .geojson

    @OptionGroup var destination: OutputOptions

    func run() throws {
        try ErrorReporting.run {
            let result = try selection.database.portal()
                .roadMasts(selection.road, within: within, status: status, operatorName: operatorName)
            try RoadMastsWriter(format: format).write(result, to: try destination.sink())
            destination.noteWritten("\(NumberFormat.count(result.masts.count, "site")) within \(within) of \(result.road.title)")
        }
    }
}
