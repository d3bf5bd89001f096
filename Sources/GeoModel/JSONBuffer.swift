/// A growable UTF-8 byte buffer with fast JSON primitives: escaped strings, integers, shortest
/// round-trip doubles and correctly rounded fixed-point coordinates.
///
/// Writers append to it and hand it to an `OutputSink` (`drain`) whenever `count` passes a
/// threshold. The storage is one manually managed allocation: appends check capacity once and
/// copy, without the uniqueness checks of an `Array` or the run-time exclusivity checks of a
/// class, because exports append hundreds of millions of small pieces. The buffer cannot be
/// copied (`~Copyable`): it has exactly one owner, which frees the allocation.
public struct JSONBuffer: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var used = 0
    /// The number of bytes written.
    public var count: Int { used }

    /// Creates an empty buffer with room for `capacity` bytes (it grows as needed).
    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: used)) }

    /// The bytes written so far, without copying (valid until the next append).
    public func withBytes<T, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> T) throws(E) -> T {
        try body(UnsafeBufferPointer(start: base, count: used))
    }

    /// Forgets the bytes written, keeping the allocation.
    public mutating func removeAll() { used = 0 }

    @usableFromInline mutating func grow(toAtLeast needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: used)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Makes room for `n` more bytes.
    @inlinable @inline(__always) mutating func reserve(_ n: Int) {
        if used + n > capacity { grow(toAtLeast: used + n) }
    }

    /// Appends one byte.
    @inlinable @inline(__always) public mutating func append(_ byte: UInt8) {
        reserve(1)
        base[used] = byte
        used += 1
    }

    /// Appends bytes. Pieces of 4 to 16 bytes (keys, short values) are copied with two overlapping
    /// unaligned loads and stores instead of a call to `memcpy`.
    @inlinable @inline(__always) public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let n = bytes.count
        reserve(n)
        let target = UnsafeMutableRawPointer(base + used)
        let from = UnsafeRawPointer(source)
        if n >= 8 && n <= 16 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else {
            (base + used).update(from: source, count: n)
        }
        used += n
    }

    /// Appends bytes.
    @inlinable public mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Appends ASCII/UTF-8 text as it is (no escaping).
    @inlinable @inline(__always) public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends text as it is (no escaping). String literals use the `StaticString` overload.
    @_disfavoredOverload
    public mutating func raw(_ text: String) {
        var t = text
        t.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends a JSON string literal: quotes, `\"`, `\\`, the short escapes and `\u00XX` for other
    /// control characters; everything else (all of Unicode) passes through as UTF-8.
    public mutating func string(_ text: String) {
        var t = text
        t.withUTF8 { string(utf8: $0) }
    }

    /// Appends a JSON string literal from UTF-8 bytes (see `string(_:)`).
    public mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        append(0x22)
        stringContents(utf8: utf8)
        append(0x22)
    }

    /// Appends the escaped contents of a JSON string (`string(utf8:)` without the quotes), e.g. to
    /// write one string from several pieces.
    public mutating func stringContents(utf8: UnsafeBufferPointer<UInt8>) {
        // Most strings need no escape: check and copy them 8 bytes at a time; at the first byte
        // that needs one, continue below from there.
        var start = 0
        if let source = utf8.baseAddress {
            let n = utf8.count
            reserve(n)
            let target = UnsafeMutableRawPointer(base + used)
            var i = 0
            while i + 8 <= n {
                let word = UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self)
                if Self.needsEscape(word) { break }
                target.storeBytes(of: word, toByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < n {
                let c = source[i]
                if c < 0x20 || c == 0x22 || c == 0x5C { break }
                target.storeBytes(of: c, toByteOffset: i, as: UInt8.self)
                i += 1
            }
            used += i
            if i == n { return }
            start = i
        }
        for i in start..<utf8.count {
            let c = utf8[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { continue }
            append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
            start = i + 1
            switch c {
            case 0x22: append(0x5C); append(0x22)
            case 0x5C: append(0x5C); append(0x5C)
            case 0x0A: append(0x5C); append(UInt8(ascii: "n"))
            case 0x0D: append(0x5C); append(UInt8(ascii: "r"))
            case 0x09: append(0x5C); append(UInt8(ascii: "t"))
            case 0x08: append(0x5C); append(UInt8(ascii: "b"))
            case 0x0C: append(0x5C); append(UInt8(ascii: "f"))
            default:
                append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hexDigits[Int(c >> 4)], Self.hexDigits[Int(c & 0xF)]])
            }
        }
        append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether any of the 8 bytes of `word` is `separator`, `"`, LF or CR.
    @inline(__always)
    static func containsCSVSpecial(_ word: UInt64, separator: UInt8) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasByte(_ byte: UInt8) -> UInt64 {
            let x = word ^ (ones &* UInt64(byte))
            return (x &- ones) & ~x & highs
        }
        return hasByte(separator) | hasByte(0x22) | hasByte(0x0A) | hasByte(0x0D) != 0
    }

    /// Whether any of the 8 bytes of `word` is a control character (< 0x20), `"` or `\\`
    /// (exact, by the carry-free byte tests of "Bit Twiddling Hacks": `hasless` and `haszero`).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        return control | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs) != 0
    }

    /// Appends a CSV field (RFC 4180): quoted, with quotes doubled, when it holds the separator,
    /// a quote, CR or LF, or starts/ends with a space; as it is otherwise.
    public mutating func csvField(utf8: UnsafeBufferPointer<UInt8>, separator: UInt8 = UInt8(ascii: ",")) {
        var needsQuotes = utf8.first == 0x20 || utf8.last == 0x20
        if !needsQuotes, let base = utf8.baseAddress {
            // 8 bytes at a time while none is special, then byte by byte.
            var i = 0
            while i + 8 <= utf8.count && !Self.containsCSVSpecial(
                UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self), separator: separator) {
                i += 8
            }
            while i < utf8.count {
                let c = base[i]
                if c == separator || c == 0x22 || c == 0x0A || c == 0x0D { needsQuotes = true; break }
                i += 1
            }
        }
        guard needsQuotes else { append(contentsOf: utf8); return }
        append(0x22)
        // Copy runs; each quote is written twice.
        var start = 0
        for i in 0..<utf8.count where utf8[i] == 0x22 {
            append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...i]))
            append(0x22)
            start = i + 1
        }
        append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        append(0x22)
    }

    /// Appends a CSV field from a Swift string.
    public mutating func csvField(_ text: String, separator: UInt8 = UInt8(ascii: ",")) {
        var t = text
        t.withUTF8 { csvField(utf8: $0, separator: separator) }
    }

    /// Appends a decimal integer.
    public mutating func integer(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            unsigned(value == Int64.min ? UInt64(Int64.max) + 1 : UInt64(-value))
        } else {
            unsigned(UInt64(value))
        }
    }

    @inline(__always)
    mutating func unsigned(_ value: UInt64) {
        reserve(20)
        var length = 1
        var probe = value / 10
        while probe > 0 { length += 1; probe /= 10 }
        var n = value
        var i = used + length - 1
        repeat {
            base[i] = UInt8(truncatingIfNeeded: n % 10) &+ 0x30
            n /= 10
            i -= 1
        } while n > 0
        used += length
    }

    /// Appends a finite double in its shortest round-trip form (Swift's `description`, valid JSON);
    /// non-finite values are written as `null`.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { raw("null"); return }
        let magnitude = abs(value)
        if value == value.rounded(), magnitude < 1e15 {
            integer(Int64(value))
            raw(".0")
            return
        }
        // A few decimals (52.4, 0.125): the fewest decimals d with round(v·10ᵈ)/10ᵈ == v.
        // - It reads back as v: with n < 2⁵³ and 10ᵈ exact, the division is the correctly rounded
        //   value of the decimal n·10⁻ᵈ.
        // - It is the shortest form (what `description` writes): fewer decimals would have passed at
        //   a smaller d, and the rounding error of v·10ᵈ (half an ulp) cannot pick a wrong n while
        //   v·10ᵈ < 2⁵¹; at and above that, the next d exceeds 2⁵³ and `description` is used. Where
        //   two n would read back as v, v·10ᵈ ≥ 2⁵² is already an integer, so n is the nearest.
        // The tests compare with `description` over many magnitudes and decimals.
        if magnitude >= 1e-3 && magnitude < 1e9 {
            for d in 1...8 {
                let scale = Self.powersOfTen[d]
                let n = (magnitude * scale).rounded()
                guard n < 9_007_199_254_740_992, n / scale == magnitude else { continue }
                if value < 0 { append(UInt8(ascii: "-")) }
                let unit = Self.integerPowersOfTen[d]
                let digits = UInt64(n)
                unsigned(digits / unit)
                append(UInt8(ascii: "."))
                fractionDigits(digits % unit, width: d)
                return
            }
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
        let remainder = p - floorP  // exact
        var n = UInt64(floorP)
        if remainder > 0.5 || (remainder == 0.5 && (e > 0 || (e == 0 && n & 1 == 1))) {
            n += 1
        }
        if n == 0 {
            append(0x30)
            append(UInt8(ascii: "."))
            append(0x30)
            return
        }
        if value < 0 { append(UInt8(ascii: "-")) }
        // Six decimals (the default) divide by a constant, which compiles to a multiplication.
        let (whole, kept) = d == 6 ? n.quotientAndRemainder(dividingBy: 1_000_000)
                                   : n.quotientAndRemainder(dividingBy: Self.integerPowersOfTen[d])
        unsigned(whole)
        append(UInt8(ascii: "."))
        if kept == 0 || d == 0 {
            append(0x30)
            return
        }
        fractionDigits(kept, width: d, trimmingZeros: true)
    }

    /// Appends the digits after the decimal point: `digits` left-padded with zeros to `width`
    /// (`fractionDigits(5, width: 3)` writes `005`); with `trimmingZeros`, trailing zeros are left
    /// out, keeping at least one digit (`fractionDigits(50, width: 3, trimmingZeros: true)` writes `05`).
    @inline(__always)
    mutating func fractionDigits(_ digits: UInt64, width: Int, trimmingZeros: Bool = false) {
        guard width > 0 else { return }
        reserve(width)
        var n = digits
        var i = used + width - 1
        while i >= used {
            base[i] = UInt8(truncatingIfNeeded: n % 10) &+ 0x30
            n /= 10
            i -= 1
        }
        var length = width
        if trimmingZeros {
            while length > 1 && base[used + length - 1] == 0x30 { length -= 1 }
        }
        used += length
    }
}
