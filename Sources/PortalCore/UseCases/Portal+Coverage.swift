import Coverage
import Foundation
import GeoModel

extension Portal {
    /// The profile of a request: its JSON file when it names one, else the built-in profile of
    /// its name.
    /// - Throws: `CoverageError.unknownProfile` (listing the built-in names) or `.invalidProfile`.
    public static func profile(for request: AnalysisRequest) throws -> ClassificationProfile {
        let known = ClassificationProfile.builtIn.map(\.name)
        if let file = request.profileFile {
            guard FileManager.default.fileExists(atPath: file) else { throw CoverageError.unknownProfile(file, known: known) }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CoverageError.invalidProfile(file, reason: "the file cannot be read")
            }
            return try ClassificationProfile(json: data, source: file)
        }
        guard let builtIn = ClassificationProfile.builtIn.first(where: { $0.name == request.profileName }) else {
            throw CoverageError.unknownProfile(request.profileName, known: known)
        }
        return builtIn
    }

    /// Loads the coverage analysis from the store.
    /// - Parameter settlementColumns: the settlement columns an output needs (nil: all).
    public func loadAnalysis(_ propagation: PropagationSettings, settlementColumns: [String]? = nil) throws -> LoadedAnalysis {
        try propagation.validate()
        let source = store.coverageSource()
        let analysis = try CoverageAnalysis(source: source, settings: propagation, settlementColumns: settlementColumns)
        if source.skipped > 0 {
            notify("note: \(source.skipped) features without a usable point or kind/status were left out")
        }
        return LoadedAnalysis(analysis: analysis, skipped: source.skipped)
    }

    /// Every settlement's coverage as of a year: class, best fixed and mobile technology,
    /// covering sites and reason.
    /// - Parameters:
    ///   - district: only settlements of this district (name in any script, or id).
    ///   - only: only settlements of this class.
    ///   - properties: the properties an output will write (nil: all); only the settlement
    ///     columns among them are read, and the engine skips work none of them needs.
    ///   - withSites: a file of proposed sites (GeoJSON or CSV of the sites layer's columns):
    ///     the coverage as if they existed (``proposedSites(_:for:)``); nothing is written.
    /// - Throws: `CoverageError` for an unknown profile, district or property; `ImportError` for
    ///   a proposed sites file with problems; store errors.
    public func coverage(_ request: AnalysisRequest, district: String? = nil, only: CoverageClass? = nil,
                         properties: [String]? = nil, withSites: String? = nil) throws -> CoverageListing {
        _ = try CalendarYear.checked(request.asOfYear, name: "as-of")
        if let properties { try CoverageWriter.validate(resultProperties: properties) }
        let profile = try Self.profile(for: request)
        let columns = LayerSchema.settlements.columns.map(\.name)
        var loaded = try loadAnalysis(request.propagation, settlementColumns: properties.map { $0.filter(columns.contains) })
        if let withSites {
            let proposed = try proposedSites(withSites, for: loaded.analysis)
            loaded = LoadedAnalysis(analysis: loaded.analysis.adding(proposedSites: proposed), skipped: loaded.skipped)
        }
        let districtID = try district.map { try resolveDistrict($0, in: loaded) }
        var result = loaded.analysis.run(asOf: request.asOfYear, scenario: request.scenario, profile: profile,
                                         districtID: districtID, detail: CoverageWriter.detail(forProperties: properties))
        if let only { result = result.filtered(to: only) }
        return CoverageListing(result: result, profile: profile, loaded: loaded)
    }

    /// The settlements whose class changes between two years, and why.
    /// - Throws: `CoverageError` for an unknown profile or district; ``PortalError`` for a year
    ///   out of range; store errors.
    public func coverageDiff(from fromYear: Int, to toYear: Int, _ request: AnalysisRequest,
                             district: String? = nil) throws -> CoverageDiff {
        _ = try CalendarYear.checked(fromYear, name: "year1")
        _ = try CalendarYear.checked(toYear, name: "year2")
        let profile = try Self.profile(for: request)
        let loaded = try loadAnalysis(request.propagation)
        let districtID = try district.map { try resolveDistrict($0, in: loaded) }
        return loaded.analysis.diff(from: fromYear, to: toYear, scenario: request.scenario, profile: profile,
                                    districtID: districtID)
    }

    /// The id of the one district `query` names (in any script, or its id). A district without
    /// settlements is a note (`district NAME has no settlements`), so that an empty answer is not
    /// taken for an unserved district or a misspelt name.
    /// - Throws: `CoverageError.ambiguousDistrict` (naming the candidates) when the query matches
    ///   several districts equally well, `.unknownDistrict` when it matches none.
    func resolveDistrict(_ query: String, in loaded: LoadedAnalysis) throws -> String {
        let district = try loaded.analysis.resolveDistrict(query)
        if !loaded.analysis.settlements.contains(where: { $0.district == district.id }) {
            let label = district.name == district.id ? district.name : "\(district.name) (\(district.id))"
            notify("note: district \(label) has no settlements")
        }
        return district.id
    }

    /// The coverage report: classes per district, shares, satellite schools, commitments'
    /// progress and planned work per year.
    public func report(_ request: AnalysisRequest) throws -> CoverageReport {
        _ = try CalendarYear.checked(request.asOfYear, name: "as-of")
        let profile = try Self.profile(for: request)
        let loaded = try loadAnalysis(request.propagation)
        return loaded.analysis.report(asOf: request.asOfYear, scenario: request.scenario, profile: profile)
    }
}
