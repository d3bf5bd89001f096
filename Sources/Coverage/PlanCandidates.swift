import GeoModel

/// Where the candidate positions of a village plan come from.
public enum PlanCandidates: Sendable, Hashable {
    /// The positions of the settlements of the plan's area (the default).
    case settlements
    /// A grid over the extent of the area's settlements, points `spacingMeters` apart (see
    /// ``CandidateGrid``).
    case grid(spacingMeters: Double)
    /// Given positions (a candidates file); `source` names them in the output.
    case points([PlanCandidate], source: String)

    /// The candidates in words for the output (`settlements`, `grid:5000m`, `file sites.csv`).
    public var label: String {
        switch self {
        case .settlements: "settlements"
        case .grid(let spacing): "grid:\(NumberFormat.trimmed(spacing))m"
        case .points(_, let source): "file \(source)"
        }
    }
}
