import Foundation
import Crypto

/// API key + secret. The secret is only ever read by `Signer`; every textual form of this value hides it.
public struct BinanceCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let apiKey: String
    fileprivate let secret: String

    public init(apiKey: String, secret: String) { self.apiKey = apiKey; self.secret = secret }

    /// The key with all but its first and last 4 characters masked, for logs.
    public var maskedAPIKey: String { Self.mask(apiKey) }
    public var description: String { "BinanceCredentials(apiKey: \(maskedAPIKey), secret: <hidden>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["apiKey": maskedAPIKey, "secret": "<hidden>"]) }

    static func mask(_ s: String) -> String {
        guard s.count > 8 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(4)) + String(repeating: "*", count: s.count - 8) + String(s.suffix(4))
    }
}

/// Binance's request signing: HMAC-SHA256 (hex) of the query string followed by the form body,
/// keyed by the secret; `signature` goes last, the key in the `X-MBX-APIKEY` header.
public struct Signer: @unchecked Sendable {  // SymmetricKey is immutable
    public let credentials: BinanceCredentials
    private let key: SymmetricKey

    public init(credentials: BinanceCredentials) {
        self.credentials = credentials
        self.key = SymmetricKey(data: Data(credentials.secret.utf8))
    }

    /// Lower-case hex HMAC-SHA256 of `query + body` (Binance: "totalParams").
    public func signature(query: String, body: String = "") -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((query + body).utf8), using: key)
        return Hex.lowercase(mac)
    }

    /// The `X-MBX-APIKEY` header.
    public var header: (String, String) { ("X-MBX-APIKEY", credentials.apiKey) }
}
