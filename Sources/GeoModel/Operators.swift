import Geodesy
/// A mobile network operator of Kazakhstan: brand, company and network code.
public struct MobileOperator: Sendable, Hashable {
    /// The brand as it appears in site data (`operator` column), e.g. `Beeline`.
    public let brand: String
    /// The licensed company, as named in programmes and commitments, e.g. `Kar-Tel`.
    public let company: String
    /// Mobile country code (401 = Kazakhstan).
    public let mcc: Int
    /// Mobile network code.
    public let mnc: Int

    /// The operators of MCC 401 that Qamtu knows (ITU-T E.212 assignments).
    public static let kazakhstan: [MobileOperator] = [
        MobileOperator(brand: "Beeline", company: "Kar-Tel", mcc: 401, mnc: 1),
        MobileOperator(brand: "Kcell", company: "Kcell", mcc: 401, mnc: 2),
        MobileOperator(brand: "Altel", company: "Mobile Telecom-Service", mcc: 401, mnc: 7),
        MobileOperator(brand: "Tele2", company: "Mobile Telecom-Service", mcc: 401, mnc: 77),
    ]

    /// The operator with this network code, or nil.
    public static func byCode(mcc: Int, mnc: Int) -> MobileOperator? {
        kazakhstan.first { $0.mcc == mcc && $0.mnc == mnc }
    }
}

/// OpenCelliD cell CSV → sites. Every position is flagged `estimated` (OpenCelliD positions are
/// averaged from crowd-sourced measurements); rows of other countries (MCC ≠ 401) are skipped and counted.
/// A `range` of 0 (OpenCelliD's "unknown") leaves `range_m` empty.
final class OpenCelliDSource: FeatureSource {
    private let reader: CSVReader
    private var columns: [String: Int] = [:]
    private var headerCount = 0
    /// Values for columns a cell leaves empty (`--set FIELD=VALUE`).
    private let defaults: [String: String]
    private(set) var skipped: [String: Int] = [:]
    let ignoredFields: Set<String> = []
    var decimalComma: Bool { false }
    var progress: (done: Int, total: Int?) { reader.progress }

    static let required = ["radio", "mcc", "net", "area", "cell", "lon", "lat"]
    /// OpenCelliD `radio` values → technology.
    static let technologies = ["GSM": "2G", "CDMA": "2G", "UMTS": "3G", "LTE": "4G", "NR": "5G"]

    init(path: String, displayName: String?, defaults: [String: String] = [:]) throws(GeoModelError) {
        self.defaults = defaults
        reader = try CSVReader(path: path, displayName: displayName, separator: UInt8(ascii: ","))
        guard let first = try reader.next() else {
            throw .unreadable(file: reader.displayName, line: 1, message: "the file is empty (no header line)")
        }
        headerCount = first.fields.count
        for (i, name) in first.fields.enumerated() {
            if let name { columns[name.trimmingCharacters(in: .whitespaces).lowercased()] = i }
        }
        let missing = Self.required.filter { columns[$0] == nil }
        if !missing.isEmpty {
            throw .unreadable(file: reader.displayName, line: first.line,
                              message: "not an OpenCelliD cell file: missing columns \(missing.joined(separator: ", "))")
        }
    }

    func next() throws(GeoModelError) -> SourceFeature? {
        while let record = try reader.next() {
            var feature = SourceFeature(location: SourceLocation(file: reader.displayName, line: record.line),
                                        properties: [:], geometry: nil)
            if record.fields.count != headerCount {
                feature.isUnreadable = true
                feature.unreadableReason = "the record has \(record.fields.count) fields, the header has \(headerCount)"
                return feature
            }
            func field(_ name: String) -> String? {
                columns[name].flatMap { record.fields[$0] }?.trimmedOfSpaces
            }
            guard let mccText = field("mcc"), let mcc = Int(mccText) else {
                feature.readProblems.append(("mcc", "expected a whole number, got '\(field("mcc") ?? "")'"))
                feature.isUnreadable = true
                return feature
            }
            if mcc != 401 {
                skipped["outside Kazakhstan (MCC ≠ 401)", default: 0] += 1
                continue
            }
            let net = field("net") ?? ""
            let area = field("area") ?? ""
            let cell = field("cell") ?? ""
            guard let mnc = Int(net) else {
                feature.readProblems.append(("net", "expected a whole number, got '\(net)'"))
                feature.isUnreadable = true
                return feature
            }
            let radio = (field("radio") ?? "").uppercased()
            guard let technology = Self.technologies[radio] else {
                feature.readProblems.append(("radio", "unknown value '\(radio)' (expected one of GSM, CDMA, UMTS, LTE, NR)"))
                feature.isUnreadable = true
                return feature
            }
            var p: [String: RawValue] = [:]
            p["id"] = .string("ocid-\(mcc)-\(mnc)-\(area)-\(cell)")
            p["name"] = .string("\(radio) cell \(area)/\(cell)")
            p["kind"] = .string("base_station")
            p["operator"] = .string(MobileOperator.byCode(mcc: mcc, mnc: mnc)?.brand ?? "MCC \(mcc) MNC \(mnc)")
            p["technologies"] = .string(technology)
            // OpenCelliD writes 0 when it does not know the range: no explicit range then (the
            // propagation model or the default table applies, and `--set range_m=…` can fill it).
            if let range = field("range"), !range.isEmpty, Double(range) != 0 { p["range_m"] = .string(range) }
            p["status"] = .string("operational")
            p["position"] = .string("estimated")
            p["source"] = .string("OpenCelliD")
            if let created = field("created"), let seconds = Int64(created), seconds > 0 {
                p["commissioned"] = .string(Self.isoDate(unixSeconds: seconds))
            }
            feature.properties = p
            feature.applyDefaults(defaults)
            let lonText = field("lon") ?? "", latText = field("lat") ?? ""
            if let lon = Double(lonText), let lat = Double(latText) {
                feature.geometry = .point(GeoPoint(longitude: lon, latitude: lat))
            } else {
                let bad = Double(lonText) == nil ? ("lon", lonText) : ("lat", latText)
                feature.readProblems.append((bad.0, "expected a number, got '\(bad.1)'"))
            }
            return feature
        }
        return nil
    }

    /// `YYYY-MM-DD` (UTC) of a Unix time (proleptic Gregorian).
    static func isoDate(unixSeconds: Int64) -> String {
        let (y, m, d) = PortalTime.civil(PortalTime.floorDivide(unixSeconds, 86_400))
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))"
    }
}
