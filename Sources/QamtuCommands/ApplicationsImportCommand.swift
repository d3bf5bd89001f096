import ArgumentParser
import Foundation
import PortalCore

/// `qamtu applications import FILE.geojson`: applications with their histories, all or nothing.
struct ApplicationsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import applications with their events from GeoJSON, all or nothing.",
        discussion: """
            Each Feature is a submission (a Point; service_id, applicant_name, applicant_iin, applicant_phone, \
            applicant_email, note) with `events`: [{"at", "by", "to", "note"}, …], oldest first, the first one \
            'received'. The workflow's rules apply to every step; ids are assigned in file order. Example:
              qamtu applications import GeoData/applications.geojson
            """)

    @Argument(help: "The GeoJSON FeatureCollection.")
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try ErrorReporting.run {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw PortalError(.notFound, "cannot read \(file)")
            }
            let name = (file as NSString).lastPathComponent
            let stored = try database.applicationsPortal().importApplications(json: Array(data), name: name)
            Terminal.note("imported \(stored.count) application\(stored.count == 1 ? "" : "s") from \(name) with their events")
        }
    }
}
