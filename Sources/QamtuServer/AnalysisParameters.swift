import Coverage
import GeoModel
import PortalCore

/// The query parameters the analysis endpoints share, parsed into the core's types with the
/// core's own checks: years through ``CalendarYear/checked(_:name:)``, distances through
/// ``Distance/init(parsing:)`` (`5km`, `800m`; a bare number is refused, as on the command line),
/// profiles by built-in name only (a request never names a file: ``AnalysisRequest/profileFile``
/// stays nil).
enum AnalysisParameters {
    /// Checks that only `allowed` parameters are present.
    /// - Throws: ``OGCError`` 400 naming the first unknown parameter and listing the known ones.
    static func checkNames(_ parameters: QueryParameters, allowed: [String]) throws(OGCError) {
        for name in parameters.names where !allowed.contains(name) {
            throw .invalidParameter(QueryParameters.printable(name), "unknown parameter; this resource takes \(allowed.joined(separator: ", "))")
        }
    }

    /// `as-of`, `scenario` and `profile` as the core's request (defaults: this year, `scenario`,
    /// the default profile).
    /// - Parameter profile: whether `profile` is read (else the default profile).
    static func request(_ parameters: QueryParameters, scenario defaultScenario: Scenario = .actual,
                        profile: Bool = true) throws(OGCError) -> AnalysisRequest {
        var request = AnalysisRequest(asOfYear: try year(parameters["as-of"], name: "as-of") ?? CalendarYear.current,
                                      scenario: try scenario(parameters["scenario"]) ?? defaultScenario)
        if profile, let name = parameters["profile"] {
            let known = ClassificationProfile.builtIn.map(\.name)
            guard known.contains(name) else {
                throw .invalidParameter("profile", "unknown profile '\(QueryParameters.printable(name))'; built-in profiles are \(known.joined(separator: ", "))")
            }
            request.profileName = name
        }
        request.profileFile = nil
        return request
    }

    /// A year in the range the column contract accepts, or nil when absent.
    static func year(_ text: String?, name: String) throws(OGCError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else {
            throw .invalidParameter(name, "'\(QueryParameters.printable(text))' is not a year (a whole number such as 2026)")
        }
        do {
            return try CalendarYear.checked(value, name: name)
        } catch {
            throw .invalidParameter(name, error.message)
        }
    }

    /// `actual` or `planned`, or nil when absent.
    static func scenario(_ text: String?) throws(OGCError) -> Scenario? {
        guard let text else { return nil }
        guard let value = Scenario(rawValue: text.lowercased()) else {
            throw .invalidParameter("scenario", "'\(QueryParameters.printable(text))' is not a scenario (actual or planned)")
        }
        return value
    }

    /// A distance with its unit (`5km`, `800m`) of at most `maximum`, or nil when absent.
    static func distance(_ text: String?, name: String, maximum: Distance? = nil) throws(OGCError) -> Distance? {
        guard let text else { return nil }
        let value: Distance
        do {
            value = try Distance(parsing: text)
        } catch {
            throw .invalidParameter(name, error.message)
        }
        if let maximum, value.meters > maximum.meters {
            throw .invalidParameter(name, "at most \(maximum), got \(value)")
        }
        return value
    }

    /// `2G`, `3G`, `4G` or `5G`, or nil when absent.
    static func technology(_ text: String?, name: String = "technology") throws(OGCError) -> MobileTechnology? {
        guard let text else { return nil }
        guard let value = MobileTechnology(label: text.uppercased()) else {
            throw .invalidParameter(name, "'\(QueryParameters.printable(text))' is not a mobile technology (2G, 3G, 4G or 5G)")
        }
        return value
    }

    /// A site status, or nil when absent.
    static func siteStatus(_ text: String?) throws(OGCError) -> SiteStatus? {
        guard let text else { return nil }
        guard let value = SiteStatus(rawValue: text.lowercased()) else {
            throw .invalidParameter("status", "'\(QueryParameters.printable(text))' is not a site status "
                + "(\(SiteStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }
}
