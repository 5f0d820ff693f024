#!/usr/bin/env python3
"""Fixture models for the leaderboard's multi-feature / multi-step / other-target paths, and their figures computed
independently with numpy/scipy (Tests/LabFixtures/study_reference.json).

Writes into Tests/LabFixtures/:
  study_mlp6.keras    + .json + .scalers.pkl  the study's setup (sydney-machine-learning/deeplearning-crypto main.py,
                                              dim_type 'Multi'): 6 days of [open, high, low] in, the next 5 closes
                                              out; Dense(8, relu) -> Flatten -> Dense(5) (main.py's MLP, smaller)
  study_edlstm4.keras + .json + .scalers.pkl  the same inputs with a 4-day window: LSTM(4) -> RepeatVector(5) ->
                                              LSTM(4, return_sequences) -> TimeDistributed(Dense(1)), output (5, 1)
  lab_high5.keras     + .json + .scalers.pkl  the bot's setup (5 candles of [open, high, low, close, volume]) but the
                                              target is the next HIGH: Flatten -> Dense(8, relu) -> Dense(1)
  study_reference.json                        every figure the Swift leaderboard reports for these three models and
                                              lab_mlp5 (make_lab_fixtures.py) on the Bitcoin file

The study models' scalers are main.py's: one MinMaxScaler per column of [Close, Open, High, Low] (a pickle dict
{0: close, 1: open, 2: high, 3: low}); the inputs use scalers 1..3 and the outputs go back through scaler 0, so
the record says "scaler_columns": ["close", "open", "high", "low"]. Unlike main.py (whole file) they are fitted on
the first 1,500 rows only, so later inputs fall outside the range and the extrapolation figures have something to
find. Training: the first 1,500 rows, 15 epochs, seed 7, Adam/mse, batch 32: seconds on 2 cores.

Reference (all from keras' own model.predict on float32 inputs scaled in float64, outputs inverse-scaled by
sklearn on the float32 array, as the bot does): the four models on the window ends every one of them can score with
all its steps (ends 5 … n-6: the 6-day window starts last, the 5-step horizon ends first). Per model, step 1:
RMSE, MAPE, Theil's U against naive persistence (next = the window's last close, or last high for lab_high5),
Diebold–Mariano squared/absolute (h = 1, HLN, t(n-1)). Per step j of the 5-step models: RMSE, naive RMSE, DM
squared loss with h = j (gamma_0 + 2 sum_{k<j} gamma_k, divisor n), and the study's own "Test MINMAX RMSE":
main.py eval_result(mode=0), copied below: the prediction matrix and the target matrix are each min-max scaled
column by column on their own range, then RMSE per column. Pairs: same target -> DM on the price errors; close vs
high -> DM on percentage errors 100 (predicted - actual) / actual, each against its own target.

Usage: nice -n 10 python3 tools/lab/make_study_fixtures.py    (tensorflow/keras, scikit-learn, numpy, scipy)
       RETRAIN=1 to train the models again (otherwise only the reference is recomputed)
"""
import json
import os
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_lab_fixtures import DATA, OUT, iso, load  # noqa: E402  (same file, same reading of it)

import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

COLS = ["open", "high", "low", "close", "volume"]
SEED, EPOCHS, FIT_ROWS = 7, 15, 1500


# ---------------------------------------------------------------- main.py, verbatim in substance
def data_trasform(data):
    """main.py data_trasform(data): one MinMaxScaler per column fitted on `data` itself."""
    from sklearn.preprocessing import MinMaxScaler
    scalers, out = {}, np.zeros_like(data)
    for i in range(data.shape[1]):
        s = MinMaxScaler()
        out[:, i] = s.fit_transform(data[:, i].reshape(-1, 1)).ravel()
        scalers[i] = s
    return out, scalers


def eval_result_rmse(result, n_steps_out, target):
    """main.py eval_result(result, n_steps_out, target, mode=0)."""
    result, _ = data_trasform(result)
    target, _ = data_trasform(target)
    return [float(np.sqrt(np.mean((result[:, i] - target[:, i]) ** 2))) for i in range(n_steps_out)]


# ---------------------------------------------------------------- the fixtures
class Spec:
    def __init__(self, name, features, scaler_columns, target, window, horizon, build, family, setup):
        self.name, self.features, self.scaler_columns, self.target = name, features, scaler_columns, target
        self.window, self.horizon, self.build, self.family, self.setup = window, horizon, build, family, setup


def mlp_multi(keras, w, nf, h):
    from keras import layers
    return keras.Sequential([keras.Input((w, nf)), layers.Dense(8, activation="relu"), layers.Flatten(), layers.Dense(h)])


