import Dispatch
import GeoModel
import Geodesy

/// Writes coverage results and diffs as GeoJSON Points, GeoJSON text sequences or CSV.
///
/// Each feature is a settlement: every column of the settlements layer, then
/// `class`, `best_fixed`, `best_mobile`, `satellite` (boolean), `covering_sites` (every covering
/// site as `id:TECH`, `;`-separated: the best technology's sites nearest first, then the sites
/// that cover only with a lower technology, by technology), `covering_operators` (every covering
/// operator once as `Operator:TECH` with its best technology, in the same order),
/// `nearest_site_id`, `nearest_site_m`
/// (metres, 0.1 m) and `reason`. Coordinates are WGS84 lon/lat with `precision` decimals,
/// correctly rounded. A diff writes `year_from`, `year_to`, `class_from`, `class_to`,
/// `best_fixed_from`, `best_fixed_to`, `best_mobile_from`, `best_mobile_to` and `reason` instead.
/// ``properties`` selects and orders the properties; the GeoJSON feature id and, in CSV, `lon`,`lat`
/// are always written.
public struct CoverageWriter: Sendable {
    /// The format written.
    public var format: ExportFormat
    /// Decimals of coordinates (0–15).
    public var precision: Int
    /// The properties written, in this order; nil for all of them (the settlement columns, then the
    /// coverage or diff fields).
    public var properties: [String]?
    /// Further members of the GeoJSON FeatureCollection, written after its `qamtu` member (a
    /// server's `numberMatched`, `numberReturned` and `links`): JSON object members without the
    /// braces, e.g. `"numberMatched":3,"links":[]`, or empty. Other formats ignore them.
    public var collectionMembers = ""
    /// The entries written (indices into the result's entries), nil for all; the metadata's
    /// `counts` still count every entry of the result (a server's page of a larger answer).
    public var page: Range<Int>?

    /// Creates a writer.
    public init(format: ExportFormat = .geojson, precision: Int = 6, properties: [String]? = nil) {
        self.format = format
        self.precision = precision
        self.properties = properties
    }

    /// Every property of a coverage result: the settlement columns, then ``coverageFields``.
    public static var resultProperties: [String] { LayerSchema.settlements.columns.map(\.name) + coverageFields }
    /// Every property of a diff: the settlement columns, then ``diffFields``.
    public static var diffProperties: [String] { LayerSchema.settlements.columns.map(\.name) + diffFields }

    /// Checks that `properties` names properties of a coverage result, at least one, each once.
    /// - Throws: `CoverageError.unknownProperty` naming the first unknown one and listing the known
    ///   ones; `CoverageError.invalidSetting` for an empty list or a name listed twice.
    public static func validate(resultProperties properties: [String]) throws(CoverageError) {
        try validate(properties, known: resultProperties)
    }

    /// Checks that `properties` names properties of a diff, at least one, each once.
    /// - Throws: `CoverageError.unknownProperty` naming the first unknown one and listing the known
    ///   ones; `CoverageError.invalidSetting` for an empty list or a name listed twice.
    public static func validate(diffProperties properties: [String]) throws(CoverageError) {
        try validate(properties, known: diffProperties)
    }

    private static func validate(_ properties: [String], known: [String]) throws(CoverageError) {
        if properties.isEmpty { throw .invalidSetting("--properties", reason: "no property names given") }
        if let unknown = properties.first(where: { !known.contains($0) }) {
            throw .unknownProperty(unknown, known: known)
        }
        var seen = Set<String>()
        for name in properties where !seen.insert(name).inserted {
            throw .invalidSetting("--properties", reason: "'\(name)' is listed twice")
        }
    }

    /// What the evaluation must find for a result written with `properties` (nil: all of them):
    /// covering sites for `covering_sites`, `covering_operators` and `reason`, the nearest site
    /// for `nearest_site_id`, `nearest_site_m` and `reason`.
    public static func detail(forProperties properties: [String]?) -> EvaluationDetail {
        guard let properties else { return .all }
        var detail: EvaluationDetail = []
        for name in properties {
            switch name {
            case "covering_sites", "covering_operators": detail.insert(.coveringSites)
            case "nearest_site_id", "nearest_site_m": detail.insert(.nearestSite)
            case "reason": detail = .all
            default: break
            }
        }
        return detail
    }

    /// One output property: a settlement column or an extra (coverage or diff) field, by index.
    enum Field: Sendable, Hashable {
        case column(Int)
        case extra(Int)
    }

    /// The fields for `properties` (nil: every column, then every extra field); unknown names are left out.
    static func fields(_ properties: [String]?, extraFields: [String]) -> [Field] {
        let columns = LayerSchema.settlements.columns.map(\.name)
        guard let properties else { return columns.indices.map(Field.column) + extraFields.indices.map(Field.extra) }
        return properties.compactMap { name in
            if let i = columns.firstIndex(of: name) { return .column(i) }
            return extraFields.firstIndex(of: name).map(Field.extra)
        }
    }

