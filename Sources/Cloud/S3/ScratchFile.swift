import Foundation

/// Writes for scratch space (Lambda's /tmp): plain open/write/close. Foundation's `Data.write(to:)` also fsyncs
/// each file, which costs a disk flush per download in every cold start, for files whose real copy is in S3 and
/// which do not outlive the sandbox.
public enum ScratchFile {
    /// Creates or truncates `path` and writes all of `data`; a failure names the file and the system's reason.
    public static func write(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CloudError.localWrite(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw CloudError.localWrite(path: path, message: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
    }
}