def edlstm(keras, w, nf, h):
    from keras import layers
    return keras.Sequential([keras.Input((w, nf)), layers.LSTM(4, activation="sigmoid"), layers.RepeatVector(h),
                             layers.LSTM(4, activation="sigmoid", return_sequences=True),
                             layers.TimeDistributed(layers.Dense(1))])


def mlp_flat(keras, w, nf, h):
    from keras import layers
    return keras.Sequential([keras.Input((w, nf)), layers.Flatten(), layers.Dense(8, activation="relu"), layers.Dense(h)])


SPECS = [
    Spec("study_mlp6", ["open", "high", "low"], ["close", "open", "high", "low"], "close", 6, 5, mlp_multi, "mlp", "study"),
    Spec("study_edlstm4", ["open", "high", "low"], ["close", "open", "high", "low"], "close", 4, 5, edlstm, "ed-lstm", "study"),
    Spec("lab_high5", COLS, COLS, "high", 5, 1, mlp_flat, "mlp", "bot"),
]


def fit_scalers(spec, rows):
    from sklearn.preprocessing import MinMaxScaler
    return {i: MinMaxScaler().fit(rows[:FIT_ROWS, COLS.index(c):COLS.index(c) + 1]) for i, c in enumerate(spec.scaler_columns)}


def scaled_inputs(spec, scalers, rows):
    """float64 sklearn transform per input column, then float32 (what the native side feeds the model)."""
    cols = []
    for f in spec.features:
        i = spec.scaler_columns.index(f)
        cols.append(scalers[i].transform(rows[:, COLS.index(f):COLS.index(f) + 1]))
    return np.concatenate(cols, axis=1)


def train(spec, times, rows):
    import keras
    keras.utils.set_random_seed(SEED)
    scalers = fit_scalers(spec, rows)
    x_all = scaled_inputs(spec, scalers, rows)
    t = spec.scaler_columns.index(spec.target)
    y_all = scalers[t].transform(rows[:, COLS.index(spec.target):COLS.index(spec.target) + 1]).ravel()
    w, h = spec.window, spec.horizon
    ends = range(w - 1, FIT_ROWS - h)
    xs = np.asarray([x_all[e - w + 1:e + 1] for e in ends], np.float32)
    ys = np.asarray([y_all[e + 1:e + 1 + h] for e in ends], np.float32)
    model = spec.build(keras, w, len(spec.features), h)
    model.compile(optimizer="adam", loss="mse")
    model.fit(xs, ys, epochs=EPOCHS, batch_size=32, verbose=0)
    model.save(OUT / f"{spec.name}.keras")
    with open(OUT / f"{spec.name}.scalers.pkl", "wb") as f:
        pickle.dump(scalers, f)
    meta = {"features": spec.features, "scaler_columns": spec.scaler_columns, "target_column": spec.target,
            "window_size": w, "horizon": h, "interval": "1d", "symbol": "BTC/USDT", "data_file": "coin_Bitcoin.csv",
            "times_are": "candle open times, UTC", "scalers_file": f"{spec.name}.scalers.pkl", "family": spec.family,
            "setup": spec.setup, "train_start": iso(times[0]), "train_end": iso(times[FIT_ROWS - 1]),
            "scaler_fit_start": iso(times[0]), "scaler_fit_end": iso(times[FIT_ROWS - 1]),
            "epochs": EPOCHS, "seed": SEED, "params": int(model.count_params()),
            "made_by": "tools/lab/make_study_fixtures.py", "keras_version": keras.__version__}
    with open(OUT / f"{spec.name}.json", "w") as f:
        json.dump(meta, f, indent=2); f.write("\n")


def predict(spec, rows, ends):
    """{end: [step 1 … h prices]} and {end: outside the fitted range?} for the windows ending at `ends`."""
    import keras
    with open(OUT / f"{spec.name}.scalers.pkl", "rb") as f:
        scalers = pickle.load(f)
    x_all = scaled_inputs(spec, scalers, rows).astype(np.float32)
    w = spec.window
    x = np.asarray([x_all[e - w + 1:e + 1] for e in ends], np.float32)
    model = keras.models.load_model(OUT / f"{spec.name}.keras", compile=False)
    out = np.asarray(model.predict(x, verbose=0, batch_size=512), dtype=np.float32).reshape(len(ends), spec.horizon)
    t = spec.scaler_columns.index(spec.target)
    price = scalers[t].inverse_transform(out.reshape(-1, 1)).reshape(out.shape).astype(np.float64)
    idx = [COLS.index(f) for f in spec.features]
    lo = np.array([scalers[spec.scaler_columns.index(f)].data_min_[0] for f in spec.features])
    hi = np.array([scalers[spec.scaler_columns.index(f)].data_max_[0] for f in spec.features])
    outside = np.array([bool(np.any((rows[e - w + 1:e + 1][:, idx] < lo) | (rows[e - w + 1:e + 1][:, idx] > hi))) for e in ends])
    return price, outside


