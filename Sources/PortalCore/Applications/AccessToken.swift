import Crypto
import Foundation
import GeoModel

/// A bearer token of the portal: `qamtu_` + a 16-hex-digit id + `_` + a secret of 256 random
/// bits (base64url, 43 characters). The store keeps the id and the SHA-256 of the secret, never
/// the token; a presented token is checked by recomputing the hash and comparing in constant time.
public struct AccessToken: Sendable {
    /// The whole token, shown to its user once.
    public let text: String
    /// The id under which the store finds the user.
    public let id: String
    /// The SHA-256 of the secret (32 bytes).
    public let secretSHA256: [UInt8]

    /// A new token from the system's cryptographic random source.
    public static func generate() -> AccessToken {
        let idBytes = SymmetricKey(size: .init(bitCount: 64)).withUnsafeBytes { Array($0) }
        let secretBytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let id = idBytes.map { String(format: "%02x", $0) }.joined()
        let secret = Data(secretBytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return AccessToken(text: "qamtu_\(id)_\(secret)", id: id, secretSHA256: hash(secret))
    }

    /// The id and secret of a presented token; nil when it does not have the token's shape.
    public static func parse(_ text: String) -> (id: String, secret: String)? {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "qamtu", parts[1].utf8.count == 16,
              parts[1].utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
              parts[2].utf8.count == 43,
              parts[2].utf8.allSatisfy({ $0 == 45 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
        else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// The SHA-256 of a secret's UTF-8 bytes.
    public static func hash(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Data(secret.utf8))) }

    /// Whether two byte strings are equal, in a time that depends on their lengths only.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
