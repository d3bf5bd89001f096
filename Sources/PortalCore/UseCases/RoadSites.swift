import Corridor
import GeoModel

/// Reads the sites near a road from a store: one spatial-index box query per chunk of road
/// (``CorridorRoad/searchBoxes(withinMeters:)``), each site once.
enum RoadSites {
    /// Calls `body` with each batch of site records found within the boxes of `withinMeters`
    /// around the road, each site at most once over all batches.
    static func scan(_ store: any PortalStore, road: CorridorRoad, withinMeters: Double, filters: [ExportFilter] = [],
                     _ body: ([FeatureRecord]) throws -> Void) throws {
        var seen = Set<String>()
        for box in road.searchBoxes(withinMeters: withinMeters) {
            let records = try store.features(ExportQuery(layer: .sites, bbox: box, filters: filters))
            try body(records.filter { seen.insert($0.id).inserted })
        }
    }
}