    /// A property value of the output.
    enum Value: Sendable {
        case field(FieldValue)
        case text(String?)
        /// Texts joined by `;` (nil when empty).
        case list([String])
        case integer(Int?)
        case meters(Double?)
        case bool(Bool)
        /// Text already as UTF-8 bytes.
        case utf8([UInt8])
    }

    /// The names of the coverage fields, in output order.
    public static let coverageFields = ["class", "best_fixed", "best_mobile", "satellite", "covering_sites",
                                        "covering_operators", "nearest_site_id", "nearest_site_m", "reason"]
    /// The names of the diff fields, in output order.
    public static let diffFields = ["year_from", "year_to", "class_from", "class_to", "best_fixed_from", "best_fixed_to",
                                    "best_mobile_from", "best_mobile_to", "reason"]

    /// Writes every entry of `result`; returns the number of features written.
    ///
    /// A result evaluated with less detail than ``properties`` need (``detail(forProperties:)``)
    /// is written correctly but slower: each entry is evaluated again (``CoverageResult/complete(_:)``).
    @discardableResult
    public func write(_ result: CoverageResult, to sink: OutputSink) throws(GeoModelError) -> Int {
        let completing = !result.detail.isSuperset(of: Self.detail(forProperties: properties))
        var members: [(key: String, value: JSONValue)] = [
            ("as_of", .integer(Int64(result.asOfYear))), ("scenario", .string(result.scenario.rawValue)),
            ("profile", .string(result.profile.name)), ("rules", .string(result.profile.summary)),
        ]
        // The metadata is only written in GeoJSON (counting every entry's class is not free).
        if format == .geojson {
            let counts = result.counts
            members.append(("counts", .object(CoverageClass.allCases.map { ($0.rawValue, .integer(Int64(counts[$0] ?? 0))) })))
        }
        let settings = result.engine.rangeModel.settings
        members.append(("propagation", .object([
            ("receiver_height_m", .number(settings.receiverHeightMeters)),
            ("thresholds_dbm", .object(MobileTechnology.allCases.map { ($0.label, .number(settings.thresholdsDBm[$0] ?? .nan)) })),
            ("default_ranges_m", .object(MobileTechnology.allCases.map { ($0.label, .number(settings.defaultRangesMeters[$0] ?? .nan)) })),
        ])))
        let fields = Self.fields(properties, extraFields: Self.coverageFields)
        let written = Self.coverageFields.indices.map { fields.contains(.extra($0)) }
        // The operators of the covering sites, by ordinal (one pass over the sites).
        let operatorIndex = written[Self.operatorsField] || written[Self.reasonField] ? result.engine.operatorIndex() : nil
        let ids = written[Self.sitesField] ? SiteIDTable(result.engine.sites) : nil
        let rows = (page ?? 0..<result.entries.count).clamped(to: 0..<result.entries.count)
        let first = rows.lowerBound
        return try write(count: rows.count, settlements: result.settlements, extraFields: Self.coverageFields,
                         fields: fields, name: "coverage", metadata: .object(members), to: sink) { row, values in
            let i = first + row
            if completing {
                let entry = result.complete(result.entries[i])
                Self.values(entry, result: result, written: written, operatorIndex: operatorIndex, ids: ids, into: &values)
                return entry.settlement
            }
            // Read in place: a copy of the entry would retain its arrays and strings.
            return result.entries.withUnsafeBufferPointer { entries in
                let entry = entries.baseAddress.unsafelyUnwrapped + i
                Self.values(entry.pointee, result: result, written: written, operatorIndex: operatorIndex, ids: ids, into: &values)
                return entry.pointee.settlement
            }
        }
    }

    /// Writes the changes of `diff`; returns the number of features written.
    @discardableResult
    public func write(_ diff: CoverageDiff, to sink: OutputSink) throws(GeoModelError) -> Int {
        let metadata = JSONValue.object([
            ("year_from", .integer(Int64(diff.before.asOfYear))), ("year_to", .integer(Int64(diff.after.asOfYear))),
            ("scenario", .string(diff.after.scenario.rawValue)), ("profile", .string(diff.after.profile.name)),
            ("rules", .string(diff.after.profile.summary)), ("changes", .integer(Int64(diff.changes.count))),
            ("comparison", .string(diff.comparison)),
            ("population_change", .object(diff.populationChange.map { ($0.coverageClass.rawValue, .integer(Int64($0.people))) })),
        ] + (diff.proposedSiteIDs.isEmpty ? [] : [("with_sites", .array(diff.proposedSiteIDs.map { .string($0) }))]))
        return try write(count: diff.changes.count, settlements: diff.settlements, extraFields: Self.diffFields,
                         fields: Self.fields(properties, extraFields: Self.diffFields), name: "coverage-diff",
                         metadata: metadata, to: sink) { i, values in
            let change = diff.changes[i]
            values = [
                .integer(diff.before.asOfYear), .integer(diff.after.asOfYear),
                .text(change.before.coverageClass.rawValue), .text(change.after.coverageClass.rawValue),
                .text(change.before.fixed?.technology), .text(change.after.fixed?.technology),
                .text(change.before.bestMobile?.label), .text(change.after.bestMobile?.label),
                .text(change.reason),
            ]
            return change.settlement
        }
    }

