import GeoModel
import Geodesy

/// The lifecycle status of a site (the sites layer's `status` column).
public enum SiteStatus: String, Sendable, Hashable, CaseIterable {
    case planned, building, operational, retired
}

/// What a site is (the sites layer's `kind` column).
public enum SiteKind: String, Sendable, Hashable, CaseIterable {
    case baseStation = "base_station"
    case antennaMast = "antenna_mast"
    case fibreNode = "fibre_node"
}

/// One telecom site as the coverage analysis sees it: position, radio parameters and lifecycle.
///
/// Positions are WGS84 (EPSG:4326) longitude/latitude in degrees. Radio values are optional;
/// missing ones select the next rule of the range determination (see ``RangeModel``).
///
/// **Fibre.** A site is a fibre node when its kind is `fibre_node` or its technologies include
/// `fibre`. A fibre node is fixed-line infrastructure, not a radio transmitter: it has no
/// propagation range. It provides fibre to settlements only when it has an explicit `range_m`
/// (the reach of its access network, e.g. the 3–5 km of the benchmark's `fibre-node` sites);
/// without one it covers nothing by distance, and a settlement's fibre comes from the settlement's
/// own `fibre` / `fibre_year` columns. Fibre nodes are never "nearest site" candidates of the
/// coverage output (that is the nearest radio site).
public struct CoverageSite: Sendable, Hashable {
    // Stored in this order so that what building the indexes reads of a site in spatial order
    // (scattered over memory) lies in its first 25 bytes: position, range and which optional
    // values are present. With a 104-byte stride that is one cache line for 5 sites of 8 (the
    // first 48 bytes were one line for 2 of 8). The pass in storage order reads the next
    // 23 bytes too (kind, technologies, status, rank, years).
    /// Position, WGS84 lon/lat degrees.
    public var position: GeoPoint
    // The optional values are stored without `Optional`'s padding (a million sites take 104 MB
    // instead of 168 MB): `present` has a bit per value, and an absent value is stored as 0 so
    // that equal sites compare and hash equal.
    private var range = 0.0
    private var present: UInt8 = 0
    /// `base_station`, `antenna_mast` or `fibre_node`.
    public var kind: SiteKind
    /// Mobile technologies carried, and `fibre` for a fibre node.
    public var technologies: TechnologySet
    /// Lifecycle status.
    public var status: SiteStatus
    private var rank: UInt32 = 0
    private var planned = 0, commissioned = 0
    private var band = 0.0, height = 0.0, eirp = 0.0
    /// The site's `id`.
    public var id: String
    /// The operator (brand), or nil when not assigned yet.
    public var operatorName: String?

    private enum Bit {
        static let band: UInt8 = 1, height: UInt8 = 2, eirp: UInt8 = 4, range: UInt8 = 8
        static let planned: UInt8 = 16, commissioned: UInt8 = 32, rank: UInt8 = 64
        static let proposed: UInt8 = 128
    }

    @inline(__always)
    private func value<T>(_ stored: T, _ bit: UInt8) -> T? { present & bit != 0 ? stored : nil }

    @inline(__always)
    private static func flags(_ present: UInt8, _ bit: UInt8, _ isSet: Bool) -> UInt8 {
        isSet ? present | bit : present & ~bit
    }

    /// Carrier frequency band, MHz.
    public var bandMegahertz: Double? {
        get { value(band, Bit.band) }
        set { band = newValue ?? 0; present = Self.flags(present, Bit.band, newValue != nil) }
    }
    /// Antenna height above ground, metres.
    public var antennaHeightMeters: Double? {
        get { value(height, Bit.height) }
        set { height = newValue ?? 0; present = Self.flags(present, Bit.height, newValue != nil) }
    }
    /// Effective isotropic radiated power, dBm.
    public var eirpDBm: Double? {
        get { value(eirp, Bit.eirp) }
        set { eirp = newValue ?? 0; present = Self.flags(present, Bit.eirp, newValue != nil) }
    }
    /// Explicit range in metres (applies to every technology of the site).
    public var explicitRangeMeters: Double? {
        get { value(range, Bit.range) }
        set { range = newValue ?? 0; present = Self.flags(present, Bit.range, newValue != nil) }
    }
    /// The year the site is (or was) planned for.
    public var plannedYear: Int? {
        get { value(planned, Bit.planned) }
        set { planned = newValue ?? 0; present = Self.flags(present, Bit.planned, newValue != nil) }
    }
    /// The year of commissioning (from the `commissioned` date), when known.
    public var commissionedYear: Int? {
        get { value(commissioned, Bit.commissioned) }
        set { commissioned = newValue ?? 0; present = Self.flags(present, Bit.commissioned, newValue != nil) }
    }
    /// The site's rank in a spatial order of all sites (``SpatialOrder/ranks(_:)``), when the data
    /// source keeps one (the site pack does). Only a hint that speeds up building the indexes:
    /// sites near each other in the order are near each other on the ground. Results never
    /// depend on it.
    public var spatialRank: UInt32? {
        get { value(rank, Bit.rank) }
        set { rank = newValue ?? 0; present = Self.flags(present, Bit.rank, newValue != nil) }
    }

