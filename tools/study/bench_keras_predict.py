#!/usr/bin/env python3
"""Keras side of the BENCHMARKS.md comparison "evaluate of 7 models over a coin file vs Keras model.predict".

For each model: time keras.models.load_model + model.predict over every 5-candle window of the coin file (the windows
`trading-bot evaluate` predicts without --from/--to: rows t-5..t-1 -> row t, scaled by the given scalers), batch 256.
Prints one line per model and the total. TensorFlow threads are capped with --threads (default 1).

Usage: nice -n 10 python3 tools/study/bench_keras_predict.py --candles ../shared/data/coin_Bitcoin.csv \
          --scalers RUN/bot/BTC/scalers.pkl RUN/bot/BTC/*.keras
"""
import argparse
import os
import pickle
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--candles", type=Path, required=True)
    ap.add_argument("--scalers", type=Path, required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("models", nargs="+", type=Path)
    a = ap.parse_args()
    t_import = time.perf_counter()
    import numpy as np
    import tensorflow as tf
    import keras
    from train import load_candles
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    print(f"import tensorflow+keras: {time.perf_counter() - t_import:.2f} s")
    t0 = time.perf_counter()
    _, rows = load_candles(a.candles)
    scalers = pickle.load(open(a.scalers, "rb"))
    scaled = np.concatenate([scalers[c].transform(rows[:, c:c + 1]) for c in range(5)], axis=1)
    x = np.stack([scaled[t - 5:t] for t in range(5, len(rows))]).astype(np.float32)
    print(f"windows: {len(x)} (prepared in {time.perf_counter() - t0:.3f} s)")
    total = 0.0
    for m in a.models:
        t = time.perf_counter()
        model = keras.models.load_model(m, compile=False)
        t_load = time.perf_counter() - t
        model.predict(x, batch_size=256, verbose=0)
        dt = time.perf_counter() - t
        total += dt
        print(f"{m.name}: load {t_load:.3f} s, load+predict {dt:.3f} s")
    print(f"total load+predict, {len(a.models)} models: {total:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
