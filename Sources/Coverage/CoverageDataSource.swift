import GeoModel

/// Where the analysis gets its layers from. The SpatiaLite portal provides them in the CLI; tests
/// and other callers use ``InMemoryCoverageData``.
///
/// The coverage engine never talks SQL: a storage backend adapts its rows to these input types
/// (each has an `init(record:)` for records of the column contract).
///
/// ``CoverageAnalysis`` calls ``loadSettlements()`` on a thread of its own while it calls
/// ``loadSites()``: a source must allow these two to run at the same time.
public protocol CoverageDataSource: Sendable {
    /// Every settlement with a point.
    func loadSettlements() throws -> [CoverageSettlement]
    /// Every settlement with a point, reading only the columns `columns` and
    /// ``CoverageSettlement/analysisColumns`` (the others are null in the records, and the
    /// settlements' name and population nil unless their columns are listed); nil reads all.
    /// A record's values may end after the last column of `columns` (a missing value is null):
    /// the writers only look at the columns they were asked for.
    /// The default reads all columns.
    func loadSettlements(columns: [String]?) throws -> [CoverageSettlement]
    /// Every site.
    func loadSites() throws -> [CoverageSite]
    /// Every institution (only those with a settlement and connection matter).
    func loadInstitutions() throws -> [CoverageInstitution]
    /// Every commitment.
    func loadCommitments() throws -> [CoverageCommitment]
    /// Every district (ids and names).
    func loadDistricts() throws -> [CoverageDistrict]
}

extension CoverageDataSource {
    /// ``loadSettlements()``: every column.
    public func loadSettlements(columns: [String]?) throws -> [CoverageSettlement] { try loadSettlements() }
}

/// Layers held in memory: the ``CoverageDataSource`` of tests and of callers that build data in code.
public struct InMemoryCoverageData: CoverageDataSource, Sendable {
    /// The settlements.
    public var settlements: [CoverageSettlement]
    /// The sites.
    public var sites: [CoverageSite]
    /// The institutions.
    public var institutions: [CoverageInstitution]
    /// The commitments.
    public var commitments: [CoverageCommitment]
    /// The districts.
    public var districts: [CoverageDistrict]

    /// Creates a data set; every layer defaults to empty.
    public init(settlements: [CoverageSettlement] = [], sites: [CoverageSite] = [],
                institutions: [CoverageInstitution] = [], commitments: [CoverageCommitment] = [],
                districts: [CoverageDistrict] = []) {
        self.settlements = settlements
        self.sites = sites
        self.institutions = institutions
        self.commitments = commitments
        self.districts = districts
    }

    /// ``settlements``.
    public func loadSettlements() -> [CoverageSettlement] { settlements }
    /// ``sites``.
    public func loadSites() -> [CoverageSite] { sites }
    /// ``institutions``.
    public func loadInstitutions() -> [CoverageInstitution] { institutions }
    /// ``commitments``.
    public func loadCommitments() -> [CoverageCommitment] { commitments }
    /// ``districts``.
    public func loadDistricts() -> [CoverageDistrict] { districts }
}

/// An institution (school, clinic …) as far as coverage needs it: where it is and how it is connected.
public struct CoverageInstitution: Sendable, Hashable {
    /// The institution's `id`.
    public var id: String
    /// `school`, `hospital`, `clinic`, `akimat`, `library`, `kindergarten` or `other`.
    public var kind: String
    /// The id of its settlement, when known.
    public var settlementID: String?
    /// `fibre`, `adsl`, `3G`, `4G`, `satellite` or `none`, when known.
    public var connection: String?

    /// Creates an institution from its values.
    public init(id: String, kind: String, settlementID: String?, connection: String?) {
        self.id = id
        self.kind = kind
        self.settlementID = settlementID
        self.connection = connection
    }

    /// Reads an institution from a record of the institutions layer.
    public init(record: FeatureRecord) {
        let schema = LayerSchema.institutions
        func value(_ column: String) -> FieldValue {
            guard let i = schema.columnIndex(column), i < record.values.count else { return .null }
            return record.values[i]
        }
        self.init(id: record.id, kind: value("kind").text ?? "other", settlementID: value("settlement_id").text,
                  connection: value("connection").text)
    }

    /// True when the institution is on a satellite link.
    public var isSatellite: Bool { connection?.lowercased() == "satellite" }
}

/// A commitment of a programme or operator: a target feature, a technology, a planned year and
/// (once done) the year it was done.
public struct CoverageCommitment: Sendable, Hashable {
    /// The commitment's `id`.
    public var id: String
    /// E.g. `Accessible Internet`.
    public var programme: String
    /// The committed party, e.g. `Kar-Tel`.
    public var party: String
    /// E.g. `4G`, `fibre`; nil when not stated.
    public var technology: String?
    /// The layer of the target: `settlements`, `institutions`, `sites`, `roads` or `districts`.
    public var targetLayer: String
    /// The target's id in that layer.
    public var targetID: String
    /// The year the work is planned for.
    public var plannedYear: Int?
    /// The year the work was done; nil while it is not done.
    public var doneYear: Int?

    /// Creates a commitment from its values.
    public init(id: String, programme: String, party: String, technology: String?, targetLayer: String,
                targetID: String, plannedYear: Int?, doneYear: Int?) {
        self.id = id
        self.programme = programme
        self.party = party
        self.technology = technology
        self.targetLayer = targetLayer
        self.targetID = targetID
        self.plannedYear = plannedYear
        self.doneYear = doneYear
    }

    /// Reads a commitment from a record of the commitments layer.
    public init(record: FeatureRecord) {
        let schema = LayerSchema.commitments
        func value(_ column: String) -> FieldValue {
            guard let i = schema.columnIndex(column), i < record.values.count else { return .null }
            return record.values[i]
        }
        self.init(id: record.id, programme: value("programme").text ?? "", party: value("party").text ?? "",
                  technology: value("technology").text, targetLayer: value("target_layer").text ?? "",
                  targetID: value("target_id").text ?? "", plannedYear: value("planned_year").number.map { Int($0) },
                  doneYear: value("done_year").number.map { Int($0) })
    }

    /// True when the commitment was done in `year` or earlier.
    public func isDone(asOf year: Int) -> Bool {
        guard let doneYear else { return false }
        return doneYear <= year
    }
}

/// A district: its id and names (in any script) for display and name matching.
public struct CoverageDistrict: Sendable, Hashable {
    /// The district's `id` (settlements refer to it in their `district` column).
    public var id: String
    /// The `name` column (Latin in the demo data).
    public var name: String
    /// The Kazakh name.
    public var nameKK: String?
    /// The Russian name.
    public var nameRU: String?
    /// The district's code.
    public var code: String?

    /// Creates a district from its values.
    public init(id: String, name: String, nameKK: String? = nil, nameRU: String? = nil, code: String? = nil) {
        self.id = id
        self.name = name
        self.nameKK = nameKK
        self.nameRU = nameRU
        self.code = code
    }

    /// Reads a district from a record of the districts layer (the geometry is not kept).
    public init(record: FeatureRecord) {
        let schema = LayerSchema.districts
        func value(_ column: String) -> FieldValue {
            guard let i = schema.columnIndex(column), i < record.values.count else { return .null }
            return record.values[i]
        }
        self.init(id: record.id, name: value("name").text ?? record.id, nameKK: value("name_kk").text,
                  nameRU: value("name_ru").text, code: value("code").text)
    }
}
