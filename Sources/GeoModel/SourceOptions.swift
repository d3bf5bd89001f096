/// Options that shape how a file is read.
public struct SourceOptions: Sendable {
    /// Renames of input fields: source name → column name (`--map SOURCE=TARGET`).
    public var fieldMap: [String: String] = [:]
    /// Values for columns that a feature leaves empty (`--set FIELD=VALUE`), validated like input.
    public var defaults: [String: String] = [:]

    public init(fieldMap: [String: String] = [:], defaults: [String: String] = [:]) {
        self.fieldMap = fieldMap
        self.defaults = defaults
    }
}
