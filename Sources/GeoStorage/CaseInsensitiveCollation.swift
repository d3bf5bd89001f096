import CSQLite

/// The SQLite collation `qamtu_nocase`: text compared ignoring case in every script
/// (`Kcell` = `kcell`, `Тараз` = `тараз`), which `--where` filters on text columns use
/// (`column = ? COLLATE qamtu_nocase`). SQLite's own `NOCASE` folds ASCII letters only.
///
/// Registered on every connection of a portal (GRDB's queue and the raw read connections).
/// ASCII text is compared byte by byte with ASCII letters folded; other text by Swift's
/// `lowercased()`, which gives the same order on ASCII text, so the order is total.
/// See <https://www.sqlite.org/c3ref/create_collation.html>.
enum CaseInsensitiveCollation {
    /// The collation's name in SQL.
    static let name = "qamtu_nocase"

    /// Registers the collation on an open connection.
    /// - Throws: `StorageError.sqlite` when SQLite refuses it.
    static func register(on connection: OpaquePointer) throws {
        let rc = sqlite3_create_collation_v2(connection, name, SQLITE_UTF8, nil, compare, nil)
        guard rc == SQLITE_OK else {
            throw StorageError.sqlite(message: "cannot register the collation \(name): \(String(cString: sqlite3_errmsg(connection)))", sql: nil)
        }
    }

    /// SQLite's comparison callback: negative, zero or positive as the first text sorts before,
    /// equal to or after the second.
    private static let compare: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafeRawPointer?, Int32, UnsafeRawPointer?) -> Int32 = {
        _, count1, bytes1, count2, bytes2 in
        let a = UnsafeRawBufferPointer(start: bytes1, count: Int(count1))
        let b = UnsafeRawBufferPointer(start: bytes2, count: Int(count2))
        return CaseInsensitiveCollation.compare(a, b)
    }

    /// Compares two UTF-8 texts ignoring case (see the type's documentation).
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int32 {
        if a.allSatisfy({ $0 < 0x80 }) && b.allSatisfy({ $0 < 0x80 }) {
            for (x, y) in zip(a, b) {
                let fx = x >= 0x41 && x <= 0x5A ? x | 0x20 : x
                let fy = y >= 0x41 && y <= 0x5A ? y | 0x20 : y
                if fx != fy { return fx < fy ? -1 : 1 }
            }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        }
        let x = String(decoding: a, as: UTF8.self).lowercased(), y = String(decoding: b, as: UTF8.self).lowercased()
        return x == y ? 0 : (x < y ? -1 : 1)
    }
}
