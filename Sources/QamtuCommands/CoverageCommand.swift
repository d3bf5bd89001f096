import ArgumentParser

/// `qamtu coverage`: which settlements lack broadband as of a year, with reasons.
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Settlements' connectivity as of a year: class, best fixed and mobile technology, covering sites, reasons.",
        discussion: """
            `qamtu coverage [options]` runs `coverage list`. A site covers a settlement when the geodesic \
            distance on the WGS84 ellipsoid is at most its range (exactly at the range counts). Ranges: \
            the site's range_m; else Okumura–Hata / COST-231 Hata (rural open area) from band_mhz, height_m, \
            eirp_dbm and the receiver threshold of the technology; else the default table.

            Examples:
              qamtu coverage --class unserved
              qamtu coverage --as-of 2025 --scenario planned --district Байзақ --format csv -o bayzak.csv
              qamtu coverage diff 2024 2026
              qamtu coverage footprints --operator Tele2 --technology 4G -o tele2-4g.geojson
            """,
        subcommands: [CoverageListCommand.self, CoverageDiffCommand.self, CoverageFootprintsCommand.self],
        defaultSubcommand: CoverageListCommand.self)
}
