import Foundation
import Hummingbird
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The client a request comes from, as a key for per-client limits.
///
/// The peer of the connection, unless it is one of the trusted proxies (`--trusted-proxy`): then
/// the rightmost address of `X-Forwarded-For` that is not itself a trusted proxy. An IPv6 address
/// counts by its /64 prefix (one network hands out a whole /64 to one host). Without a peer (tests
/// without a socket): `unknown`.
enum ClientAddress {
    static func key(peer: String?, forwardedFor: String?, trustedProxies: Set<String>) -> String {
        guard let peer else { return "unknown" }
        var client = peer
        if trustedProxies.contains(peer), let forwardedFor {
            let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let first = hops.last(where: { !trustedProxies.contains($0) }) { client = first }
        }
        return network(client)
    }

    /// An IPv6 address as its /64 (`2001:db8:1:2::/64`); anything else as it is.
    static func network(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return "\(bytes[12]).\(bytes[13]).\(bytes[14]).\(bytes[15])"   // IPv4-mapped
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
