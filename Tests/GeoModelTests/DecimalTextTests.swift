import QamtuTestSupport
import Testing
@testable import GeoModel

@Suite("Decimal text: the fast path reads every number exactly as Double(_:) does")
struct DecimalTextTests {
    /// Equal bit patterns, or both nil.
    static func same(_ text: String) -> Bool {
        DecimalText.double(text)?.bitPattern == Double(text)?.bitPattern
    }

    @Test func randomPlainDecimalsEqualDoubleBitForBit() {
        var random = SplitMix64(seed: 2026)
        var fast = 0
        for _ in 0..<200_000 {
            let digits = 1 + Int(random.next() % 24)
            var text = String((0..<digits).map { _ in Character(String(random.next() % 10)) })
            if random.next() % 4 != 0 {
                let point = 1 + Int(random.next() % UInt64(digits))
                text.insert(".", at: text.index(text.startIndex, offsetBy: point))
            }
            switch random.next() % 4 {
            case 0: text = "-" + text
            case 1: text = "+" + text
            default: break
            }
            #expect(Self.same(text), "\(text)")
            var copy = text
            if copy.withUTF8({ DecimalText.plain($0) }) != nil { fast += 1 }
        }
        // Most of these take the fast path (the others have too many digits).
        #expect(fast > 100_000)
    }

    @Test func coordinatesAndLimitsEqualDouble() {
        let texts = ["65.0041235", "43.2117775", "-180", "180.000000000", "-89.999999999", "0", "-0", "-0.0", "+0", "0.1",
                     "9007199254740992", "9007199254740993", "0.9007199254740993", "1.0000000000000000000000",
                     "0.0000000000000000000001", "1234567890123456789", "12345678901234567890", "99999999999999999999",
                     "3.141592653589793", "2.2250738585072014", "1.7976931348623157", "4.9406564584124654"]
        for text in texts { #expect(Self.same(text), "\(text)") }
    }

    @Test func everyOtherFormGoesToDouble() {
        // Forms outside the fast path keep Double's answer, number or not.
        let texts = ["5.", ".5", "-.5", "1e5", "1E-3", "2.5e+10", " 1", "1 ", "", "-", "+", ".", "1.2.3", "1,5", "0x1p3", "inf",
                     "-infinity", "nan", "NaN", "١٢", "12a", "--1", "+-1", "1_000", "0.5\u{301}"]
        for text in texts {
            #expect(Self.same(text), "'\(text)'")
            var copy = text
            if ["5.", ".5", "-.5"].contains(text) || !text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }) {
                #expect(copy.withUTF8({ DecimalText.plain($0) }) == nil, "'\(text)'")
            }
        }
    }
}
