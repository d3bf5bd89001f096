import Testing
@testable import QamtuServer

/// The client a sign-in failure is counted for: the peer, or behind a trusted proxy the address
/// `X-Forwarded-For` names; IPv6 by its /64.
@Suite("Client addresses for the sign-in limit")
struct ClientAddressTests {
    @Test func thePeerCountsUnlessItIsATrustedProxy() {
        #expect(ClientAddress.key(peer: "203.0.113.7", forwardedFor: "198.51.100.1", trustedProxies: []) == "203.0.113.7")
        #expect(ClientAddress.key(peer: "10.0.0.2", forwardedFor: "198.51.100.1", trustedProxies: ["10.0.0.2"]) == "198.51.100.1")
        // A client cannot hide behind a forged first hop: the rightmost untrusted address counts.
        #expect(ClientAddress.key(peer: "10.0.0.2", forwardedFor: "1.2.3.4, 198.51.100.1, 10.0.0.3",
                                  trustedProxies: ["10.0.0.2", "10.0.0.3"]) == "198.51.100.1")
        #expect(ClientAddress.key(peer: "10.0.0.2", forwardedFor: nil, trustedProxies: ["10.0.0.2"]) == "10.0.0.2")
        #expect(ClientAddress.key(peer: nil, forwardedFor: "198.51.100.1", trustedProxies: []) == "unknown")
    }

    @Test func anIPv6ClientCountsByItsSlash64() {
        #expect(ClientAddress.network("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(ClientAddress.network("2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(ClientAddress.network("::ffff:192.0.2.5") == "192.0.2.5")
        #expect(ClientAddress.network("192.0.2.5") == "192.0.2.5")
        #expect(ClientAddress.network("not an address") == "not an address")
    }
}