    /// The indices of `covering_sites`, `covering_operators` and `reason` in ``coverageFields``.
    private static let sitesField = coverageFields.firstIndex(of: "covering_sites") ?? -1
    private static let operatorsField = coverageFields.firstIndex(of: "covering_operators") ?? -1
    private static let reasonField = coverageFields.firstIndex(of: "reason") ?? -1

    /// The values of ``coverageFields`` for `entry` into `values` (replaced; its storage is
    /// reused from row to row). Only the fields `written` (by index) are computed, the others are
    /// null. `entry` holds the detail that the fields written use; `operatorIndex` is the engine's
    /// (``CoverageEngine/operatorIndex()``), when the operators are written.
    static func values(_ entry: borrowing SettlementCoverage, result: CoverageResult, written: [Bool],
                       operatorIndex: (ordinals: [Int32], names: [String])?, ids: SiteIDTable?, into values: inout [Value]) {
        values.removeAll(keepingCapacity: true)
        let needsReason = written[reasonField]
        let operators = needsReason ? result.operators(ofCoveringSites: entry, index: operatorIndex) : []
        for (k, isWritten) in written.enumerated() {
            guard isWritten else {
                values.append(.text(nil))
                continue
            }
            switch k {
            case 0: values.append(.text(entry.coverageClass.rawValue))
            case 1: values.append(.text(entry.fixed?.technology))
            case 2: values.append(.text(entry.bestMobile?.label))
            case 3: values.append(.bool(entry.satelliteInstitutions > 0))
            case 4:
                if let ids, entry.bestMobile != nil {
                    values.append(.utf8(result.coveringSiteTechnologies(entry, ids: ids)))
                } else {
                    values.append(.text(nil))
                }
            case 5: values.append(.list(result.operatorTechnologies(ofCoveringSites: entry, index: operatorIndex)))
            case 6: values.append(.text(entry.nearestSite.map { result.engine.sites[$0].id }))
            case 7: values.append(.meters(entry.nearestSiteMeters))
            default:
                var text = JSONBuffer(capacity: 512)
                result.reason(entry, operators: operators, operatorIndex: operatorIndex, into: &text)
                values.append(.utf8(text.bytes))
            }
        }
    }

    /// Rows formatted per block of ``blockRows``, blocks in parallel, written in order.
    static let blockRows = 1024

    /// Writes `n` rows of `fields`; `row(i, &values)` gives the index of the row's settlement in
    /// `settlements` and puts the values of every extra field into `values` (a buffer reused from
    /// row to row).
    private func write(count n: Int, settlements: [CoverageSettlement], extraFields: [String], fields: [Field], name: String,
                       metadata: JSONValue, to sink: OutputSink,
                       row: @escaping @Sendable (Int, inout [Value]) -> Int) throws(GeoModelError) -> Int {
        let columns = LayerSchema.settlements.columns
        let writer = GeoJSONWriter(precision: precision)
        var out = JSONBuffer(capacity: 1 << 16)
        switch format {
        case .geojson:
            out.raw("{\"type\":\"FeatureCollection\",\"name\":")
            out.string(name)
            out.raw(",\"qamtu\":")
            writer.json(metadata, into: &out)
            if !collectionMembers.isEmpty {
                out.raw(",")
                out.raw(collectionMembers)
            }
            out.raw(",\"features\":[\n")
        case .geojsonseq:
            break
        case .csv:
            let names = fields.map { field in
                switch field {
                case .column(let i): columns[i].name
                case .extra(let k): extraFields[k]
                }
            }
            out.raw((names + ["lon", "lat"]).joined(separator: ","))
            out.raw("\n")
        }
        try sink.drain(&out)
        let format = self.format
        let precision = self.precision
        let keys = (columns.map(\.name) + extraFields).map { key -> [UInt8] in
            var buffer = JSONBuffer(capacity: 32)
            buffer.string(key)
            buffer.raw(":")
            return buffer.bytes
        }
        // Blocks of rows are formatted by two workers, each writing its block in order as soon as
        // the blocks before it are written.
        let blockCount = (n + Self.blockRows - 1) / Self.blockRows
        let blocks = OrderedBlockWriter(sink: sink, blockCount: blockCount)
        DispatchQueue.concurrentPerform(iterations: min(2, blockCount)) { _ in
            var buffer = JSONBuffer(capacity: 1 << 20)
            var values: [Value] = []
            values.reserveCapacity(extraFields.count)
            while let b = blocks.claim() {
                buffer.removeAll()
                settlements.withUnsafeBufferPointer { settlements in
                    for i in (b * Self.blockRows)..<min(n, (b + 1) * Self.blockRows) {
                        // The settlement is read in place (a copy would retain its strings and record).
                        let k = row(i, &values)
                        precondition(settlements.indices.contains(k), "settlement \(k) of row \(i) is not in the result")
                        let settlement = settlements.baseAddress.unsafelyUnwrapped + k
                        Self.format(settlement, values, index: i, format: format, precision: precision, keys: keys,
                                    fields: fields, columns: columns.count, into: &buffer)
                    }
                }
                do {
                    try blocks.write(block: b) { sink in try sink.drain(&buffer) }
                } catch {
                    blocks.fail(error)
                    return
                }
            }
        }
        do { try blocks.finish() } catch let error as GeoModelError { throw error } catch {
            throw .unreadable(file: sink.displayName, line: nil, message: "\(error)")
        }
        if format == .geojson { out.raw(n > 0 ? "\n]}\n" : "]}\n") }
        try sink.drain(&out)
        try sink.finish()
        return n
    }

