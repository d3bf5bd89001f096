import Corridor
import Coverage
import Foundation
import GeoModel
import Hummingbird
import PortalCore

/// The road corridor endpoints, over the core's `road masts`, `road gaps` and `road plan`:
/// `/roads/{road}/masts`, `/roads/{road}/gaps` and `/roads/{road}/plan`, where `{road}` is a
/// road's id, ref or name in any script (`Portal.road(named:)`). An unknown road answers 404
/// naming the closest roads, an ambiguous name 409 naming the candidates. The GeoJSON is the
/// CLI's, byte for byte (the same writers of the core).
struct RoadsAPI: Sendable {
    let portal: Portal

    /// The largest `within` served (the corridor search reads sites at most this far).
    static let maximumWithin = Distance(meters: RoadSiteRanges.maximumReachMeters)

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/roads/:road/masts") { request, context in try await masts(request, road: try FeaturesAPI.pathParameter(context, "road")) }
        router.get("/roads/:road/gaps") { request, context in try await gaps(request, road: try FeaturesAPI.pathParameter(context, "road")) }
        router.get("/roads/:road/plan") { request, context in try await plan(request, road: try FeaturesAPI.pathParameter(context, "road")) }
    }

    /// `/roads/{road}/masts?within=5km&status=…&operator=…`: the sites within a distance of the
    /// road by chainage, with offset_m, chainage_km, road_lon and road_lat (`qamtu road masts`).
    func masts(_ request: Request, road: String) async throws -> Response {
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: ["within", "status", "operator", "f"])
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        let within = try AnalysisParameters.distance(parameters["within"], name: "within", maximum: Self.maximumWithin)
            ?? Distance(meters: 5_000)
        let status = try AnalysisParameters.siteStatus(parameters["status"])
        let operatorName = parameters["operator"]
        let (result, bytes) = try await portal.perform { portal in
            let result = try portal.roadMasts(road, within: within, status: status, operatorName: operatorName)
            let sink = MemorySink()
            try RoadMastsWriter(format: .geojson).write(result, to: sink)
            return (result, sink.bytes)
        }
        guard format == .html else { return AnalysisAPI.geoJSON(bytes) }
        let schema = LayerSchema.sites
        func text(_ record: FeatureRecord, _ column: String) -> String { record.value(of: column, in: schema).displayText }
        var page = HTMLPage(title: "Masts near \(result.road.title)")
        page.heading("Masts within \(within) of \(result.road.title)")
        page.paragraph("\(NumberFormat.count(result.masts.count, "site")) by chainage.")
        page.table(header: ["chainage km", "offset m", "id", "name", "operator", "technologies", "status"], rows: result.masts.map { mast in
            let record = mast.candidate.payload
            return [(String(format: "%.3f", mast.location.chainageMeters / 1000), nil), (String(format: "%.1f", mast.location.offsetMeters), nil),
                    (record.id, nil), (text(record, "name"), nil), (text(record, "operator"), nil),
                    (text(record, "technologies"), nil), (text(record, "status"), nil)]
        })
        return page.response()
    }

    /// `/roads/{road}/gaps?technology=4G&as-of=YEAR&scenario=actual&planned-range=…`: the
    /// stretches no site covers (`qamtu road gaps`).
    func gaps(_ request: Request, road: String) async throws -> Response {
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: ["technology", "as-of", "scenario", "planned-range", "f"])
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        let technology = try AnalysisParameters.technology(parameters["technology"]) ?? .g4
        let year = try AnalysisParameters.year(parameters["as-of"], name: "as-of") ?? CalendarYear.current
        let scenario = try AnalysisParameters.scenario(parameters["scenario"]) ?? .actual
        let plannedRange = try AnalysisParameters.distance(parameters["planned-range"], name: "planned-range")
        let (result, bytes) = try await portal.perform { portal in
            let result = try portal.roadGaps(road, technology: technology, asOfYear: year, scenario: scenario,
                                             plannedRange: plannedRange)
            let sink = MemorySink()
            try RoadGapsWriter().write(result, to: sink)
            return (result, sink.bytes)
        }
        guard format == .html else { return AnalysisAPI.geoJSON(bytes) }
        var page = HTMLPage(title: "Gaps of \(result.road.title)")
        page.heading("Gaps of \(result.road.title)")
        for line in RoadGapsWriter().summary(result) { page.paragraph(line) }
        page.table(header: ["gap", "part", "from km", "to km", "length km"], rows: result.coverage.gaps.enumerated().map { i, gap in
            [("gap-\(i + 1)", nil), (String(gap.partIndex), nil), (Self.km(gap.fromMeters), nil), (Self.km(gap.toMeters), nil),
             (Self.km(gap.lengthMeters), nil)]
        })
        return page.response()
    }

    /// `/roads/{road}/plan?range=6km&technology=4G&as-of=YEAR&scenario=planned&planned-range=…`:
    /// the fewest new masts that close every gap (`qamtu road plan`).
    func plan(_ request: Request, road: String) async throws -> Response {
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: ["range", "technology", "as-of", "scenario", "planned-range", "f"])
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        let technology = try AnalysisParameters.technology(parameters["technology"]) ?? .g4
        let year = try AnalysisParameters.year(parameters["as-of"], name: "as-of") ?? CalendarYear.current
        let scenario = try AnalysisParameters.scenario(parameters["scenario"]) ?? .planned
        let range = try AnalysisParameters.distance(parameters["range"], name: "range", maximum: Self.maximumWithin)
        if let range, range.meters <= 0.002 { throw OGCError.invalidParameter("range", "must be more than 2 mm, got \(range)") }
        let plannedRange = try AnalysisParameters.distance(parameters["planned-range"], name: "planned-range")
        let (result, bytes) = try await portal.perform { portal in
            let result = try portal.roadPlan(road, technology: technology, asOfYear: year, scenario: scenario, range: range,
                                             plannedRange: plannedRange)
            let sink = MemorySink()
            try RoadPlanWriter().write(result, to: sink)
            return (result, sink.bytes)
        }
        guard format == .html else { return AnalysisAPI.geoJSON(bytes) }
        var page = HTMLPage(title: "Plan for \(result.road.title)")
        page.heading("New masts for \(result.road.title)")
        for line in RoadPlanWriter().summary(result) { page.paragraph(line) }
        page.table(header: ["mast", "chainage km", "lon", "lat", "range m", "closes gaps"], rows: result.plan.masts.enumerated().map { i, mast in
            [("proposed-\(i + 1)", nil), (Self.km(mast.chainageMeters), nil), (String(format: "%.6f", mast.point.longitude), nil),
             (String(format: "%.6f", mast.point.latitude), nil), (NumberFormat.trimmed(mast.rangeMeters), nil),
             (mast.gapIndices.map { "gap-\($0 + 1)" }.joined(separator: ", "), nil)]
        })
        return page.response()
    }

    /// Kilometres with three decimals.
    static func km(_ meters: Double) -> String { String(format: "%.3f", meters / 1000) }
}
