import Geodesy

/// Parses the text encoding of CQL2 (OGC 21-065, `filter-lang=cql2-text`; also the older
/// `cql-text` of OGC API – Features Part 3 drafts) into a ``FeatureCondition`` for one layer.
///
/// What it reads:
/// - comparisons `=`, `<>`, `<`, `<=`, `>`, `>=` between a property and a literal (either side);
/// - `AND`, `OR`, `NOT` (precedence `NOT` > `AND` > `OR`) and parentheses;
/// - `[NOT] IN (v, …)`, `[NOT] BETWEEN a AND b`, `[NOT] LIKE 'pattern'` (`%`, `_`, `\` escape),
///   `IS [NOT] NULL`, and `TRUE` / `FALSE` as conditions;
/// - literals: text in single quotes (`''` is a quote), numbers (`12`, `-3.5`, `1e3`),
///   `TRUE` / `FALSE`;
/// - property names bare (`population`) or in double quotes (`"population"`, `""` is a quote);
/// - `S_INTERSECTS(geometry, BBOX(minLon, minLat, maxLon, maxLat))`, and with `POINT(lon lat)`,
///   `LINESTRING`, `POLYGON((…))`, `MULTIPOINT`, `MULTILINESTRING`, `MULTIPOLYGON` in WKT
///   (CRS84: longitude first, degrees); `INTERSECTS` is the older name; the geometry property
///   is `geometry` or `geom`, on either side.
///
/// Keywords and function names are case-insensitive; property names are exact. Each literal
/// is typed by its column (an enumeration value is spelled as the schema lists it; a set's
/// values are put in the schema's order) and stays a typed value: nothing of the text ever
/// becomes SQL. A filter longer than ``maximumLength`` bytes or nested deeper than
/// ``maximumDepth`` levels is refused before it can exhaust memory or the stack.
///
/// ```swift
/// let condition = try CQL2TextParser.parse("population > 1000 AND kind IN ('town', 'city')",
///                                          layer: .settlements)
/// ```
public enum CQL2TextParser {
    /// The longest filter accepted, in UTF-8 bytes.
    public static let maximumLength = 8_192
    /// The deepest nesting of parentheses and `NOT` accepted.
    public static let maximumDepth = 64

    /// Parses `text` as a condition on `layer`'s queryables.
    /// - Throws: `GeoModelError.invalidFilterText` with the 1-based character where the problem
    ///   is and what was expected there (an unknown property names the layer's queryables; a
    ///   value that does not fit its column says so).
    public static func parse(_ text: String, layer: LayerSchema) throws(GeoModelError) -> FeatureCondition {
        guard text.utf8.count <= maximumLength else {
            throw .invalidFilterText("the filter is \(text.utf8.count) bytes long; at most \(maximumLength) are accepted", position: nil)
        }
        let characters = Array(text)
        var parser = Parser(characters: characters, tokens: try Lexer(characters: characters).tokens(), layer: layer)
        return try parser.filter()
    }
}

extension FeatureCondition {
    /// Parses CQL2 text for `layer` (see ``CQL2TextParser``).
    /// - Throws: `GeoModelError.invalidFilterText`.
    public init(cql2Text text: String, layer: LayerSchema) throws(GeoModelError) {
        self = try CQL2TextParser.parse(text, layer: layer)
    }
}

/// One token of CQL2 text, with its place (0-based character offsets).
private struct Token {
    enum Kind: Equatable {
        /// A bare word: a keyword, function or property name.
        case word
        /// A property name in double quotes (`value` holds it unquoted).
        case quoted
        /// Text in single quotes (`value` holds it unquoted).
        case string
        case number
        /// `(`, `)`, `,`, `=`, `<>`, `<`, `<=`, `>`, `>=`.
        case symbol
        case end
    }

    let kind: Kind
    let value: String
    let start: Int
    let end: Int

    /// The 1-based character of the token's start, for messages.
    var position: Int { start + 1 }

    /// Whether the token is the keyword `keyword` (upper case), in any case.
    func isKeyword(_ keyword: String) -> Bool { kind == .word && value.uppercased() == keyword }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && value == symbol }

    /// The token as a message shows it.
    var shown: String {
        switch kind {
        case .end: "the end of the filter"
        case .string: "'\(value.count > 30 ? String(value.prefix(30)) + "…" : value)'"
        case .quoted: "\"\(value)\""
        default: "'\(value)'"
        }
    }
}

private struct Lexer {
    let characters: [Character]

