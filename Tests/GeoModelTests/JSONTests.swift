import Foundation
import Testing
@testable import GeoModel

@Suite("JSON parsing and writing")
struct JSONTests {
    @Test func parsesNestedValues() throws {
        let v = try JSONParser.parse(#"{"a":[1,2.5,-3e2,true,null],"b":{"c":"x\"y\\z\u00e9\ud83d\ude00"}}"#)
        #expect(v["a"] == .array([.integer(1), .number(2.5), .number(-300), .bool(true), .null]))
        #expect(v["b"]?["c"] == .string("x\"y\\zé😀"))
    }

    @Test(arguments: [
        ("{\"a\":}", "unexpected character '}'"),
        ("[1,2", "unexpected end of JSON in array"),
        ("\"a\u{01}\"", "control character in string (must be escaped)"),
        ("01", "unexpected text after the JSON value"),
        ("\"\\ud800\"", "unpaired surrogate in \\u escape"),
        ("tru", "unexpected end of JSON"),
    ])
    func rejectsMalformedJSON(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do { _ = try JSONParser.parse(text) } catch { #expect(error.message == message) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x22]
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "string is not valid UTF-8")
        }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "nesting deeper than 512 levels")
        }
    }

    @Test func escapesStrings() throws {
        var out = JSONBuffer()
        let text = "quote\" back\\slash\nnew\ttab\u{01}ctl Шақпақ 😀"
        out.string(text)
        let written = String(decoding: out.bytes, as: UTF8.self)
        #expect(written == #""quote\" back\\slash\nnew\ttab\u0001ctl Шақпақ 😀""#)
        #expect(try JSONParser.parse(out.bytes) == .string(text))
    }

    /// Fixed-point output must equal C's printf("%.*f") digit for digit (correct rounding of the
    /// binary double, ties to even), trailing zeros removed.
    @Test func fixedDecimalsMatchPrintf() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var cases: [Double] = [0, -0.0, 0.5, 1.5, 2.5, 0.0078125, -0.0078125, 43.0, 179.9999995, -179.9999995,
                               1e-7, -1e-7, 76.88971, 0.1234565, 12.3456785, 90, -90, 180, -180]
        for _ in 0..<200_000 {
            // 7-decimal coordinates, as in the benchmark data: many are exact ties at 6 decimals.
            let raw = Int64(bitPattern: next() % 3_600_000_001) - 1_800_000_000
            cases.append(Double(raw) / 10_000_000)
            cases.append(Double(bitPattern: 0x3FF0_0000_0000_0000 | (next() >> 12)) * 100 - 150)
        }
        for decimals in [0, 1, 6, 7] {
            for value in cases {
                var out = JSONBuffer()
                out.fixed(value, decimals: decimals)
                let ours = String(decoding: out.bytes, as: UTF8.self)
                #expect(ours == Self.printfTrimmed(value, decimals), "value \(value) decimals \(decimals)")
                if ours != Self.printfTrimmed(value, decimals) { return }
            }
        }
    }

    static func printfTrimmed(_ value: Double, _ decimals: Int) -> String {
        var s = String(format: "%.\(decimals)f", value)
        if s.hasPrefix("-"), Double(s) == 0 { s.removeFirst() }
        if !s.contains(".") { return s + ".0" }
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s += "0" }
        return s
    }
}
