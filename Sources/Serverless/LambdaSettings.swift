import Cloud
import Foundation

/// What `trading-bot lambda` reads from its environment beyond the bot's own configuration.
public struct LambdaSettings: Sendable {
    /// Names this function's claims and alerts, so functions side by side (one per strategy or symbol) never collide.
    public var strategy: String
    /// The journal object (JOURNAL_PATH=s3://…): Lambda's disk does not outlive the sandbox.
    public var journal: S3Location
    /// Where claims live: CLAIMS_PATH=s3://bucket/prefix, default `claims/` beside the journal.
    public var claims: S3Location
    /// Where model, scalers and the working copy of the journal are kept (DOWNLOAD_DIR, default /tmp/trading-bot).
    public var downloadDirectory: URL
    /// No order is started with less than this left before the deadline (LAMBDA_SAFETY_MARGIN_MS, default 5000):
    /// the order, its journal record and the journal upload must all finish in time.
    public var safetyMarginMs: Int64
    /// SNS_PHONE_NUMBER (SMS) or SNS_TOPIC_ARN; nil = no SNS alerts.
    public var sns: SNSClient.Destination?

    public struct Problem: Error, CustomStringConvertible {
        public var key: String
        public var message: String
        public var description: String { "\(key): \(message)" }
    }

    public init(environment env: [String: String]) throws {
        strategy = env["STRATEGY_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "reference"
        guard strategy.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw Problem(key: "STRATEGY_NAME", message: "'\(strategy)' may hold only letters, digits, - _ and . (it names S3 keys)")
        }
        guard let value = env["JOURNAL_PATH"], let location = try S3Location.parse(value) else {
            throw Problem(key: "JOURNAL_PATH", message: "must be s3://bucket/key under Lambda (the function's disk is thrown away after each sandbox)")
        }
        journal = location
        if let value = env["CLAIMS_PATH"], !value.isEmpty {
            guard let claimsLocation = try S3Location.parse(value) else {
                throw Problem(key: "CLAIMS_PATH", message: "must be s3://bucket/prefix")
            }
            claims = claimsLocation
        } else {
            let directory = (location.key as NSString).deletingLastPathComponent
            claims = location.sibling(directory.isEmpty ? "claims" : "\(directory)/claims")
        }
        downloadDirectory = URL(fileURLWithPath: env["DOWNLOAD_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp/trading-bot", isDirectory: true)
        let margin = env["LAMBDA_SAFETY_MARGIN_MS"] ?? "5000"
        guard let ms = Int64(margin), ms >= 0 else { throw Problem(key: "LAMBDA_SAFETY_MARGIN_MS", message: "'\(margin)' is not a whole number of milliseconds") }
        safetyMarginMs = ms
        let phone = env["SNS_PHONE_NUMBER"].flatMap { $0.isEmpty ? nil : $0 }
        let topic = env["SNS_TOPIC_ARN"].flatMap { $0.isEmpty ? nil : $0 }
        switch (phone, topic) {
        case (let phone?, nil):
            guard phone.hasPrefix("+"), phone.dropFirst().allSatisfy(\.isNumber), phone.count >= 8 else {
                throw Problem(key: "SNS_PHONE_NUMBER", message: "write it in E.164 form, e.g. +15555550100")
            }
            sns = .phoneNumber(phone)
        case (nil, let topic?):
            guard topic.hasPrefix("arn:") else { throw Problem(key: "SNS_TOPIC_ARN", message: "'\(topic)' is not an ARN (arn:aws:sns:REGION:ACCOUNT:NAME)") }
            sns = .topic(topic)
        case (nil, nil): sns = nil
        case (.some, .some): throw Problem(key: "SNS_PHONE_NUMBER", message: "set SNS_PHONE_NUMBER or SNS_TOPIC_ARN, not both")
        }
    }
}