    func tokens() throws(GeoModelError) -> [Token] {
        var out: [Token] = []
        var i = 0
        let c = characters
        while i < c.count {
            let ch = c[i]
            if ch.isWhitespace { i += 1; continue }
            let start = i
            if ch.isLetter || ch == "_" {
                while i < c.count, c[i].isLetter || c[i].isNumber || c[i] == "_" || c[i] == "." || c[i] == ":" { i += 1 }
                out.append(Token(kind: .word, value: String(c[start..<i]), start: start, end: i))
            } else if ch == "'" || ch == "\"" {
                var value = ""
                i += 1
                var closed = false
                while i < c.count {
                    if c[i] == ch {
                        if i + 1 < c.count, c[i + 1] == ch { value.append(ch); i += 2; continue }
                        i += 1
                        closed = true
                        break
                    }
                    value.append(c[i])
                    i += 1
                }
                guard closed else {
                    let what = ch == "'" ? "text" : "property name"
                    throw .invalidFilterText("the \(what) starting with \(ch) is not closed (expected a closing \(ch))", position: start + 1)
                }
                out.append(Token(kind: ch == "'" ? .string : .quoted, value: value, start: start, end: i))
            } else if ch.isASCII, ch.isNumber || ((ch == "-" || ch == "+" || ch == ".") && Self.startsNumber(c, at: i)) {
                if ch == "-" || ch == "+" { i += 1 }
                var digits = 0
                while i < c.count, c[i].isASCII, c[i].isNumber { i += 1; digits += 1 }
                if i < c.count, c[i] == "." {
                    i += 1
                    while i < c.count, c[i].isASCII, c[i].isNumber { i += 1; digits += 1 }
                }
                if digits > 0, i < c.count, c[i] == "e" || c[i] == "E" {
                    var j = i + 1
                    if j < c.count, c[j] == "+" || c[j] == "-" { j += 1 }
                    if j < c.count, c[j].isASCII, c[j].isNumber {
                        i = j
                        while i < c.count, c[i].isASCII, c[i].isNumber { i += 1 }
                    }
                }
                if i < c.count, c[i].isLetter || c[i] == "_" {
                    throw .invalidFilterText("'\(String(c[start...i]))' is not a number", position: start + 1)
                }
                out.append(Token(kind: .number, value: String(c[start..<i]), start: start, end: i))
            } else if "(),=".contains(ch) {
                i += 1
                out.append(Token(kind: .symbol, value: String(ch), start: start, end: i))
            } else if ch == "<" || ch == ">" {
                i += 1
                if i < c.count, c[i] == "=" || (ch == "<" && c[i] == ">") { i += 1 }
                out.append(Token(kind: .symbol, value: String(c[start..<i]), start: start, end: i))
            } else {
                let hint = ch == "!" ? " (write <> for 'not equal')" : ""
                throw .invalidFilterText("unexpected character '\(ch)'\(hint)", position: start + 1)
            }
        }
        out.append(Token(kind: .end, value: "", start: c.count, end: c.count))
        return out
    }

    /// Whether a sign or a point at `i` starts a number (a digit follows, after a point for a sign).
    private static func startsNumber(_ c: [Character], at i: Int) -> Bool {
        var j = i + 1
        if c[i] != ".", j < c.count, c[j] == "." { j += 1 }
        return j < c.count && c[j].isASCII && c[j].isNumber
    }
}

/// A recursive-descent parser over the tokens; depth is bounded by ``CQL2TextParser/maximumDepth``.
private struct Parser {
    let characters: [Character]
    let tokens: [Token]
    let layer: LayerSchema
    var index = 0
    var depth = 0

    init(characters: [Character], tokens: [Token], layer: LayerSchema) {
        self.characters = characters
        self.tokens = tokens
        self.layer = layer
    }

    /// A property or a literal on one side of a predicate.
    enum Operand {
        case column(Column, Token)
        case geometry(Token)
        case literal(Token)
    }

    var current: Token { tokens[index] }
    var previous: Token { tokens[max(0, index - 1)] }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func fail(_ message: String, at token: Token) -> GeoModelError {
        .invalidFilterText(message, position: token.position)
    }

    mutating func filter() throws(GeoModelError) -> FeatureCondition {
        if current.kind == .end { throw fail("the filter is empty; expected a condition", at: current) }
        let condition = try orExpression()
        guard current.kind == .end else {
            if current.isSymbol(")") { throw fail("unexpected ')' without a matching '('", at: current) }
            throw fail("expected AND, OR or the end of the filter, found \(current.shown)", at: current)
        }
        return condition
    }

