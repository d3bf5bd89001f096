import Coverage
import GeoModel

/// The formats of the coverage report: text for people, JSON and CSV for programs.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, csv

    /// Writes `report` in this format to `sink` and finishes it.
    public func write(_ report: CoverageReport, to sink: OutputSink) throws(GeoModelError) {
        let text = switch self {
        case .text: report.text()
        case .json: report.json()
        case .csv: report.csv()
        }
        try sink.write(text)
        try sink.finish()
    }
}
