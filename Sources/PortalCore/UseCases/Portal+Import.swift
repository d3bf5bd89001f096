import GeoModel

extension Portal {
    /// Validates every feature of a file and imports them into a layer in one transaction: all
    /// or nothing.
    /// - Returns: the report and the format read.
    /// - Throws: ``PortalError`` (invalid input) for standard input without a format; the
    ///   format's and the store's errors (`StorageError.importFailed` lists the problems).
    public func importFeatures(_ request: ImportRequest,
                               progress: ((ImportProgress) -> Void)? = nil) throws -> (report: ImportReport, format: InputFormat) {
        if request.path == "-" && request.format == nil {
            throw PortalError(.invalidInput, "reading standard input needs a format (it cannot be detected from a stream)")
        }
        let format = try request.format ?? InputFormat.detect(path: request.path)
        if let expected = format.fixedLayer, expected != request.layer.name {
            throw PortalError(.invalidInput, "format \(format.rawValue) fills layer \(expected), not \(request.layer.name)")
        }
        let source = try format.openSource(path: request.path, layer: request.layer, options: request.source)
        let report = try store.importFeatures(from: source, into: request.layer, fileName: request.path,
                                              options: request.options, progress: progress)
        return (report, format)
    }
}
