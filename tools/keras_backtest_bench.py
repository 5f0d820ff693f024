#!/usr/bin/env python3
"""The Python/Keras baseline for issue 5's speed target: evaluate + backtest a year of one-minute candles.

Generates 525,600 synthetic 1-minute candles (geometric random walk, fixed seed; no data file needed), then times:
  scale      scikit-learn MinMaxScaler.transform of every column with scalers/scalers.pkl
  windows    all sliding windows of the model's window size as one float32 array
  predict    batched model.predict over every window (--batch-size, default 4096)
  inverse    close scaler inverse_transform of the predictions (float32, as scikit-learn does it)
  evaluate   RMSE / MAPE / naive RMSE / Theil's U / direction accuracy / lag profile k = -5..5 (numpy)
  loop       a pandas backtest loop (DataFrame.itertuples): long/short on predicted vs current close, 0.04 % taker
             fee, 2 % stop loss filled at the stop (or the open if it gaps through); skipped if pandas is missing
Prints one JSON object, then a markdown table (--json: only the JSON, on one line).

Usage: python3 tools/keras_backtest_bench.py [--candles 525600] [--batch-size 4096] [--threads N] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
TAKER_FEE = 0.0004
STOP_LOSS = 0.02
THRESHOLD = 0.0005


def synthetic_candles(n: int, seed: int = 7) -> np.ndarray:
    """n x [open, high, low, close, volume] one-minute candles around 30 k USD."""
    rng = np.random.default_rng(seed)
    log_ret = rng.normal(0.0, 0.0008, size=n)
    close = 30_000.0 * np.exp(np.cumsum(log_ret))
    open_ = np.concatenate([[30_000.0], close[:-1]])
    wick = np.abs(rng.normal(0.0, 0.0005, size=(n, 2)))
    high = np.maximum(open_, close) * (1.0 + wick[:, 0])
    low = np.minimum(open_, close) * (1.0 - wick[:, 1])
    volume = rng.lognormal(mean=17.0, sigma=0.5, size=n)  # daily-scale volumes keep the volume scaler in range
    return np.stack([open_, high, low, close, volume], axis=1)


def evaluate(pred: np.ndarray, close: np.ndarray) -> dict:
    """pred[i] predicts close[i + 1]; metrics as issue 5 lists them."""
    actual = close[1:]
    p = pred[:-1]
    cur = close[:-1]
    err = p - actual
    rmse = float(np.sqrt(np.mean(err ** 2)))
    naive = float(np.sqrt(np.mean((cur - actual) ** 2)))
    lag = {}
    for k in range(-5, 6):
        a, b = (p[k:], actual[: len(actual) - k]) if k >= 0 else (p[: len(p) + k], actual[-k:])
        lag[k] = (float(np.sqrt(np.mean((a - b) ** 2))), float(np.corrcoef(a, b)[0, 1]))
    return {
        "rmse": rmse, "mape": float(np.mean(np.abs(err) / actual)), "naive_rmse": naive, "theil_u": rmse / naive,
        "direction_accuracy": float(np.mean(np.sign(p - cur) == np.sign(actual - cur))),
        "best_shift": min(lag, key=lambda k: lag[k][0]),
    }


def pandas_loop(df) -> dict:
    balance, pos, entry, trades, wins, fees = 10_000.0, 0, 0.0, 0, 0, 0.0
    qty = 0.0
    for row in df.itertuples(index=False):
        if pos != 0:  # stop loss first, filled at the stop or at the open if the candle gaps through it
            stop = entry * (1 - STOP_LOSS) if pos > 0 else entry * (1 + STOP_LOSS)
            hit = row.low <= stop if pos > 0 else row.high >= stop
            if hit:
                fill = min(stop, row.open) if pos > 0 else max(stop, row.open)
                pnl = (fill - entry) * qty * pos
                fee = fill * qty * TAKER_FEE
                balance += pnl - fee
                fees += fee
                trades += 1
                wins += pnl > 0
                pos = 0
        signal = 1 if row.predicted > row.close * (1 + THRESHOLD) else -1 if row.predicted < row.close * (1 - THRESHOLD) else 0
        if signal != 0 and signal != pos:
            if pos != 0:
                pnl = (row.close - entry) * qty * pos
                fee = row.close * qty * TAKER_FEE
                balance += pnl - fee
                fees += fee
                trades += 1
                wins += pnl > 0
            qty = balance / row.close
            entry = row.close
            fee = entry * qty * TAKER_FEE
            balance -= fee
            fees += fee
            pos = signal
    return {"trades": trades, "wins": wins, "final_balance": balance, "fees": fees}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=REPO_ROOT / "models" / "model.keras")
    ap.add_argument("--scalers", type=Path, default=REPO_ROOT / "scalers" / "scalers.pkl")
    ap.add_argument("--candles", type=int, default=525_600)
    ap.add_argument("--batch-size", type=int, default=4096)
    ap.add_argument("--threads", type=int, default=0, help="TensorFlow intra/inter-op threads (0 = TF default)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    for p in (args.model, args.scalers):
        if not p.is_file():
            print(f"keras_backtest_bench.py: {p} not found; run tools/train.py first", file=sys.stderr)
            return 2

    t_start = time.perf_counter()
    import keras
    import tensorflow as tf

    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    t_import = time.perf_counter() - t_start

    res: dict = {"candles": args.candles, "batch_size": args.batch_size, "threads": args.threads or "tf-default",
                 "cores": os.cpu_count(), "load_average_1m": os.getloadavg()[0], "python": platform.python_version(),
                 "tensorflow": tf.__version__, "keras": keras.__version__, "import_s": t_import}
    timings: dict[str, float] = {}

    def timed(name, fn):
        t = time.perf_counter()
        out = fn()
        timings[name] = time.perf_counter() - t
        return out

    with open(args.scalers, "rb") as f:
        scalers = pickle.load(f)
    model = timed("load", lambda: keras.models.load_model(args.model, compile=False))
    window = int(model.input_shape[1])
    candles = synthetic_candles(args.candles)

    scaled = timed("scale", lambda: np.concatenate(
        [scalers[c].transform(candles[:, c : c + 1]) for c in range(candles.shape[1])], axis=1))
    windows = timed("windows", lambda: np.ascontiguousarray(
        np.lib.stride_tricks.sliding_window_view(scaled, window, axis=0).transpose(0, 2, 1), dtype=np.float32))
    pred_scaled = timed("predict", lambda: model.predict(windows, batch_size=args.batch_size, verbose=0))
    pred = timed("inverse", lambda: scalers[3].inverse_transform(pred_scaled)[:, 0].astype(np.float64))
    close = candles[window - 1 :, 3]  # window i ends at candle i + window - 1 and predicts the next close
    res["evaluation"] = timed("evaluate", lambda: evaluate(pred, close))

    try:
        import pandas as pd
    except ImportError:
        pd = None
        res["pandas"] = None
    if pd is not None:
        res["pandas"] = pd.__version__
        df = pd.DataFrame(candles[window - 1 :], columns=["open", "high", "low", "close", "volume"])
        df["predicted"] = pred
        res["backtest"] = timed("loop", lambda: pandas_loop(df))

    res["windows"] = int(len(windows))
    res["timings_s"] = timings
    res["total_s"] = sum(v for k, v in timings.items() if k != "load")
    res["predict_windows_per_s"] = len(windows) / timings["predict"]

    if args.json:
        print(json.dumps(res))
        return 0
    print(json.dumps(res, indent=2))
    print()
    print(f"Keras {res['keras']} / TensorFlow {res['tensorflow']}, {res['cores']} cores, load average "
          f"{res['load_average_1m']:.1f}, threads {res['threads']}: {res['candles']:,} one-minute candles, "
          f"{res['windows']:,} windows")
    print()
    print("| step | seconds |")
    print("|---|---|")
    for k, v in timings.items():
        print(f"| {k} | {v:.3f} |")
    print(f"| **total (without import/load)** | **{res['total_s']:.3f}** |")
    print(f"| import tensorflow+keras | {t_import:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
