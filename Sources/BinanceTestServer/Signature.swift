import Crypto
import Foundation

/// HMAC-SHA256 as Binance defines it: key = secret, message = totalParams, hex digest
/// compared case-insensitively ("The signature is not case sensitive").
enum Signature {
    static func hex(payload: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    static func isValid(_ signature: String, payload: String, secret: String) -> Bool {
        let expected = hex(payload: payload, secret: secret)
        let given = signature.lowercased()
        guard given.utf8.count == expected.utf8.count else { return false }
        // Constant-time compare: the test server should not teach bad habits.
        var diff: UInt8 = 0
        for (a, b) in zip(given.utf8, expected.utf8) { diff |= a ^ b }
        return diff == 0
    }
}
