import GRDB
import GeoModel

extension PortalDatabase {
    /// Every feature of `layer` as a name-matching candidate (its id and the layer's name columns).
    ///
    /// The matching itself (`NameMatcher`) is pure Swift; commands that take a place or road name
    /// all resolve it this way. Settlements carry a prominence that ranks equally good matches
    /// (see `NameMatcher.settlementProminence(population:kind:inRegion:)`); other layers none.
    public func nameCandidates(_ layer: LayerSchema) throws -> [NameMatcher.Candidate] {
        let columns = layer.nameColumns.map(SQL.identifier).joined(separator: ", ")
        let isSettlements = layer.name == LayerSchema.settlements.name
        let extra = isSettlements
            ? ", population, kind, district IS NOT NULL AND district IN (SELECT id FROM districts)"
            : ""
        return try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, \(columns)\(extra) FROM \(SQL.identifier(layer.name)) ORDER BY fid")
            var out: [NameMatcher.Candidate] = []
            let count = layer.nameColumns.count
            while let row = try rows.next() {
                let id: String = row[0]
                let names: [String?] = (1...count).map { row[$0] }
                let prominence = isSettlements
                    ? NameMatcher.settlementProminence(population: row[count + 1], kind: row[count + 2], inRegion: row[count + 3] ?? false)
                    : 0
                out.append(NameMatcher.Candidate(id: id, names: names, prominence: prominence))
            }
            return out
        }
    }

    /// The features of `layer` with these ids, in the order of `ids` (unknown ids are left out).
    public func features(_ layer: LayerSchema, ids: [String]) throws -> [FeatureRecord] {
        var byID: [String: FeatureRecord] = [:]
        // Chunks keep each statement under SQLite's limit of bound parameters.
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(ids.count, start + 500)])
            for record in try features(ExportQuery(layer: layer, ids: chunk)) { byID[record.id] = record }
        }
        return ids.compactMap { byID[$0] }
    }
}
