import Foundation

/// Median path loss of the Okumura–Hata and COST-231 Hata models, in dB, as used to derive the
/// range of a site from its band, antenna height and EIRP (see ``RangeModel``).
///
/// Units: frequency `f` in MHz, base-station antenna height `hb` and mobile antenna height `hm` in
/// metres above ground, distance `d` in **kilometres**; `log` is the decimal logarithm.
///
/// **Urban area, small or medium city** (Hata 1980, eqs. (4a), (7)):
///
///     a(hm) = (1.1 log f − 0.7) hm − (1.56 log f − 0.8)
///     L_u   = 69.55 + 26.16 log f − 13.82 log hb − a(hm) + (44.9 − 6.55 log hb) log d     (150 ≤ f ≤ 1500)
///     L_u   = 46.3  + 33.9  log f − 13.82 log hb − a(hm) + (44.9 − 6.55 log hb) log d + C_m (1500 < f ≤ 2000)
///
/// The second line is COST-231 Hata (COST Action 231 final report, "Digital mobile radio towards
/// future generation systems", 1999, §4.4.1) with `C_m = 0` dB (medium city and suburban areas).
///
/// **Suburban area** (Hata eq. (8)): `L_s = L_u − 2 (log(f/28))² − 5.4`.
///
/// **Rural open area** (Hata eq. (9)): `L_o = L_u − 4.78 (log f)² + 18.33 log f − 40.94`.
/// COST-231 defines no open-area variant; above 1500 MHz Qamtu applies the same open-area correction
/// to the COST-231 urban loss (evaluated at the same frequency), the usual practice in planning tools.
///
/// **Validity** (Hata 1980; COST 231): 150–1500 MHz (Okumura–Hata) or 1500–2000 MHz (COST-231),
/// `hb` 30–200 m, `hm` 1–10 m, `d` 1–20 km. The functions here evaluate the formulas for any
/// positive input, without clamping, so that they can be checked against published values;
/// ``RangeModel`` clamps every input and the resulting distance to these ranges and records it.
///
/// References: M. Hata, "Empirical formula for propagation loss in land mobile radio services",
/// IEEE Trans. Vehicular Technology VT-29(3), 317–325, 1980; COST 231 final report (above).
/// The tests compare with the reference values of the ns-3 simulator's test suite
/// (`src/propagation/test/okumura-hata-test-suite.cc`): 137.88 dB (869 MHz, 2 km, hb 30 m, hm 1 m,
/// urban small city), 128.03 dB (same, suburban) and 150.64 dB (COST-231 at 2114 MHz).
public enum HataModel {
    /// Frequencies of Okumura–Hata, MHz.
    public static let okumuraHataFrequencyRange: ClosedRange<Double> = 150...1500
    /// Frequencies of COST-231 Hata, MHz (1500 itself belongs to Okumura–Hata).
    public static let cost231FrequencyRange: ClosedRange<Double> = 1500...2000
    /// Base-station antenna heights of both models, metres.
    public static let baseHeightRange: ClosedRange<Double> = 30...200
    /// Mobile antenna heights of both models, metres.
    public static let mobileHeightRange: ClosedRange<Double> = 1...10
    /// Distances of both models, kilometres.
    public static let distanceRangeKilometers: ClosedRange<Double> = 1...20

    /// The mobile antenna height correction `a(hm)` of a small or medium city, dB.
    public static func mobileHeightCorrectionDecibels(frequencyMegahertz f: Double, mobileHeightMeters hm: Double) -> Double {
        let logF = log10(f)
        return (1.1 * logF - 0.7) * hm - (1.56 * logF - 0.8)
    }

    /// True when `f` (MHz) selects COST-231 Hata rather than Okumura–Hata (`f > 1500`).
    public static func usesCOST231(frequencyMegahertz f: Double) -> Bool { f > okumuraHataFrequencyRange.upperBound }

    /// Urban (small or medium city) median loss as `intercept + slope · log10(d km)`, dB.
    static func urbanLine(frequencyMegahertz f: Double, baseHeightMeters hb: Double,
                          mobileHeightMeters hm: Double) -> (intercept: Double, slope: Double) {
        let logF = log10(f)
        let logHb = log10(hb)
        let a = mobileHeightCorrectionDecibels(frequencyMegahertz: f, mobileHeightMeters: hm)
        let intercept = usesCOST231(frequencyMegahertz: f)
            ? 46.3 + 33.9 * logF - 13.82 * logHb - a   // C_m = 0
            : 69.55 + 26.16 * logF - 13.82 * logHb - a
        return (intercept, 44.9 - 6.55 * logHb)
    }

    /// The open-area correction `−4.78 (log f)² + 18.33 log f − 40.94`, dB (negative in the models' band).
    public static func openAreaCorrectionDecibels(frequencyMegahertz f: Double) -> Double {
        let logF = log10(f)
        return -4.78 * logF * logF + 18.33 * logF - 40.94
    }

    /// Median path loss in an urban area (small or medium city), dB.
    public static func urbanLossDecibels(frequencyMegahertz f: Double, baseHeightMeters hb: Double,
                                         mobileHeightMeters hm: Double, distanceKilometers d: Double) -> Double {
        let line = urbanLine(frequencyMegahertz: f, baseHeightMeters: hb, mobileHeightMeters: hm)
        return line.intercept + line.slope * log10(d)
    }

    /// Median path loss in a suburban area, dB.
    public static func suburbanLossDecibels(frequencyMegahertz f: Double, baseHeightMeters hb: Double,
                                            mobileHeightMeters hm: Double, distanceKilometers d: Double) -> Double {
        let k = log10(f / 28)
        return urbanLossDecibels(frequencyMegahertz: f, baseHeightMeters: hb, mobileHeightMeters: hm, distanceKilometers: d)
            - 2 * k * k - 5.4
    }

    /// Median path loss in a rural open area, dB.
    public static func openAreaLossDecibels(frequencyMegahertz f: Double, baseHeightMeters hb: Double,
                                            mobileHeightMeters hm: Double, distanceKilometers d: Double) -> Double {
        urbanLossDecibels(frequencyMegahertz: f, baseHeightMeters: hb, mobileHeightMeters: hm, distanceKilometers: d)
            + openAreaCorrectionDecibels(frequencyMegahertz: f)
    }

    /// The distance in kilometres at which the rural open-area loss equals `lossDecibels`: the loss
    /// grows as `A + B log d` with `B = 44.9 − 6.55 log hb > 0` for `hb` up to 200 m, so
    /// `d = 10^((L − A) / B)`. Not clamped; NaN when `hb` makes `B ≤ 0` (above 7 km).
    public static func openAreaDistanceKilometers(lossDecibels: Double, frequencyMegahertz f: Double,
                                                  baseHeightMeters hb: Double, mobileHeightMeters hm: Double) -> Double {
        let line = urbanLine(frequencyMegahertz: f, baseHeightMeters: hb, mobileHeightMeters: hm)
        guard line.slope > 0 else { return .nan }
        let intercept = line.intercept + openAreaCorrectionDecibels(frequencyMegahertz: f)
        return pow(10, (lossDecibels - intercept) / line.slope)
    }
}
