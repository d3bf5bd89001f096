/// A CQL2 `LIKE` pattern, compiled: `%` matches any run of characters (also none), `_` exactly
/// one character, `\` makes the next character literal (`\%`, `\_`, `\\`); every other character
/// matches itself only, case-sensitively. Characters are Unicode scalars (code points), as
/// SQLite counts them in UTF-8 text.
///
/// ```swift
/// LikePattern("Ta%").matches("Taraz")   // true
/// LikePattern("ta%").matches("Taraz")   // false: case-sensitive
/// LikePattern("100\\%").matches("100%") // true
/// ```
public struct LikePattern: Sendable, Hashable {
    /// One step of a pattern.
    public enum Element: Sendable, Hashable {
        /// This character only.
        case literal(Unicode.Scalar)
        /// Any one character (`_`).
        case anyCharacter
        /// Any run of characters, also an empty one (`%`).
        case anyRun
    }

    /// The pattern's steps in order (consecutive `%` collapsed into one).
    public let elements: [Element]

    /// Compiles `pattern`; a `\` at its very end stands for itself (``problem(in:)`` tells a
    /// parser to refuse it instead).
    public init(_ pattern: String) {
        var elements: [Element] = []
        var escaped = false
        for scalar in pattern.unicodeScalars {
            if escaped {
                elements.append(.literal(scalar))
                escaped = false
                continue
            }
            switch scalar {
            case "\\": escaped = true
            case "%": if elements.last != .anyRun { elements.append(.anyRun) }
            case "_": elements.append(.anyCharacter)
            default: elements.append(.literal(scalar))
            }
        }
        if escaped { elements.append(.literal("\\")) }
        self.elements = elements
    }

    /// Why `pattern` is not a well-formed pattern (an escape `\` with nothing after it), or nil.
    public static func problem(in pattern: String) -> String? {
        var escaped = false
        for scalar in pattern.unicodeScalars {
            escaped = !escaped && scalar == "\\"
        }
        return escaped ? "the LIKE pattern ends with the escape character '\\' (write '\\\\' for a backslash)" : nil
    }

    /// Whether `text` matches the whole pattern (greedy matching that backtracks to the last
    /// `%`: time proportional to the text's length times the pattern's at worst).
    public func matches(_ text: String) -> Bool {
        let t = Array(text.unicodeScalars)
        var ti = 0, pi = 0
        var star = -1, starText = 0
        while ti < t.count {
            if pi < elements.count, elements[pi] != .anyRun, Self.step(elements[pi], t[ti]) {
                ti += 1
                pi += 1
            } else if pi < elements.count, elements[pi] == .anyRun {
                star = pi
                starText = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                starText += 1
                ti = starText
            } else {
                return false
            }
        }
        while pi < elements.count, elements[pi] == .anyRun { pi += 1 }
        return pi == elements.count
    }

    private static func step(_ element: Element, _ scalar: Unicode.Scalar) -> Bool {
        switch element {
        case .literal(let c): c == scalar
        case .anyCharacter: true
        case .anyRun: false
        }
    }
}
