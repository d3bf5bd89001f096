import ArgumentParser

/// `qamtu road …`: road corridors — masts near a road, uncovered stretches, new mast siting.
struct RoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "road",
        abstract: "Road corridors: masts along a road, stretches without coverage, and where new masts close the gaps.",
        discussion: """
            ROAD is a road's id, its ref (A-2, M-39, E40) or its name in any script:
            Шақпақата–Отар, Шакпаката - Отар and Shakpakata-Otar find the same road. \
            Chainage is kilometres along the road from its first vertex; MultiLineString \
            roads are measured along their parts in order, and the space between parts is \
            not road. Offsets and chainages are geodesic (WGS84 ellipsoid), never \
            degree-space approximations. Distances need a unit: 5km, 800m.

            Examples:
              qamtu road masts A-2 --within 5km --format table
              qamtu road gaps Shakpakata-Otar --technology 4G --as-of 2025
              qamtu road plan A-2 --range 8km -o a2-plan.geojson
            """,
        subcommands: [RoadMastsCommand.self, RoadGapsCommand.self, RoadPlanCommand.self])
}
