// swift-tools-version:6.1
// Qamtu — a geoinformation backend for connectivity planning (SpatiaLite, GeoJSON, CLI).
import PackageDescription

let package = Package(
    name: "Qamtu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "qamtu", targets: ["qamtu"]),
        .library(name: "GeoModel", targets: ["GeoModel"]),
        .library(name: "Geodesy", targets: ["Geodesy"]),
        .library(name: "GeoStorage", targets: ["GeoStorage"]),
        .library(name: "PostGISStorage", targets: ["PostGISStorage"]),
        .library(name: "PortalCore", targets: ["PortalCore"]),
        .library(name: "QamtuServer", targets: ["QamtuServer"]),
        .library(name: "VectorTiles", targets: ["VectorTiles"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", exact: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // The SQLite C API (GRDB links the same libsqlite3). SpatiaLite is not linked: GeoStorage
        // loads libspatialite at run time, on the first connection that needs spatial SQL, so that
        // commands without it start without its fifty shared libraries.
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // A prefetch hint for loops over permuted records (header-only C; nothing to link).
        .systemLibrary(name: "CPrefetch"),
        // zlib (gzip of MBTiles tiles; gzip-compressed import inputs); Debian's zlib1g-dev.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Pure Swift: coordinates, geometries, features, layer schemas, GeoJSON/CSV/WKT, name matching;
        // zlib only in GzipReader, which decompresses gzip-compressed inputs as they are read.
        .target(name: "GeoModel", dependencies: ["Geodesy", "CZlib"]),
        // Pure math on the WGS84 ellipsoid.
        .target(name: "Geodesy"),
        // SpatiaLite through GRDB: migrations, importers, queries. The only SQL in the package.
        .target(
            name: "GeoStorage",
            dependencies: [
                "GeoModel", "Geodesy", "CSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // PostgreSQL with PostGIS through postgres-nio: connection URLs, a pool, migrations, COPY
        // imports, cursor-streamed queries. The only PostgreSQL SQL in the package.
        .target(
            name: "PostGISStorage",
            dependencies: [
                // GeoStorage for the site pack's encoding (SitePack, SitePackBuilder), shared byte for byte.
                "GeoModel", "Geodesy", "GeoStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Coverage analysis: ranges, connectivity by year and scenario, classification, reports. No SQL.
        .target(name: "Coverage", dependencies: ["GeoModel", "Geodesy", "CPrefetch"]),
        // Road corridors: linear referencing along (Multi)LineString roads, sites near a road,
        // uncovered stretches and siting of new masts. Pure Swift, no SQL.
        .target(name: "Corridor", dependencies: ["GeoModel", "Geodesy"]),
        // Mapbox Vector Tiles 2.1 of the WebMercatorQuad tile matrix set: projection, clipping,
        // simplification, a hand-written protobuf encoder, gzip. No SQL.
        .target(name: "VectorTiles", dependencies: ["GeoModel", "Geodesy", "CZlib"]),
        // The application core: the use cases (export, find, info, coverage, report, nearest, road
        // corridors) as typed requests and results over one store protocol (SpatiaLite file, in
        // memory), the writers of their outputs to sinks, and async entry points that run the
        // blocking work on threads of their own. The CLI and the server are front ends over it.
        // Service applications: bearer tokens (random from swift-crypto, stored as SHA-256) and roles.
        .target(name: "PortalCore", dependencies: ["GeoModel", "Geodesy", "GeoStorage", "PostGISStorage", "Coverage", "Corridor", "VectorTiles",
                                                   .product(name: "Crypto", package: "swift-crypto")]),
        // The HTTP server (Hummingbird 2): OGC API – Features over the core, no SQL. Handlers parse a
        // request into the core's typed request, make one core call and stream its result.
        .target(
            name: "QamtuServer",
            dependencies: [
                "GeoModel", "Geodesy", "PortalCore", "Coverage", "Corridor", "VectorTiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The CLI commands (thin: parse, one core call, write); a library so tests can drive them.
        .target(
            name: "QamtuCommands",
            dependencies: [
                "GeoModel", "Geodesy", "PortalCore", "Coverage", "QamtuServer", "VectorTiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "qamtu", dependencies: ["QamtuCommands"]),
        // Shared helpers of the test targets (temporary folders, shared data paths, subprocesses).
        .target(name: "QamtuTestSupport", dependencies: ["VectorTiles"], path: "Tests/QamtuTestSupport"),
        .testTarget(name: "GeoModelTests", dependencies: ["GeoModel", "QamtuTestSupport"]),
        .testTarget(name: "VectorTilesTests", dependencies: ["VectorTiles", "GeoModel", "Geodesy", "QamtuTestSupport"]),
        .testTarget(name: "GeodesyTests", dependencies: ["Geodesy", "QamtuTestSupport"]),
        .testTarget(name: "GeoStorageTests", dependencies: ["GeoStorage", "GeoModel", "QamtuTestSupport"]),
        .testTarget(name: "PostGISStorageTests", dependencies: ["PostGISStorage", "GeoModel", "Geodesy", "QamtuTestSupport"]),
        .testTarget(name: "CoverageTests", dependencies: ["Coverage", "GeoModel", "Geodesy", "QamtuTestSupport"]),
        .testTarget(name: "CorridorTests", dependencies: ["Corridor", "GeoModel", "Geodesy", "QamtuTestSupport"], exclude: ["make_reference.py"]),
        .testTarget(name: "PortalCoreTests", dependencies: ["PortalCore", "GeoStorage", "PostGISStorage", "GeoModel", "Coverage", "VectorTiles", "QamtuTestSupport",
                                                          .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "QamtuServerTests",
            dependencies: [
                "QamtuServer", "PortalCore", "GeoStorage", "PostGISStorage", "GeoModel", "Geodesy", "QamtuTestSupport", "VectorTiles",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .testTarget(name: "QamtuCommandsTests", dependencies: ["QamtuCommands", "PortalCore", "GeoStorage", "PostGISStorage", "GeoModel", "Coverage", "QamtuTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
