import Foundation

/// The class of a settlement's connectivity.
public enum CoverageClass: String, Sendable, Hashable, CaseIterable, Codable {
    case served, underserved, unserved
}

/// The facts a profile classifies: what a settlement has as of a year in a scenario.
public struct ConnectivityFacts: Sendable, Hashable {
    /// True when the settlement has fibre.
    public var fibre: Bool
    /// The best mobile technology covering it, or nil.
    public var bestMobile: MobileTechnology?
    /// True when an institution of the settlement is on a satellite link.
    public var satellite: Bool

    /// Creates facts.
    public init(fibre: Bool, bestMobile: MobileTechnology?, satellite: Bool) {
        self.fibre = fibre
        self.bestMobile = bestMobile
        self.satellite = satellite
    }
}

/// A named rule profile: ordered rules that map a settlement's facts to a class. Profiles are data:
/// the built-in ones are below, and a region can write its own as JSON:
///
/// ```json
/// {"name": "default",
///  "description": "served = fibre or 4G/5G; underserved = 3G, or satellite only; unserved = 2G or nothing",
///  "rules": [
///    {"class": "served", "when": [{"fibre": true}, {"mobile_at_least": "4G"}]},
///    {"class": "underserved", "when": [{"mobile_at_least": "3G"}, {"satellite": true}]}],
///  "otherwise": "unserved"}
/// ```
///
/// The first rule with a matching condition gives the class; a condition matches when every field
/// it states holds (`fibre`, `mobile_at_least`, `satellite`); nothing matching gives `otherwise`.
public struct ClassificationProfile: Sendable, Hashable, Codable {
    /// One condition: all the stated fields must hold.
    public struct Condition: Sendable, Hashable, Codable {
        /// The settlement has (true) or lacks (false) fibre.
        public var fibre: Bool?
        /// Best mobile technology at least this generation.
        public var mobileAtLeast: MobileTechnology?
        /// The settlement has (true) or lacks (false) a satellite-connected institution.
        public var satellite: Bool?

        /// Creates a condition from the fields that must hold.
        public init(fibre: Bool? = nil, mobileAtLeast: MobileTechnology? = nil, satellite: Bool? = nil) {
            self.fibre = fibre
            self.mobileAtLeast = mobileAtLeast
            self.satellite = satellite
        }

        enum CodingKeys: String, CodingKey {
            case fibre
            case mobileAtLeast = "mobile_at_least"
            case satellite
        }

        /// True when every stated field holds for `facts` (a condition stating nothing always holds).
        public func matches(_ facts: ConnectivityFacts) -> Bool {
            if let fibre, facts.fibre != fibre { return false }
            if let minimum = mobileAtLeast {
                guard let best = facts.bestMobile, best >= minimum else { return false }
            }
            if let satellite, facts.satellite != satellite { return false }
            return true
        }

        /// E.g. `fibre`, `4G/5G`, `3G or better`, `satellite`, `no fibre and 3G or better`.
        public var summary: String {
            var parts: [String] = []
            if let fibre { parts.append(fibre ? "fibre" : "no fibre") }
            if let minimum = mobileAtLeast {
                let generations = MobileTechnology.allCases.filter { $0 >= minimum }.map(\.label)
                parts.append(generations.count <= 2 ? generations.joined(separator: "/") : "\(minimum.label) or better")
            }
            if let satellite { parts.append(satellite ? "satellite" : "no satellite") }
            return parts.isEmpty ? "anything" : parts.joined(separator: " and ")
        }
    }

    /// A rule: the class given when any condition matches.
    public struct Rule: Sendable, Hashable, Codable {
        /// The class given.
        public var coverageClass: CoverageClass
        /// The conditions, any of which gives the class.
        public var when: [Condition]

        /// Creates a rule.
        public init(_ coverageClass: CoverageClass, when: [Condition]) {
            self.coverageClass = coverageClass
            self.when = when
        }

        enum CodingKeys: String, CodingKey {
            case coverageClass = "class"
            case when
        }

        /// E.g. `served = fibre or 4G/5G`.
        public var summary: String {
            "\(coverageClass.rawValue) = " + when.map(\.summary).joined(separator: " or ")
        }
    }

