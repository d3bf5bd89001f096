/// A growable UTF-8 byte buffer with fast JSON primitives: escaped strings, integers, shortest
/// round-trip doubles and correctly rounded fixed-point coordinates.
///
/// Writers append to it and hand `bytes` to an `OutputSink` whenever it grows past a threshold.
public struct JSONBuffer: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    /// Appends ASCII/UTF-8 text as it is (no escaping).
    @inlinable public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends text as it is (no escaping).
    @inlinable public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends a JSON string literal: quotes, `\"`, `\\`, the short escapes and `\u00XX` for other
    /// control characters; everything else (all of Unicode) passes through as UTF-8.
    public mutating func string(_ text: String) {
        var t = text
        t.withUTF8 { string(utf8: $0) }
    }

    /// Appends a JSON string literal from UTF-8 bytes (see `string(_:)`).
    public mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(0x22)
        var start = 0
        for i in 0..<utf8.count {
            let c = utf8[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
            start = i + 1
            switch c {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
            default:
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hexDigits[Int(c >> 4)], Self.hexDigits[Int(c & 0xF)]])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        bytes.append(0x22)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends a CSV field (RFC 4180): quoted, with quotes doubled, when it holds the separator,
    /// a quote, CR or LF, or starts/ends with a space; as it is otherwise.
    public mutating func csvField(utf8: UnsafeBufferPointer<UInt8>, separator: UInt8 = UInt8(ascii: ",")) {
        var needsQuotes = utf8.first == 0x20 || utf8.last == 0x20
        if !needsQuotes {
            for c in utf8 where c == separator || c == 0x22 || c == 0x0A || c == 0x0D { needsQuotes = true; break }
        }
        guard needsQuotes else { bytes.append(contentsOf: utf8); return }
        bytes.append(0x22)
        for c in utf8 {
            if c == 0x22 { bytes.append(0x22) }
            bytes.append(c)
        }
        bytes.append(0x22)
    }

    /// Appends a CSV field from a Swift string.
    public mutating func csvField(_ text: String, separator: UInt8 = UInt8(ascii: ",")) {
        var t = text
        t.withUTF8 { csvField(utf8: $0, separator: separator) }
    }

    /// Appends a decimal integer.
    public mutating func integer(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            unsigned(value == Int64.min ? UInt64(Int64.max) + 1 : UInt64(-value))
        } else {
            unsigned(UInt64(value))
        }
    }

    @inline(__always)
    mutating func unsigned(_ value: UInt64) {
        if value < 10 { bytes.append(UInt8(truncatingIfNeeded: value) + 0x30); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 {
                d[19 - count] = UInt8(truncatingIfNeeded: n % 10) + 0x30
                n /= 10
                count += 1
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(20 - count)...]))
        }
    }

    /// Appends a finite double in its shortest round-trip form (Swift's `description`, valid JSON);
    /// non-finite values are written as `null`.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { raw("null"); return }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
            raw(".0")
            return
        }
        raw(value.description)
    }

    /// Powers of ten that are exact doubles.
    @usableFromInline static let powersOfTen: [Double] = (0...15).map { k in
        var p = 1.0
        for _ in 0..<k { p *= 10 }
        return p
    }
    @usableFromInline static let integerPowersOfTen: [UInt64] = (0...15).map { k in
        var p: UInt64 = 1
        for _ in 0..<k { p *= 10 }
        return p
    }

    /// Appends `value` rounded to `decimals` digits after the point (0…15), correctly rounded from
    /// the exact binary value with ties to even — the same digits as C's `printf("%.*f")` — with
    /// trailing zeros removed but one digit kept after the point (`43.0`, `76.889713`).
    ///
    /// Zero is written without a sign. Values whose scaled magnitude reaches 2^52 fall back to
    /// the shortest round-trip form.
    public mutating func fixed(_ value: Double, decimals: Int) {
        let d = min(max(decimals, 0), 15)
        let scale = Self.powersOfTen[d]
        let magnitude = abs(value)
        let p = magnitude * scale
        guard value.isFinite, p < 4_503_599_627_370_496.0 else { number(value); return }
        // The exact product is p + e; fma recovers the rounding error e of the multiplication exactly.
        let e = (-p).addingProduct(magnitude, scale)
        let floorP = p.rounded(.down)
        let fraction = p - floorP  // exact
        var n = UInt64(floorP)
        if fraction > 0.5 || (fraction == 0.5 && (e > 0 || (e == 0 && n & 1 == 1))) {
            n += 1
        }
        if n == 0 {
            bytes.append(0x30)
            bytes.append(UInt8(ascii: "."))
            bytes.append(0x30)
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let unit = Self.integerPowersOfTen[d]
        unsigned(n / unit)
        bytes.append(UInt8(ascii: "."))
        var fractionDigits = n % unit
        if fractionDigits == 0 || d == 0 {
            bytes.append(0x30)
            return
        }
        var width = d
        while fractionDigits % 10 == 0 { fractionDigits /= 10; width -= 1 }
        // Leading zeros of the fraction.
        var leading = width - 1
        var probe = fractionDigits
        while probe >= 10 { probe /= 10; leading -= 1 }
        for _ in 0..<leading { bytes.append(0x30) }
        unsigned(fractionDigits)
    }
}
