import Foundation

/// The one place numbers are formatted for people (reports, summaries, tables) and rounded for
/// JSON outputs.
public enum NumberFormat {
    /// A count with thousands separators: `9,899`, `-1,000`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// A share in [0, 1] as a percentage with one decimal: `73.1%`.
    public static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

    /// `value` rounded to `decimals` places (as a double, for JSON).
    public static func rounded(_ value: Double, decimals: Int) -> Double {
        let scale = pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }

    /// Metres as kilometres with fixed decimals: `412.3`.
    public static func kilometers(_ meters: Double, decimals: Int = 2) -> String {
        String(format: "%.\(decimals)f", meters / 1000)
    }

    /// A number without a trailing `.0`: `5`, `2.5`.
    public static func trimmed(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// `1 road`, `2 roads`: a grouped count and the noun, plural unless the count is 1.
    public static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(grouped(n)) \(n == 1 ? singular : (plural ?? singular + "s"))"
    }
}
