import Foundation
import GeoModel

/// Which rule gave a site's range for a technology.
public enum RangeRule: String, Sendable, Hashable, CaseIterable {
    /// The site's own `range_m`.
    case explicit = "explicit"
    /// Okumura–Hata, rural open area (band up to 1500 MHz).
    case okumuraHata = "okumura-hata"
    /// COST-231 Hata with the open-area correction (band above 1500 MHz).
    case cost231Hata = "cost231-hata"
    /// The per-technology default table (band, height or EIRP missing).
    case defaultTable = "default-table"
}

/// The range of one site for one technology, and how it was found.
public struct SiteRange: Sendable, Hashable, CustomStringConvertible {
    /// The technology the range is for.
    public var technology: MobileTechnology
    /// Range in metres (geodesic distance on the WGS84 ellipsoid).
    public var meters: Double
    /// The rule that gave it.
    public var rule: RangeRule
    /// Inputs or results moved into the model's validity range, in words (empty when none).
    public var notes: [String]

    /// Creates a range from its parts.
    public init(technology: MobileTechnology, meters: Double, rule: RangeRule, notes: [String] = []) {
        self.technology = technology
        self.meters = meters
        self.rule = rule
        self.notes = notes
    }

    /// E.g. `8312 m (okumura-hata; antenna height 20 m raised to the model's 30 m minimum)`.
    public var description: String {
        var out = JSONBuffer(capacity: 64)
        describe(into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Appends ``description`` to `out`.
    func describe(into out: inout JSONBuffer) {
        CoverageResult.meters(meters, into: &out)
        out.raw(" (")
        out.raw(rule.rawValue)
        for note in notes {
            out.raw("; ")
            out.raw(note)
        }
        out.raw(")")
    }
}

/// Settings of the range determination: receiver height, receiver thresholds and default ranges.
///
/// **Receiver threshold** (dBm, per technology): the median received power, at an isotropic
/// receiving antenna, that the service needs at the edge of the cell, margins included. The
/// allowed path loss is `EIRP − threshold`. The defaults are planning values, not taken from a
/// standard; regions should set their own (`--threshold 4G=-72`):
///
/// | technology | default | reasoning |
/// |---|---:|---|
/// | 2G | −94 dBm | GSM reference sensitivity about −102 dBm plus an 8 dB log-normal fading margin (voice) |
/// | 3G | −82 dBm | CPICH RSCP −100 dBm at the edge, pilot about 10 % of the total power, 8 dB margin |
/// | 4G | −69 dBm | RSRP −105 dBm per resource element over 600 subcarriers (10 MHz, +27.8 dB), 8 dB margin |
/// | 5G | −67 dBm | SS-RSRP −110 dBm over 3276 subcarriers (100 MHz, +35 dB), 8 dB margin |
///
/// With them a typical rural site of the demo data (40 m, 58 dBm EIRP) reaches about 8 km with 4G
/// at 800 MHz and 11 km with 3G at 2100 MHz; 2G at 900 MHz reaches the model's 20 km limit.
///
/// **Default ranges** (metres, per technology) apply when band, height or EIRP is missing.
public struct PropagationSettings: Sendable, Hashable {
    /// Receiver (mobile) antenna height above ground, metres; within the models' 1–10 m.
    public var receiverHeightMeters: Double
    /// Receiver threshold per technology, dBm.
    public var thresholdsDBm: [MobileTechnology: Double]
    /// Range per technology when the propagation model cannot be used, metres.
    public var defaultRangesMeters: [MobileTechnology: Double]

    /// Creates settings; missing technologies take the standard values.
    public init(receiverHeightMeters: Double = 1.5, thresholdsDBm: [MobileTechnology: Double] = [:],
                defaultRangesMeters: [MobileTechnology: Double] = [:]) {
        self.receiverHeightMeters = receiverHeightMeters
        self.thresholdsDBm = Self.standardThresholdsDBm.merging(thresholdsDBm) { _, new in new }
        self.defaultRangesMeters = Self.standardDefaultRangesMeters.merging(defaultRangesMeters) { _, new in new }
    }

    /// The standard receiver thresholds, dBm (see the table above).
    public static let standardThresholdsDBm: [MobileTechnology: Double] = [.g2: -94, .g3: -82, .g4: -69, .g5: -67]

    /// The standard default ranges, metres: 2G 15 km, 3G 8 km, 4G 6 km, 5G 1.5 km.
    public static let standardDefaultRangesMeters: [MobileTechnology: Double] = [.g2: 15_000, .g3: 8_000, .g4: 6_000, .g5: 1_500]

    /// Checks every value.
    /// - Throws: `CoverageError.invalidSetting` naming the value: the receiver height must lie in the
    ///   models' 1–10 m, thresholds must be finite and within −200…0 dBm, default ranges within
    ///   0…1 000 000 m.
    public func validate() throws(CoverageError) {
        guard HataModel.mobileHeightRange.contains(receiverHeightMeters) else {
            throw .invalidSetting("receiver height", reason: "\(receiverHeightMeters) m is outside the models' 1–10 m")
        }
        for technology in MobileTechnology.allCases {
            let threshold = thresholdsDBm[technology] ?? .nan
            guard threshold.isFinite, (-200...0).contains(threshold) else {
                throw .invalidSetting("threshold \(technology.label)", reason: "\(threshold) dBm is outside −200…0 dBm")
            }
            let range = defaultRangesMeters[technology] ?? .nan
            guard range.isFinite, (0...1_000_000).contains(range) else {
                throw .invalidSetting("default range \(technology.label)", reason: "\(range) m is outside 0…1000000 m")
            }
        }
    }
}

/// Determines the range of a site for each of its technologies, in this order:
///
/// 1. **Explicit**: the site's `range_m` (for every technology of the site).
/// 2. **Propagation model**: when band, antenna height and EIRP are all known, the distance at which
///    the rural open-area path loss (``HataModel``; Okumura–Hata up to 1500 MHz, COST-231 Hata
///    above) equals `EIRP − threshold(technology)`, with the receiver at
///    ``PropagationSettings/receiverHeightMeters``. Inputs outside the models' validity are
///    clamped to it before evaluation — band to 150–2000 MHz, antenna height to 30–200 m — and the
///    distance is clamped to 1–20 km; each clamp is recorded in ``SiteRange/notes``.
/// 3. **Default table**: ``PropagationSettings/defaultRangesMeters``.
///
/// Fibre is not a radio technology and has no range here (see ``CoverageSite``).
public struct RangeModel: Sendable {
    /// The settings used.
    public let settings: PropagationSettings

    /// Creates a model.
    public init(settings: PropagationSettings = PropagationSettings()) {
        self.settings = settings
    }

    /// The range of `site` for `technology`, with the rule that gave it.
    public func range(of site: CoverageSite, for technology: MobileTechnology) -> SiteRange {
        if let explicit = site.explicitRangeMeters, explicit.isFinite, explicit >= 0 {
            return SiteRange(technology: technology, meters: explicit, rule: .explicit)
        }
        if let band = site.bandMegahertz, let height = site.antennaHeightMeters, let eirp = site.eirpDBm,
           band.isFinite, band > 0, height.isFinite, height >= 0, eirp.isFinite {
            return modelRange(technology: technology, bandMegahertz: band, antennaHeightMeters: height, eirpDBm: eirp)
        }
        return SiteRange(technology: technology, meters: settings.defaultRangesMeters[technology] ?? 0, rule: .defaultTable)
    }

    /// ``range(of:for:)``'s metres alone; an explicit range skips building the ``SiteRange``.
    public func rangeMeters(of site: CoverageSite, for technology: MobileTechnology) -> Double {
        if let explicit = site.explicitRangeMeters, explicit.isFinite, explicit >= 0 { return explicit }
        return range(of: site, for: technology).meters
    }

    /// The propagation-model range for the given radio values (see the type's documentation).
    public func modelRange(technology: MobileTechnology, bandMegahertz: Double, antennaHeightMeters: Double,
                           eirpDBm: Double) -> SiteRange {
        var notes: [String] = []
        var f = bandMegahertz
        if f < HataModel.okumuraHataFrequencyRange.lowerBound {
            notes.append("band \(Self.format(f)) MHz below Okumura–Hata's 150 MHz: evaluated at 150 MHz")
            f = HataModel.okumuraHataFrequencyRange.lowerBound
        } else if f > HataModel.cost231FrequencyRange.upperBound {
            notes.append("band \(Self.format(f)) MHz above COST-231 Hata's 2000 MHz: evaluated at 2000 MHz")
            f = HataModel.cost231FrequencyRange.upperBound
        }
        var hb = antennaHeightMeters
        if hb < HataModel.baseHeightRange.lowerBound {
            notes.append("antenna height \(Self.format(hb)) m raised to the model's 30 m minimum")
            hb = HataModel.baseHeightRange.lowerBound
        } else if hb > HataModel.baseHeightRange.upperBound {
            notes.append("antenna height \(Self.format(hb)) m lowered to the model's 200 m maximum")
            hb = HataModel.baseHeightRange.upperBound
        }
        let hm = min(max(settings.receiverHeightMeters, HataModel.mobileHeightRange.lowerBound),
                     HataModel.mobileHeightRange.upperBound)
        let threshold = settings.thresholdsDBm[technology] ?? PropagationSettings.standardThresholdsDBm[technology] ?? -90
        let allowedLoss = eirpDBm - threshold
        var kilometres = HataModel.openAreaDistanceKilometers(
            lossDecibels: allowedLoss, frequencyMegahertz: f, baseHeightMeters: hb, mobileHeightMeters: hm)
        let limits = HataModel.distanceRangeKilometers
        if !(kilometres >= limits.lowerBound) {
            notes.append("link budget \(Self.format(allowedLoss)) dB reaches less than the model's 1 km minimum: 1 km used")
            kilometres = limits.lowerBound
        } else if kilometres > limits.upperBound {
            notes.append("capped at the model's 20 km limit (budget reaches \(Self.format((kilometres * 10).rounded() / 10)) km)")
            kilometres = limits.upperBound
        }
        let rule: RangeRule = HataModel.usesCOST231(frequencyMegahertz: f) ? .cost231Hata : .okumuraHata
        return SiteRange(technology: technology, meters: kilometres * 1000, rule: rule, notes: notes)
    }

    /// The ranges of every mobile technology of `site`, lowest generation first.
    public func ranges(of site: CoverageSite) -> [SiteRange] {
        site.technologies.mobile.map { range(of: site, for: $0) }
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
