// Module Scaling: scikit-learn MinMaxScaler, bit-exact, read natively from the pickle the training code writes.
//
// Public API (what the Bot uses):
//
//     let scalers = try ScalerSet.load(path: "scalers/scalers.pkl")   // or the .json form; typed ScalerError
//     let scaled = scalers[3].transform(close)                        // Double -> Double, sklearn-exact
//     let price  = scalers[3].inverseTransform(modelOutput)           // Float -> Float as sklearn on float32
//     scalers.transform(rows: window, into: modelInput)               // batch, no allocation: Double rows -> Float
//     scalers.inverseTransform(outputs, column: 3)                    // batch, in place
//     let json = scalers.jsonString()                                  // `tradingbot.scalers.v1`, exact round trip
//     let lines = scalers.inspectJSON()                                // what `trading-bot scalers inspect` prints
//
// Why it is built this way:
// - `transform` is `x * scale_ + min_` in float64 because that is what sklearn computes; the textbook
//   `(x - data_min_) / data_range_` differs in the last bit. `inverseTransform(Float)` reproduces numpy's
//   in-place float32 steps (`X -= min_; X /= scale_`, each computed in float64 and stored back as float32).
// - The pickle reader (`PickleReader`, files under Pickle/) never executes anything: it resolves only the
//   globals in `SafeGlobal` (MinMaxScaler, numpy array/dtype/scalar reconstruction, `_codecs.encode`) and
//   refuses any other (`os.system`, `builtins.eval`, ...) with an error naming the global and the file.
//   `PickleLimits` bounds size, memo, stack and depth so hostile input cannot exhaust memory or hang.
// - Files: `ColumnScaler` (one feature, hot path), `MinMaxScaler` (sklearn's fitted state),
//   `ScalerSet` (columns + loading + batch forms), `ScalerJSON` (the JSON form and inspect output),
//   `ScalerPickleDecoding` (dict / list / multi-column arrangements), `ScalerError`.