    /// Formats one row; `keys` holds the JSON keys of the columns, then of the extra fields.
    private static func format(_ settlement: UnsafePointer<CoverageSettlement>, _ values: [Value], index: Int,
                               format: ExportFormat, precision: Int, keys: [[UInt8]], fields: [Field], columns: Int,
                               into out: inout JSONBuffer) {
        let writer = GeoJSONWriter(precision: precision)
        let record = settlement.pointee.record.values
        switch format {
        case .geojson, .geojsonseq:
            if format == .geojson && index > 0 { out.raw(",\n") }
            out.raw("{\"type\":\"Feature\",\"id\":")
            out.string(settlement.pointee.id)
            out.raw(",\"geometry\":{\"type\":\"Point\",\"coordinates\":")
            writer.position(settlement.pointee.position, into: &out)
            out.raw("},\"properties\":{")
            for (n, field) in fields.enumerated() {
                if n > 0 { out.raw(",") }
                switch field {
                case .column(let i):
                    out.append(contentsOf: keys[i])
                    writer.value(i < record.count ? record[i] : .null, into: &out)
                case .extra(let k):
                    out.append(contentsOf: keys[columns + k])
                    json(values[k], writer: writer, into: &out)
                }
            }
            out.raw("}}")
            if format == .geojsonseq { out.raw("\n") }
        case .csv:
            for (n, field) in fields.enumerated() {
                if n > 0 { out.raw(",") }
                switch field {
                case .column(let i): csv(.field(i < record.count ? record[i] : .null), into: &out)
                case .extra(let k): csv(values[k], into: &out)
                }
            }
            if !fields.isEmpty { out.raw(",") }
            out.fixed(settlement.pointee.position.longitude, decimals: precision)
            out.raw(",")
            out.fixed(settlement.pointee.position.latitude, decimals: precision)
            out.raw("\n")
        }
    }

    private static func json(_ value: Value, writer: GeoJSONWriter, into out: inout JSONBuffer) {
        switch value {
        case .field(let field): writer.value(field, into: &out)
        case .text(let text?): out.string(text)
        case .list(let items) where !items.isEmpty: out.string(items.joined(separator: ";"))
        case .integer(let i?): out.integer(Int64(i))
        case .meters(let m?) where m.isFinite: out.fixed(m, decimals: 1)
        case .bool(let b): out.raw(b ? "true" : "false")
        case .utf8(let bytes): bytes.withUnsafeBufferPointer { out.string(utf8: $0) }
        default: out.raw("null")
        }
    }

    private static func csv(_ value: Value, into out: inout JSONBuffer) {
        switch value {
        case .field(.text(let text)), .text(let text?): out.csvField(text)
        case .list(let items) where !items.isEmpty: out.csvField(items.joined(separator: ";"))
        case .field(.integer(let i)): out.integer(i)
        case .field(.real(let d)): out.number(d)
        case .integer(let i?): out.integer(Int64(i))
        case .meters(let m?) where m.isFinite: out.fixed(m, decimals: 1)
        case .bool(let b): out.raw(b ? "true" : "false")
        case .utf8(let bytes): bytes.withUnsafeBufferPointer { out.csvField(utf8: $0) }
        default: break
        }
    }
}
