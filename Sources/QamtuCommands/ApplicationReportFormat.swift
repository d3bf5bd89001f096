import ArgumentParser

/// The formats of `qamtu report applications`.
enum ApplicationReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
