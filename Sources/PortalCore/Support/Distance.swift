import GeoModel

/// A distance on the ellipsoid given with its unit: `5km`, `800m`, `2.5 km`.
///
/// A bare number is refused: `--within 5` could mean 5 m or 5 km, and reading it as metres made
/// `road masts A-2 --within 5` find nothing.
public struct Distance: Sendable, Hashable, CustomStringConvertible {
    /// The distance in metres, finite and `≥ 0`.
    public let meters: Double

    /// A distance of `meters` metres.
    public init(meters: Double) { self.meters = meters }

    /// Parses `NUMBER UNIT` with UNIT `m` or `km` (case-insensitive, spaces allowed).
    /// - Throws: ``PortalError`` (invalid input) for a bare number, another unit, or a negative
    ///   or non-finite value, with examples of what is accepted.
    public init(parsing text: String) throws(PortalError) {
        let lowered = text.trimmedOfSpaces.lowercased()
        var number = Substring(lowered)
        var scale = 1.0
        if lowered.hasSuffix("km") {
            number = number.dropLast(2)
            scale = 1000
        } else if lowered.hasSuffix("m") {
            number = number.dropLast(1)
        } else if Double(lowered) != nil {
            throw PortalError(.invalidInput, "'\(text)' has no unit; write it with m or km, e.g. 5km or 800m")
        }
        guard let value = Double(String(number).trimmedOfSpaces), value.isFinite, value >= 0 else {
            throw PortalError(.invalidInput, "'\(text)' is not a distance; write a number with m or km, e.g. 5km or 800m")
        }
        meters = value * scale
    }

    /// `5 km` or `800 m`.
    public var description: String {
        meters >= 1000 ? "\(NumberFormat.trimmed(meters / 1000)) km" : "\(NumberFormat.trimmed(meters)) m"
    }
}
