import GeoModel

extension StorageError: CategorizedError {
    /// The category of each storage failure: a missing database is not found, a bad file or a
    /// failed import is input, a corrupt store is internal, SpatiaLite missing is unavailable.
    public var category: ErrorCategory {
        switch self {
        case .missingDatabase: .notFound
        case .notAQamtuDatabase, .newerSchema, .olderSchema, .importFailed, .formatDoesNotFitLayer: .invalidInput
        case .spatialite: .unavailable
        case .corruptGeometry, .corruptSitePack: .internal
        case .changedWhileReading: .conflict
        case .model(let error): error.category
        case .sqlite: .internal
        }
    }
}
