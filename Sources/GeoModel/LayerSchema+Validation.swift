import Foundation
import Geodesy

extension LayerSchema {
    /// Validates one input feature against this layer's column contract.
    ///
    /// Every problem of the feature is appended to `problems` (so a user sees all of them at once);
    /// the record is returned only when there is none.
    /// - Parameters:
    ///   - decimalComma: accept `43,25` as a number (CSV files separated by `;`).
    public func validate(_ feature: SourceFeature, decimalComma: Bool = false,
                         problems: inout [ImportProblem]) -> FeatureRecord? {
        var cache = ValidationCache(capacity: 0)
        return validate(feature, decimalComma: decimalComma, problems: &problems, cache: &cache)
    }

    /// ``validate(_:decimalComma:problems:)`` with the conversions of enumeration and set values
    /// remembered in `cache` (a bulk import meets the same few spellings millions of times).
    public func validate(_ feature: SourceFeature, decimalComma: Bool = false,
                         problems: inout [ImportProblem], cache: inout ValidationCache) -> FeatureRecord? {
        let before = problems.count
        if feature.isUnreadable {
            if let reason = feature.unreadableReason {
                problems.append(ImportProblem(feature.location, field: nil, reason))
            }
            for problem in feature.readProblems {
                problems.append(ImportProblem(feature.location, field: problem.field, problem.message))
            }
            if problems.count == before { problems.append(ImportProblem(feature.location, field: nil, "unreadable record")) }
            return nil
        }
        for problem in feature.readProblems {
            problems.append(ImportProblem(feature.location, field: problem.field, problem.message))
        }
        var values: [FieldValue] = []
        values.reserveCapacity(columns.count)
        for (index, column) in columns.enumerated() {
            if !feature.readProblems.isEmpty, feature.readProblems.contains(where: { $0.field == column.name }) { values.append(.null); continue }
            let raw = feature.columnValues.map { $0[index] } ?? feature.properties[column.name] ?? .null
            switch cache.convert(raw, column: index, of: self, decimalComma: decimalComma) {
            case .success(let value):
                if value.isNull && column.required {
                    problems.append(ImportProblem(feature.location, field: column.name, "required value is missing"))
                }
                values.append(value)
            case .failure(let failure):
                problems.append(ImportProblem(feature.location, field: column.name, failure.message))
                values.append(.null)
            }
        }
        let geometry = validateGeometry(feature, problems: &problems)
        return problems.count == before ? FeatureRecord(values: values, geometry: geometry) : nil
    }

    private func validateGeometry(_ feature: SourceFeature, problems: inout [ImportProblem]) -> Geometry? {
        if geometryIsDerived { return nil }
        guard let stored = geometryType else {
            if feature.geometry != nil {
                problems.append(ImportProblem(feature.location, field: "geometry", "layer \(name) has no geometry, but the feature has one"))
            }
            return nil
        }
        if let error = feature.geometryError {
            problems.append(ImportProblem(feature.location, field: "geometry", error))
            return nil
        }
        guard let geometry = feature.geometry else {
            // A coordinate field that could not be read was reported already.
            if !feature.readProblems.isEmpty { return nil }
            problems.append(ImportProblem(feature.location, field: "geometry", "missing (layer \(name) needs \(stored.rawValue))"))
            return nil
        }
        guard acceptedGeometryTypes.contains(geometry.type) else {
            let expected = acceptedGeometryTypes.map(\.rawValue).joined(separator: " or ")
            problems.append(ImportProblem(feature.location, field: "geometry",
                                          "\(geometry.type.rawValue) does not fit layer \(name) (expects \(expected))"))
            return nil
        }
        if let message = Self.structuralProblem(of: geometry) {
            problems.append(ImportProblem(feature.location, field: "geometry", message))
            return nil
        }
        return stored == geometry.type ? geometry : geometry.promotedToMulti
    }

    /// The first coordinate or structure problem of a geometry, or nil when it is usable.
    static func structuralProblem(of geometry: Geometry) -> String? {
        var index = 0
        var bad: (Int, GeoPoint)?
        geometry.forEachPosition { p in
            if bad == nil {
                let ok = p.longitude.isFinite && p.latitude.isFinite
                    && (-180...180).contains(p.longitude) && (-90...90).contains(p.latitude)
                if !ok { bad = (index, p) }
            }
            index += 1
        }
        if let (i, p) = bad {
            return "position \(i) (\(p.longitude), \(p.latitude)) is outside the WGS84 range (longitude -180…180, latitude -90…90)"
        }
        func lineProblem(_ line: [GeoPoint]) -> String? {
            line.count < 2 ? "a line needs at least 2 positions, got \(line.count)" : nil
        }
        func ringProblem(_ ring: [GeoPoint]) -> String? {
            if ring.count < 4 { return "a polygon ring needs at least 4 positions, got \(ring.count)" }
            if ring.first != ring.last { return "a polygon ring is not closed (first and last positions differ)" }
            return nil
        }
        switch geometry {
        case .point: return nil
        case .multiPoint(let ps): return ps.isEmpty ? "empty MultiPoint" : nil
        case .lineString(let l): return lineProblem(l)
        case .multiLineString(let ls):
            return ls.isEmpty ? "empty MultiLineString" : ls.lazy.compactMap(lineProblem).first
        case .polygon(let rings):
            return rings.isEmpty ? "empty Polygon" : rings.lazy.compactMap(ringProblem).first
        case .multiPolygon(let polys):
            if polys.isEmpty || polys.contains(where: \.isEmpty) { return "empty MultiPolygon or polygon" }
            return polys.lazy.flatMap { $0 }.compactMap(ringProblem).first
        }
    }

