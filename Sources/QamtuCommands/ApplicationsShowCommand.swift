import ArgumentParser
import GeoModel
import PortalCore

/// `qamtu applications show ID`: the application as GeoJSON with its details, and its events.
struct ApplicationsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show an application (GeoJSON Feature with the applicant's details) and its events.")

    @Argument(help: "The application id, e.g. A-000042.")
    var id: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try ErrorReporting.run {
            let portal = try database.applicationsPortal(readOnly: true)
            let office = PortalUser(number: 0, name: "cli", role: .admin, organisation: nil, created: "", revoked: nil)
            let application = try portal.application(id, for: office)
            let events = try portal.events(ofApplication: id, for: office)
            let value: JSONValue = .object([("application", ApplicationJSON.feature(application)),
                                            ("events", ApplicationJSON.events(events, of: id)["events"] ?? .array([]))])
            print(String(decoding: ApplicationJSON.bytes(value), as: UTF8.self), terminator: "")
        }
    }
}
