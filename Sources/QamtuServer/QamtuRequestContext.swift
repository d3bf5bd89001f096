import Hummingbird
import NIOCore

/// The server's request context: Hummingbird's basics and the peer's address (for the limit on
/// failed sign-ins per client, see ``ClientAddress``).
public struct QamtuRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection; nil when unknown (tests without a socket).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
