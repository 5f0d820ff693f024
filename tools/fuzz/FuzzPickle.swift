// libFuzzer entry point for the restricted pickle reader and scaler decoding (see README.md).
// Compiled together with Sources/Scaling/**/*.swift into one module, so no `import Scaling`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPickle(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = PickleLimits()
    limits.maxDepth = 64
    // Every input must either decode or throw a typed error with a one-line description.
    do {
        let set = try ScalerSet(pickle: bytes, file: "fuzz.pkl", limits: limits)
        // Exercise the JSON round trip on anything that decodes.
        let again = try ScalerSet(json: Array(set.jsonString().utf8), file: "fuzz.json")
        if again.count != set.count { fatalError("JSON round trip changed the column count") }
    } catch let e as ScalerError {
        if e.description.contains("\n") { fatalError("multi-line error: \(e)") }
    } catch {
        fatalError("untyped error: \(error)")
    }
    _ = try? PickleReader.read(bytes, file: "fuzz.pkl", limits: limits)
    return 0
}
