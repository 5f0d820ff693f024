#!/usr/bin/env python3
"""The Keras side of the speed comparison (issue 2, "Speed"): how fast TensorFlow/Keras runs the shipped model here.

Measures on models/model.keras:
  predict_ms        model.predict on one window (median over --calls calls after warm-up)
  call_ms           model(x) eager call, one window (median)
  tf_function_ms    a tf.function-compiled call, one window (median)
  xla_ms            the same with jit_compile=True (median)
  batch_N_per_s     windows/s for a compiled (tf.function) batch of N windows, N in --batches
  xla_batch_N_per_s the same with XLA
  cold_*            a fresh `python3 -c "import keras; load_model; predict one window"` process: wall time and peak RSS
                    (resource.getrusage(RUSAGE_CHILDREN) in a wrapper process that runs only that child)

Prints one JSON object, then a markdown table (--json: only the JSON, on one line, for other programs to parse).

Usage: python3 tools/keras_bench.py [--model models/model.keras] [--calls 50] [--batches 4096 65536] [--cold-runs 3]
                                    [--no-cold] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

REPO_ROOT = Path(__file__).resolve().parent.parent

COLD_SNIPPET = r"""
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np, keras
m = keras.models.load_model({path!r}, compile=False)
x = np.full((1,) + tuple(m.input_shape[1:]), 0.5, dtype=np.float32)
print(float(m.predict(x, verbose=0)[0, 0]))
"""

COLD_WRAPPER = r"""
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run([sys.executable, "-c", sys.argv[1]], capture_output=True, text=True)
wall = time.perf_counter() - t
rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(wall, rss_kib, r.returncode, r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "")
"""


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def median_ms(fn, calls: int, warmup: int = 5) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(calls):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def throughput(fn, n: int, min_seconds: float = 1.0, warmup: int = 2) -> float:
    """Windows per second for fn() that runs n windows; repeats until min_seconds have passed (at least 3 runs)."""
    for _ in range(warmup):
        fn()
    runs, t0 = 0, time.perf_counter()
    while True:
        fn()
        runs += 1
        elapsed = time.perf_counter() - t0
        if runs >= 3 and elapsed >= min_seconds:
            return runs * n / elapsed


def cold_process(model_path: Path, runs: int) -> dict:
    snippet = COLD_SNIPPET.format(path=str(model_path))
    walls, rss = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", COLD_WRAPPER, snippet], capture_output=True, text=True, check=True)
        wall, rss_kib, rc, _ = (out.stdout.split() + ["", "", "", ""])[:4]
        if rc != "0":
            raise RuntimeError(f"cold process failed (exit {rc})")
        walls.append(float(wall))
        rss.append(int(rss_kib) / 1024)
    return {"cold_wall_s": statistics.median(walls), "cold_wall_s_min": min(walls),
            "cold_peak_rss_mib": statistics.median(rss), "cold_runs": runs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=REPO_ROOT / "models" / "model.keras")
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--batches", type=int, nargs="*", default=[4096, 65536])
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--no-cold", action="store_true")
    ap.add_argument("--no-xla", action="store_true")
    ap.add_argument("--json", action="store_true", help="print only the JSON object, on one line")
    args = ap.parse_args(argv)
    if not args.model.is_file():
        print(f"keras_bench.py: model file {args.model} not found; run tools/train.py or pass --model", file=sys.stderr)
        return 2

    import numpy as np
    import keras
    import tensorflow as tf

    model = keras.models.load_model(args.model, compile=False)
    shape = tuple(model.input_shape[1:])
    rng = np.random.default_rng(0)
    one = rng.uniform(0, 1, size=(1, *shape)).astype(np.float32)
    one_t = tf.constant(one)

    res: dict = {
        "model": str(args.model.relative_to(REPO_ROOT) if args.model.is_relative_to(REPO_ROOT) else args.model),
        "params": int(model.count_params()),
        "machine": cpu_model(), "cores": os.cpu_count(),
        "load_average_1m": os.getloadavg()[0],
        "python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
    }

    res["predict_ms"] = median_ms(lambda: model.predict(one, verbose=0), args.calls)
    res["call_ms"] = median_ms(lambda: model(one_t, training=False), args.calls)

    spec = tf.TensorSpec((None, *shape), tf.float32)
    fn = tf.function(lambda x: model(x, training=False), input_signature=[spec])
    res["tf_function_ms"] = median_ms(lambda: fn(one_t).numpy(), max(args.calls, 200))
    xla = None
    if not args.no_xla:
        xla = tf.function(lambda x: model(x, training=False), input_signature=[spec], jit_compile=True)
        res["xla_ms"] = median_ms(lambda: xla(one_t).numpy(), max(args.calls, 200))

    for n in args.batches:
        batch = tf.constant(rng.uniform(0, 1, size=(n, *shape)).astype(np.float32))
        res[f"batch_{n}_per_s"] = throughput(lambda: fn(batch).numpy(), n)
        if xla is not None:
            res[f"xla_batch_{n}_per_s"] = throughput(lambda: xla(batch).numpy(), n)

    if not args.no_cold:
        res.update(cold_process(args.model, args.cold_runs))

    if args.json:
        print(json.dumps(res))
        return 0
    print(json.dumps(res, indent=2))
    print()
    print(f"Keras {res['keras']} / TensorFlow {res['tensorflow']} on {res['machine']} ({res['cores']} cores, "
          f"load average {res['load_average_1m']:.1f}), {res['model']} ({res['params']} params)")
    print()
    print("| measurement | Keras |")
    print("|---|---|")
    print(f"| `model.predict`, one window | {res['predict_ms']:.2f} ms |")
    print(f"| eager `model(x)`, one window | {res['call_ms']:.3f} ms |")
    print(f"| `tf.function` call, one window | {res['tf_function_ms']:.3f} ms |")
    if "xla_ms" in res:
        print(f"| XLA (`jit_compile=True`) call, one window | {res['xla_ms']:.3f} ms |")
    for n in args.batches:
        print(f"| compiled batch of {n} | {res[f'batch_{n}_per_s']:,.0f} windows/s |")
        if f"xla_batch_{n}_per_s" in res:
            print(f"| XLA batch of {n} | {res[f'xla_batch_{n}_per_s']:,.0f} windows/s |")
    if "cold_wall_s" in res:
        print(f"| cold process (import, load, predict one window) | {res['cold_wall_s']:.2f} s, "
              f"{res['cold_peak_rss_mib']:.0f} MiB peak RSS |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
