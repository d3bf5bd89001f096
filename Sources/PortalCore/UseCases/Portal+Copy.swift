import GeoModel

extension Portal {
    /// The layers a copy carries, in the order it imports them: the districts before the
    /// settlements (whose districts they name), the commitments last (they are placed at their
    /// targets). The service applications live in the ledger, not in a layer: ``copyApplications(to:)``
    /// carries them.
    public static let copiedLayers: [LayerSchema] = [.districts, .settlements, .roads, .sites, .institutions, .services, .commitments]

    /// Copies every layer of this portal's store into `target`, feature by feature in the
    /// source's order, each layer through the target's import (all or nothing per layer, with its
    /// validation, spatial index and site pack), so that every export of the target equals the
    /// source's byte for byte.
    ///
    /// The target's layers must be empty (a new store, `qamtu init`): a copy never mixes two
    /// stores' features. Memory stays flat: each layer is streamed (``StoreFeatureSource``).
    /// - Parameter progress: called after each layer.
    /// - Returns: what was copied, layer by layer (empty layers included).
    /// - Throws: ``PortalError`` (conflict) when a target layer holds features; the source's
    ///   errors while it is read; the target's import errors.
    public func copyLayers(to target: any PortalStore, progress: ((LayerCopy) -> Void)? = nil) throws -> [LayerCopy] {
        for layer in Self.copiedLayers {
            let held = try target.count(ExportQuery(layer: layer))
            if held > 0 {
                throw PortalError(.conflict, "\(target.location) already holds \(NumberFormat.grouped(held)) \(layer.name); a copy fills an empty store",
                                  commandLineHint: "copy into a new database (`qamtu init --db TARGET`)")
            }
        }
        var copies: [LayerCopy] = []
        for layer in Self.copiedLayers {
            let total = try store.count(ExportQuery(layer: layer))
            var copy = LayerCopy(layer: layer.name, features: 0)
            if total > 0 {
                let source = StoreFeatureSource(store: store, layer: layer, name: "\(store.location): \(layer.name)", total: total)
                defer { source.stop() }
                do {
                    let report = try target.importFeatures(from: source, into: layer, fileName: "\(store.location): \(layer.name)",
                                                           options: ImportOptions(), progress: nil)
                    copy.features = report.imported
                } catch {
                    // A failed read of the source surfaces as an unreadable input: its own error says more.
                    throw source.scanError ?? error
                }
                if copy.features != total {
                    throw PortalError(.internal, "\(layer.name): \(NumberFormat.grouped(copy.features)) of \(NumberFormat.grouped(total)) features copied")
                }
            }
            copies.append(copy)
            progress?(copy)
        }
        return copies
    }
}
