import Foundation

/// A mobile radio technology, ordered by generation (`2G < 3G < 4G < 5G`): "best" means highest.
///
/// Spelled as in the `technologies` column of the sites layer (`2G`, `3G`, `4G`, `5G`).
public enum MobileTechnology: Int, Sendable, Hashable, CaseIterable, Comparable, Codable, CustomStringConvertible {
    case g2 = 2
    case g3 = 3
    case g4 = 4
    case g5 = 5

    /// The spelling used in data and output: `2G` … `5G`.
    public var label: String {
        switch self {
        case .g2: "2G"
        case .g3: "3G"
        case .g4: "4G"
        case .g5: "5G"
        }
    }

    /// Parses `2G` … `5G` (case-insensitive), or nil.
    public init?(label: String) {
        switch label.uppercased() {
        case "2G": self = .g2
        case "3G": self = .g3
        case "4G": self = .g4
        case "5G": self = .g5
        default: return nil
        }
    }

    /// Best first: `5G, 4G, 3G, 2G`.
    public static let bestFirst: [MobileTechnology] = allCases.sorted(by: >)

    /// Older generations sort first.
    public static func < (lhs: MobileTechnology, rhs: MobileTechnology) -> Bool { lhs.rawValue < rhs.rawValue }

    /// ``label``.
    public var description: String { label }

    /// Decodes `2G` … `5G`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = MobileTechnology(label: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected 2G, 3G, 4G or 5G, got '\(text)'"))
        }
        self = value
    }

    /// Encodes ``label``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(label)
    }
}

/// The technologies a site carries: mobile generations and fibre (a fixed-line node).
///
/// Parsed from the sites layer's `technologies` set, e.g. `2G;3G;4G` or `fibre`.
public struct TechnologySet: OptionSet, Sendable, Hashable {
    /// One bit per technology.
    public let rawValue: UInt8
    /// Creates a set from its bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 2G (GSM).
    public static let g2 = TechnologySet(rawValue: 1 << 0)
    /// 3G (UMTS).
    public static let g3 = TechnologySet(rawValue: 1 << 1)
    /// 4G (LTE).
    public static let g4 = TechnologySet(rawValue: 1 << 2)
    /// 5G (NR).
    public static let g5 = TechnologySet(rawValue: 1 << 3)
    /// A fibre (fixed-line) node.
    public static let fibre = TechnologySet(rawValue: 1 << 4)

    /// The set holding one mobile technology.
    public init(_ technology: MobileTechnology) {
        self.init(rawValue: 1 << UInt8(technology.rawValue - 2))
    }

    /// Parses a `;`-separated list (`,` and `|` also separate): `2G`…`5G`, `fibre`, and the aliases the
    /// importer accepts (`gsm`, `umts`, `lte`, `nr`, `fiber`, `fibre-node`). Unknown parts are ignored.
    public init(parsing text: String) {
        var set: TechnologySet = []
        var token: [UInt8] = []
        token.reserveCapacity(16)
        func finish() {
            for (name, technology) in Self.spellings where name == token {
                set.insert(technology)
                break
            }
            token.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "|"): finish()
            case UInt8(ascii: " "), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): token.append(byte + 32)
            default: token.append(byte)
            }
        }
        finish()
        self = set
    }

    /// Lower-case spellings and aliases, as UTF-8 bytes.
    private static let spellings: [([UInt8], TechnologySet)] = ([
        ("2g", .g2), ("3g", .g3), ("4g", .g4), ("5g", .g5), ("fibre", .fibre), ("gsm", .g2), ("umts", .g3), ("lte", .g4),
        ("nr", .g5), ("fiber", .fibre), ("fibre-node", .fibre), ("fiber-node", .fibre), ("ftth", .fibre),
    ] as [(String, TechnologySet)]).map { (Array($0.0.utf8), $0.1) }

    /// The mobile technologies in the set, lowest generation first.
    public var mobile: [MobileTechnology] { MobileTechnology.allCases.filter { contains(TechnologySet($0)) } }

    /// The best mobile technology in the set, or nil.
    public var bestMobile: MobileTechnology? { mobile.last }

    /// `2G;3G;4G`, `fibre` … in the column's canonical order.
    public var label: String {
        var parts = mobile.map(\.label)
        if contains(.fibre) { parts.append("fibre") }
        return parts.joined(separator: ";")
    }
}
