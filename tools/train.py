#!/usr/bin/env python3
"""Reproduce the reference Conv-LSTM training and write the files the project ships.

Reads ../shared/data/coin_Bitcoin.csv (relative to the repository root; never copied into the repo), scales each of the
five features [open, high, low, close, volume] with its own scikit-learn MinMaxScaler fitted on the training rows only,
cuts windows of WINDOW_SIZE candles, and trains
    Conv1D(64, 2, relu) -> LSTM(20, relu) -> Dense(20, relu) -> Dense(1)
to predict the NEXT candle's close in scaled space (close scaler = column 3).

Writes (relative to the repository root):
    models/model.keras   Keras 3 archive of the trained model (with its compile config and optimizer state)
    models/model.json    metadata: features, window, date ranges, test RMSE, versions, last-window prediction
    scalers/scalers.pkl  pickle.dump({0: scaler, ..., 4: scaler}) with the default protocol

Usage: python3 tools/train.py [--epochs N] [--data PATH] [--out-root DIR]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import pickle
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "coin_Bitcoin.csv"

FEATURES = ["open", "high", "low", "close", "volume"]
CSV_COLUMNS = {"open": "Open", "high": "High", "low": "Low", "close": "Close", "volume": "Volume"}
TARGET_COLUMN = FEATURES.index("close")  # 3
WINDOW_SIZE = 5
TEST_FRACTION = 0.2
SEED = 42
DEFAULT_EPOCHS = 60
BATCH_SIZE = 32


def iso(t: dt.datetime) -> str:
    """ISO-8601 UTC with a Z suffix, e.g. 2021-07-06T00:00:00Z."""
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def load_candles(path: Path) -> tuple[list[dt.datetime], np.ndarray]:
    """Return (candle open times, float64 array rows x [open, high, low, close, volume]) in file order.

    The CSV's Date is the END of the UTC day (`2013-04-29 23:59:59`); the candle opened at 00:00 UTC that day.
    """
    times: list[dt.datetime] = []
    rows: list[list[float]] = []
    with open(path, newline="") as f:
        for rec in csv.DictReader(f):
            end = dt.datetime.strptime(rec["Date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
            times.append(end.replace(hour=0, minute=0, second=0))
            rows.append([float(rec[CSV_COLUMNS[name]]) for name in FEATURES])
    order = np.argsort(np.array([t.timestamp() for t in times]), kind="stable")
    times = [times[i] for i in order]
    data = np.asarray(rows, dtype=np.float64)[order]
    return times, data


def fit_scalers(train_rows: np.ndarray):
    from sklearn.preprocessing import MinMaxScaler

    scalers = {}
    for col in range(train_rows.shape[1]):
        scaler = MinMaxScaler()
        scaler.fit(train_rows[:, col : col + 1])
        scalers[col] = scaler
    return scalers


def scale(scalers, rows: np.ndarray) -> np.ndarray:
    """Scale every column with its own scaler (float64, exactly as scikit-learn computes it)."""
    return np.concatenate([scalers[c].transform(rows[:, c : c + 1]) for c in range(rows.shape[1])], axis=1)


def make_windows(scaled: np.ndarray, first_target: int, end_target: int):
    """Windows whose target row t is in [first_target, end_target): X = rows t-W..t-1, y = close of row t."""
    xs, ys, targets = [], [], []
    for t in range(max(first_target, WINDOW_SIZE), end_target):
        xs.append(scaled[t - WINDOW_SIZE : t])
        ys.append(scaled[t, TARGET_COLUMN])
        targets.append(t)
    return np.asarray(xs, dtype=np.float32), np.asarray(ys, dtype=np.float32), targets


def build_model():
    import keras
    from keras import layers

    model = keras.Sequential(
        [
            keras.Input((WINDOW_SIZE, len(FEATURES))),
            layers.Conv1D(64, kernel_size=2, activation="relu"),
            layers.LSTM(20, activation="relu"),
            layers.Dense(20, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="coin CSV (default ../shared/data/coin_Bitcoin.csv)")
    ap.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    ap.add_argument("--out-root", type=Path, default=REPO_ROOT, help="where models/ and scalers/ are written")
    args = ap.parse_args(argv)

    if not args.data.is_file():
        print(f"train.py: data file {args.data} not found; put the shared data next to the repo (../shared/data)",
              file=sys.stderr)
        return 2

    import keras
    import sklearn
    import tensorflow as tf

    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()

    times, rows = load_candles(args.data)
    n = len(rows)
    split = int(round(n * (1.0 - TEST_FRACTION)))  # first test target row
    scalers = fit_scalers(rows[:split])
    scaled = scale(scalers, rows)

    x_train, y_train, train_targets = make_windows(scaled, WINDOW_SIZE, split)
    x_test, y_test, test_targets = make_windows(scaled, split, n)
    print(f"rows {n}, train windows {len(x_train)}, test windows {len(x_test)}")

    model = build_model()
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=BATCH_SIZE, shuffle=True, verbose=2)

    close_scaler = scalers[TARGET_COLUMN]
    pred_test = model.predict(x_test, verbose=0)  # float32 (n, 1)
    rmse_scaled = float(np.sqrt(np.mean((pred_test[:, 0].astype(np.float64) - y_test.astype(np.float64)) ** 2)))
    pred_prices = close_scaler.inverse_transform(pred_test).astype(np.float64)[:, 0]
    true_prices = rows[test_targets, TARGET_COLUMN]
    rmse_price = float(np.sqrt(np.mean((pred_prices - true_prices) ** 2)))
    pred_train = model.predict(x_train, verbose=0)
    train_rmse_scaled = float(np.sqrt(np.mean((pred_train[:, 0].astype(np.float64) - y_train.astype(np.float64)) ** 2)))

    last_window = scaled[n - WINDOW_SIZE : n].astype(np.float32)[None]
    last_pred_scaled = model.predict(last_window, verbose=0)  # float32 (1, 1)
    last_pred_price = close_scaler.inverse_transform(last_pred_scaled)  # float32, as scikit-learn returns it

    models_dir = args.out_root / "models"
    scalers_dir = args.out_root / "scalers"
    models_dir.mkdir(parents=True, exist_ok=True)
    scalers_dir.mkdir(parents=True, exist_ok=True)
    model.save(models_dir / "model.keras")
    with open(scalers_dir / "scalers.pkl", "wb") as f:
        pickle.dump(scalers, f)

    meta = {
        "features": FEATURES,
        "target_column": "close",
        "window_size": WINDOW_SIZE,
        "interval": "1d",
        "symbol": "BTC/USDT",
        "data_file": args.data.name,
        "scalers_file": "../scalers/scalers.pkl",
        "times_are": "candle open times, UTC",
        "train_start": iso(times[0]),
        "train_end": iso(times[split - 1]),
        "scaler_fit_start": iso(times[0]),
        "scaler_fit_end": iso(times[split - 1]),
        "test_start": iso(times[test_targets[0]]),
        "test_end": iso(times[test_targets[-1]]),
        "train_windows": len(x_train),
        "test_windows": len(x_test),
        "epochs": args.epochs,
        "batch_size": BATCH_SIZE,
        "seed": SEED,
        "train_rmse_scaled": train_rmse_scaled,
        "test_rmse_scaled": rmse_scaled,
        "test_rmse": rmse_price,
        "test_rmse_unit": "USD (close price)",
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "params": int(model.count_params()),
        "last_window_prediction": {
            "candle_time": iso(times[n - 1]),
            "close": float(rows[n - 1, TARGET_COLUMN]),
            "predicted_close": float(last_pred_price[0, 0]),
            "predicted_close_scaled": float(last_pred_scaled[0, 0]),
            "window_start": iso(times[n - WINDOW_SIZE]),
        },
    }
    with open(models_dir / "model.json", "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
