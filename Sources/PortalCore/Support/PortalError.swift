import GeoModel

/// A failure of a use case that no lower module reports itself: an unknown or ambiguous road,
/// a name that matches nothing, a parameter out of range. It carries its category, so that the
/// CLI maps it to an exit code and the server to an HTTP status, each in one place.
public struct PortalError: CategorizedError, Sendable, Equatable {
    /// The kind of failure.
    public let category: ErrorCategory
    /// The message for people, without advice on which command to run.
    public let message: String
    /// Advice for a command-line user (a command to run), shown by the CLI only.
    public let commandLineHint: String?

    /// An error of `category` with `message`.
    public init(_ category: ErrorCategory, _ message: String, commandLineHint: String? = nil) {
        self.category = category
        self.message = message
        self.commandLineHint = commandLineHint
    }

    /// The message.
    public var description: String { message }
}
