import ArgumentParser
import Foundation
import Logging
import QamtuServer

/// `qamtu serve`: the OGC API server over the portal database; read-only unless `--writable`
/// (the service applications).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the portal database over HTTP as OGC API – Features and Tiles (read-only unless --writable).",
        discussion: """
            Map viewers and GIS clients (QGIS, GDAL's OAPIF driver, OWSLib, Leaflet, MapLibre) read the \
            layers at http://HOST:PORT/collections. With --writable, /applications takes service applications and \
            their transitions from users with tokens (`qamtu users add`); the file is switched to WAL and every \
            acknowledged write is on disk. On a postgresql:// database, several servers may serve one database \
            with --writable (every write one transaction; ETags and If-Match hold across them). Stop with \
            Ctrl-C or SIGTERM: requests in flight finish.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The TCP port to listen on (1–65535).", valueName: "port"))
    var port = 8080

    @Option(name: .customLong("base-url"),
            help: ArgumentHelp("The URL clients reach the server at, used in every link (default: http://HOST:PORT).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Read-only database connections (default: one per core).", valueName: "n"))
    var connections: Int?

    @Option(name: .customLong("response-cache-mb"),
            help: ArgumentHelp("Megabytes of recent JSON answers kept for repeated requests while the data is unchanged (0: none).",
                               valueName: "mb"))
    var responseCacheMB = 64

    @Option(name: .customLong("tile-cache-mb"),
            help: ArgumentHelp("Megabytes of recent vector tiles kept while the data is unchanged (0: none).", valueName: "mb"))
    var tileCacheMB = 256

    @Option(name: .customLong("map-assets"),
            help: ArgumentHelp("""
                The folder with maplibre-gl.js and maplibre-gl.css for the web map at /map (default: $QAMTU_MAP_ASSETS, \
                else where Scripts/install-map-assets.sh puts them: ${XDG_DATA_HOME:-~/.local/share}/qamtu/maplibre).
                """, valueName: "dir"))
    var mapAssets: String?

    @Flag(help: "Serve the service applications (/applications): submissions and transitions, behind bearer tokens.")
    var writable = false

    @Option(name: .customLong("max-body-kb"), help: ArgumentHelp("The largest request body accepted with --writable, KiB (1–10240).", valueName: "kb"))
    var maximumBodyKB = 64

    @Option(name: .customLong("trusted-proxy"),
            help: ArgumentHelp("A reverse proxy whose X-Forwarded-For names the client, for the limit on failed sign-ins (repeatable).",
                               valueName: "address"))
    var trustedProxies: [String] = []

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info (access lines), notice, warning or error.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535, got \(port)") }
        guard (0...65536).contains(responseCacheMB) else { throw ValidationError("--response-cache-mb must be 0–65536, got \(responseCacheMB)") }
        guard (0...65536).contains(tileCacheMB) else { throw ValidationError("--tile-cache-mb must be 0–65536, got \(tileCacheMB)") }
        guard (1...10240).contains(maximumBodyKB) else { throw ValidationError("--max-body-kb must be 1–10240, got \(maximumBodyKB)") }
        if let connections, !(1...256).contains(connections) { throw ValidationError("--connections must be 1–256, got \(connections)") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
        if let baseURL, URL(string: baseURL)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            throw ValidationError("--base-url must be an http:// or https:// URL, got '\(baseURL)'")
        }
    }

    func run() throws {
        var settings = ServerConfiguration(databasePath: database.path, host: host, port: port, baseURL: baseURL)
        if let connections { settings.poolSize = connections }
        settings.responseCacheBytes = responseCacheMB << 20
        settings.tileCacheBytes = tileCacheMB << 20
        settings.writable = writable
        settings.maximumBodyBytes = maximumBodyKB << 10
        settings.trustedProxies = Set(trustedProxies)
        let environment = ProcessInfo.processInfo.environment
        settings.mapAssetsDirectory = mapAssets ?? environment["QAMTU_MAP_ASSETS"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ServerConfiguration.defaultMapAssetsDirectory(environment: environment)
        let configuration = settings
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "qamtu.serve")
        try ErrorReporting.run {
            try AsyncBridge.wait {
                try await QamtuServerApplication.run(configuration, logger: logger)
            }
        }
    }
}