    /// Why `text` is not a valid value of the column `name`, as an import would read it (nil when
    /// it is valid, also for an empty text); for checking values given on a command line
    /// (`--set FIELD=VALUE`) before anything is read.
    public func problem(withValue text: String, ofColumn name: String) -> String? {
        guard let index = columnIndex(name) else { return "layer \(self.name) has no column '\(name)'" }
        if case .failure(let failure) = Self.convert(.string(text), to: columns[index], decimalComma: false) { return failure.message }
        return nil
    }

    /// Converts a raw value to a column's type; `.failure` carries the message.
    static func convert(_ raw: RawValue, to column: Column, decimalComma: Bool) -> Result<FieldValue, ConversionFailure> {
        if case .string(let s) = raw, s.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .success(.null) }
        switch raw {
        case .null: return .success(.null)
        case .composite(let text): return .failure(ConversionFailure("expected a single value, got \(RawValue.composite(text).display)"))
        default: break
        }
        switch column.type {
        case .text:
            switch raw {
            case .string(let s): return .success(.text(s))
            case .integer(let i): return .success(.text(String(i)))
            default: return .failure(ConversionFailure("expected text, got \(raw.display)"))
            }
        case .integer(let range):
            let value: Int64?
            switch raw {
            case .integer(let i): value = i
            case .real(let d): value = d.rounded() == d && abs(d) < 9e15 ? Int64(d) : nil
            case .string(let s): value = Int64(s.trimmedOfSpaces)
            default: value = nil
            }
            guard let value else { return .failure(ConversionFailure("expected a whole number, got \(raw.display)")) }
            guard range.contains(value) else {
                return .failure(ConversionFailure("\(value) is outside \(range.lowerBound)…\(range.upperBound)"))
            }
            return .success(.integer(value))
        case .real(let range):
            let value: Double?
            switch raw {
            case .integer(let i): value = Double(i)
            case .real(let d): value = d
            case .string(let s):
                var t = s.trimmedOfSpaces
                if decimalComma, t.utf8.contains(UInt8(ascii: ",")) { t = t.replacingOccurrences(of: ",", with: ".") }
                value = DecimalText.double(t)
            default: value = nil
            }
            guard let value, value.isFinite else { return .failure(ConversionFailure("expected a number, got \(raw.display)")) }
            guard range.contains(value) else {
                return .failure(ConversionFailure("\(Self.format(value)) is outside \(Self.format(range.lowerBound))…\(Self.format(range.upperBound))"))
            }
            return .success(.real(value))
        case .enumeration(let allowed):
            guard case .string(let s) = raw else {
                return .failure(ConversionFailure("expected one of \(allowed.joined(separator: ", ")), got \(raw.display)"))
            }
            let t = s.trimmedOfSpaces
            guard let canonical = Self.canonical(t, in: allowed) else {
                return .failure(ConversionFailure("unknown value '\(t)' (expected one of \(allowed.joined(separator: ", ")))"))
            }
            return .success(.text(canonical))
        case .set(let allowed):
            guard case .string(let s) = raw else {
                return .failure(ConversionFailure("expected values from \(allowed.joined(separator: ", ")) separated by ';', got \(raw.display)"))
            }
            var found = Set<String>()
            for part in s.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "|" }) {
                var t = String(part).trimmedOfSpaces
                if t.isEmpty { continue }
                if !allowed.contains(t) { t = Self.valueAliases[t.lowercased()] ?? t }
                guard let canonical = Self.canonical(t, in: allowed) else {
                    return .failure(ConversionFailure("unknown value '\(t)' (expected values from \(allowed.joined(separator: ", ")))"))
                }
                found.insert(canonical)
            }
            if found.isEmpty { return .success(.null) }
            return .success(.text(allowed.filter(found.contains).joined(separator: ";")))
        }
    }

    /// The canonical spelling of an enumeration value: exact first, then case-insensitively.
    static func canonical(_ text: String, in allowed: [String]) -> String? {
        if allowed.contains(text) { return text }
        let lower = text.lowercased()
        return allowed.first { $0.lowercased() == lower }
    }

    /// Other spellings of set values found in operator and OpenCelliD-style files.
    static let valueAliases: [String: String] = [
        "fibre-node": "fibre", "fiber": "fibre", "fiber-node": "fibre", "ftth": "fibre",
        "gsm": "2G", "umts": "3G", "lte": "4G", "nr": "5G",
    ]

    private static func format(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}

/// Why a raw value does not fit its column (the message of an `ImportProblem`).
public struct ConversionFailure: Error, Sendable, Equatable {
    public let message: String
    init(_ message: String) { self.message = message }
}
