#!/usr/bin/env python3
"""Two tiny fixture models for the leaderboard tests, and the leaderboard's figures computed independently.

Writes into Tests/LabFixtures/:
  lab_mlp5.keras  + lab_mlp5.json  + lab_mlp5.scalers.pkl    MLP, window 5: Flatten -> Dense(8, relu) -> Dense(1)
  lab_lstm7.keras + lab_lstm7.json + lab_lstm7.scalers.pkl   LSTM, window 7: LSTM(6) -> Dense(1)
  leaderboard_reference.json                                 every figure the Swift leaderboard reports, computed
                                                             here with numpy/scipy from keras' own model.predict

Both read ../shared/data/coin_Bitcoin.csv (never copied into the repository), use [open, high, low, close, volume]
candles in, the next close out (the bot's setup), scikit-learn MinMaxScalers fitted on the first rows only
(1200 rows for the MLP, 1800 for the LSTM), so later Bitcoin prices lie far above the scalers' range: the
extrapolation figures have something to find. 15 epochs, seed 7, op determinism: seconds on 2 cores.

The reference evaluates the shipped model (models/model.keras with scalers/scalers.pkl) and the two fixtures on the
whole Bitcoin file, on the target candles all three predict (targets 7 … n-1: the LSTM's window is the longest).
Errors e = predicted - actual; naive = the window's last close. DM: d = L(e_a) - L(e_b), DM = mean(d)/sqrt(var0(d)/n)
(h = 1), HLN factor sqrt((n - 1)/n), p from scipy.stats.t(n - 1). Direction p: scipy.stats.binomtest.

Usage: nice -n 10 python3 tools/lab/make_lab_fixtures.py    (tensorflow/keras, scikit-learn, numpy, scipy)
"""
import csv
import datetime as dt
import json
import os
import pickle
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "Tests" / "LabFixtures"
DATA = ROOT.parent / "shared" / "data" / "coin_Bitcoin.csv"
if not DATA.exists():
    DATA = Path("/work/shared/data/coin_Bitcoin.csv")
