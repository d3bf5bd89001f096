import GRDB

/// Triggers dropped for the length of a bulk write and recreated from their stored SQL at its
/// end, inside the same transaction (so a rollback brings them back too).
struct SetAsideTriggers {
    let db: Database
    /// The triggers that existed and were dropped, with their `CREATE TRIGGER` text.
    let saved: [(name: String, sql: String)]

    /// The names of the triggers set aside.
    var names: [String] { saved.map(\.name) }

    /// Drops those of the triggers `names` that exist.
    /// - Throws: GRDB's error when `sqlite_master` cannot be read or a trigger cannot be dropped.
    init(_ db: Database, names: [String]) throws {
        self.db = db
        guard !names.isEmpty else {
            saved = []
            return
        }
        let marks = names.map { _ in "?" }.joined(separator: ", ")
        saved = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (\(marks)) ORDER BY name",
                                 arguments: StatementArguments(names)).map { ($0[0], $0[1]) }
        for trigger in saved { try db.execute(sql: "DROP TRIGGER \(SQL.identifier(trigger.name))") }
    }

    /// Recreates the dropped triggers.
    /// - Throws: GRDB's error when a trigger cannot be created.
    func restore() throws {
        for trigger in saved { try db.execute(sql: trigger.sql) }
    }
}
