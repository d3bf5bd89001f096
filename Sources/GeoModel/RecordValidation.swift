/// The validating pass of an import that keeps whole records (the memory and PostGIS stores):
/// every feature of a source validated against its layer, ids checked against the file and
/// the layer, the problems counted and the first of them kept, progress every 10,000 features.
/// The SpatiaLite store does the same on threads of its own, with the table's unique index.
public enum RecordValidation {
    /// Reads and validates every feature of `source` for `layer`.
    ///
    /// A valid feature with a new id goes to `add`; with the id of a feature in the layer
    /// (`existingIDs`) under `options.upsert`, to `update` (once per id); any other repeated id is
    /// a problem (``ImportProblem/duplicateID(_:at:inLayer:)``).
    /// - Parameters:
    ///   - existingIDs: the ids in the layer before the import (none when it is replaced).
    ///   - interrupted: asked before each feature; true stops the import.
    /// - Returns: how many features were read.
    /// - Throws: `ImportError.failed` with the first `options.maxListedProblems` problems and
    ///   their count, after the whole source was read; `ImportError.interrupted`; the source's
    ///   and the callbacks' errors.
    public static func run(_ source: any FeatureSource, layer: LayerSchema, fileName: String, options: ImportOptions,
                           existingIDs: Set<String>, interrupted: () -> Bool, progress: ((ImportProgress) -> Void)?,
                           add: (FeatureRecord) throws -> Void, update: (FeatureRecord) throws -> Void) throws -> Int {
        var problems: [ImportProblem] = []
        var total = 0
        var read = 0
        var ids = existingIDs
        var updatedIDs = Set<String>()
        var featureProblems: [ImportProblem] = []
        var cache = ValidationCache(capacity: 256)
        while let feature = try source.next() {
            if interrupted() { throw ImportError.interrupted(layer: layer.name, file: fileName) }
            read += 1
            featureProblems.removeAll(keepingCapacity: true)
            if let record = layer.validate(feature, decimalComma: source.decimalComma, problems: &featureProblems, cache: &cache) {
                if ids.insert(record.id).inserted {
                    try add(record)
                } else if options.upsert && existingIDs.contains(record.id) && updatedIDs.insert(record.id).inserted {
                    try update(record)
                } else {
                    let inLayer = existingIDs.contains(record.id) && !updatedIDs.contains(record.id)
                    featureProblems.append(.duplicateID(record.id, at: feature.location, inLayer: inLayer ? layer.name : nil))
                }
            }
            for problem in featureProblems {
                total += 1
                if problems.count < options.maxListedProblems { problems.append(problem) }
            }
            if let progress, read % 10_000 == 0 {
                progress(ImportProgress(features: read, bytesRead: source.progress.done, totalBytes: source.progress.total))
            }
        }
        if total > 0 {
            throw ImportError.failed(layer: layer.name, file: fileName, problems: problems, total: total)
        }
        return read
    }
}