FEATURES = ["Open", "High", "Low", "Close", "Volume"]
SEED = 7
EPOCHS = 15


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def load():
    times, rows = [], []
    with open(DATA, newline="") as f:
        for rec in csv.DictReader(f):
            end = dt.datetime.strptime(rec["Date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
            times.append(end.replace(hour=0, minute=0, second=0))
            rows.append([float(rec[c]) for c in FEATURES])
    return times, np.asarray(rows, dtype=np.float64)


def fit_scalers(rows):
    from sklearn.preprocessing import MinMaxScaler
    return {c: MinMaxScaler().fit(rows[:, c:c + 1]) for c in range(5)}


def scale(scalers, rows):
    return np.concatenate([scalers[c].transform(rows[:, c:c + 1]) for c in range(5)], axis=1)


def train(name, window, fit_rows, build, times, rows):
    import keras
    keras.utils.set_random_seed(SEED)
    scalers = fit_scalers(rows[:fit_rows])
    scaled = scale(scalers, rows)
    xs = np.asarray([scaled[t - window:t] for t in range(window, fit_rows)], np.float32)
    ys = np.asarray([scaled[t, 3] for t in range(window, fit_rows)], np.float32)[:, None]
    model = build(keras, window)
    model.compile(optimizer="adam", loss="mse")
    model.fit(xs, ys, epochs=EPOCHS, batch_size=32, verbose=0)
    model.save(OUT / f"{name}.keras")
    with open(OUT / f"{name}.scalers.pkl", "wb") as f:
        pickle.dump(scalers, f)
    meta = {"features": ["open", "high", "low", "close", "volume"], "target_column": "close", "window_size": window,
            "interval": "1d", "symbol": "BTC/USDT", "data_file": "coin_Bitcoin.csv", "times_are": "candle open times, UTC",
            "scalers_file": f"{name}.scalers.pkl", "family": name.split("_")[1].rstrip("0123456789"),
            "train_start": iso(times[0]), "train_end": iso(times[fit_rows - 1]),
            "scaler_fit_start": iso(times[0]), "scaler_fit_end": iso(times[fit_rows - 1]),
            "epochs": EPOCHS, "seed": SEED, "params": int(model.count_params()),
            "made_by": "tools/lab/make_lab_fixtures.py", "keras_version": keras.__version__}
    with open(OUT / f"{name}.json", "w") as f:
        json.dump(meta, f, indent=2); f.write("\n")


def mlp(keras, w):
    from keras import layers
    return keras.Sequential([keras.Input((w, 5)), layers.Flatten(), layers.Dense(8, activation="relu"), layers.Dense(1)])


def lstm(keras, w):
    from keras import layers
    return keras.Sequential([keras.Input((w, 5)), layers.LSTM(6), layers.Dense(1)])


def predict(model_path, scalers_path, window, rows):
    """Prediction for every window ending at index e (rows e-w+1 … e), as the bot computes it: sklearn transform in
    float64, cast to float32, keras predict, sklearn inverse_transform of the float32 output (float32 result)."""
    import keras
    with open(scalers_path, "rb") as f:
        scalers = pickle.load(f)
    scaled = scale(scalers, rows).astype(np.float32)
    ends = list(range(window - 1, len(rows) - 1))
    x = np.asarray([scaled[e - window + 1:e + 1] for e in ends], np.float32)
    model = keras.models.load_model(model_path, compile=False)
    out = np.asarray(model.predict(x, verbose=0, batch_size=512), dtype=np.float32).reshape(-1, 1)
    price = scalers[3].inverse_transform(out).reshape(-1).astype(np.float64)
    lo = np.array([scalers[c].data_min_[0] for c in range(5)])
    hi = np.array([scalers[c].data_max_[0] for c in range(5)])
    outside = np.array([bool(np.any((rows[e - window + 1:e + 1] < lo) | (rows[e - window + 1:e + 1] > hi))) for e in ends])
    rng = scalers[3].data_range_[0] / (scalers[3].feature_range[1] - scalers[3].feature_range[0])
    return dict(zip(ends, price)), dict(zip(ends, outside)), rng


def dm(ea, eb, loss):
    d = ea ** 2 - eb ** 2 if loss == "squared" else np.abs(ea) - np.abs(eb)
    n = len(d)
    v = np.mean((d - d.mean()) ** 2)
    stat = d.mean() / np.sqrt(v / n)
    hln = stat * np.sqrt((n + 1 - 2 + 0) / n)
    return {"statistic": float(stat), "statistic_hln": float(hln), "p_hln": float(2 * stats.t.sf(abs(hln), df=n - 1)),
            "mean_difference": float(d.mean())}


def best_shift(p, a, max_shift=5):
    n = len(p)
    best = None
    for k in range(-max_shift, max_shift + 1):
        lo, hi = max(0, k), min(n, n + k)
        r = float(np.sqrt(np.mean((p[lo:hi] - a[lo - k:hi - k]) ** 2)))
        key = (r, abs(k), k)
        if best is None or key < best[0]:
            best = (key, k)
    return best[1]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    times, rows = load()
    if not (OUT / "lab_mlp5.keras").exists() or os.environ.get("RETRAIN"):
        train("lab_mlp5", 5, 1200, mlp, times, rows)
        train("lab_lstm7", 7, 1800, lstm, times, rows)
    models = [("model", ROOT / "models" / "model.keras", ROOT / "scalers" / "scalers.pkl", 5),
              ("lab_mlp5", OUT / "lab_mlp5.keras", OUT / "lab_mlp5.scalers.pkl", 5),
              ("lab_lstm7", OUT / "lab_lstm7.keras", OUT / "lab_lstm7.scalers.pkl", 7)]
    n = len(rows)
    common = list(range(max(w for *_, w in models) - 1, n - 1))       # window ends every model has
    close = rows[:, 3]
    actual = close[[e + 1 for e in common]]
    current = close[common]
    naive_e = current - actual
    ref = {"candles": "../shared/data/coin_Bitcoin.csv", "count": len(common),
           "first_target": iso(times[common[0] + 1]), "last_target": iso(times[common[-1] + 1]),
           "naive_rmse": float(np.sqrt(np.mean(naive_e ** 2))), "models": {}, "pairwise": {}}
    errors = {}
    for name, path, spath, w in models:
        pred_by_end, outside_by_end, rng = predict(path, spath, w, rows)
        p = np.array([pred_by_end[e] for e in common])
        out = np.array([outside_by_end[e] for e in common])
        e = p - actual
        errors[name] = e
        rmse = float(np.sqrt(np.mean(e ** 2)))
        dp, da = p - current, actual - current
        mask = (dp != 0) & (da != 0)
        correct = int(np.sum((dp[mask] > 0) == (da[mask] > 0)))
        counted = int(mask.sum())
        ref["models"][name] = {
            "window": w, "rmse": rmse, "mape": float(100 * np.mean(np.abs(e / actual))), "rmse_scaled": rmse / rng,
            "theil_u": rmse / ref["naive_rmse"], "direction_correct": correct, "direction_counted": counted,
            "direction_p": float(stats.binomtest(correct, counted, 0.5).pvalue),
            "dm_naive_squared": dm(e, naive_e, "squared"), "dm_naive_absolute": dm(e, naive_e, "absolute"),
            "best_shift": best_shift(p, actual), "extrapolated": int(out.sum()),
            "rmse_inside": float(np.sqrt(np.mean(e[~out] ** 2))) if (~out).any() else None,
            "rmse_outside": float(np.sqrt(np.mean(e[out] ** 2))) if out.any() else None,
            "first_predictions": [float(x) for x in p[:3]],
        }
    names = [m[0] for m in models]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ref["pairwise"][f"{a}|{b}"] = {"squared": dm(errors[a], errors[b], "squared"),
                                          "absolute": dm(errors[a], errors[b], "absolute")}
    ref["ranking"] = sorted(names, key=lambda m: ref["models"][m]["theil_u"])
    with open(OUT / "leaderboard_reference.json", "w") as f:
        json.dump(ref, f, indent=2); f.write("\n")
    print(json.dumps({m: {k: ref["models"][m][k] for k in ("rmse", "theil_u", "extrapolated", "best_shift")} for m in names}, indent=1))
    print("ranking", ref["ranking"])


if __name__ == "__main__":
    main()
