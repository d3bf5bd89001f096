import ArgumentParser
import PortalCore

/// `qamtu users list`: names, roles, organisations and token states (never tokens).
struct UsersListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the users (never their tokens).")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try ErrorReporting.run {
            let users = try database.applicationsPortal(readOnly: true).users()
            let rows = [["name", "role", "organisation", "added", "token"]] + users.map { user in
                [user.name, user.role.rawValue, user.organisation ?? "", user.created, user.revoked.map { "revoked \($0)" } ?? "valid"]
            }
            print(TextTable.render(rows, rightAligned: []))
        }
    }
}
