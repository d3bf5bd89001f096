import Geodesy

extension FeatureCondition {
    /// Whether `record` (a feature of `layer`) meets the condition: true only when the condition
    /// evaluates to true, not when it is false or unknown (see ``FeatureCondition`` for the
    /// three-valued logic). The in-memory store selects with it; the SpatiaLite store translates
    /// the same semantics into SQL.
    public func matches(_ record: FeatureRecord, layer: LayerSchema) -> Bool {
        evaluate(record, layer: layer) == true
    }

    /// The condition's value for `record`: true, false, or nil for unknown (SQL's NULL).
    /// A column that the layer does not have reads as NULL (``validate(for:)`` refuses it first).
    public func evaluate(_ record: FeatureRecord, layer: LayerSchema) -> Bool? {
        switch self {
        case .and(let parts):
            var unknown = false
            for part in parts {
                switch part.evaluate(record, layer: layer) {
                case false?: return false
                case nil: unknown = true
                case true?: break
                }
            }
            return unknown ? nil : true
        case .or(let parts):
            var unknown = false
            for part in parts {
                switch part.evaluate(record, layer: layer) {
                case true?: return true
                case nil: unknown = true
                case false?: break
                }
            }
            return unknown ? nil : false
        case .not(let inner):
            return inner.evaluate(record, layer: layer).map { !$0 }
        case .compare(let column, let op, let value):
            return Self.order(Self.value(column, of: record, layer: layer), value).map(op.holds(forOrder:))
        case .isIn(let column, let values):
            if values.isEmpty { return false }
            let stored = Self.value(column, of: record, layer: layer)
            var unknown = false
            for value in values {
                switch Self.order(stored, value) {
                case 0?: return true
                case nil: unknown = true
                default: break
                }
            }
            return unknown ? nil : false
        case .between(let column, let low, let high):
            let stored = Self.value(column, of: record, layer: layer)
            return Self.both(Self.order(stored, low).map { $0 >= 0 }, Self.order(stored, high).map { $0 <= 0 })
        case .like(let column, let pattern):
            switch Self.value(column, of: record, layer: layer) {
            case .null: return nil
            case .text(let text): return LikePattern(pattern).matches(text)
            case .integer(let i): return LikePattern(pattern).matches(String(i))
            case .real(let d): return LikePattern(pattern).matches(String(d))
            }
        case .isNull(let column):
            return Self.value(column, of: record, layer: layer).isNull
        case .intersectsBox(let box):
            return record.geometry.map { $0.intersects(box) }
        case .intersects(let geometry):
            return record.geometry.map { $0.intersects(geometry) }
        }
    }

    /// Three-valued AND of two values.
    private static func both(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == false || b == false { return false }
        if a == nil || b == nil { return nil }
        return true
    }

    private static func value(_ column: String, of record: FeatureRecord, layer: LayerSchema) -> FieldValue {
        guard let index = layer.columnIndex(column), index < record.values.count else { return .null }
        return record.values[index]
    }

    /// SQLite's comparison of two values: nil when either is NULL; numbers by value (whole
    /// numbers exactly among themselves), before any text; text by UTF-8 bytes (`BINARY`
    /// collation: case-sensitive, no Unicode normalisation). −1, 0 or 1 otherwise.
    public static func order(_ a: FieldValue, _ b: FieldValue) -> Int? {
        switch (a, b) {
        case (.null, _), (_, .null): return nil
        case (.integer(let x), .integer(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.text(let x), .text(let y)):
            if x.utf8.elementsEqual(y.utf8) { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        case (.text, _): return 1
        case (_, .text): return -1
        default:
            let x = a.number ?? 0, y = b.number ?? 0
            return x < y ? -1 : (x == y ? 0 : 1)
        }
    }
}
