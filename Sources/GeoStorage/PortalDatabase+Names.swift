import GRDB
import GeoModel

extension PortalDatabase {
    /// Every feature of `layer` as a name-matching candidate (its id and the layer's name columns).
    ///
    /// The matching itself (`NameMatcher`) is pure Swift; commands that take a place or road name
    /// all resolve it this way.
    public func nameCandidates(_ layer: LayerSchema) throws -> [NameMatcher.Candidate] {
        let columns = layer.nameColumns.map(SQL.identifier).joined(separator: ", ")
        return try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, \(columns) FROM \(SQL.identifier(layer.name)) ORDER BY fid")
            var out: [NameMatcher.Candidate] = []
            while let row = try rows.next() {
                let id: String = row[0]
                let names: [String?] = (1...layer.nameColumns.count).map { row[$0] }
                out.append(NameMatcher.Candidate(id: id, names: names))
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
