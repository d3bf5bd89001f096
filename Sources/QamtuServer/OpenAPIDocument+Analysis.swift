import Coverage
import GeoModel

/// The OpenAPI definition of the computed collections' parameters, the road endpoints and the
/// reports (the paths of `AnalysisAPI`, `RoadsAPI` and `ReportsAPI`).
extension OpenAPIDocument {
    /// A query parameter declared in place.
    static func query(_ name: String, _ description: String, _ schema: JSONValue) -> JSONValue {
        .members(["name": .string(name), "in": "query", "required": false, "description": .string(description), "schema": schema])
    }

    static let asOfParameter = query("as-of", "The year of the answer (default: this year, UTC)",
                                     .members(["type": "integer", "minimum": .integer(LayerSchema.yearRange.lowerBound),
                                               "maximum": .integer(LayerSchema.yearRange.upperBound)]))
    static func scenarioParameter(default value: Scenario) -> JSONValue {
        query("scenario", "actual: only what exists; planned: also what is planned for the year or earlier",
              .members(["type": "string", "enum": .array(Scenario.allCases.map { .string($0.rawValue) }), "default": .string(value.rawValue)]))
    }
    static let profileParameter = query("profile", "A built-in classification profile",
                                        .members(["type": "string", "enum": .array(ClassificationProfile.builtIn.map { .string($0.name) }),
                                                  "default": .string(ClassificationProfile.standard.name)]))
    static let technologyParameter = query("technology", "Mobile technology; sites with it or a better one count (default 4G)",
                                           .members(["type": "string", "enum": .array(MobileTechnology.allCases.map { .string($0.label) }),
                                                     "default": "4G"]))
    static func distanceParameter(_ name: String, _ description: String) -> JSONValue {
        query(name, description + ", with its unit: 5km, 800m",
              .members(["type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?\\s*([kK]?[mM])$"]))
    }

    /// The parameters of a computed collection's items besides its queryables.
    static func computedParameters(_ collection: ComputedCollection) -> [JSONValue] {
        collection.parameters.map { name in
            switch name {
            case "as-of": asOfParameter
            case "scenario": scenarioParameter(default: .actual)
            case "profile": profileParameter
            case "properties":
                .members(["name": "properties", "in": "query", "required": false, "style": "form", "explode": false,
                          "description": "Comma-separated properties to return (settlement columns and coverage fields)",
                          "schema": .members(["type": "array", "items": .members([
                              "type": "string", "enum": .array(CoverageWriter.resultProperties.map { .string($0) })])])])
            default: ref(name)
            }
        }
    }

    /// The computed collections' single features, the road endpoints and the reports.
    static func analysisPaths(catalog: CollectionCatalog) -> [(String, JSONValue)] {
        let road = JSONValue.members(["name": "road", "in": "path", "required": true,
                                         "description": "The road: id, ref (A-2) or name in any script",
                                         "schema": .members(["type": "string", "pattern": .string(segmentPattern)])])
        let roadResponses = [Link.geoJSON, "text/html"]
        let feature = ref(schema: "Feature")
        var paths: [(String, JSONValue)] = []
        for entry in catalog.entries {
            guard case .computed(let collection) = entry.kind else { continue }
            var parameters = [ref("featureId"), asOfParameter, scenarioParameter(default: .actual)]
            if collection == .coverage { parameters += [profileParameter] + computedParameters(.coverage).filter { $0["name"] == .string("properties") } }
            paths.append(("/collections/\(entry.id)/items/{featureId}",
                          operation("One feature of \(entry.title)", id: "getFeature_\(entry.id)", parameters: parameters + [ref("f")],
                                    schema: feature, types: [Link.geoJSON, "text/html"])))
        }
        paths += [
            ("/roads/{road}/masts", operation(
                "Sites within a distance of a road, by chainage, with offset_m, chainage_km, road_lon, road_lat (qamtu road masts)",
                id: "getRoadMasts",
                parameters: [road, distanceParameter("within", "Largest offset from the road (default 5km, at most 100km)"),
                             query("status", "Only sites with this status", .members([
                                 "type": "string", "enum": .array(SiteStatus.allCases.map { .string($0.rawValue) })])),
                             query("operator", "Only sites of this operator (case-insensitive)", .members(["type": "string", "pattern": .string(noNUL)])),
                             ref("f")],
                schema: ref(schema: "FeatureCollection"), types: roadResponses)),
            ("/roads/{road}/gaps", operation(
                "Stretches of a road without coverage of a technology, with from_km, to_km, length_km (qamtu road gaps)",
                id: "getRoadGaps",
                parameters: [road, technologyParameter, asOfParameter, scenarioParameter(default: .actual),
                             distanceParameter("planned-range", "Range assumed for planned and building sites"), ref("f")],
                schema: ref(schema: "FeatureCollection"), types: roadResponses)),
            ("/roads/{road}/plan", operation(
                "The fewest new masts on a road that close every gap, existing sites kept (qamtu road plan)",
                id: "getRoadPlan",
                parameters: [road, distanceParameter("range", "Range of each new mast (default: the technology's default range)"),
                             technologyParameter, asOfParameter, scenarioParameter(default: .planned),
                             distanceParameter("planned-range", "Range assumed for planned and building sites"), ref("f")],
                schema: ref(schema: "FeatureCollection"), types: roadResponses)),
            ("/reports/coverage", operation(
                "The coverage report: classes per district and in total, shares, commitments, planned work (qamtu report --format json)",
                id: "getCoverageReport",
                parameters: [asOfParameter, scenarioParameter(default: .actual), profileParameter, ref("f")],
                schema: .members(["type": "object"]), types: [Link.json, "text/html"])),
            ("/reports/commitments", operation(
                "Commitments' progress and planned work per year (the commitments of the coverage report)",
                id: "getCommitmentsReport",
                parameters: [asOfParameter, scenarioParameter(default: .actual), ref("f")],
                schema: .members(["type": "object"]), types: [Link.json, "text/html"])),
        ]
        return paths
    }
}
