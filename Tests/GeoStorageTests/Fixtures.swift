import Foundation
import GeoModel
import QamtuTestSupport
@testable import GeoStorage

/// A fresh portal database in its own temporary folder.
struct Fixture {
    let folder: TemporaryFolder
    let portal: PortalDatabase

    init() throws {
        folder = try TemporaryFolder()
        portal = try PortalDatabase.create(at: folder.path("portal.sqlite"))
    }

    /// Imports a file written from `text` into `layer` (format detected unless given).
    @discardableResult
    func importText(_ layer: LayerSchema, _ name: String, _ text: String, format: InputFormat? = nil,
                    options: ImportOptions = ImportOptions(), fieldMap: [String: String] = [:]) throws -> ImportReport {
        let path = try folder.write(name, text)
        return try importFile(layer, path: path, name: name, format: format, options: options, fieldMap: fieldMap)
    }

    /// Imports an existing file into `layer`.
    @discardableResult
    func importFile(_ layer: LayerSchema, path: String, name: String? = nil, format: InputFormat? = nil,
                    options: ImportOptions = ImportOptions(), fieldMap: [String: String] = [:]) throws -> ImportReport {
        let display = name ?? URL(fileURLWithPath: path).lastPathComponent
        let format = try format ?? InputFormat.detect(path: path, displayName: display)
        let source = try format.openSource(path: path, displayName: display, layer: layer, options: SourceOptions(fieldMap: fieldMap))
        return try portal.importFeatures(from: source, into: layer, fileName: display, options: options)
    }

    /// Exports a query to a string.
    func exportText(_ query: ExportQuery, options: ExportOptions = ExportOptions()) throws -> String {
        let name = "export-\(UUID().uuidString)"
        let sink = try FileSink(path: folder.path(name))
        try portal.export(query, options: options, to: sink)
        return try folder.read(name)
    }

    /// The problem lines of a failed import (`ImportError.failed`), or nil when it succeeded.
    func importProblems(_ layer: LayerSchema, _ name: String, _ text: String, format: InputFormat? = nil) throws -> String? {
        do {
            try importText(layer, name, text, format: format)
            return nil
        } catch let error as ImportError {
            return error.description
        } catch let error as StorageError {
            return error.description
        } catch let error as GeoModelError {
            return error.description
        }
    }
}

/// A small, valid settlements file (GeoJSON) in the column contract.
let settlementsGeoJSON = """
    {"type":"FeatureCollection","features":[
    {"type":"Feature","id":"taraz","geometry":{"type":"Point","coordinates":[71.366667,42.9]},"properties":{"id":"taraz","name":"Тараз","name_kk":"Тараз","name_ru":"Тараз","name_en":"Taraz","kind":"city","population":358153,"district":null,"fibre":"connected","fibre_year":2012,"osm_id":null}},
    {"type":"Feature","id":"shakpak-ata","geometry":{"type":"Point","coordinates":[70.6475,42.571133]},"properties":{"id":"shakpak-ata","name":"Шақпақ ата","name_kk":"Шақпақ ата","name_ru":"Шакпак ата","name_en":"Shakpak-Ata","kind":"village","population":1200,"district":null,"fibre":"planned","fibre_year":2026,"osm_id":2502734780}},
    {"type":"Feature","id":"q\\"uote","geometry":{"type":"Point","coordinates":[-179.999999,-89.5]},"properties":{"id":"q\\"uote","name":"back\\\\slash \\"quoted\\"\\n","name_kk":null,"name_ru":null,"name_en":null,"kind":"hamlet","population":0,"district":null,"fibre":"none","fibre_year":null,"osm_id":null}}
    ]}
    """
