import Foundation

/// What went wrong talking to AWS, with the service, operation and object named, and what to do.
public enum CloudError: Error, Sendable, CustomStringConvertible, Equatable {
    case missingCredentials(String)
    case missingRegion
    case badLocation(String)
    case badEndpoint(variable: String, value: String)
    /// S3/SNS answered with an error: HTTP status, the service's error code and message.
    case service(service: String, operation: String, target: String, status: Int, code: String, message: String)
    /// No answer at all (connection refused, time-out).
    case transport(service: String, operation: String, target: String, message: String)
    /// A download could not be put in place on local disk (DOWNLOAD_DIR).
    case localWrite(path: String, message: String)

    public var description: String {
        switch self {
        case .missingCredentials(let variable):
            return "AWS credentials: \(variable) is not set (Lambda sets it for the function's role; elsewhere export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
        case .missingRegion:
            return "AWS region: set AWS_REGION (Lambda sets it), e.g. AWS_REGION=eu-west-1"
        case .badLocation(let value):
            return "not an S3 location: \(value) (write s3://bucket/key)"
        case .badEndpoint(let variable, let value):
            return "\(variable)=\(value) is not an http(s) URL (write e.g. http://127.0.0.1:5000)"
        case .service(let service, let operation, let target, let status, let code, let message):
            let detail = message.isEmpty ? "" : ": \(message)"
            return "\(service) \(operation) \(target): HTTP \(status) \(code)\(detail)"
        case .transport(let service, let operation, let target, let message):
            return "\(service) \(operation) \(target): no answer (\(message)); check the endpoint and the network"
        case .localWrite(let path, let message):
            return "cannot write \(path): \(message); check that DOWNLOAD_DIR is writable and has space"
        }
    }

    /// HTTP status of a service error, if this is one.
    public var status: Int? { if case .service(_, _, _, let status, _, _) = self { return status } else { return nil } }
}
