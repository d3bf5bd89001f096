/// Fixed-width text tables for people (find, road masts): columns padded to their widest cell,
/// two spaces apart, the last column unpadded.
public enum TextTable {
    /// The rows as lines (no final newline); columns in `rightAligned` are padded on the left.
    public static func render(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        guard let first = rows.first else { return "" }
        let widths = (0..<first.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                if c == row.count - 1 { return cell }
                let padding = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return rightAligned.contains(c) ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
