import CHDF5
import Foundation

/// A read-only HDF5 file opened from bytes in memory (libhdf5's core driver with a file image).
///
/// Both `.keras` (whose weights file sits inside a zip) and legacy `.h5` files are read this way, so no temporary
/// file is ever written. libhdf5 (serial build) is not thread-safe: every call goes through `HDF5File.lock`.
final class HDF5File {
    /// HDF5's 8-byte signature.
    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    static let lock = NSLock()
    /// Largest dataset we read (elements): a corrupt header must not make us allocate gigabytes.
    static let maxElements = 1 << 28

    private static var imageCounter = 0
    private static let initialised: Void = { chdf5_silence_errors() }()

    /// The user-facing file name used in errors (for a `.keras`, `model.keras!model.weights.h5`).
    let file: String
    private let fid: hid_t

    enum ObjectKind { case group, dataset, other }

    /// Opens an in-memory HDF5 image. The bytes are copied by libhdf5.
    init(image: Data, file: String) throws {
        self.file = file
        Self.lock.lock()
        defer { Self.lock.unlock() }
        _ = Self.initialised
        guard image.count >= 8, image.prefix(8).elementsEqual(Self.signature) else {
            throw KerasError(.corruptContainer, file: file, "not an HDF5 file (missing the HDF5 signature); the file is corrupt or not a Keras weights file")
        }
        let fapl = H5Pcreate(chdf5_p_file_access())
        guard fapl >= 0 else { throw KerasError(.corruptContainer, file: file, "libhdf5 could not create a file-access list") }
        defer { H5Pclose(fapl) }
        let fid: hid_t = image.withUnsafeBytes { raw -> hid_t in
            guard let base = raw.baseAddress,
                  H5Pset_fapl_core(fapl, 1 << 16, false) >= 0,
                  H5Pset_file_image(fapl, UnsafeMutableRawPointer(mutating: base), raw.count) >= 0 else { return -1 }
            // The core driver also opens a disk file of the given name when one exists: use a name that never can.
            Self.imageCounter += 1
            return H5Fopen("/dev/null/keras-image-\(Self.imageCounter)", chdf5_acc_rdonly(), fapl)
        }
        guard fid >= 0 else {
            throw KerasError(.corruptContainer, file: file, "the HDF5 data is corrupt or truncated (libhdf5 cannot open it); re-save the model")
        }
        self.fid = fid
    }

    deinit {
        Self.lock.lock()
        // Close everything libhdf5 may still hold for this file, then the file itself.
        H5Fclose(fid)
        Self.lock.unlock()
    }

    private func error(_ path: String, _ message: String, kind: KerasError.Kind = .corruptContainer) -> KerasError {
        KerasError(kind, file: file, location: path.isEmpty ? "" : "HDF5 '\(path)'", message)
    }

    /// The kind of object at `path`, nil when there is none.
    func kind(_ path: String) -> ObjectKind? {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        return kindLocked(path)
    }

