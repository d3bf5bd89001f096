import Foundation
import Hummingbird

/// The representation a client asked for: JSON (GeoJSON for features) or HTML, chosen by the
/// `f` parameter or else by the `Accept` header (OGC API – Features, 7.8).
public enum ResponseFormat: String, Sendable {
    /// `application/json`, or `application/geo+json` for features.
    case json
    /// `text/html`.
    case html

    /// Chooses from `f` (`json`, `geojson`, `html`) or from `accept` (quality values honoured;
    /// `*/*`, no header or an empty one give JSON).
    /// - Throws: ``OGCError`` 400 for an unknown `f`, 406 when `Accept` allows neither.
    static func negotiate(f: String?, accept: String?) throws(OGCError) -> ResponseFormat {
        if let f {
            switch f.lowercased() {
            case "json", "geojson", "application/json", "application/geo+json": return .json
            case "html", "text/html": return .html
            default: throw .invalidParameter("f", "unknown format '\(QueryParameters.printable(f))' (expected json or html)")
            }
        }
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return .json }
        var best: (format: ResponseFormat, quality: Double, specific: Int)?
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0 else { continue }
            let candidates: [(ResponseFormat, Int)] = switch type {
            case "application/geo+json", "application/json": [(.json, 2)]
            case "text/html", "application/xhtml+xml": [(.html, 2)]
            case "application/*": [(.json, 1)]
            case "text/*": [(.html, 1)]
            case "*/*": [(.json, 0)]
            default: []
            }
            for (format, specific) in candidates {
                if let current = best, current.quality > quality || (current.quality == quality && current.specific >= specific) {
                    continue
                }
                best = (format, quality, specific)
            }
        }
        guard let best else {
            throw .notAcceptable("none of the media types in Accept is served here (application/geo+json, application/json, text/html)")
        }
        return best.format
    }
}
