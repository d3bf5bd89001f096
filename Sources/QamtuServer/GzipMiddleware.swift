import Foundation
import CompressNIO
import Hummingbird

/// Compresses text responses (JSON, GeoJSON, HTML, OpenAPI) with gzip when the request accepts
/// it, streamed: each chunk of the body is compressed as it passes, so a large page is never
/// held in memory. Responses without a body (304, 204) and error bodies pass unchanged.
struct GzipMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Bodies shorter than this (when their length is known) are sent as they are.
    let minimumBytes = 512

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard Self.acceptsGzip(request.headers[.acceptEncoding]),
              response.status == .ok,
              response.headers[.contentEncoding] == nil,
              let type = response.headers[.contentType], Self.isCompressible(type)
        else { return response }
        if let length = response.body.contentLength, length < minimumBytes { return response }
        let original = response.body
        response.body = ResponseBody { writer in
            let compressor = try ZlibCompressor(algorithm: .gzip)
            let target = GzipBodyWriter(compressor: compressor, base: writer)
            try await original.write(target)
        }
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        Self.addVary(&response.headers, "Accept-Encoding")
        return response
    }

    /// Whether `Accept-Encoding` names gzip (or `*`) with a quality above zero.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for coding in header.split(separator: ",") {
            let parts = coding.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first, name == "gzip" || name == "x-gzip" || name == "*" else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0 { return true }
        }
        return false
    }

    /// JSON, GeoJSON, HTML, CSV and other text compress; images and protobuf tiles are left alone.
    static func isCompressible(_ type: String) -> Bool {
        let lower = type.lowercased()
        return lower.hasPrefix("text/") || lower.contains("json") || lower.hasPrefix(TilesAPI.mvtType)
    }

    /// Adds `value` to the `Vary` header.
    static func addVary(_ headers: inout HTTPFields, _ value: String) {
        if let existing = headers[.vary], !existing.isEmpty {
            if !existing.lowercased().contains(value.lowercased()) { headers[.vary] = existing + ", " + value }
        } else {
            headers[.vary] = value
        }
    }
}

/// A body writer that gzips what passes through it and ends the gzip stream on finish.
struct GzipBodyWriter: ResponseBodyWriter {
    let compressor: ZlibCompressor
    var base: any ResponseBodyWriter

    mutating func write(_ buffer: ByteBuffer) async throws {
        var input = buffer
        let output = try input.compressStream(with: compressor, flush: .sync)
        if output.readableBytes > 0 { try await base.write(output) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        var empty = ByteBuffer()
        let last = try empty.compressStream(with: compressor, flush: .finish)
        if last.readableBytes > 0 { try await base.write(last) }
        try await base.finish(trailingHeaders)
    }
}
