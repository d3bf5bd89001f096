import GeoModel

/// Reads a file of a layer's features and validates every one as `qamtu import` does (the
/// column contract, `LayerSchema.validate`; ids unique in the file and not already in the layer),
/// without writing anything: the input of what-if questions and of candidate lists.
enum ValidatedFile {
    /// Every record of the file at `path`, in file order.
    /// - Parameters:
    ///   - format: the input format; nil detects it from the content.
    ///   - existingIDs: ids already in the layer (a feature with one of them is a problem, as in
    ///     an import); empty when the records never join the layer.
    ///   - maxListedProblems: how many problems the error lists (all are counted).
    /// - Throws: `ImportError.failed` listing the problems, with the messages of an import
    ///   (`import of sites from FILE failed: 2 problems, nothing was written`); ``PortalError``
    ///   for standard input; the format's errors for an unreadable file.
    static func records(path: String, layer: LayerSchema, format: InputFormat? = nil, existingIDs: Set<String> = [],
                        maxListedProblems: Int = 20) throws -> [FeatureRecord] {
        if path == "-" {
            throw PortalError(.invalidInput, "a \(layer.name) file is read from a path, not standard input")
        }
        let format = try format ?? InputFormat.detect(path: path)
        if let expected = format.fixedLayer, expected != layer.name {
            throw ImportError.formatDoesNotFitLayer(format: format.rawValue, layer: layer.name, expected: expected)
        }
        let source = try format.openSource(path: path, layer: layer)
        var records: [FeatureRecord] = []
        var listed: [ImportProblem] = []
        var total = 0
        var seen = Set<String>()
        var problems: [ImportProblem] = []
        func note(_ problem: ImportProblem) {
            total += 1
            if listed.count < maxListedProblems { listed.append(problem) }
        }
        while let feature = try source.next() {
            problems.removeAll(keepingCapacity: true)
            guard let record = layer.validate(feature, decimalComma: source.decimalComma, problems: &problems) else {
                problems.forEach(note)
                continue
            }
            if existingIDs.contains(record.id) {
                note(.duplicateID(record.id, at: feature.location, inLayer: layer.name))
            } else if !seen.insert(record.id).inserted {
                note(.duplicateID(record.id, at: feature.location, inLayer: nil))
            } else {
                records.append(record)
            }
        }
        if total > 0 {
            throw ImportError.failed(layer: layer.name, file: path, problems: listed, total: total)
        }
        return records
    }
}
