import Foundation

/// How `qamtu serve` runs: the database, the address, the public base URL and the limits.
public struct ServerConfiguration: Sendable {
    /// The portal's SpatiaLite file, opened read-only.
    public var databasePath: String
    /// The address to listen on.
    public var host: String
    /// The TCP port to listen on.
    public var port: Int
    /// The URL clients reach the server at, without a trailing slash (links in every response are
    /// built on it); nil: `http://HOST:PORT`.
    public var baseURL: String?
    /// Read-only connections in the pool: one per core by default.
    public var poolSize: Int
    /// The longest request target (path and query) accepted, in bytes; longer ones answer 414.
    public var maximumTargetLength = 8192
    /// The most header bytes accepted in one request (all fields together).
    public var maximumHeaderBytes = 16 * 1024
    /// Bytes of recent JSON answers kept for repeats of the same request while the data is
    /// unchanged (0: no such cache).
    public var responseCacheBytes = 64 << 20
    /// Bytes of recent vector tiles kept while the data is unchanged (0: no tile cache).
    public var tileCacheBytes = 256 << 20
    /// Whether the service applications are served (`qamtu serve --writable`): the file is
    /// opened for writing too (switched to WAL), and `/applications` takes submissions and
    /// transitions from users with tokens. Without it the server only reads.
    public var writable = false
    /// The largest request body accepted (a submission or a transition), bytes; larger ones answer 413.
    public var maximumBodyBytes = 64 * 1024
    /// Failed sign-ins allowed per client address within ``authenticationWindowSeconds``
    /// before its requests to `/applications` answer 429.
    public var maximumFailedSignIns = 20
    /// The window of ``maximumFailedSignIns``, seconds.
    public var authenticationWindowSeconds = 60.0
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`):
    /// behind a proxy every connection comes from it, and the limit on failed sign-ins must count
    /// clients, not the proxy.
    public var trustedProxies: Set<String> = []
    /// The folder holding MapLibre GL JS (`maplibre-gl.js` and `maplibre-gl.css`) for the web map
    /// at `/map`; nil: none, and `/map` answers 503 saying how to install them
    /// (`Scripts/install-map-assets.sh`). `qamtu serve` sets it from `--map-assets`,
    /// `QAMTU_MAP_ASSETS` or ``defaultMapAssetsDirectory(environment:)``.
    public var mapAssetsDirectory: String?

    /// A configuration for `databasePath` on `host:port`.
    public init(databasePath: String, host: String = "127.0.0.1", port: Int = 8080, baseURL: String? = nil,
                poolSize: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.databasePath = databasePath
        self.host = host
        self.port = port
        self.baseURL = baseURL
        self.poolSize = max(1, poolSize)
    }

    /// Where `Scripts/install-map-assets.sh` puts MapLibre GL JS:
    /// `$XDG_DATA_HOME/qamtu/maplibre`, else `$HOME/.local/share/qamtu/maplibre`; nil without either variable.
    public static func defaultMapAssetsDirectory(environment: [String: String]) -> String? {
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data + "/qamtu/maplibre" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.local/share/qamtu/maplibre" }
        return nil
    }

    /// The base of every link: ``baseURL`` without a trailing slash, or `http://HOST:PORT`.
    public var linkBase: String {
        if let baseURL {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            return base
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost):\(port)"
    }
}
