import GeoModel

/// Copies every layer of one store into another (`qamtu copy --from SOURCE --to TARGET`): a
/// SpatiaLite file into PostGIS and back, or any store into any other.
///
/// Each layer is read whole from the source (in memory: one layer at a time) and imported into
/// the target with `--replace` through the target's ordinary import, in the layers' dependency
/// order, so that the target validates every feature and derives what it derives (settlements'
/// districts, commitments' positions) as on any import. Feature order, ids, values and
/// geometries are kept, so that every export of the copy is identical to the source's. The
/// service applications (the `applications` layer and its private tables) are not copied.
public enum StoreCopy {
    /// The layers a copy carries, in dependency order.
    public static var layers: [LayerSchema] { LayerSchema.all.filter { !$0.isWorkflowLayer } }

    /// Copies ``layers`` from `source` to `target`; `progress` hears of each layer when it is done.
    /// - Returns: the target's import report of each layer.
    /// - Throws: the stores' errors; a layer that fails to import leaves the target's layers
    ///   before it copied and its own unchanged (each layer is one transaction).
    public static func copy(from source: any PortalStore, to target: any PortalStore,
                            progress: ((ImportReport) -> Void)? = nil) throws -> [ImportReport] {
        var reports: [ImportReport] = []
        for layer in layers {
            let records = try source.features(ExportQuery(layer: layer))
            let input = RecordSource(records: records, layer: layer, origin: source.location)
            let report = try target.importFeatures(from: input, into: layer, fileName: source.location,
                                                   options: ImportOptions(replace: true), progress: nil)
            progress?(report)
            reports.append(report)
        }
        return reports
    }
}
