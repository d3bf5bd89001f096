import ArgumentParser
import Coverage
import GeoModel
import PortalCore

extension LayerSchema: ExpressibleByArgument {
    public init?(argument: String) {
        guard let layer = LayerSchema.named(argument) else { return nil }
        self = layer
    }

    public static var allValueStrings: [String] { LayerSchema.all.map(\.name) }

    /// The layer's name (the default shown in help).
    public var defaultValueDescription: String { name }
}

extension Distance: ExpressibleByArgument {
    public init?(argument: String) {
        guard let distance = try? Distance(parsing: argument) else { return nil }
        self = distance
    }
}

extension MobileTechnology: ExpressibleByArgument {
    public init?(argument: String) {
        guard let technology = MobileTechnology(label: argument) else { return nil }
        self = technology
    }

    public static var allValueStrings: [String] { MobileTechnology.allCases.map(\.label) }

    /// `4G`.
    public var defaultValueDescription: String { label }
}

extension SiteStatus: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension InputFormat: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}
extension Scenario: ExpressibleByArgument {}
extension CoverageClass: ExpressibleByArgument {}
extension FootprintWriter.Format: ExpressibleByArgument {}
extension FindWriter.Format: ExpressibleByArgument {}
extension RoadMastsWriter.Format: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
extension VillagePlanWriter.Format: ExpressibleByArgument {}

/// A comma-separated list (`--properties`) as names: blanks trimmed, empty items dropped.
func parsePropertyList(_ text: String) -> [String] {
    text.split(separator: ",").map { String($0).trimmedOfSpaces }.filter { !$0.isEmpty }
}

/// `--role applicant|provider|admin`.
extension UserRole: ExpressibleByArgument {}