    /// The profile's name (`--profile NAME`).
    public var name: String
    /// A one-line description.
    public var description: String?
    /// The rules, first match wins.
    public var rules: [Rule]
    /// The class when no rule matches.
    public var otherwise: CoverageClass

    /// Creates a profile.
    public init(name: String, description: String? = nil, rules: [Rule], otherwise: CoverageClass) {
        self.name = name
        self.description = description
        self.rules = rules
        self.otherwise = otherwise
    }

    /// The class of `facts` and the index of the rule that gave it (nil for `otherwise`).
    public func classify(_ facts: ConnectivityFacts) -> (coverageClass: CoverageClass, rule: Int?) {
        for (i, rule) in rules.enumerated() where rule.when.contains(where: { $0.matches(facts) }) {
            return (rule.coverageClass, i)
        }
        return (otherwise, nil)
    }

    /// The rules in words: `served = fibre or 4G/5G; underserved = 3G/4G/5G or satellite; otherwise unserved`.
    public var summary: String {
        (rules.map(\.summary) + ["otherwise \(otherwise.rawValue)"]).joined(separator: "; ")
    }

    /// DESIGN.md's profile: **served** = fibre or 4G/5G; **underserved** = 3G, or satellite only;
    /// **unserved** = 2G or nothing.
    public static let standard = ClassificationProfile(
        name: "default",
        description: "served = fibre or 4G/5G; underserved = 3G, or satellite only; unserved = 2G or nothing",
        rules: [
            Rule(.served, when: [Condition(fibre: true), Condition(mobileAtLeast: .g4)]),
            Rule(.underserved, when: [Condition(mobileAtLeast: .g3), Condition(satellite: true)]),
        ],
        otherwise: .unserved)

    /// Satellite counts as broadband: **served** = fibre, 4G/5G or satellite; **underserved** = 3G;
    /// **unserved** = 2G or nothing.
    public static let satelliteAsBroadband = ClassificationProfile(
        name: "satellite-as-broadband",
        description: "served = fibre, 4G/5G or satellite; underserved = 3G; unserved = 2G or nothing",
        rules: [
            Rule(.served, when: [Condition(fibre: true), Condition(mobileAtLeast: .g4), Condition(satellite: true)]),
            Rule(.underserved, when: [Condition(mobileAtLeast: .g3)]),
        ],
        otherwise: .unserved)

    /// Fixed line first: **served** = fibre; **underserved** = 4G/5G or satellite; **unserved** = the rest.
    public static let fibreFirst = ClassificationProfile(
        name: "fibre-first",
        description: "served = fibre; underserved = 4G/5G or satellite; unserved = 3G, 2G or nothing",
        rules: [
            Rule(.served, when: [Condition(fibre: true)]),
            Rule(.underserved, when: [Condition(mobileAtLeast: .g4), Condition(satellite: true)]),
        ],
        otherwise: .unserved)

    /// The built-in profiles, `default` first.
    public static let builtIn: [ClassificationProfile] = [standard, satelliteAsBroadband, fibreFirst]

    /// The built-in profile called `name`.
    /// - Throws: `CoverageError.unknownProfile` listing the built-in names.
    public static func named(_ name: String) throws(CoverageError) -> ClassificationProfile {
        guard let profile = builtIn.first(where: { $0.name == name }) else {
            throw .unknownProfile(name, known: builtIn.map(\.name))
        }
        return profile
    }

    /// Reads a profile from JSON (the format in the type's documentation).
    /// - Parameter source: the file name, for messages.
    /// - Throws: `CoverageError.invalidProfile` saying what is wrong.
    public init(json: Data, source: String) throws(CoverageError) {
        let profile: ClassificationProfile
        do {
            profile = try JSONDecoder().decode(ClassificationProfile.self, from: json)
        } catch let error as DecodingError {
            throw .invalidProfile(source, reason: Self.describe(error))
        } catch {
            throw .invalidProfile(source, reason: "\(error)")
        }
        guard !profile.name.isEmpty else { throw .invalidProfile(source, reason: "the name is empty") }
        for (i, rule) in profile.rules.enumerated() where rule.when.isEmpty {
            throw .invalidProfile(source, reason: "rule \(i + 1) (\(rule.coverageClass.rawValue)) has no conditions")
        }
        self = profile
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "" : " at \(keys.joined(separator: "."))"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context): return "wrong type\(path(context)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "missing value\(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
