import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import QamtuServer
import QamtuTestSupport
import Testing

/// The web map: the page, its script, MapLibre GL JS from the configured folder (503 with the
/// install hint without it) and the name search behind the search box.
@Suite struct MapAPITests {
    /// Runs `body` with a client of the router served with `assets` as the MapLibre folder.
    func withClient(_ fixture: ServerFixture, assets: String?,
                    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var configuration = fixture.configuration
        configuration.mapAssetsDirectory = assets
        var logger = Logger(label: "qamtu.test")
        logger.logLevel = .error
        let app = try await QamtuServerApplication.build(configuration, logger: logger)
        try await app.test(.router) { client in try await body(client) }
    }

    /// A folder with stand-ins for maplibre-gl.js (2,000 bytes, so gzip applies) and maplibre-gl.css.
    func assetsFolder(_ fixture: ServerFixture) throws -> String {
        let folder = fixture.folder.path("maplibre")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(("/* maplibre stand-in */" + String(repeating: "var a=1;", count: 247)).utf8).write(to: URL(fileURLWithPath: folder + "/maplibre-gl.js"))
        try Data(".maplibregl-map{overflow:hidden}".utf8).write(to: URL(fileURLWithPath: folder + "/maplibre-gl.css"))
        return folder
    }

    @Test func withoutMapLibreThePageAndItsFilesAnswer503SayingWhatToRun() async throws {
        let fixture = try ServerFixture()
        let missing = fixture.folder.path("nowhere")
        try await withClient(fixture, assets: missing) { client in
            let json = try await client.execute(uri: "/map", method: .get, headers: [.accept: "application/json"])
            #expect(json.status == .serviceUnavailable)
            let document = try json.json()
            #expect(document["code"] as? String == "ServiceUnavailable")
            let description = try #require(document["description"] as? String)
            #expect(description.contains("Scripts/install-map-assets.sh"))
            #expect(description.contains(missing + "/maplibre-gl.js"))
            #expect(json.headers[.cacheControl] == "no-store")

            let html = try await client.execute(uri: "/map", method: .get, headers: [.accept: "text/html,*/*"])
            #expect(html.status == .serviceUnavailable)
            #expect(html.headers[.contentType] == "text/html; charset=utf-8")
            #expect(html.text.contains("Scripts/install-map-assets.sh"))

            for path in ["/map/maplibre-gl.js", "/map/maplibre-gl.css"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .serviceUnavailable, "\(path)")
                #expect(try response.json()["code"] as? String == "ServiceUnavailable", "\(path)")
            }
            // The page's own script is part of the server.
            let script = try await client.execute(uri: "/map/map.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
        }
    }

    @Test func withoutAnAssetsFolderTheHintSaysHowToConfigureIt() async throws {
        let fixture = try ServerFixture()
        try await withClient(fixture, assets: nil) { client in
            let response = try await client.execute(uri: "/map/maplibre-gl.css", method: .get)
            #expect(response.status == .serviceUnavailable)
            let description = try #require(try response.json()["description"] as? String)
            #expect(description.contains("not configured"))
            #expect(description.contains("--map-assets"))
        }
    }

    @Test func thePageLoadsEverythingFromThisServer() async throws {
        let fixture = try ServerFixture()
        let assets = try assetsFolder(fixture)
        try await withClient(fixture, assets: assets) { client in
            let page = try await client.execute(uri: "/map", method: .get, headers: [.accept: "text/html"])
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.eTag] != nil)
            #expect(page.text.contains("<script src=\"map/maplibre-gl.js\"></script>"))
            #expect(page.text.contains("<script src=\"map/map.js\"></script>"))
            #expect(page.text.contains("href=\"map/maplibre-gl.css\""))
            let script = try await client.execute(uri: "/map/map.js", method: .get)
            // No absolute URL in either: nothing is requested from another host.
            for text in [page.text, script.text] {
                #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("src=\"//"))
            }
            #expect(script.text.contains("window.qamtuMap"))
            #expect(script.text.contains("collections/coverage/tiles"))

            let js = try await client.execute(uri: "/map/maplibre-gl.js", method: .get)
            #expect(js.status == .ok)
            #expect(js.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(js.headers[.cacheControl] == "public, max-age=86400")
            #expect(js.headers[.eTag] != nil)
            #expect(Array(buffer: js.body) == Array(try Data(contentsOf: URL(fileURLWithPath: assets + "/maplibre-gl.js"))))
            let css = try await client.execute(uri: "/map/maplibre-gl.css", method: .get)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.text == ".maplibregl-map{overflow:hidden}")

            // Through the middleware: gzip when accepted, 304 for its ETag.
            let gzipped = try await client.execute(uri: "/map/maplibre-gl.js", method: .get, headers: [.acceptEncoding: "gzip"])
            #expect(gzipped.headers[.contentEncoding] == "gzip")
            var body = gzipped.body
            let unzipped = try body.decompress(with: .gzip)
            #expect(Array(buffer: unzipped) == Array(buffer: js.body))
            let tag = try #require(js.headers[.eTag])
            let again = try await client.execute(uri: "/map/maplibre-gl.js", method: .get, headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified)

            let unknown = try await client.execute(uri: "/map?zoom=3", method: .get)
            #expect(unknown.status == .badRequest)
            #expect(try unknown.json()["code"] as? String == "InvalidParameterValue")
        }
    }

    @Test func searchFindsNamesInAnyScript() async throws {
        let fixture = try ServerFixture()
        try await withClient(fixture, assets: nil) { client in
            let response = try await client.execute(uri: "/map/search?q=%D1%82%D0%B0%D1%80%D0%B0%D0%B7", method: .get) // тараз
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/geo+json")
            let features = try #require(try response.json()["features"] as? [[String: Any]])
            #expect(features.first?["id"] as? String == "s2")
            let properties = try #require(features.first?["properties"] as? [String: Any])
            #expect(properties["match_rank"] as? Int == 1)

            let districts = try await client.execute(uri: "/map/search?q=west&layer=districts&limit=1", method: .get)
            let found = try #require(try districts.json()["features"] as? [[String: Any]])
            #expect(found.map { $0["id"] as? String } == ["d1"])

            for (uri, parameter) in [("/map/search", "q"), ("/map/search?q=%20", "q"), ("/map/search?q=a&layer=commitments", "layer"),
                                     ("/map/search?q=a&limit=0", "limit"), ("/map/search?q=a&colour=red", "colour")] {
                let bad = try await client.execute(uri: uri, method: .get)
                #expect(bad.status == .badRequest, "\(uri)")
                #expect((try bad.json()["description"] as? String)?.contains("'\(parameter)'") == true, "\(uri)")
            }
        }
    }

    @Test func theDefaultAssetsFolderFollowsXDG() {
        #expect(ServerConfiguration.defaultMapAssetsDirectory(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/a"])
            == "/data/qamtu/maplibre")
        #expect(ServerConfiguration.defaultMapAssetsDirectory(environment: ["XDG_DATA_HOME": "", "HOME": "/home/a"])
            == "/home/a/.local/share/qamtu/maplibre")
        #expect(ServerConfiguration.defaultMapAssetsDirectory(environment: [:]) == nil)
    }
}
