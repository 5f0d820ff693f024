/// The only globals a pickle may name. Each is rebuilt as an inert Swift value by the reader;
/// nothing is ever imported or called. Anything else is refused with `PickleError.Kind.forbiddenGlobal`.
public enum SafeGlobal: String, Sendable, Equatable, CaseIterable {
    /// `sklearn.preprocessing._data.MinMaxScaler` (and the pre-0.22 `sklearn.preprocessing.data` spelling).
    case minMaxScaler = "sklearn.preprocessing.MinMaxScaler"
    /// `numpy.core.multiarray._reconstruct` / `numpy._core.multiarray._reconstruct`: empty array, filled by BUILD.
    case reconstruct = "numpy.core.multiarray._reconstruct"
    /// `numpy.ndarray`: only as the subtype argument of `_reconstruct`.
    case ndarray = "numpy.ndarray"
    /// `numpy.dtype`: a dtype descriptor, byte order filled by BUILD.
    case dtype = "numpy.dtype"
    /// `numpy.core.numeric._frombuffer` / `numpy._core.numeric._frombuffer` (pickle protocol 5 arrays).
    case frombuffer = "numpy.core.numeric._frombuffer"
    /// `numpy.core.multiarray.scalar` / `numpy._core.multiarray.scalar`: numpy scalars such as `np.int64(0)` keys.
    case scalar = "numpy.core.multiarray.scalar"
    /// `_codecs.encode`: protocol 2 stores bytes as a latin-1 str plus this call.
    case codecsEncode = "_codecs.encode"
    /// `copyreg._reconstructor`: protocol 0/1 object creation (`cls`, `object`, None).
    case copyregReconstructor = "copyreg._reconstructor"
    /// `builtins.bytes` / `__builtin__.bytes`: protocol 2 writes an empty `bytes` as `bytes()`.
    case bytes = "builtins.bytes"
    /// `builtins.object` / `__builtin__.object`: only as the base argument of `copyreg._reconstructor`.
    case object = "builtins.object"
    /// `joblib.numpy_pickle.NumpyArrayWrapper`: a numpy array in a `joblib.dump` file, its bytes following inline.
    case joblibArray = "joblib.numpy_pickle.NumpyArrayWrapper"

    /// Resolves `module.name` against the whitelist; nil means "refuse the file".
    public static func resolve(module: String, name: String) -> SafeGlobal? {
        switch (module, name) {
        case ("sklearn.preprocessing._data", "MinMaxScaler"), ("sklearn.preprocessing.data", "MinMaxScaler"):
            return .minMaxScaler
        case ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"):
            return .reconstruct
        case ("numpy", "ndarray"):
            return .ndarray
        case ("numpy", "dtype"):
            return .dtype
        case ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"):
            return .frombuffer
        case ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"):
            return .scalar
        case ("_codecs", "encode"):
            return .codecsEncode
        case ("copyreg", "_reconstructor"), ("copy_reg", "_reconstructor"):
            return .copyregReconstructor
        case ("builtins", "bytes"), ("__builtin__", "bytes"):
            return .bytes
        case ("builtins", "object"), ("__builtin__", "object"):
            return .object
        case ("joblib.numpy_pickle", "NumpyArrayWrapper"), ("sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper"):
            return .joblibArray
        default:
            return nil
        }
    }
}