    /// True for a site that does not exist: proposed for a what-if question
    /// (``CoverageAnalysis/adding(proposedSites:)``). Reasons call it `proposed`.
    public var isProposed: Bool {
        get { present & Bit.proposed != 0 }
        set { present = Self.flags(present, Bit.proposed, newValue) }
    }

    /// True for a fibre node (kind `fibre_node`, or `fibre` among the technologies).
    public var isFibreNode: Bool { kind == .fibreNode || technologies.contains(.fibre) }

    /// True when the site carries at least one mobile technology.
    public var isRadioSite: Bool { !technologies.mobile.isEmpty }

    /// The year in a `commissioned` text: its first run of exactly four digits (`2023-05-01`,
    /// `05.2023` → 2023), or nil when there is none.
    public static func year(inDate text: String?) -> Int? {
        guard let text else { return nil }
        return year(inDateBytes: text.utf8)
    }

    /// ``year(inDate:)`` of a text given as UTF-8 bytes.
    public static func year(inDate utf8: UnsafeBufferPointer<UInt8>?) -> Int? {
        guard let utf8 else { return nil }
        return year(inDateBytes: utf8)
    }

    private static func year<Bytes: Sequence<UInt8>>(inDateBytes bytes: Bytes) -> Int? {
        var digits = 0
        var value = 0
        for byte in bytes {
            if byte >= 0x30 && byte <= 0x39 {
                digits += 1
                value = value * 10 + Int(byte - 0x30)
            } else {
                if digits == 4 { return value }
                digits = 0
                value = 0
            }
        }
        return digits == 4 ? value : nil
    }
}

// The initialisers are in an extension so that the struct keeps its memberwise initialiser: an
// initialiser that assigns the stored properties one by one is compiled (Swift 6.3, -O) to build
// the site in a temporary, copy it out and destroy the temporary, which at a million sites was a
// tenth of loading them; going through the memberwise initialiser builds it in place.
extension CoverageSite {
    /// Creates a site from its values (units as documented on each property).
    public init(id: String, kind: SiteKind = .baseStation, operatorName: String? = nil, technologies: TechnologySet,
                position: GeoPoint, bandMegahertz: Double? = nil, antennaHeightMeters: Double? = nil,
                eirpDBm: Double? = nil, explicitRangeMeters: Double? = nil, status: SiteStatus = .operational,
                plannedYear: Int? = nil, commissionedYear: Int? = nil, spatialRank: UInt32? = nil) {
        var bits: UInt8 = 0
        if bandMegahertz != nil { bits |= Bit.band }
        if antennaHeightMeters != nil { bits |= Bit.height }
        if eirpDBm != nil { bits |= Bit.eirp }
        if explicitRangeMeters != nil { bits |= Bit.range }
        if plannedYear != nil { bits |= Bit.planned }
        if commissionedYear != nil { bits |= Bit.commissioned }
        if spatialRank != nil { bits |= Bit.rank }
        self.init(position: position, range: explicitRangeMeters ?? 0, present: bits, kind: kind, technologies: technologies,
                  status: status, rank: spatialRank ?? 0, planned: plannedYear ?? 0, commissioned: commissionedYear ?? 0,
                  band: bandMegahertz ?? 0, height: antennaHeightMeters ?? 0, eirp: eirpDBm ?? 0, id: id,
                  operatorName: operatorName)
    }

    /// Reads a site from a record of the sites layer (`LayerSchema.sites` column order).
    /// - Throws: `CoverageError.invalidRecord` when the geometry is not a valid point, or the kind
    ///   or status is not one of the schema's values.
    public init(record: FeatureRecord) throws(CoverageError) {
        let schema = LayerSchema.sites
        func value(_ column: String) -> FieldValue {
            guard let i = schema.columnIndex(column), i < record.values.count else { return .null }
            return record.values[i]
        }
        guard case .point(let point)? = record.geometry, point.isValid else {
            throw .invalidRecord(layer: "sites", id: record.id, reason: "no valid point geometry")
        }
        guard let kind = SiteKind(rawValue: value("kind").text ?? "") else {
            throw .invalidRecord(layer: "sites", id: record.id, reason: "kind '\(value("kind").text ?? "null")' is not one of \(SiteKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let status = SiteStatus(rawValue: value("status").text ?? "") else {
            throw .invalidRecord(layer: "sites", id: record.id, reason: "status '\(value("status").text ?? "null")' is not one of \(SiteStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.init(
            id: record.id, kind: kind, operatorName: value("operator").text,
            technologies: TechnologySet(parsing: value("technologies").text ?? ""), position: point,
            bandMegahertz: value("band_mhz").number, antennaHeightMeters: value("height_m").number,
            eirpDBm: value("eirp_dbm").number, explicitRangeMeters: value("range_m").number, status: status,
            plannedYear: value("planned_year").number.map { Int($0) },
            commissionedYear: Self.year(inDate: value("commissioned").text))
    }
}
