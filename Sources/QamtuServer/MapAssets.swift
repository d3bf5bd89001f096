import Foundation
import Hummingbird

/// MapLibre GL JS for the web map, read once when the server starts from the folder that
/// `Scripts/install-map-assets.sh` fills (or `--map-assets DIR`): `maplibre-gl.js` and
/// `maplibre-gl.css`, kept in memory (about 1 MB) and served as they are.
struct MapAssets: Sendable {
    /// `maplibre-gl.js`.
    let script: ByteBuffer
    /// `maplibre-gl.css`.
    let stylesheet: ByteBuffer
    /// The folder they were read from.
    let directory: String

    /// The names of the two files in the folder.
    static let scriptName = "maplibre-gl.js"
    static let stylesheetName = "maplibre-gl.css"

    /// What to run when the files are missing.
    static let installHint = "run Scripts/install-map-assets.sh (it installs the maplibre package from PyPI), "
        + "then restart qamtu serve, or pass --map-assets DIR (or set QAMTU_MAP_ASSETS) naming a folder with "
        + "\(scriptName) and \(stylesheetName)"

    /// Reads both files from `directory`.
    /// - Returns: the assets, or why they cannot be served (a sentence naming the folder and what to run).
    static func load(from directory: String?) -> Result<MapAssets, MapAssetsMissing> {
        guard let directory else {
            return .failure(MapAssetsMissing(description: "MapLibre GL JS for /map is not configured: \(installHint)"))
        }
        var contents: [ByteBuffer] = []
        for name in [scriptName, stylesheetName] {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
                return .failure(MapAssetsMissing(description: "MapLibre GL JS for /map is missing (no \(path)): \(installHint)"))
            }
            contents.append(ByteBuffer(bytes: data))
        }
        return .success(MapAssets(script: contents[0], stylesheet: contents[1], directory: directory))
    }
}

/// Why the web map's MapLibre files cannot be served, with what to run.
struct MapAssetsMissing: Error, Sendable, CustomStringConvertible {
    /// One sentence: the missing file or folder and the command that installs it.
    let description: String
}