    mutating func enter(_ token: Token) throws(GeoModelError) {
        depth += 1
        if depth > CQL2TextParser.maximumDepth {
            throw fail("the filter nests deeper than \(CQL2TextParser.maximumDepth) levels of parentheses and NOT", at: token)
        }
    }

    mutating func orExpression() throws(GeoModelError) -> FeatureCondition {
        var parts = [try andExpression()]
        while current.isKeyword("OR") {
            advance()
            parts.append(try andExpression())
        }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    mutating func andExpression() throws(GeoModelError) -> FeatureCondition {
        var parts = [try notExpression()]
        while current.isKeyword("AND") {
            advance()
            parts.append(try notExpression())
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    mutating func notExpression() throws(GeoModelError) -> FeatureCondition {
        guard current.isKeyword("NOT") else { return try primary() }
        let not = current
        try enter(not)
        advance()
        let inner = try notExpression()
        depth -= 1
        return .not(inner)
    }

    mutating func primary() throws(GeoModelError) -> FeatureCondition {
        let token = current
        if token.isSymbol("(") {
            try enter(token)
            advance()
            let inner = try orExpression()
            guard current.isSymbol(")") else {
                throw fail("expected ')' to close the '(' at character \(token.position), found \(current.shown)", at: current)
            }
            advance()
            depth -= 1
            return inner
        }
        if token.kind == .word, tokens[index + 1].isSymbol("(") {
            switch token.value.uppercased() {
            case "S_INTERSECTS", "INTERSECTS": return try spatial()
            default:
                throw fail("unsupported function '\(token.value)' (supported: S_INTERSECTS, INTERSECTS)", at: token)
            }
        }
        if token.isKeyword("TRUE") || token.isKeyword("FALSE"), Self.endsCondition(tokens[index + 1]) {
            advance()
            return token.isKeyword("TRUE") ? .always : .never
        }
        if token.kind == .end {
            let after = index > 0 ? " after '\(previous.value)'" : ""
            throw fail("expected a condition\(after), found the end of the filter", at: token)
        }
        return try predicate()
    }

    /// Whether `token` may follow a complete condition.
    static func endsCondition(_ token: Token) -> Bool {
        token.kind == .end || token.isSymbol(")") || token.isKeyword("AND") || token.isKeyword("OR")
    }

    mutating func operand(after what: String?) throws(GeoModelError) -> Operand {
        let token = current
        switch token.kind {
        case .string, .number:
            advance()
            return .literal(token)
        case .word where token.isKeyword("TRUE") || token.isKeyword("FALSE"):
            advance()
            return .literal(token)
        case .word, .quoted:
            advance()
            if token.kind == .word, ["AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS", "NULL"].contains(token.value.uppercased()) {
                throw fail(what.map { "expected a value after '\($0)', found \(token.shown)" }
                           ?? "expected a property name, '(', NOT or S_INTERSECTS, found \(token.shown)", at: token)
            }
            if let index = layer.columnIndex(token.value) { return .column(layer.columns[index], token) }
            if layer.geometryType != nil, token.value == LayerSchema.geometryQueryableName || token.value == "geom" {
                return .geometry(token)
            }
            throw fail("unknown property \(token.shown) (queryables of \(layer.name): "
                       + layer.queryables.map(\.name).joined(separator: ", ") + ")", at: token)
        case .symbol, .end:
            throw fail(what.map { "expected a value after '\($0)', found \(token.shown)" }
                       ?? "expected a property name, '(', NOT or S_INTERSECTS, found \(token.shown)", at: token)
        }
    }

    mutating func predicate() throws(GeoModelError) -> FeatureCondition {
        let left = try operand(after: nil)
        let token = current
        if token.kind == .symbol, let op = ComparisonOperator(rawValue: token.value) {
            advance()
            let right = try operand(after: token.value)
            switch (left, right) {
            case (.column(let column, _), .literal(let literal)):
                return .compare(column: column.name, op, try value(literal, for: column))
            case (.literal(let literal), .column(let column, _)):
                return .compare(column: column.name, op.swapped, try value(literal, for: column))
            case (.geometry(let g), _), (_, .geometry(let g)):
                throw fail("the geometry can only be tested with S_INTERSECTS", at: g)
            case (.column, .column(_, let t)):
                throw fail("comparing two properties is not supported; expected a value after '\(token.value)'", at: t)
            case (.literal(let t), .literal):
                throw fail("a comparison needs a property on one side", at: t)
            }
        }
        let column: Column
        switch left {
        case .column(let c, _): column = c
        case .geometry(let g): throw fail("the geometry can only be tested with S_INTERSECTS", at: g)
        case .literal(let t):
            throw fail("expected a comparison operator (=, <>, <, <=, >, >=) after \(t.shown), found \(token.shown)", at: token)
        }
        if token.isKeyword("IS") {
            advance()
            var negated = false
            if current.isKeyword("NOT") { negated = true; advance() }
            guard current.isKeyword("NULL") else {
                throw fail("expected NULL after IS\(negated ? " NOT" : ""), found \(current.shown)", at: current)
            }
            advance()
            return negated ? .not(.isNull(column: column.name)) : .isNull(column: column.name)
        }
        var negated = false
        if token.isKeyword("NOT") {
            negated = true
            advance()
            guard current.isKeyword("IN") || current.isKeyword("BETWEEN") || current.isKeyword("LIKE") else {
                throw fail("expected IN, BETWEEN or LIKE after NOT, found \(current.shown)", at: current)
            }
        }
        let keyword = current
        let condition: FeatureCondition
        if keyword.isKeyword("IN") {
            advance()
            guard current.isSymbol("(") else { throw fail("expected '(' after IN, found \(current.shown)", at: current) }
            advance()
            var values: [FieldValue] = []
            while true {
                let literal = try literalToken(after: values.isEmpty ? "(" : ",")
                values.append(try value(literal, for: column))
                if current.isSymbol(",") { advance(); continue }
                guard current.isSymbol(")") else {
                    throw fail("expected ',' or ')' in the IN list, found \(current.shown)", at: current)
                }
                advance()
                break
            }
            condition = .isIn(column: column.name, values)
        } else if keyword.isKeyword("BETWEEN") {
            advance()
            let low = try value(try literalToken(after: "BETWEEN"), for: column)
            guard current.isKeyword("AND") else {
                throw fail("expected AND in BETWEEN … AND …, found \(current.shown)", at: current)
            }
            advance()
            let high = try value(try literalToken(after: "AND"), for: column)
            condition = .between(column: column.name, low, high)
        } else if keyword.isKeyword("LIKE") {
            advance()
            let pattern = current
            guard pattern.kind == .string else {
                throw fail("expected a pattern in single quotes after LIKE, found \(pattern.shown)", at: pattern)
            }
            advance()
            switch column.type {
            case .text, .enumeration, .set: break
            case .integer, .real:
                throw fail("LIKE needs a text property, but '\(column.name)' holds numbers", at: keyword)
            }
            if let problem = LikePattern.problem(in: pattern.value) { throw fail(problem, at: pattern) }
            condition = .like(column: column.name, pattern: pattern.value)
        } else {
            throw fail("expected a comparison (=, <>, <, <=, >, >=, IN, BETWEEN, LIKE, IS NULL) after '\(column.name)', found \(keyword.shown)", at: keyword)
        }
        return negated ? .not(condition) : condition
    }

    /// The next token, which must be a literal.
    mutating func literalToken(after what: String) throws(GeoModelError) -> Token {
        let token = current
        guard token.kind == .string || token.kind == .number || token.isKeyword("TRUE") || token.isKeyword("FALSE") else {
            throw fail("expected a value after '\(what)', found \(token.shown)", at: token)
        }
        advance()
        return token
    }

    /// A literal typed by its column.
    func value(_ literal: Token, for column: Column) throws(GeoModelError) -> FieldValue {
        let described: String
        switch column.type {
        case .text: described = "text"
        case .enumeration(let values): described = "one of \(values.joined(separator: ", "))"
        case .set(let values): described = "values from \(values.joined(separator: ", ")) separated by ';'"
        case .integer: described = "whole numbers"
        case .real: described = "numbers"
        }
        func misfit(_ why: String = "") -> GeoModelError {
            fail("the value \(literal.shown) does not fit property '\(column.name)', which holds \(described)\(why)", at: literal)
        }
        switch (literal.kind, column.type) {
        case (.string, .text):
            return .text(literal.value)
        case (.string, .enumeration(let values)):
            guard let canonical = LayerSchema.canonical(literal.value, in: values) else { throw misfit() }
            return .text(canonical)
        case (.string, .set):
            guard case .success(let value) = LayerSchema.convert(.string(literal.value), to: column, decimalComma: false),
                  !value.isNull else { throw misfit() }
            return value
        case (.number, .integer):
            if let i = Int64(literal.value) { return .integer(i) }
            guard let d = Double(literal.value), d.isFinite else { throw misfit() }
            return .real(d)
        case (.number, .real):
            guard let d = Double(literal.value), d.isFinite else { throw misfit() }
            return .real(d)
        case (.number, .text), (.number, .enumeration), (.number, .set):
            throw misfit(" (write text in single quotes: '\(literal.value)')")
        case (.string, .integer), (.string, .real):
            throw misfit(" (write numbers without quotes)")
        default:
            throw misfit()
        }
    }

    // MARK: Spatial

    /// `S_INTERSECTS(a, b)` with the geometry property on one side and a geometry literal on the other.
    mutating func spatial() throws(GeoModelError) -> FeatureCondition {
        let function = current
        advance()
        advance() // "("
        var property: Token?
        var literal: FeatureCondition?
        for argument in 0..<2 {
            let token = current
            if token.kind == .word, tokens[index + 1].isSymbol("(") {
                guard literal == nil else { throw fail("\(function.value) needs the geometry property as one argument", at: token) }
                literal = try geometryLiteral()
            } else if token.kind == .word || token.kind == .quoted {
                guard layer.geometryType != nil, token.value == LayerSchema.geometryQueryableName || token.value == "geom" else {
                    let names = layer.geometryType == nil ? "none: layer \(layer.name) has no geometry" : "geometry or geom"
                    throw fail("expected the geometry property (\(names)) or a geometry in \(function.value), found \(token.shown)", at: token)
                }
                guard property == nil else { throw fail("\(function.value) needs a geometry such as BBOX(…) or POINT(…) as one argument", at: token) }
                property = token
                advance()
            } else {
                throw fail("expected the geometry property or a geometry (BBOX, POINT, POLYGON, …) in \(function.value), found \(token.shown)", at: token)
            }
            if argument == 0 {
                guard current.isSymbol(",") else { throw fail("expected ',' between the arguments of \(function.value), found \(current.shown)", at: current) }
                advance()
            }
        }
        guard current.isSymbol(")") else { throw fail("expected ')' to close \(function.value)(, found \(current.shown)", at: current) }
        advance()
        guard let literal else { throw fail("internal: no geometry", at: function) }
        return literal
    }

    /// `BBOX(…)` or a WKT geometry, as a spatial test.
    mutating func geometryLiteral() throws(GeoModelError) -> FeatureCondition {
        let name = current
        let upper = name.value.uppercased()
        if upper == "BBOX" {
            advance()
            advance() // "("
            var numbers: [Double] = []
            while true {
                let token = current
                guard token.kind == .number, let d = Double(token.value), d.isFinite else {
                    throw fail("expected a number in BBOX(minLon, minLat, maxLon, maxLat), found \(token.shown)", at: token)
                }
                numbers.append(d)
                advance()
                if current.isSymbol(",") { advance(); continue }
                guard current.isSymbol(")") else { throw fail("expected ',' or ')' in BBOX, found \(current.shown)", at: current) }
                advance()
                break
            }
            guard numbers.count == 4 else {
                throw fail("BBOX needs 4 numbers (minLon, minLat, maxLon, maxLat), got \(numbers.count)", at: name)
            }
            let box = BoundingBox(minLongitude: numbers[0], minLatitude: numbers[1], maxLongitude: numbers[2], maxLatitude: numbers[3])
            for lon in [box.minLongitude, box.maxLongitude] where !(-180...180).contains(lon) {
                throw fail("BBOX longitude \(lon) is outside -180…180", at: name)
            }
            for lat in [box.minLatitude, box.maxLatitude] where !(-90...90).contains(lat) {
                throw fail("BBOX latitude \(lat) is outside -90…90", at: name)
            }
            guard box.minLatitude <= box.maxLatitude else {
                throw fail("BBOX minLat \(box.minLatitude) is greater than maxLat \(box.maxLatitude)", at: name)
            }
            return .intersectsBox(box)
        }
        let known = ["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON"]
        guard known.contains(upper) else {
            throw fail("unsupported geometry '\(name.value)' (expected BBOX, \(known.joined(separator: ", ")))", at: name)
        }
        // The WKT runs to the parenthesis that closes the one after the name.
        advance()
        var open = 0
        repeat {
            if current.isSymbol("(") { open += 1 }
            if current.isSymbol(")") { open -= 1 }
            if current.kind == .end { throw fail("\(upper) is not closed (expected ')')", at: current) }
            advance()
        } while open > 0
        let wkt = String(characters[name.start..<previous.end])
        switch WKT.parse(wkt) {
        case .failure(let failure): throw fail("invalid \(upper): \(failure.message)", at: name)
        case .success(let geometry):
            if let problem = LayerSchema.structuralProblem(of: geometry) { throw fail("invalid \(upper): \(problem)", at: name) }
            return .intersects(geometry)
        }
    }
}
