import ArgumentParser

/// `qamtu plan …`: where new masts should go, and what they buy.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Siting of new masts: where they serve the most people, and what each one buys.",
        discussion: """
            Along a road, see `qamtu road plan`. For "what if these masts existed?", see \
            `qamtu coverage --with-sites FILE` and `qamtu coverage diff --with-sites FILE`.

            Examples:
              qamtu plan villages --budget 5 --technology 4G --range 6km
              qamtu plan villages --district Байзақ --target-share 0.9 --candidates grid:5km --format table
            """,
        subcommands: [PlanVillagesCommand.self])
}
