import Foundation
import Geodesy

/// CSV rows → features (`lon`,`lat` or `wkt` for the geometry).
final class CSVSource: FeatureSource {
    private let reader: CSVReader
    private let layer: LayerSchema
    private var header: [String] = []
    private var lonIndex: Int?
    private var latIndex: Int?
    private var wktIndex: Int?
    private let defaults: [String: String]
    /// For each field of a record, the index of the layer column it fills (nil for the
    /// coordinates and for fields the layer does not have).
    private var columnOfField: [Int?] = []
    /// `--set` defaults by column index.
    private var defaultColumns: [(column: Int, value: String)] = []
    private(set) var ignoredFields: Set<String> = []
    let skipped: [String: Int] = [:]
    var progress: (done: Int, total: Int?) { reader.progress }
    var decimalComma: Bool { reader.separator == UInt8(ascii: ";") }

    static let longitudeNames: Set<String> = ["lon", "lng", "long", "longitude"]
    static let latitudeNames: Set<String> = ["lat", "latitude"]
    static let wktNames: Set<String> = ["wkt", "geometry", "geom", "the_geom"]

    init(path: String, displayName: String?, layer: LayerSchema, options: SourceOptions) throws(GeoModelError) {
        reader = try CSVReader(path: path, displayName: displayName)
        self.layer = layer
        defaults = options.defaults
        guard let first = try reader.next() else {
            throw .unreadable(file: reader.displayName, line: 1, message: "the file is empty (no header line)")
        }
        // Column names are never numbers: a first line with numbers is a data row.
        let values = first.fields.compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { field in
            options.fieldMap[field] == nil && field.contains(where: \.isNumber)
                && Double(reader.separator == UInt8(ascii: ";") ? field.replacingOccurrences(of: ",", with: ".") : field) != nil
        }
        if !values.isEmpty {
            throw .unreadable(file: reader.displayName, line: first.line,
                              message: "no header line: the first line holds values (\(values.joined(separator: ", "))), not column names; "
                                + "the first line must name the columns (e.g. id,name,lon,lat)")
        }
        for (i, field) in first.fields.enumerated() {
            guard let name = field?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                throw .unreadable(file: reader.displayName, line: first.line, message: "header column \(i + 1) is empty or not valid UTF-8")
            }
            let mapped = options.fieldMap[name] ?? name
            if header.contains(mapped) {
                throw .unreadable(file: reader.displayName, line: first.line, message: "header names column '\(mapped)' twice")
            }
            header.append(mapped)
        }
        let lower = header.map { $0.lowercased() }
        lonIndex = lower.firstIndex { Self.longitudeNames.contains($0) }
        latIndex = lower.firstIndex { Self.latitudeNames.contains($0) }
        wktIndex = lower.firstIndex { Self.wktNames.contains($0) }
        if layer.geometryType != nil, !layer.geometryIsDerived, wktIndex == nil, lonIndex == nil || latIndex == nil {
            throw .unreadable(file: reader.displayName, line: first.line,
                              message: "no geometry columns: layer \(layer.name) needs 'lon' and 'lat' (or 'wkt'); header has \(header.joined(separator: ", "))")
        }
        for (i, name) in header.enumerated() where layer.columnIndex(name) == nil && i != lonIndex && i != latIndex && i != wktIndex {
            ignoredFields.insert(name)
        }
        columnOfField = header.indices.map { i in i == lonIndex || i == latIndex || i == wktIndex ? nil : layer.columnIndex(header[i]) }
        defaultColumns = defaults.compactMap { name, value in layer.columnIndex(name).map { ($0, value) } }.sorted { $0.column < $1.column }
    }

    func next() throws(GeoModelError) -> SourceFeature? {
        guard let record = try reader.next() else { return nil }
        let location = SourceLocation(file: reader.displayName, line: record.line)
        var feature = SourceFeature(location: location, properties: [:], geometry: nil)
        if record.fields.count != header.count {
            feature.isUnreadable = true
            feature.unreadableReason = "the record has \(record.fields.count) fields, the header has \(header.count)"
            return feature
        }
        // Values by column index (validation reads only the layer's columns; the others were
        // reported as ignored from the header).
        var values = [RawValue](repeating: .null, count: layer.columns.count)
        for (i, field) in record.fields.enumerated() {
            guard let field else {
                feature.readProblems.append((header[i], "text is not valid UTF-8"))
                continue
            }
            guard let column = columnOfField[i] else { continue }
            values[column] = field.isEmpty ? .null : .string(field)
        }
        for (column, value) in defaultColumns where values[column] == .null { values[column] = .string(value) }
        feature.columnValues = values
        if let wktIndex, let text = record.fields[wktIndex], !text.isEmpty {
            switch WKT.parse(text) {
            case .success(let g): feature.geometry = g
            case .failure(let f): feature.geometryError = f.message
            }
        } else if let lonIndex, let latIndex {
            let lonText = record.fields[lonIndex] ?? ""
            let latText = record.fields[latIndex] ?? ""
            if lonText.isEmpty && latText.isEmpty {
                // No geometry; validation reports it when the layer needs one.
            } else if let lon = number(lonText), let lat = number(latText) {
                feature.geometry = .point(GeoPoint(longitude: lon, latitude: lat))
            } else {
                let field = number(lonText) == nil ? header[lonIndex] : header[latIndex]
                let text = number(lonText) == nil ? lonText : latText
                feature.readProblems.append((field, "expected a number, got '\(text)'"))
                feature.geometryError = nil
            }
        }
        return feature
    }

    private func number(_ text: String) -> Double? {
        var t = text.trimmedOfSpaces
        if decimalComma { t = t.replacingOccurrences(of: ",", with: ".") }
        guard let d = DecimalText.double(t), d.isFinite else { return nil }
        return d
    }
}
