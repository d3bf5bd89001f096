import ArgumentParser

/// The road argument and database option shared by the `road` subcommands.
struct RoadSelection: ParsableArguments {
    @Argument(help: ArgumentHelp("The road: id, ref (A-2, M-39, E40) or name in any script.", valueName: "road"))
    var road: String

    @OptionGroup var database: DatabaseOptions
}
