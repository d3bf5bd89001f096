import ArgumentParser
import GeoModel
import PortalCore

/// `qamtu users add NAME --role … [--organisation …]`: adds a user and prints the new bearer
/// token, alone on standard output, once (the file keeps only its hash).
struct UsersAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a user; prints the bearer token once, alone on standard output.",
        discussion: """
            Roles: applicant (own applications only), provider (the applications of its organisation's services; \
            --organisation is the `provider` of those services), admin (every application). Examples:
              qamtu users add office --role admin
              TOKEN=$(qamtu users add provider-zhambyl-water --role provider --organisation "Zhambyl Water")
            """)

    @Argument(help: "The user's unique name (shown in the events as who made a change).")
    var name: String

    @Option(help: "applicant, provider or admin.")
    var role: UserRole

    @Option(help: ArgumentHelp("The provider organisation (providers only).", valueName: "name"))
    var organisation: String?

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try ErrorReporting.run {
            let (user, token) = try database.applicationsPortal().addUser(name: name, role: role, organisation: organisation)
            print(token)
            Terminal.note("added \(user.role.rawValue) '\(user.name)'" + (user.organisation.map { " of \($0)" } ?? "")
                          + "; the token above is shown only now (the file keeps its hash)")
        }
    }
}
