#!/usr/bin/env python3
"""The Keras side of BENCHMARKS.md: the same work as `trading-bot bench`, measured with TensorFlow/Keras.

  python3 tools/bench_keras.py [models/model.keras]

Prints model.predict on one window, a compiled tf.function call (and XLA), batched throughput at the batch sizes
the Swift bench uses, and the cold process (import + load + one prediction) when run as
  /usr/bin/time -v python3 tools/bench_keras.py --cold models/model.keras
"""
import os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
t_start = time.perf_counter()
import numpy as np
import keras
import tensorflow as tf

args = [a for a in sys.argv[1:] if not a.startswith("--")]
path = args[0] if args else "models/model.keras"
model = keras.saving.load_model(path, compile=False)
x1 = np.random.rand(1, *model.input_shape[1:]).astype("float32")
if "--cold" in sys.argv:
    print(model.predict(x1, verbose=0).tolist(), f"cold {time.perf_counter() - t_start:.3f} s in-process")
    sys.exit(0)


def median_us(fn, n):
    for _ in range(min(n, 50)):
        fn()
    ts = []
    for _ in range(n):
        t = time.perf_counter_ns(); fn(); ts.append(time.perf_counter_ns() - t)
    ts.sort()
    return ts[len(ts) // 2] / 1e3


print(f"| Keras {keras.__version__} / TF {tf.__version__} | median | unit |")
print("|---|---:|---|")
print(f"| model.predict, 1 window | {median_us(lambda: model.predict(x1, verbose=0), 200):.1f} | µs |")
f = tf.function(lambda x: model(x, training=False))
print(f"| compiled tf.function, 1 window | {median_us(lambda: f(x1), 2000):.1f} | µs |")
try:
    fx = tf.function(lambda x: model(x, training=False), jit_compile=True)
    print(f"| XLA tf.function, 1 window | {median_us(lambda: fx(x1), 2000):.1f} | µs |")
except Exception as e:  # XLA may be unavailable
    print(f"| XLA tf.function | n/a ({type(e).__name__}) | |")
for b in (1024, 4096, 65536):
    xb = tf.constant(np.random.rand(b, *model.input_shape[1:]).astype("float32"))
    us = median_us(lambda: f(xb).numpy(), 20 if b < 65536 else 5)
    print(f"| compiled batch {b} | {b / (us / 1e6):.0f} | windows/s |")
