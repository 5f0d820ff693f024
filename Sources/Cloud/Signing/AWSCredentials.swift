import Foundation

/// An access key pair (and session token, for the temporary credentials Lambda hands a function). Every textual form
/// hides the secret and the token, so a credential printed by mistake leaks nothing.
public struct AWSCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let accessKeyID: String
    let secretAccessKey: String
    let sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The standard environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (Lambda sets all three).
    public static func fromEnvironment(_ env: [String: String]) throws -> AWSCredentials {
        guard let key = env["AWS_ACCESS_KEY_ID"], !key.isEmpty else { throw CloudError.missingCredentials("AWS_ACCESS_KEY_ID") }
        guard let secret = env["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else { throw CloudError.missingCredentials("AWS_SECRET_ACCESS_KEY") }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: env["AWS_SESSION_TOKEN"])
    }

    public var description: String { "AWSCredentials(accessKeyID: \(accessKeyID), secret: <hidden>\(sessionToken == nil ? "" : ", token: <hidden>"))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["accessKeyID": accessKeyID, "secret": "<hidden>"]) }
}

/// The region from AWS_REGION (Lambda) or AWS_DEFAULT_REGION.
public enum AWSRegion {
    public static func fromEnvironment(_ env: [String: String]) throws -> String {
        if let region = env["AWS_REGION"], !region.isEmpty { return region }
        if let region = env["AWS_DEFAULT_REGION"], !region.isEmpty { return region }
        throw CloudError.missingRegion
    }
}
