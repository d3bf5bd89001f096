/// A binary comparison of CQL2 (OGC 21-065, "Basic CQL2"): `=`, `<>`, `<`, `<=`, `>`, `>=`.
///
/// Numbers compare by value (whole numbers and decimals alike); text compares by its UTF-8
/// bytes, case-sensitively (`'Taraz' <> 'taraz'`), as SQLite's `BINARY` collation does.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// The operator that gives the same answer with its operands swapped: `5000 < population`
    /// is `population > 5000`.
    public var swapped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        }
    }

    /// Whether the comparison holds when the left operand is before (`order < 0`), equal to
    /// (`0`) or after (`> 0`) the right one.
    public func holds(forOrder order: Int) -> Bool {
        switch self {
        case .equal: order == 0
        case .notEqual: order != 0
        case .less: order < 0
        case .lessOrEqual: order <= 0
        case .greater: order > 0
        case .greaterOrEqual: order >= 0
        }
    }
}
