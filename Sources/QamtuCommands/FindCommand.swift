import ArgumentParser
import Foundation
import GeoModel
import GeoStorage

/// `qamtu find NAME`: ranked name search in any script.
struct FindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find features by name in any script (Kazakh, Russian, Latin), tolerating small spelling differences.",
        discussion: """
            Kazakh Cyrillic, Russian Cyrillic and Latin transliterations fold together; case, spaces and \
            punctuation are ignored: Шақпақ ата, Шакпаката and Shakpak-Ata find the same village. \
            Exit status 1 when nothing matches.
            """)

    @Argument(help: ArgumentHelp("The name to look for.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("Layer to search: settlements, roads, districts, sites, institutions.", valueName: "layer"))
    var layer: LayerSchema = .settlements

    @Option(help: "At most this many candidates.")
    var limit = 10

    @Option(help: ArgumentHelp("text or geojson.", valueName: "format"))
    var format: FindFormat = .text

    @OptionGroup var database: DatabaseOptions

    enum FindFormat: String, ExpressibleByArgument, CaseIterable { case text, geojson }

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        guard layer.name != LayerSchema.commitments.name else { throw ValidationError("commitments have no names to search; use `qamtu export commitments --where party=…`") }
    }

    func run() throws {
        try reportingErrors {
            let portal = try database.open(readOnly: true)
            let matcher = NameMatcher(candidates: try portal.nameCandidates(layer))
            let matches = matcher.matches(for: name, limit: limit)
            guard !matches.isEmpty else {
                Terminal.error("no \(layer.name) match '\(name)'")
                throw ExitCode.failure
            }
            let records = try portal.features(layer, ids: matches.map(\.id))
            let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            switch format {
            case .text:
                print(Self.table(matches: matches, records: byID, layer: layer))
            case .geojson:
                var out = JSONBuffer()
                let writer = GeoJSONWriter()
                out.raw("{\"type\":\"FeatureCollection\",\"features\":[")
                for (i, match) in matches.enumerated() {
                    guard let record = byID[match.id] else { continue }
                    if i > 0 { out.raw(",") }
                    writer.feature(record, schema: layer, extra: [
                        ("match_rank", .integer(Int64(i + 1))), ("match_kind", .text(match.kind.rawValue)),
                        ("match_score", .real((match.score * 1000).rounded() / 1000)), ("matched_name", .text(match.name)),
                    ], into: &out)
                }
                out.raw("]}")
                print(String(decoding: out.bytes, as: UTF8.self))
            }
        }
    }

    /// A fixed-width table of matches.
    static func table(matches: [NameMatch], records: [String: FeatureRecord], layer: LayerSchema) -> String {
        var rows: [[String]] = [["#", "score", "match", "id", "names", "where"]]
        for (i, match) in matches.enumerated() {
            guard let record = records[match.id] else { continue }
            let names = layer.nameColumns.compactMap { layer.columnIndex($0).flatMap { record.values[$0].text } }
            var unique: [String] = []
            for n in names where !unique.contains(n) { unique.append(n) }
            var place = ""
            if case .point(let p)? = record.geometry {
                place = String(format: "%.5f,%.5f", p.longitude, p.latitude)
            }
            if let d = layer.columnIndex("district").flatMap({ record.values[$0].text }) { place += "  " + d }
            if let k = layer.columnIndex("kind").flatMap({ record.values[$0].text }) { place = k + "  " + place }
            rows.append(["\(i + 1)", String(format: "%.2f", match.score), match.kind.rawValue, match.id,
                         unique.joined(separator: " / "), place])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
