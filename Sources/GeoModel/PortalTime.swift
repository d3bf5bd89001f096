import Foundation

/// Times of the service applications: ISO 8601 with the portal's offset, UTC+05:00 (all of
/// Kazakhstan since 1 March 2024), to the second, e.g. `2026-03-02T09:15:00+05:00`; days as
/// `YYYY-MM-DD` in that offset.
public enum PortalTime {
    /// The portal's offset from UTC, seconds.
    public static let offsetSeconds = 5 * 3600

    /// `date` as `YYYY-MM-DDTHH:MM:SS+05:00`.
    public static func timestamp(_ date: Date) -> String {
        let local = Int64((date.timeIntervalSince1970).rounded(.down)) + Int64(offsetSeconds)
        let days = floorDivide(local, 86_400)
        let seconds = local - days * 86_400
        let (y, m, d) = civil(days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d+05:00", y, m, d, seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// The day of `date` in the portal's offset, `YYYY-MM-DD`.
    public static func day(_ date: Date) -> String { String(timestamp(date).prefix(10)) }

    /// Parses `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM` (fractions of a second allowed);
    /// nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range { guard (48...57).contains(b[i]) else { return nil }; value = value * 10 + Int64(b[i] - 48) }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60 else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == 46 {
            var scale = 0.1
            i += 1
            let start = i
            while i < b.count, (48...57).contains(b[i]) { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            if i == start { return nil }
        }
        var offset: Int64 = 0
        if i == b.count - 1, b[i] == 90 || b[i] == 122 {
            offset = 0
        } else if i == b.count - 6, b[i] == 43 || b[i] == 45, b[i + 3] == 58,
                  let oh = number(i + 1 ..< i + 3), let om = number(i + 4 ..< i + 6), oh < 24, om < 60 {
            offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
        } else {
            return nil
        }
        let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Whether `text` is a valid day `YYYY-MM-DD`.
    public static func isDay(_ text: String) -> Bool { parse(text + "T00:00:00Z") != nil && text.utf8.count == 10 }

    /// The day `days` after `day` (`YYYY-MM-DD`); nil when `day` is not one.
    public static func day(_ day: String, plus days: Int) -> String? {
        guard let date = parse(day + "T00:00:00Z") else { return nil }
        let number = Int64((date.timeIntervalSince1970 / 86_400).rounded(.down)) + Int64(days)
        let (y, m, d) = civil(number)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// The day of a timestamp in the portal's offset; nil when it is not a timestamp.
    public static func day(ofTimestamp text: String) -> String? { parse(text).map { day($0) } }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number since 1970-01-01 (H. Hinnant's civil-from-days, proleptic Gregorian).
    static func civil(_ days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }
}
