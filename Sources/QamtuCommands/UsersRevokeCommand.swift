import ArgumentParser
import PortalCore

/// `qamtu users revoke NAME`: the user's token stops working at once (401).
struct UsersRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a user's token: its next request answers 401.")

    @Argument(help: "The user's name.")
    var name: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try ErrorReporting.run {
            let user = try database.applicationsPortal().revokeUser(name: name)
            Terminal.note("revoked the token of '\(user.name)' (since \(user.revoked ?? "now"))")
        }
    }
}
