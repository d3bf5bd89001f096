import GeoModel

extension Portal {
    /// Validates every feature of a file and imports them into a layer in one transaction: all
    /// or nothing.
    /// - Returns: the report and the format read.
    /// - Throws: ``PortalError`` (invalid input) for standard input without a format; the
    ///   format's and the store's errors (`ImportError.failed` lists the problems).
    public func importFeatures(_ request: ImportRequest,
                               progress: ((ImportProgress) -> Void)? = nil) throws -> (report: ImportReport, format: InputFormat) {
        if request.layer.isWorkflowLayer {
            throw PortalError(.invalidInput, "applications are submitted and moved through the workflow, not imported as a layer",
                              commandLineHint: "`qamtu applications import FILE` loads applications with their events")
        }
        if request.path == "-" && request.format == nil {
            throw PortalError(.invalidInput, "reading standard input needs a format (it cannot be detected from a stream)")
        }
        let format = try request.format ?? InputFormat.detect(path: request.path)
        if let expected = format.fixedLayer, expected != request.layer.name {
            throw ImportError.formatDoesNotFitLayer(format: format.rawValue, layer: request.layer.name, expected: expected)
        }
        if request.options.upsert && request.options.replace {
            throw PortalError(.invalidInput, "replace and upsert exclude each other: replace empties the layer first")
        }
        var source = try format.openSource(path: request.path, layer: request.layer, options: request.source)
        if let region = try request.region.map(importRegion) {
            guard request.layer.geometryType != nil, !request.layer.geometryIsDerived else {
                throw PortalError(.invalidInput, "\(request.layer.name) have no geometry of their own to limit to a region")
            }
            source = RegionFilteredSource(source, region: region)
        }
        let report = try store.importFeatures(from: source, into: request.layer, fileName: request.path,
                                              options: request.options, progress: progress)
        return (report, format)
    }

    /// The region of a request: a box as it is, a district's polygon from the store.
    /// - Throws: ``PortalError`` — not found for an unknown district, invalid input for an
    ///   ambiguous name or a district without a polygon.
    func importRegion(_ region: ImportRequest.Region) throws -> ImportRegion {
        switch region {
        case .bbox(let box):
            return .box(box)
        case .district(let query):
            let record: FeatureRecord
            switch try lookUp(query, in: .districts) {
            case .found(let found):
                record = found
            case .ambiguous(let ids):
                throw PortalError(.invalidInput, "'\(query)' matches several districts: \(ids.joined(separator: ", ")); give one of the ids")
            case .notFound(let closest):
                throw PortalError(.notFound, "no district matches '\(query)'"
                    + (closest.isEmpty ? "" : "; closest: \(closest.joined(separator: ", "))"),
                    commandLineHint: "import the districts first, or list them with `qamtu export districts --format csv`")
            }
            guard let geometry = record.geometry else {
                throw PortalError(.invalidInput, "district '\(query)' has no polygon")
            }
            let name = LayerSchema.districts.columnIndex("name").flatMap { record.values[$0].text } ?? record.id
            return .area(name: "district \(name)", geometry: geometry)
        }
    }
}