    private func kindLocked(_ path: String) -> ObjectKind? {
        // Walk component by component: H5Oopen on a missing intermediate group is an error, not a crash, but
        // checking each link keeps the answer exact for odd names.
        var prefix = ""
        for part in path.split(separator: "/") {
            if !prefix.isEmpty { prefix += "/" }
            prefix += String(part)
            guard H5Lexists(fid, prefix, chdf5_p_default()) > 0 else { return nil }
        }
        let oid = H5Oopen(fid, path.isEmpty ? "/" : path, chdf5_p_default())
        guard oid >= 0 else { return nil }
        defer { H5Oclose(oid) }
        switch H5Iget_type(oid) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return .other
        }
    }

    /// Names of the links in group `path`, in HDF5's name order.
    func children(_ path: String) throws -> [String] {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        let gid = H5Gopen2(fid, path.isEmpty ? "/" : path, chdf5_p_default())
        guard gid >= 0 else { throw error(path, "group cannot be opened; the weights file is corrupt") }
        defer { H5Gclose(gid) }
        var info = H5G_info_t()
        guard H5Gget_info(gid, &info) >= 0 else { throw error(path, "group cannot be listed; the weights file is corrupt") }
        guard info.nlinks < 1_000_000 else { throw error(path, "group lists \(info.nlinks) entries; the weights file is corrupt") }
        var names: [String] = []
        names.reserveCapacity(Int(info.nlinks))
        for k in 0..<info.nlinks {
            let n = H5Lget_name_by_idx(gid, ".", H5_INDEX_NAME, H5_ITER_INC, k, nil, 0, chdf5_p_default())
            guard n >= 0, n < 65536 else { throw error(path, "entry \(k) has no readable name; the weights file is corrupt") }
            var buf = [CChar](repeating: 0, count: Int(n) + 1)
            guard H5Lget_name_by_idx(gid, ".", H5_INDEX_NAME, H5_ITER_INC, k, &buf, Int(n) + 1, chdf5_p_default()) >= 0 else {
                throw error(path, "entry \(k) has no readable name; the weights file is corrupt")
            }
            names.append(String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// A floating-point dataset converted to float32 (libhdf5 converts float16/float64), with its shape.
    func readFloats(_ path: String) throws -> (shape: [Int], values: [Float]) {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        guard kindLocked(path) == .dataset else { throw error(path, "dataset is missing", kind: .badWeights) }
        let did = H5Dopen2(fid, path, chdf5_p_default())
        guard did >= 0 else { throw error(path, "dataset cannot be opened; the weights file is corrupt") }
        defer { H5Dclose(did) }
        let tid = H5Dget_type(did)
        guard tid >= 0 else { throw error(path, "dataset has no readable type; the weights file is corrupt") }
        defer { H5Tclose(tid) }
        guard H5Tget_class(tid) == H5T_FLOAT else {
            throw error(path, "dataset is not floating point; this is not a weight tensor", kind: .badWeights)
        }
        let sid = H5Dget_space(did)
        guard sid >= 0 else { throw error(path, "dataset has no readable shape; the weights file is corrupt") }
        defer { H5Sclose(sid) }
        let rank = H5Sget_simple_extent_ndims(sid)
        guard rank >= 0, rank <= 32 else { throw error(path, "dataset has an unreadable rank; the weights file is corrupt") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 { guard H5Sget_simple_extent_dims(sid, &dims, nil) == rank else { throw error(path, "dataset shape is unreadable") } }
        var count = 1
        for d in dims {
            guard d <= UInt64(Self.maxElements) else { throw error(path, "dataset is implausibly large; the weights file is corrupt") }
            count *= Int(d)
            guard count <= Self.maxElements else { throw error(path, "dataset is implausibly large; the weights file is corrupt") }
        }
        var values = [Float](repeating: 0, count: count)
        if count > 0 {
            let status = values.withUnsafeMutableBytes {
                H5Dread(did, chdf5_native_float(), chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0.baseAddress)
            }
            guard status >= 0 else { throw error(path, "dataset cannot be read; the weights file is corrupt or truncated") }
        }
        return (dims.map { Int($0) }, values)
    }

    /// A string attribute (scalar, or a 1-D array of strings) of the object at `path`; nil when absent.
    /// Handles both the variable-length strings h5py writes for `str` and the fixed-length ones for `bytes`.
    func stringsAttribute(_ path: String, _ name: String) throws -> [String]? {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        let oid = H5Oopen(fid, path.isEmpty ? "/" : path, chdf5_p_default())
        guard oid >= 0 else { return nil }
        defer { H5Oclose(oid) }
        guard H5Aexists(oid, name) > 0 else { return nil }
        let aid = H5Aopen(oid, name, chdf5_p_default())
        guard aid >= 0 else { throw error(path, "attribute '\(name)' cannot be opened; the file is corrupt") }
        defer { H5Aclose(aid) }
        let tid = H5Aget_type(aid)
        guard tid >= 0 else { throw error(path, "attribute '\(name)' has no readable type") }
        defer { H5Tclose(tid) }
        let sid = H5Aget_space(aid)
        guard sid >= 0 else { throw error(path, "attribute '\(name)' has no readable shape") }
        defer { H5Sclose(sid) }
        let n = H5Sget_simple_extent_npoints(sid)
        guard n >= 0, n < 1_000_000 else { throw error(path, "attribute '\(name)' has an implausible size; the file is corrupt") }
        let count = Int(n)
        if count == 0 { return [] }  // h5py writes an empty list as an empty float array
        guard H5Tget_class(tid) == H5T_STRING else {
            throw error(path, "attribute '\(name)' is not a string", kind: .badConfig)
        }
        let mem = H5Tcopy(chdf5_c_s1())
        guard mem >= 0 else { throw error(path, "libhdf5 cannot create a string type") }
        defer { H5Tclose(mem) }
        if H5Tis_variable_str(tid) > 0 {
            guard H5Tset_size(mem, Int(truncatingIfNeeded: chdf5_variable())) >= 0 else { throw error(path, "libhdf5 cannot create a string type") }
            var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard H5Aread(aid, mem, &ptrs) >= 0 else { throw error(path, "attribute '\(name)' cannot be read; the file is corrupt") }
            let out = ptrs.map { $0.map { String(cString: $0) } ?? "" }
            _ = H5Dvlen_reclaim(mem, sid, chdf5_p_default(), &ptrs)
            return out
        }
        let size = H5Tget_size(tid)
        guard size > 0, size < 64 << 20, size * count < 256 << 20 else {
            throw error(path, "attribute '\(name)' has an implausible size; the file is corrupt")
        }
        guard H5Tset_size(mem, size) >= 0 else { throw error(path, "libhdf5 cannot create a string type") }
        var buf = [UInt8](repeating: 0, count: size * count)
        guard H5Aread(aid, mem, &buf) >= 0 else { throw error(path, "attribute '\(name)' cannot be read; the file is corrupt") }
        return (0..<count).map { k in
            let slice = buf[(k * size)..<((k + 1) * size)]
            let end = slice.firstIndex(of: 0) ?? slice.endIndex
            return String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
        }
    }

    /// A scalar string attribute; nil when absent.
    func stringAttribute(_ path: String, _ name: String) throws -> String? {
        guard let all = try stringsAttribute(path, name) else { return nil }
        guard all.count == 1 else { throw error(path, "attribute '\(name)' holds \(all.count) strings, expected one", kind: .badConfig) }
        return all[0]
    }
}
