import Coverage
import GeoModel

extension Portal {
    /// New mast positions that serve the most people of the settlements lacking the request's
    /// technology (existing and, in the planned scenario, planned sites kept), with each mast's
    /// newly served settlements and a proven upper bound on the optimum (``CoverageAnalysis/planVillages(_:)``).
    /// - Throws: `CoverageError` for bad settings, an unknown district or an unreachable target;
    ///   `ImportError` for a candidates file with problems; ``PortalError`` for a year out of
    ///   range; store errors.
    public func planVillages(_ request: VillagePlanRequest) throws -> VillagePlan {
        _ = try CalendarYear.checked(request.analysis.asOfYear, name: "as-of")
        let columns = CoverageSettlement.analysisColumns + ["name", "name_en", "name_ru", "name_kk", "population"]
        let loaded = try loadAnalysis(request.analysis.propagation, settlementColumns: columns)
        let districtID = try request.district.map { try resolveDistrict($0, in: loaded) }
        let candidates: PlanCandidates
        switch request.candidates {
        case .settlements:
            candidates = .settlements
        case .grid(let spacing):
            candidates = .grid(spacingMeters: spacing)
        case .file(let path):
            let records = try ValidatedFile.records(path: path, layer: .candidates)
            let nameColumn = LayerSchema.candidates.columnIndex("name") ?? 1
            candidates = .points(records.compactMap { record in
                guard case .point(let point)? = record.geometry else { return nil }
                return PlanCandidate(id: record.id, name: record.values[nameColumn].text, position: point)
            }, source: path)
        }
        let settings = VillagePlanSettings(
            technology: request.technology, asOfYear: request.analysis.asOfYear, scenario: request.analysis.scenario,
            districtID: districtID, range: request.range, objective: request.objective, candidates: candidates,
            ignoreExistingSites: request.ignoreExistingSites, solverOptions: request.solverOptions)
        return try loaded.analysis.planVillages(settings)
    }
}
