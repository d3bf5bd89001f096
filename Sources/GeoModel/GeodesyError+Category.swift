import Geodesy

extension GeodesyError: CategorizedError {
    /// Geodesy fails only on input: an empty polyline or an invalid coordinate.
    public var category: ErrorCategory { .invalidInput }
}
