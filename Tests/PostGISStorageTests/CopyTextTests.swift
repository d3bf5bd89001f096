import GeoModel
import Geodesy
@testable import PostGISStorage
import Testing

/// COPY's text format, byte for byte.
@Suite("COPY text rows")
struct CopyTextTests {
    @Test func encodesValuesNullsEscapesAndGeometry() throws {
        var text = CopyText()
        let point = GeoPoint(longitude: 71.5, latitude: -0.25)
        let full = text.append(FeatureRecord(values: [.text("a\tb\\c\nd\re"), .integer(-42), .real(0.1), .null],
                                             geometry: .point(point)), withGeometry: true)
        #expect(!full)
        _ = text.append(FeatureRecord(values: [.text(""), .null, .real(-0.0), .integer(7)], geometry: nil), withGeometry: true)
        _ = text.append(FeatureRecord(values: [.text("Қазақ"), .real(1e300)], geometry: nil), withGeometry: false)
        let hex = WKB.encode(.point(point)).map { byte in
            let digits = Array("0123456789ABCDEF")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
        let expected = "a\\tb\\\\c\\nd\\re\t-42\t0.1\t\\N\t\(hex)\n" + "\t\\N\t-0.0\t7\t\\N\n" + "Қазақ\t1e+300\n"
        #expect(text.take() == Array(expected.utf8))
        #expect(text.buffer.isEmpty)
    }

    @Test func reportsAFullPiece() {
        var text = CopyText()
        let long = String(repeating: "x", count: CopyText.pieceSize)
        let full = text.append(FeatureRecord(values: [.text(long)], geometry: nil), withGeometry: false)
        #expect(full)
    }
}