def dm(ea, eb, loss, h=1):
    d = ea ** 2 - eb ** 2 if loss == "squared" else np.abs(ea) - np.abs(eb)
    n = len(d)
    dc = d - d.mean()
    v = np.mean(dc * dc) + 2 * sum(np.sum(dc[k:] * dc[:-k]) / n for k in range(1, h))
    if v <= 0:
        return None
    stat = d.mean() / np.sqrt(v / n)
    hln = stat * np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    return {"statistic": float(stat), "statistic_hln": float(hln), "p_hln": float(2 * stats.t.sf(abs(hln), df=n - 1)),
            "mean_difference": float(d.mean()), "horizon": h}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    times, rows = load()
    for spec in SPECS:
        if not (OUT / f"{spec.name}.keras").exists() or os.environ.get("RETRAIN"):
            train(spec, times, rows)
    # lab_mlp5 of make_lab_fixtures.py: the bot's setup, target close, window 5
    specs = SPECS + [Spec("lab_mlp5", COLS, COLS, "close", 5, 1, None, "mlp", "bot")]
    n = len(rows)
    H = max(s.horizon for s in specs)
    ends = list(range(max(s.window for s in specs) - 1, n - H))
    ref = {"candles": "../shared/data/coin_Bitcoin.csv", "count": len(ends), "first_end": iso(times[ends[0]]),
           "first_target": iso(times[ends[0] + 1]), "last_target": iso(times[ends[-1] + 1]), "models": {}, "pairwise": {}}
    errors, pct = {}, {}
    for spec in specs:
        price, outside = predict(spec, rows, ends)
        col = rows[:, COLS.index(spec.target)]
        current = col[ends]
        actual = np.stack([col[[e + j for e in ends]] for j in range(1, spec.horizon + 1)], axis=1)
        e1 = price[:, 0] - actual[:, 0]
        naive1 = current - actual[:, 0]
        errors[spec.name], pct[spec.name] = e1, 100 * e1 / actual[:, 0]
        rmse = float(np.sqrt(np.mean(e1 ** 2)))
        m = {"target": spec.target, "window": spec.window, "horizon": spec.horizon, "features": spec.features,
             "rmse": rmse, "mape": float(100 * np.mean(np.abs(e1 / actual[:, 0]))),
             "naive_rmse": float(np.sqrt(np.mean(naive1 ** 2))), "theil_u": rmse / float(np.sqrt(np.mean(naive1 ** 2))),
             "dm_naive_squared": dm(e1, naive1, "squared"), "dm_naive_absolute": dm(e1, naive1, "absolute"),
             "extrapolated": int(outside.sum()), "first_predictions": [[float(x) for x in r] for r in price[:3]],
             "study_minmax_rmse": eval_result_rmse(price, spec.horizon, actual),
             "naive_study_minmax_rmse": eval_result_rmse(np.repeat(current[:, None], spec.horizon, axis=1), spec.horizon, actual),
             "steps": []}
        for j in range(spec.horizon):
            e, nv = price[:, j] - actual[:, j], current - actual[:, j]
            m["steps"].append({"step": j + 1, "rmse": float(np.sqrt(np.mean(e ** 2))), "naive_rmse": float(np.sqrt(np.mean(nv ** 2))),
                               "dm_naive_squared": dm(e, nv, "squared", h=j + 1)})
        ref["models"][spec.name] = m
    names = [s.name for s in specs]
    target = {s.name: s.target for s in specs}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            same = target[a] == target[b]
            ea, eb = (errors[a], errors[b]) if same else (pct[a], pct[b])
            ref["pairwise"][f"{a}|{b}"] = {"quantity": "price" if same else "percentage",
                                          "squared": dm(ea, eb, "squared"), "absolute": dm(ea, eb, "absolute")}
    ref["ranking"] = sorted(names, key=lambda k: ref["models"][k]["theil_u"])
    with open(OUT / "study_reference.json", "w") as f:
        json.dump(ref, f, indent=2); f.write("\n")
    print(json.dumps({k: {f: ref["models"][k][f] for f in ("rmse", "theil_u", "extrapolated", "study_minmax_rmse")} for k in names}, indent=1))
    print("ranking", ref["ranking"], "count", ref["count"])


if __name__ == "__main__":
    main()
