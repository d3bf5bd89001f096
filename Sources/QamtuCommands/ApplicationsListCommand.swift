import ArgumentParser
import Foundation
import GeoModel
import PortalCore

/// `qamtu applications list [--status …] [--service …] [--district …]`: one line per application
/// (no personal data; `show` has it).
struct ApplicationsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List applications: id, service, status, submitted, due, overdue, district.")

    @Option(help: ArgumentHelp("Only this status: received, in_progress, approved, returned.", valueName: "status"))
    var status: String?

    @Option(help: ArgumentHelp("Only this service id.", valueName: "id"))
    var service: String?

    @Option(help: ArgumentHelp("Only this district (name).", valueName: "name"))
    var district: String?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let status, ApplicationStatus(rawValue: status) == nil {
            throw ValidationError("--status must be one of \(ApplicationStatus.spellings), got '\(status)'")
        }
    }

    func run() throws {
        try ErrorReporting.run {
            let portal = try database.applicationsPortal(readOnly: true)
            let query = ApplicationQuery(status: status.flatMap(ApplicationStatus.init(rawValue:)), serviceID: service,
                                         district: district, limit: Int.max)
            let office = PortalUser(number: 0, name: "cli", role: .admin, organisation: nil, created: "", revoked: nil)
            let page = try portal.applications(query, for: office)
            let today = PortalTime.day(Date())
            let rows = [["id", "service", "status", "submitted", "due", "overdue", "district"]] + page.items.map { a in
                [a.id, a.serviceID, a.status.rawValue, a.submitted, a.due, a.isOverdue(on: today) ? "yes" : "", a.district ?? ""]
            }
            print(TextTable.render(rows, rightAligned: []))
            Terminal.note("\(page.matched) application\(page.matched == 1 ? "" : "s")")
        }
    }
}
