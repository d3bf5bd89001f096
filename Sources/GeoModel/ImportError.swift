/// Why an import kept nothing, whichever store ran it (the SpatiaLite file, memory, PostGIS).
public enum ImportError: CategorizedError, Sendable, Equatable {
    /// The input has problems; nothing was written. `problems` holds the first ones, `total`
    /// counts all of them.
    case failed(layer: String, file: String, problems: [ImportProblem], total: Int)
    /// The import was interrupted (Ctrl-C, a server shutting down) and rolled back.
    case interrupted(layer: String, file: String)
    /// The format fills another layer (e.g. OpenCelliD cells into districts).
    case formatDoesNotFitLayer(format: String, layer: String, expected: String)

    /// The message: the problems one per line, or that the import was rolled back.
    public var description: String {
        switch self {
        case .failed(let layer, let file, let problems, let total):
            (["import of \(layer) from \(file) failed: \(NumberFormat.count(total, "problem")), nothing was written"
              + (total > problems.count ? " (the first \(problems.count) follow)" : "")]
             + problems.map { "  " + $0.description }).joined(separator: "\n")
        case .interrupted(let layer, let file):
            "import of \(layer) from \(file) interrupted: nothing was imported (rolled back)"
        case .formatDoesNotFitLayer(let format, let layer, let expected):
            "format \(format) fills layer \(expected), not \(layer)"
        }
    }

    /// Bad input, or an interruption (the store is fine; the work was stopped).
    public var category: ErrorCategory {
        switch self {
        case .failed, .formatDoesNotFitLayer: .invalidInput
        case .interrupted: .unavailable
        }
    }
}
