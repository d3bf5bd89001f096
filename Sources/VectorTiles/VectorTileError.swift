import GeoModel

/// Why a tile cannot be made.
public enum VectorTileError: CategorizedError, Sendable, Equatable {
    /// A zoom, row or column outside the `WebMercatorQuad` tile matrix set.
    case outsideTileMatrix(String)

    public var description: String {
        switch self {
        case .outsideTileMatrix(let message): message
        }
    }

    /// A tile outside the matrix does not exist (HTTP 404, as OGC API – Tiles asks).
    public var category: ErrorCategory { .notFound }
}
