import Foundation
import GeoModel

/// Years as the use cases take them: `--as-of`, `as-of=`, road and coverage years.
public enum CalendarYear {
    /// The current calendar year in UTC: the default of every "as of" year.
    public static var current: Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.component(.year, from: Date())
    }

    /// `year` when it lies in ``LayerSchema/yearRange`` (the years the column contract accepts).
    /// - Parameter name: how the parameter is named in the message (`--as-of`, `as-of`).
    /// - Throws: ``PortalError`` (invalid input) naming the range.
    public static func checked(_ year: Int, name: String) throws(PortalError) -> Int {
        guard LayerSchema.yearRange.contains(Int64(year)) else {
            throw PortalError(.invalidInput, "\(name) must be a year between \(LayerSchema.yearRange.lowerBound) and "
                + "\(LayerSchema.yearRange.upperBound), got \(year)")
        }
        return year
    }
}
