/// Which infrastructure counts as of a year.
///
/// - `actual`: only what exists: operational sites (from their commissioning year, else their
///   planned year, else always) and settlements whose fibre is connected by then.
/// - `planned`: also what is planned or being built for that year or earlier: sites with status
///   `planned` or `building` and a `planned_year` up to the year, settlements with fibre `planned`
///   and a `fibre_year` up to the year.
///
/// In both, retired sites never count (their retirement date is unknown), and planned or building
/// sites without a planned year never count (an undated plan promises nothing for a given year).
public enum Scenario: String, Sendable, Hashable, CaseIterable, Codable {
    case actual
    case planned
}

/// Why a site counts (or not) in a scenario as of a year.
public enum SiteActivity: Sendable, Hashable {
    /// Operational (since the given year, when known).
    case operational(since: Int?)
    /// Planned or being built for the given year, counted in the planned scenario.
    case planned(status: SiteStatus, year: Int)
    /// Does not count; the text says why.
    case inactive(String)
    /// A proposed site of a what-if question (``CoverageSite/isProposed``): counts whatever the
    /// year and scenario.
    case proposed

    /// Whether `site` counts as of `year` in `scenario`: the same answer as ``isActive`` of
    /// ``init(site:asOf:scenario:)``, without building the reason text.
    public static func counts(_ site: CoverageSite, asOf year: Int, scenario: Scenario) -> Bool {
        site.isProposed || counts(status: site.status, commissionedYear: site.commissionedYear, plannedYear: site.plannedYear,
               asOf: year, scenario: scenario)
    }

    /// ``counts(_:asOf:scenario:)`` from the site's lifecycle values alone.
    @inline(__always)
    static func counts(status: SiteStatus, commissionedYear: Int?, plannedYear: Int?, asOf year: Int,
                       scenario: Scenario) -> Bool {
        switch status {
        case .retired: return false
        case .operational:
            guard let since = commissionedYear ?? plannedYear else { return true }
            return since <= year
        case .planned, .building:
            guard scenario == .planned, let planned = plannedYear else { return false }
            return planned <= year
        }
    }

    /// The activity of `site` as of `year` in `scenario` (rules in ``Scenario``).
    public init(site: CoverageSite, asOf year: Int, scenario: Scenario) {
        if site.isProposed {
            self = .proposed
            return
        }
        switch site.status {
        case .retired:
            self = .inactive("retired")
        case .operational:
            let since = site.commissionedYear ?? site.plannedYear
            if let since, since > year {
                self = .inactive("operational only from \(since)")
            } else {
                self = .operational(since: since)
            }
        case .planned, .building:
            guard scenario == .planned else {
                self = .inactive("\(site.status.rawValue), not operational")
                return
            }
            guard let planned = site.plannedYear else {
                self = .inactive("\(site.status.rawValue) without a planned year")
                return
            }
            self = planned <= year ? .planned(status: site.status, year: planned) : .inactive("\(site.status.rawValue) for \(planned)")
        }
    }

    /// True when the site counts.
    public var isActive: Bool {
        if case .inactive = self { false } else { true }
    }

    /// A short phrase for reasons: nil for operational sites, `planned 2025` / `building, due 2024` otherwise.
    public var phrase: String? {
        switch self {
        case .operational: nil
        case .planned(let status, let year): status == .building ? "building, due \(year)" : "planned \(year)"
        case .inactive(let why): why
        case .proposed: "proposed"
        }
    }
}

/// A settlement's fixed-line access as of a year in a scenario.
public enum FixedAccess: Sendable, Hashable {
    /// Fibre from the settlement's own status: connected (in `year`, when known) or, in the planned
    /// scenario, planned for `year`.
    case fibre(year: Int?, planned: Bool)
    /// Fibre from a fibre node whose explicit reach covers the settlement: the nearest such node
    /// (site index) and its exact geodesic distance in metres. Evaluated without
    /// ``EvaluationDetail/fixedNode``, the site is the first covering node found and the distance nil.
    case fibreNode(site: Int, distanceMeters: Double?)

    /// The fixed technology: `fibre`.
    public var technology: String { "fibre" }
}

extension CoverageSettlement {
    /// The fixed-line access from the settlement's own fibre status as of `year` in `scenario`, and a
    /// note when there is none (`fibre planned 2026`, `fibre connected only from 2023`), or nil.
    public func fibreStatus(asOf year: Int, scenario: Scenario) -> (access: FixedAccess?, note: String?) {
        Self.fibreStatus(fibre, fibreYear: fibreYear, asOf: year, scenario: scenario)
    }

    /// ``fibreStatus(asOf:scenario:)`` from a settlement's `fibre` and `fibreYear` (for callers
    /// that read a settlement in place: a method call on it may copy it whole).
    static func fibreStatus(_ fibre: FibreStatus?, fibreYear: Int?, asOf year: Int,
                            scenario: Scenario) -> (access: FixedAccess?, note: String?) {
        switch fibre {
        case .connected?:
            if let fibreYear, fibreYear > year { return (nil, "fibre connected only from \(fibreYear)") }
            return (.fibre(year: fibreYear, planned: false), nil)
        case .planned?:
            guard let fibreYear else { return (nil, "fibre planned, year unknown") }
            if scenario == .planned && fibreYear <= year { return (.fibre(year: fibreYear, planned: true), nil) }
            return (nil, "fibre planned \(fibreYear)")
        case FibreStatus.none?:
            return (nil, "no fibre")
        case nil:
            return (nil, nil)
        }
    }
}
