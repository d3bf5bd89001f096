// swift-tools-version:6.1
// The W6 encoder comparison of issue 16: Qamtu's hand-written Mapbox Vector Tile writer
// (VectorTiles) against swift-protobuf with the specification's vector_tile.proto, on the same
// tile content. A package of its own so that the main package does not depend on swift-protobuf.
import Foundation
import PackageDescription

// The main package is the repository three folders up; SwiftPM names a path dependency after its
// folder (`main`, `wt-enc`, a CI clone's folder…), so the name is read off the path.
let repository = URL(fileURLWithPath: Context.packageDirectory)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .standardizedFileURL
let mainPackage = repository.lastPathComponent.lowercased()

let package = Package(
    name: "MVTEncoderBench",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: "../../.."),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        // The SQLite C API, to read the MBTiles file (Debian's libsqlite3-dev, as the main package).
        .systemLibrary(name: "CSQLiteBench", providers: [.apt(["libsqlite3-dev"])]),
        .executableTarget(
            name: "mvt-encoders",
            dependencies: [
                "CSQLiteBench",
                .product(name: "VectorTiles", package: mainPackage),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Sources/MVTEncoderBench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
