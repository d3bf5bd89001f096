/// Reading plain decimal numbers (`-43.2117775`, `9827`, `0.5`) without the C library's general
/// `strtod`, which an import calls millions of times.
///
/// Only the form `[+-]digits[.digits]` with at most 19 digits, whose digits as an integer `w`
/// are at most 2⁵³ and whose fraction has at most 22 digits, is read here: `w` and `10^k` are
/// then both exact doubles, and one IEEE division rounds their quotient correctly (Clinger's
/// fast path), which is the value `strtod` and `Double(_:)` return. Every other text (exponents,
/// more digits, spaces, `inf`, hexadecimal) goes to `Double(_:)`, so the results are the same
/// for every text.
public enum DecimalText {
    /// Exact powers of ten, 10⁰ … 10²².
    private static let powers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The text as `Double(_:)` reads it (nil when it is not a number).
    public static func double(_ text: String) -> Double? {
        var text = text
        if let value = text.withUTF8({ plain($0) }) { return value }
        return Double(text)
    }

    /// The value of a plain decimal within the fast path's limits; nil otherwise (not
    /// necessarily not a number).
    static func plain(_ utf8: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let count = utf8.count
        var negative = false
        if i < count, utf8[i] == UInt8(ascii: "-") || utf8[i] == UInt8(ascii: "+") {
            negative = utf8[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        while i < count {
            let byte = utf8[i]
            if byte == UInt8(ascii: ".") {
                // One point, after at least one digit.
                guard !seenPoint, integerDigits > 0 else { return nil }
                seenPoint = true
            } else {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                digits += 1
                guard digits <= 19 else { return nil }
                mantissa = mantissa * 10 + UInt64(digit)
                if seenPoint { fractionDigits += 1 } else { integerDigits += 1 }
            }
            i += 1
        }
        guard integerDigits > 0, !seenPoint || fractionDigits > 0, mantissa <= 1 << 53, fractionDigits <= 22 else { return nil }
        let value = Double(mantissa) / powers[fractionDigits]
        return negative ? -value : value
    }
}
