import Coverage
import GeoModel

/// The collections whose features an analysis of the core computes on request, with the CLI's
/// columns: `coverage` (`qamtu coverage`: every settlement's class as of a year) and `footprints`
/// (`qamtu coverage footprints`: the covered area per operator and technology).
enum ComputedCollection: String, Sendable, CaseIterable {
    case coverage
    case footprints

    /// The catalog entry (listed in `/collections` after the layers).
    var entry: CollectionCatalog.Entry {
        switch self {
        case .coverage:
            CollectionCatalog.Entry(
                id: rawValue, title: "Coverage",
                description: "Computed on request: every settlement's connectivity as of a year (as-of), in a scenario "
                    + "(actual or planned) under a rule profile (profile): class, best_fixed, best_mobile, satellite, "
                    + "covering sites and operators, nearest site and reason, as `qamtu coverage` writes them (Point, WGS84)",
                layer: schema, kind: .computed(self))
        case .footprints:
            CollectionCatalog.Entry(
                id: rawValue, title: "Coverage footprints",
                description: "Computed on request: the area covered per operator and technology as of a year (as-of) in a "
                    + "scenario, the union of the sites' geodesic range circles with its ellipsoidal area, as "
                    + "`qamtu coverage footprints` writes it (MultiPolygon, WGS84)",
                layer: schema, kind: .computed(self))
        }
    }

    /// The properties that filter (the queryables), typed: for coverage, the settlement columns
    /// and the coverage fields with values of their own (class, best_fixed, best_mobile,
    /// satellite, nearest_site_id); for footprints, operator and technology.
    var schema: LayerSchema {
        switch self {
        case .coverage:
            LayerSchema(computed: rawValue, geometryType: .point, columns: LayerSchema.settlements.columns + [
                Column("class", .enumeration(CoverageClass.allCases.map(\.rawValue))),
                Column("best_fixed", .enumeration(["fibre"])),
                Column("best_mobile", .enumeration(MobileTechnology.allCases.map(\.label))),
                Column("satellite", .enumeration(["true", "false"])),
                Column("nearest_site_id", .text),
            ])
        case .footprints:
            LayerSchema(computed: rawValue, geometryType: .multiPolygon, columns: [
                Column("operator", .text),
                Column("technology", .enumeration(MobileTechnology.allCases.map(\.label))),
            ])
        }
    }

    /// The query parameters of its items besides the queryables.
    var parameters: [String] {
        switch self {
        case .coverage: ["as-of", "scenario", "profile", "bbox", "bbox-crs", "limit", "offset", "properties", "f"]
        case .footprints: ["as-of", "scenario", "bbox", "bbox-crs", "limit", "offset", "f"]
        }
    }
}
