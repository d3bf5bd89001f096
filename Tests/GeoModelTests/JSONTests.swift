import Foundation
import Testing
@testable import GeoModel
import QamtuTestSupport

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
        for decimals in [0, 1, 3, 6, 7, 12] {
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

@Suite("JSONBuffer numbers and strings")
struct JSONBufferTests {
    static func written(_ body: (inout JSONBuffer) -> Void) -> String {
        var out = JSONBuffer(capacity: 64)
        body(&out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// `number` writes the same text as Swift's shortest round-trip `description` (integral values
    /// get `.0`, zero has no sign), for values with few decimals, random doubles of every magnitude and edge cases.
    @Test func numbersMatchTheShortestRoundTripForm() {
        var rng = SplitMix64(seed: 4)
        var values: [Double] = [52.4, -52.4, 0.125, 0.001, 0.0015, 999_999_999.5, 1e9 + 0.5, 0.1 + 0.2, 1.0 / 3, -0.0,
                                123_456.789, 5e-324, 1.7976931348623157e308, 1e-3, 9.999e-4]
        for _ in 0..<20_000 {
            let decimals = Int(rng.next() % 9)
            let scale = pow(10.0, Double(decimals))
            values.append((rng.uniform(-1e6, 1e6) * scale).rounded() / scale)
            values.append(rng.uniform(-1, 1) * pow(10, rng.uniform(-6, 12)))
            // Large magnitudes with many decimals: v·10ᵈ near 2⁵¹…2⁵³.
            values.append((rng.uniform(1e7, 1e9) * scale).rounded() / scale)
        }
        for value in values {
            let text = Self.written { $0.number(value) }
            #expect(Double(text) == value, "\(value) → \(text)")
            // Zero is written without a sign, as by `fixed`.
            #expect(text == (value == 0 ? "0.0" : value.description), "\(value) → \(text)")
        }
    }

    /// Appended pieces of every length up to 40 bytes, after prefixes of every length up to 9,
    /// arrive byte for byte (short pieces are copied by overlapping words).
    @Test func appendedBytesArriveIntact() {
        var rng: UInt64 = 12_345
        for length in 0...40 {
            for prefix in 0...9 {
                let piece = (0..<length).map { _ -> UInt8 in
                    rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: rng >> 56)
                }
                var out = JSONBuffer(capacity: 64)
                for _ in 0..<prefix { out.append(0x2A) }
                piece.withUnsafeBufferPointer { out.append(contentsOf: $0) }
                out.append(0x2B)
                #expect(out.bytes == Array(repeating: 0x2A, count: prefix) + piece + [0x2B], "length \(length) prefix \(prefix)")
            }
        }
    }

    /// Strings of every length with and without characters that need escaping, at every offset
    /// of the 8-byte scan, escape exactly as JSONSerialization reads them back.
    @Test func stringsEscapeAtEveryPosition() throws {
        let specials: [Character] = ["\"", "\\", "\n", "\u{1}", "\u{1F}", "é", "Қ", " "]
        for length in 0..<20 {
            for position in 0..<max(length, 1) {
                for special in specials {
                    for secondAtEnd in [false, true] {
                        var characters = Array(repeating: Character("a"), count: length)
                        if length > 0 { characters[position] = special }
                        // A second character to escape after the first (the copy resumes between them).
                        if secondAtEnd && length > 1 && position < length - 1 { characters[length - 1] = "\"" }
                        let text = String(characters)
                        let json = Self.written { $0.string(text) }
                        let decoded = try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [String]
                        #expect(decoded == [text], "\(json)")
                        #expect(!json.dropFirst().dropLast().contains("\n"))
                    }
                }
            }
        }
    }

    /// CSV fields are quoted exactly when they hold the separator, a quote, CR or LF, or start or end
    /// with a space, at every offset of the 8-byte scan.
    @Test func csvFieldsQuoteAtEveryPosition() {
        for separator in [UInt8(ascii: ","), UInt8(ascii: ";")] {
            let specials: [(Character, Bool)] = [(Character(UnicodeScalar(separator)), true), ("\"", true), ("\n", true),
                                                 ("\r", true), ("Қ", false), ("\\", false), ("\t", false)]
            for length in 1..<20 {
                for position in 0..<length {
                    for (special, quoted) in specials {
                        var characters = Array(repeating: Character("a"), count: length)
                        characters[position] = special
                        let text = String(characters)
                        let field = Self.written { $0.csvField(text, separator: separator) }
                        let expected = quoted ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
                        #expect(field == expected, "\(text.debugDescription) → \(field.debugDescription)")
                    }
                }
            }
        }
        #expect(Self.written { $0.csvField(" padded") } == "\" padded\"")
    }

    /// A worker that fails while another waits for its turn stops both: the waiting worker throws
    /// the first error instead of hanging, nothing is written, no further block is handed out, and
    /// `finish` rethrows.
    @Test func orderedWritesStopAtTheFirstFailure() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("out.txt")
        let sink = try FileSink(path: path)
        let blocks = OrderedBlockWriter(sink: sink, blockCount: 4)
        struct Broken: Error {}
        let outcomes = Outcomes()
        let first = try #require(blocks.claim()), second = try #require(blocks.claim())
        #expect((first, second) == (0, 1))
        // Block 1 waits for its turn on another thread (or, if it starts late, finds the failure).
        let done = DispatchSemaphore(value: 0)
        let waiter = Thread {
            do {
                try blocks.write(block: second) { sink in try sink.write(Array("block 1\n".utf8)) }
                outcomes.add("wrote 1")
            } catch {
                outcomes.add(error is Broken ? "stopped 1 by the failure" : "other error at 1")
            }
            done.signal()
        }
        waiter.start()
        Thread.sleep(forTimeInterval: 0.05)
        do {
            try blocks.write(block: first) { _ in throw Broken() }
            outcomes.add("wrote 0")
        } catch {
            outcomes.add(error is Broken ? "stopped 0 by the failure" : "other error at 0")
        }
        #expect(done.wait(timeout: .now() + 10) == .success, "the waiting worker hangs")
        // Block 0's own error and, for the waiting block 1, the recorded first failure; nothing written.
        #expect(outcomes.sorted == ["stopped 0 by the failure", "stopped 1 by the failure"])
        #expect(sink.bytesWritten == 0)
        #expect(throws: Broken.self) { try blocks.finish() }
        #expect(blocks.claim() == nil)
    }

    /// Every block is written, in order, whichever worker formats it.
    @Test func orderedWritesKeepTheBlockOrder() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("out.txt")
        let sink = try FileSink(path: path)
        let blocks = OrderedBlockWriter(sink: sink, blockCount: 200)
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            while let k = blocks.claim() {
                if (k + worker) % 7 == 0 { Thread.sleep(forTimeInterval: 0.001) }
                try? blocks.write(block: k) { sink in try sink.write(Array("\(k)\n".utf8)) }
            }
        }
        try blocks.finish()
        try sink.finish()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == (0..<200).map(String.init))
    }
}

/// Outcomes recorded by several threads.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var sorted: [String] { lock.withLock { items.sorted() } }
}
