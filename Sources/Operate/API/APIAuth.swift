import Foundation

/// Who may use the status page and REST API. With API_SERVER_PASSWORD: HTTP Basic (user + password) or a bearer
/// token from `POST /api/v1/token/login`. Without (loopback only): reads are open to this machine, but the Host header
/// must name the loopback address (a web page elsewhere cannot reach it through DNS rebinding). Every POST needs a
/// bearer token, which a cross-site form cannot send (no cookies, so no CSRF). Comparisons take constant time.
public final class APIAuth: @unchecked Sendable {
    public let username: String
    private let password: String?
    public let tokenLifetimeMs: Int64
    private let now: @Sendable () -> Int64
    private let lock = NSLock()
    private var tokens: [String: Int64] = [:]

    public init(username: String, password: String?, tokenLifetimeMs: Int64 = 15 * 60_000,
                now: @escaping @Sendable () -> Int64 = OperateClock.wallMilliseconds) {
        self.username = username
        self.password = (password?.isEmpty ?? true) ? nil : password
        self.tokenLifetimeMs = tokenLifetimeMs
        self.now = now
    }

    public var hasPassword: Bool { password != nil }

    public enum Credential: Equatable { case none, basic, bearer, bad }

    /// What the Authorization header proves.
    public func credential(_ header: String?) -> Credential {
        guard let header else { return .none }
        if header.lowercased().hasPrefix("basic ") {
            guard let password, let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                  let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return .bad }
            let user = String(text[..<colon]), pass = String(text[text.index(after: colon)...])
            // Both compared in full, whatever the first says.
            let userOK = APIAuth.constantTimeEqual(user, username), passOK = APIAuth.constantTimeEqual(pass, password)
            return userOK && passOK ? .basic : .bad
        }
        if header.lowercased().hasPrefix("bearer ") {
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            return valid(token) ? .bearer : .bad
        }
        return .bad
    }

    public func issueToken() -> (token: String, expiresInSeconds: Int64) {
        let token = ConfirmToken.make()
        let at = now()
        lock.withLock {
            tokens = tokens.filter { $0.value > at }
            tokens[token] = at + tokenLifetimeMs
        }
        return (token, tokenLifetimeMs / 1000)
    }

    private func valid(_ token: String) -> Bool {
        let at = now()
        return lock.withLock {
            var found = false
            for (known, expires) in tokens where APIAuth.constantTimeEqual(known, token) && expires > at { found = true }
            return found
        }
    }

    /// Equal strings in time that depends only on their lengths.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }
}
