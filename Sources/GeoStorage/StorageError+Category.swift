import GeoModel

extension StorageError: CategorizedError {
    /// The category of each storage failure: a missing database or folder is not found; a bad
    /// file or a failed import is input; a locked, read-only or half-written database, an
    /// interrupted import and SpatiaLite that cannot be loaded are unavailable; a corrupt store
    /// is internal.
    public var category: ErrorCategory {
        switch self {
        case .missingDatabase, .missingFolder, .emptyDatabase: .notFound
        case .damaged: .internal
        case .locked, .readOnlyDatabase, .unfinishedWrite, .cannotOpen: .unavailable
        case .notAQamtuDatabase, .newerSchema, .olderSchema: .invalidInput
        case .spatialite, .temporaryFile: .unavailable
        case .corruptGeometry, .corruptSitePack: .internal
        case .changedWhileReading: .conflict
        case .model(let error): error.category
        case .sqlite: .internal
        }
    }
}
