import GeoModel
/// The error thrown by the Coverage module: bad analysis input (an unknown profile, a district name
/// that does not resolve, a profile file that cannot be read, an option out of range).
///
/// It wraps a private enumeration so that cases can grow without breaking callers; read
/// ``description`` for the message a user sees, or compare with the static members.
public struct CoverageError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case unknownProfile(name: String, known: [String])
        case invalidProfile(source: String, reason: String)
        case unknownDistrict(query: String, closest: [String])
        case ambiguousDistrict(query: String, candidates: [String])
        case invalidSetting(name: String, reason: String)
        case invalidRecord(layer: String, id: String, reason: String)
        case unknownOperator(query: String, known: [String])
        case unknownProperty(name: String, known: [String])
        case unreachableTarget(target: Int64, reachable: Int64, total: Int64)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// `--profile NAME` names no built-in profile and no readable file; `known` lists the built-in names.
    public static func unknownProfile(_ name: String, known: [String]) -> CoverageError {
        CoverageError(.unknownProfile(name: name, known: known))
    }

    /// A rule profile (from a file or built in code) is not usable; `source` is the file or profile name.
    public static func invalidProfile(_ source: String, reason: String) -> CoverageError {
        CoverageError(.invalidProfile(source: source, reason: reason))
    }

    /// A district name matched nothing; `closest` holds "did you mean" candidates (names as written).
    public static func unknownDistrict(_ query: String, closest: [String]) -> CoverageError {
        CoverageError(.unknownDistrict(query: query, closest: closest))
    }

    /// A district name matched several districts equally well; `candidates` are their names.
    public static func ambiguousDistrict(_ query: String, candidates: [String]) -> CoverageError {
        CoverageError(.ambiguousDistrict(query: query, candidates: candidates))
    }

    /// A propagation or analysis setting is out of range (e.g. a receiver height of −1 m).
    public static func invalidSetting(_ name: String, reason: String) -> CoverageError {
        CoverageError(.invalidSetting(name: name, reason: reason))
    }

    /// A stored feature cannot be used by the analysis (e.g. a settlement without a point).
    public static func invalidRecord(layer: String, id: String, reason: String) -> CoverageError {
        CoverageError(.invalidRecord(layer: layer, id: id, reason: reason))
    }

    /// An operator name matched no operator of the counted sites; `known` lists those operators.
    public static func unknownOperator(_ query: String, known: [String]) -> CoverageError {
        CoverageError(.unknownOperator(query: query, known: known))
    }

    /// A property asked for (`--properties`) is not one the output has; `known` lists those it has.
    public static func unknownProperty(_ name: String, known: [String]) -> CoverageError {
        CoverageError(.unknownProperty(name: name, known: known))
    }

    /// A plan's target weight (people) is more than all candidates together cover: `reachable`
    /// is what they cover, `total` the whole demand (the denominator of shares).
    public static func unreachableTarget(target: Int64, reachable: Int64, total: Int64) -> CoverageError {
        CoverageError(.unreachableTarget(target: target, reachable: reachable, total: total))
    }

    /// The message for a user: what is wrong and what would work.
    public var description: String {
        switch code {
        case .unknownProfile(let name, let known):
            "unknown rule profile '\(name)' (built-in profiles: \(known.joined(separator: ", ")); or give a JSON profile file)"
        case .invalidProfile(let source, let reason):
            "rule profile \(source) is not usable: \(reason)"
        case .unknownDistrict(let query, let closest):
            closest.isEmpty
                ? "no district matches '\(query)'"
                : "no district matches '\(query)'; closest: \(closest.joined(separator: ", "))"
        case .ambiguousDistrict(let query, let candidates):
            "district name '\(query)' is ambiguous; candidates: \(candidates.joined(separator: ", "))"
        case .invalidSetting(let name, let reason):
            "\(name): \(reason)"
        case .invalidRecord(let layer, let id, let reason):
            "\(layer) '\(id)': \(reason)"
        case .unknownOperator(let query, let known):
            known.isEmpty
                ? "no operator matches '\(query)' (no site has an operator)"
                : "no operator matches '\(query)'; operators of the sites: \(known.joined(separator: ", "))"
        case .unknownProperty(let name, let known):
            "no property '\(name)' (properties: \(known.joined(separator: ", ")))"
        case .unreachableTarget(let target, let reachable, let total):
            "the target of \(NumberFormat.grouped(Int(target))) people "
                + "(share \(NumberFormat.rounded(total > 0 ? Double(target) / Double(total) : 0, decimals: 4))) "
                + "is not reachable: all candidates together reach "
                + "\(NumberFormat.grouped(Int(reachable))) of \(NumberFormat.grouped(Int(total))) "
                + "(share \(NumberFormat.rounded(total > 0 ? Double(reachable) / Double(total) : 0, decimals: 4)))"
        }
    }
}

extension CoverageError: CategorizedError {
    /// Unknown names are not found, an ambiguous name is a conflict (HTTP 409, naming the
    /// candidates); everything else is bad input (a profile, a setting, a stored record that
    /// breaks the contract).
    public var category: ErrorCategory {
        switch code {
        case .unknownProfile, .unknownDistrict, .unknownOperator: .notFound
        case .ambiguousDistrict: .conflict
        case .invalidProfile, .invalidSetting, .invalidRecord, .unknownProperty, .unreachableTarget: .invalidInput
        }
    }
}
