import ArgumentParser

/// `qamtu users`: the users of the service applications and their tokens.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Users of the service applications: add (prints a new token once), revoke, list.",
        subcommands: [UsersAddCommand.self, UsersRevokeCommand.self, UsersListCommand.self])
}
