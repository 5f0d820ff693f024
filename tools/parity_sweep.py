#!/usr/bin/env python3
"""Randomized parity sweep: random small Keras models vs `trading-bot model predict`.

Builds COUNT random models (Sequential and Functional) from the layers and options issue 2 lists, with random
non-saturating weights (set directly, no training), saves each as `.keras` and legacy `.h5` into a temporary
directory, runs Keras' `model.predict` on a few random float32 windows and the Swift CLI on the same windows, and
compares. A model fails when max |Δ| / max(1, |Keras output|) > TOL (1e-5) in either format (so |Δ| itself for
outputs in [-1, 1]), or when the CLI refuses it (every option the
generator uses is one the issue's layer list covers, so a refusal is a gap).

Usage (from the repository root, after `swift build`):
    python3 tools/parity_sweep.py [--seed 1] [--count 200] [--bin .build/debug/trading-bot] [--keep DIR] [-v]

Exit status 0 when every model matches in both formats, 1 otherwise. Nothing is written into the repository.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import numpy as np

import keras  # noqa: E402
from keras import layers  # noqa: E402

warnings.filterwarnings("ignore")  # rms_scaling deprecation, legacy-.h5 notices: noise in a sweep report
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")  # retracing notices (every model has new shapes)
try:
    import absl.logging
    absl.logging.set_verbosity(absl.logging.ERROR)
except ImportError:
    pass

REPO_ROOT = Path(__file__).resolve().parent.parent
TOL = 1e-5
BATCH = 4

# Activation names of issue 2 (plus Keras aliases and the elementwise extras the loader implements).
ACTIVATIONS = ["relu", "sigmoid", "hard_sigmoid", "tanh", "linear", "softmax", "elu", "selu", "gelu", "swish", "silu",
               "softplus", "leaky_relu", "relu6", "softsign", "mish", "hard_silu", "hard_swish", "exponential"]
# Keras 3 activations beyond issue 2's list that the loader also implements.
ACTIVATIONS += ["celu", "hard_tanh", "hard_shrink", "soft_shrink", "tanh_shrink", "log_sigmoid", "log_softmax",
                "sparse_plus", "squareplus", "sparse_sigmoid"]
ELEMENTWISE = [a for a in ACTIVATIONS if a not in ("softmax", "log_softmax", "exponential")]
# Gate activations stay bounded: unbounded gates (relu, linear, silu) make random recurrences explode to 1e18 or NaN,
# where only float32 rounding is compared. (Those formulas are the same elementwise code as the Dense activations.)
RECURRENT_GATES = ["sigmoid", "hard_sigmoid", "tanh", "softsign", "relu6"]


class Gen:
    """Random choices with a description of every option picked (printed for failing models)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def int(self, lo, hi):  # inclusive
        return int(self.rng.integers(lo, hi + 1))

    def coin(self, p=0.5):
        return bool(self.rng.random() < p)


# ----------------------------------------------------------------------------------------------------------------
# Layer factories: each takes (g, shape) with shape = batch-free tuple, returns a zero-arg constructor or None when
# the layer does not apply to that shape. A constructor is called twice (probe for the shape, then the real model).
# ----------------------------------------------------------------------------------------------------------------

def f_conv1d(g, s):
    if len(s) != 2:
        return None
    t = s[0]
    padding = g.pick(["valid", "same", "causal"])
    strides, dilation = 1, 1
    if g.coin(0.5):
        if g.coin():
            strides = g.int(2, 3)
        else:
            dilation = g.int(2, 3)
    k = g.int(1, 4)
    if padding == "valid" and (k - 1) * dilation + 1 > t:
        k, dilation = 1, 1
    kw = dict(filters=g.int(1, 8), kernel_size=k, strides=strides, padding=padding, dilation_rate=dilation,
              use_bias=g.coin(0.8), activation=g.pick(ACTIVATIONS))
    return lambda: layers.Conv1D(**kw)


def _rnn_kwargs(g, cls):
    kw = dict(units=g.int(1, 7), activation=g.pick(ELEMENTWISE), use_bias=g.coin(0.8),
              return_sequences=g.coin(), go_backwards=g.coin(0.3))
    if cls in (layers.LSTM, layers.GRU):
        kw["recurrent_activation"] = g.pick(RECURRENT_GATES)
    if cls is layers.LSTM:
        kw["unit_forget_bias"] = g.coin()
    if cls is layers.GRU:
        kw["reset_after"] = g.coin()
    if g.coin(0.2):
        kw["dropout"] = 0.1  # identity at inference
    return kw


def f_rnn(g, s):
    if len(s) != 2:
        return None
    cls = g.pick([layers.LSTM, layers.LSTM, layers.GRU, layers.SimpleRNN])
    kw = _rnn_kwargs(g, cls)
    return lambda: cls(**kw)


def f_bidirectional(g, s):
    if len(s) != 2:
        return None
    cls = g.pick([layers.LSTM, layers.GRU, layers.SimpleRNN])
    kw = _rnn_kwargs(g, cls)
    kw["go_backwards"] = False
    mode = g.pick(["concat", "sum", "mul", "ave"])
    backward = None
    if g.coin(0.3):  # an explicit backward layer with its own options
        bkw = _rnn_kwargs(g, cls)
        bkw.update(units=kw["units"], return_sequences=kw["return_sequences"], go_backwards=True)
        backward = bkw
    if backward is None:
        return lambda: layers.Bidirectional(cls(**kw), merge_mode=mode)
    return lambda: layers.Bidirectional(cls(**kw), merge_mode=mode, backward_layer=cls(**backward))


def f_convlstm(g, s):
    if len(s) != 3:
        return None
    padding = g.pick(["valid", "same"])
    strides, dilation = 1, 1
    if g.coin(0.4):
        if g.coin():
            strides = 2
        else:
            dilation = 2
    k = g.int(1, 3)
    if padding == "valid" and (k - 1) * dilation + 1 > s[1]:
        k, dilation = 1, 1
    kw = dict(filters=g.int(1, 5), kernel_size=k, strides=strides, padding=padding, dilation_rate=dilation,
              activation=g.pick(ELEMENTWISE), recurrent_activation=g.pick(RECURRENT_GATES), use_bias=g.coin(0.8),
              unit_forget_bias=g.coin(), return_sequences=g.coin(), go_backwards=g.coin(0.3))
    return lambda: layers.ConvLSTM1D(**kw)


def f_dense(g, s):
    if len(s) > 3:
        return None
    kw = dict(units=g.int(1, 8), activation=g.pick(ACTIVATIONS), use_bias=g.coin(0.8))
    return lambda: layers.Dense(**kw)


def f_time_distributed(g, s):
    if len(s) != 2:
        return None
    kw = dict(units=g.int(1, 6), activation=g.pick(ACTIVATIONS), use_bias=g.coin(0.8))
    return lambda: layers.TimeDistributed(layers.Dense(**kw))


def f_pool(g, s):
    if len(s) != 2:
        return None
    cls = g.pick([layers.MaxPooling1D, layers.AveragePooling1D])
    padding = g.pick(["valid", "same"])
    pool = g.int(1, 3)
    if padding == "valid" and pool > s[0]:
        pool = 1
    strides = g.pick([None, 1, 2, 3])
    return lambda: cls(pool_size=pool, strides=strides, padding=padding)


def f_global_pool(g, s):
    if len(s) != 2:
        return None
    cls = g.pick([layers.GlobalAveragePooling1D, layers.GlobalMaxPooling1D])
    keep = g.coin(0.3)
    return lambda: cls(keepdims=keep)


def f_flatten(g, s):
    return (lambda: layers.Flatten()) if len(s) >= 2 else None


def f_reshape(g, s):
    n = int(np.prod(s))
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    d = g.pick(divisors)
    target = g.pick([(n,), (n // d, d), (-1, d), (d, -1)])
    return lambda: layers.Reshape(target)


def f_repeat(g, s):
    if len(s) != 1:
        return None
    n = g.int(1, 4)
    return lambda: layers.RepeatVector(n)


def f_identity(g, s):
    choice = g.pick(["Dropout", "GaussianNoise", "SpatialDropout1D", "GaussianDropout", "AlphaDropout"])
    if choice == "SpatialDropout1D" and len(s) != 2:
        choice = "Dropout"
    ctor = {"Dropout": lambda: layers.Dropout(0.3), "GaussianNoise": lambda: layers.GaussianNoise(0.4),
            "SpatialDropout1D": lambda: layers.SpatialDropout1D(0.2), "GaussianDropout": lambda: layers.GaussianDropout(0.2),
            "AlphaDropout": lambda: layers.AlphaDropout(0.2)}[choice]
    return ctor


def f_batchnorm(g, s):
    axis = -1
    if len(s) >= 2 and g.coin(0.3):
        axis = g.int(1, len(s))
    kw = dict(axis=axis, center=g.coin(0.8), scale=g.coin(0.8), epsilon=g.pick([1e-3, 1e-5, 0.01, 0.1]))
    return lambda: layers.BatchNormalization(**kw)


def f_layernorm(g, s):
    axis = -1
    if len(s) >= 2 and g.coin(0.4):
        options = [1, len(s), list(range(1, len(s) + 1))]
        if len(s) == 3:
            options += [[1, 2], [2, 3], [1, 3]]
        axis = g.pick(options)
    kw = dict(axis=axis, center=g.coin(0.8), scale=g.coin(0.8), epsilon=g.pick([1e-3, 1e-5, 1e-6, 0.01]))
    if g.coin(0.15):
        kw["rms_scaling"] = True
    return lambda: layers.LayerNormalization(**kw)


def f_activation_layer(g, s):
    kind = g.pick(["Activation", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax"])
    if kind == "Activation":
        name = g.pick(ACTIVATIONS)
        return lambda: layers.Activation(name)
    if kind == "ReLU":
        kw = dict(max_value=g.pick([None, None, 6.0, 0.5, 2.0]), negative_slope=g.pick([0.0, 0.0, 0.1, 0.3]),
                  threshold=g.pick([0.0, 0.0, 0.2, -0.3]))
        return lambda: layers.ReLU(**kw)
    if kind == "LeakyReLU":
        slope = g.pick([0.3, 0.01, 0.2, 0.5])
        return lambda: layers.LeakyReLU(negative_slope=slope)
    if kind == "ELU":
        alpha = g.pick([1.0, 0.5, 2.0])
        return lambda: layers.ELU(alpha=alpha)
    axis = -1
    if len(s) >= 2 and g.coin(0.5):
        axis = g.pick([1, len(s), list(range(1, len(s) + 1))])
    return lambda: layers.Softmax(axis=axis)


def f_to_rank3(g, s):
    """(T, F) -> (T, R, C) for ConvLSTM1D."""
    if len(s) != 2 or s[1] < 2:
        return None
    cands = [c for c in range(1, s[1] + 1) if s[1] % c == 0 and s[1] // c >= 1]
    c = g.pick(cands)
    return lambda: layers.Reshape((s[0], s[1] // c, c))


SEQ_FACTORIES = [(f_conv1d, 4), (f_rnn, 4), (f_bidirectional, 3), (f_dense, 3), (f_time_distributed, 1),
                 (f_pool, 2), (f_global_pool, 1), (f_flatten, 1), (f_reshape, 1), (f_repeat, 1), (f_identity, 1),
                 (f_batchnorm, 2), (f_layernorm, 2), (f_activation_layer, 2), (f_to_rank3, 1), (f_convlstm, 3)]


def out_shape(ctor, shape):
    return tuple(ctor()(keras.Input(shape)).shape[1:])


def random_chain(g, shape, n):
    """n random layers applicable to `shape` in turn: [(ctor, shape_after)]."""
    chain = []
    for _ in range(n * 4):
        if len(chain) == n:
            break
        weights = np.array([w for _, w in SEQ_FACTORIES], dtype=float)
        fac = SEQ_FACTORIES[int(g.rng.choice(len(SEQ_FACTORIES), p=weights / weights.sum()))][0]
        ctor = fac(g, shape)
        if ctor is None:
            continue
        try:
            new = out_shape(ctor, shape)
        except Exception:  # noqa: BLE001 - an option combination Keras rejects: draw again
            continue
        if any(d is None or d <= 0 for d in new) or int(np.prod(new)) > 400:
            continue
        chain.append((ctor, new))
        shape = new
    return chain, shape


def input_shape(g):
    if g.coin(0.15):
        return (g.int(2, 6), g.int(1, 4), g.int(1, 3))  # (time, rows, channels) for ConvLSTM1D
    if g.coin(0.1):
        return (g.int(1, 8),)
    return (g.int(1, 9), g.int(1, 6))


def sequential_model(g):
    shape = input_shape(g)
    chain, _ = random_chain(g, shape, g.int(1, 5))
    if len(shape) >= 2 and g.coin(0.2):
        # keras.Input((None, ...)): a variable time axis, fixed by the windows fed (when every layer allows it).
        try:
            return keras.Sequential([keras.Input((None, *shape[1:]))] + [c() for c, _ in chain]), shape
        except Exception:  # noqa: BLE001 - e.g. Flatten needs a fixed length: keep the fixed input
            pass
    return keras.Sequential([keras.Input(shape)] + [c() for c, _ in chain]), shape


def nested_model(g):
    """A model used as a layer: a Sequential or Functional sub-model inside a Sequential or Functional outer model."""
    shape = input_shape(g)
    chain, inner_shape = random_chain(g, shape, g.int(1, 3))
    if g.coin():
        sub = keras.Sequential([keras.Input(shape)] + [c() for c, _ in chain])
    else:
        i = keras.Input(shape)
        y = i
        for c, _ in chain:
            y = c()(y)
        sub = keras.Model(i, y)
    tail, _ = random_chain(g, inner_shape, g.int(0, 2))
    if g.coin():
        return keras.Sequential([keras.Input(shape), sub] + [c() for c, _ in tail]), shape
    inp = keras.Input(shape)
    x = sub(inp)
    for c, _ in tail:
        x = c()(x)
    return keras.Model(inp, x), shape


def functional_model(g):
    """A graph with forks: residual merges (x + y, Add/Subtract/...), concatenations, self-attention, slicing."""
    shape = input_shape(g)
    if len(shape) == 3:
        shape = shape[:2]
    inp = keras.Input(shape)
    x = inp
    for _ in range(g.int(1, 4)):
        s = tuple(x.shape[1:])
        kind = g.pick(["chain", "merge", "concat", "mha", "mha", "getitem", "op"])
        if kind == "mha" and len(s) == 2:
            kw = dict(num_heads=g.int(1, 3), key_dim=g.int(1, 4), use_bias=g.coin(0.8))
            if g.coin(0.4):
                kw["value_dim"] = g.int(1, 4)
            if g.coin(0.3):
                kw["output_shape"] = g.pick([g.int(1, 5), (g.int(1, 5),)])
            causal = g.coin(0.3)
            a = layers.MultiHeadAttention(**kw)(x, x, use_causal_mask=causal)
            x = x + a if tuple(a.shape[1:]) == s and g.coin(0.7) else a
            if g.coin(0.5):
                x = layers.LayerNormalization(epsilon=g.pick([1e-3, 1e-6]))(x)
        elif kind == "getitem" and len(s) >= 2:
            t = s[0]
            idx = g.pick(["last", "int", "slice", "slice_feat", "step"])
            if idx == "last":
                x = x[:, -1, :] if len(s) == 2 else x[:, -1]
            elif idx == "int":
                x = x[:, g.int(-t, t - 1)]
            elif idx == "slice":
                a = g.int(0, t - 1)
                x = x[:, a:]
            elif idx == "slice_feat" and s[-1] >= 2:
                x = x[:, :, : g.int(1, s[-1] - 1)]
            else:
                x = x[:, ::2]
        elif kind in ("merge", "op"):
            # Two branches of the same shape from x, merged elementwise.
            b1, s1 = random_chain(g, s, g.int(1, 2))
            y1 = x
            for c, _ in b1:
                y1 = c()(y1)
            y2 = x
            if g.coin(0.6):
                b2, s2 = random_chain(g, s, g.int(1, 2))
                for c, _ in b2:
                    y2 = c()(y2)
            if tuple(y1.shape[1:]) != tuple(y2.shape[1:]):
                # Project both to one width on the last axis when ranks agree, else keep the first branch only.
                if len(y1.shape) == len(y2.shape) and tuple(y1.shape[1:-1]) == tuple(y2.shape[1:-1]):
                    w = g.int(1, 6)
                    y1, y2 = layers.Dense(w)(y1), layers.Dense(w)(y2)
                else:
                    x = y1
                    continue
            if kind == "op":
                x = g.pick([lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b])(y1, y2)
            else:
                cls = g.pick([layers.Add, layers.Subtract, layers.Multiply, layers.Average, layers.Maximum, layers.Minimum])
                x = cls()([y1, y2])
        elif kind == "concat":
            b1, _ = random_chain(g, s, g.int(1, 2))
            y1 = x
            for c, _ in b1:
                y1 = c()(y1)
            y2 = layers.Dense(g.int(1, 5), activation=g.pick(ACTIVATIONS))(x)
            r1, r2 = tuple(y1.shape[1:]), tuple(y2.shape[1:])
            if len(r1) == len(r2) and r1[:-1] == r2[:-1]:
                x = layers.Concatenate(axis=-1)([y1, y2])
            elif len(r1) == len(r2) == 2 and r1[1] == r2[1]:
                x = layers.Concatenate(axis=1)([y1, y2])
            else:
                x = layers.Concatenate()([layers.Flatten()(y1) if len(r1) > 1 else y1,
                                          layers.Flatten()(y2) if len(r2) > 1 else y2])
        else:
            chain, _ = random_chain(g, s, g.int(1, 2))
            for c, _ in chain:
                x = c()(x)
    if g.coin(0.2):
        # Two outputs: `model predict` prints both flattened, one after the other, per window.
        return keras.Model(inp, [x, layers.Dense(g.int(1, 3), activation=g.pick(ACTIVATIONS))(inp)]), shape
    return keras.Model(inp, x), shape


# ----------------------------------------------------------------------------------------------------------------
# Weights, running, comparing
# ----------------------------------------------------------------------------------------------------------------

def randomize(model, g):
    """Random weights scaled by fan-in so activations stay in a non-saturated range; BN statistics non-trivial."""
    for w in model.weights:
        if not str(w.dtype).startswith("float"):
            continue
        shape = tuple(w.shape)
        path = w.path
        if "moving_variance" in path:
            v = np.abs(g.rng.normal(size=shape)) * 0.8 + 0.2
        elif "moving_mean" in path:
            v = g.rng.normal(size=shape) * 0.5
        elif path.endswith("gamma"):
            v = 1 + g.rng.normal(size=shape) * 0.4
        elif path.endswith("beta") or path.endswith("bias"):
            v = g.rng.normal(size=shape) * 0.4
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            v = g.rng.normal(size=shape) * (g.rng.uniform(0.8, 1.6) / np.sqrt(max(fan_in, 1)))
        w.assign(v.astype(np.float32))


def describe(model) -> str:
    parts = []
    if isinstance(model, keras.Sequential):  # its `layers` leave the InputLayer out
        parts.append(f"Input{tuple(model.inputs[0].shape[1:])}")
    for layer in model.layers:
        cfg = layer.get_config()
        cls = layer.__class__.__name__
        if isinstance(layer, keras.Model):
            parts.append(f"{cls}[{describe(layer)}]")
            continue
        if cls == "InputLayer":
            parts.append(f"Input{tuple(cfg.get('batch_shape', ())[1:])}")
            continue
        keep = {k: v for k, v in cfg.items() if k not in ("name", "trainable", "dtype") and not k.endswith(
            ("_initializer", "_regularizer", "_constraint")) and v not in (None, False)}
        if "layer" in keep and isinstance(keep["layer"], dict):
            inner = keep["layer"]
            keep["layer"] = f"{inner['class_name']}({ {k: v for k, v in inner['config'].items() if k in ('units', 'activation', 'recurrent_activation', 'return_sequences', 'go_backwards', 'reset_after', 'use_bias')} })"
        if "backward_layer" in keep and isinstance(keep["backward_layer"], dict):
            keep["backward_layer"] = "explicit"
        parts.append(f"{cls}({', '.join(f'{k}={v}' for k, v in keep.items())})")
    return " -> ".join(parts)


def float64_twin(model):
    """The same model computing in float64 (config with every dtype policy float64, same weights): its outputs show
    how much float32 rounding alone moves Keras' own result on this model and input (ill-conditioned models, e.g. a
    LayerNormalization over nearly-constant features with a tiny epsilon, amplify rounding far beyond 1e-5)."""
    def to64(v):
        if isinstance(v, dict):
            if v.get("class_name") == "DTypePolicy" and isinstance(v.get("config"), dict):
                return {**v, "config": {**v["config"], "name": "float64"}}
            return {k: to64(x) for k, x in v.items()}
        if isinstance(v, list):
            return [to64(x) for x in v]
        return "float64" if v == "float32" else v
    config = to64(model.get_config())
    twin = model.__class__.from_config(config)
    twin.set_weights([w.astype(np.float64) for w in model.get_weights()])
    return twin


def run_cli(binary: str, model_path: Path, input_path: Path) -> tuple[np.ndarray | None, str]:
    p = subprocess.run([binary, "model", "predict", str(model_path), "--input", str(input_path)],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        return None, (p.stderr.strip().splitlines() or ["(no message)"])[-1]
    try:
        data = json.loads(p.stdout)
        return np.array([[np.nan if v is None else v for v in row] for row in data], dtype=np.float64), ""
    except (json.JSONDecodeError, ValueError) as e:
        return None, f"unparseable output: {e}"


def sweep_one(i: int, seed: int, work: Path, binary: str) -> dict:
    g = Gen(np.random.default_rng([seed, i]))
    keras.utils.set_random_seed((seed * 100003 + i) % (2**31))
    kind = g.pick(["functional"] * 8 + ["sequential"] * 10 + ["nested"] * 2)
    model, shape = {"functional": functional_model, "sequential": sequential_model, "nested": nested_model}[kind](g)
    randomize(model, g)
    x = g.rng.uniform(-1, 1, size=(BATCH, *shape)).astype(np.float32)
    def flat(outputs, dtype=np.float32):  # per window: every output flattened, in order (as `model predict` prints)
        outs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        return np.concatenate([np.asarray(o, dtype=dtype).reshape(BATCH, -1) for o in outs], axis=1).astype(np.float64)

    want = flat(model.predict(x, verbose=0))
    # Keras' eager call runs the layer formulas as written; predict runs a graph that TensorFlow's optimizer may
    # rewrite (e.g. LayerNormalization's x·inv + (beta − mean·inv)), so on ill-conditioned models Keras itself gives
    # two answers that differ by more than 1e-5. Matching the eager one is a match too (reported as "noise").
    eager = flat(model(x, training=False))
    try:
        exact = flat(float64_twin(model).predict(x.astype(np.float64), verbose=0), np.float64)
        noise = np.abs(want - exact)  # Keras' own float32 error on this model and input
    except Exception:  # noqa: BLE001 - without a float64 twin only the plain tolerance applies
        exact, noise = None, None
    inp = work / f"m{i}_in.json"
    inp.write_text(json.dumps(x.astype(np.float64).tolist()))
    result = {"i": i, "kind": kind, "desc": describe(model), "shape": shape, "formats": {}}
    for fmt in ("keras", "h5"):
        path = work / f"m{i}.{fmt}"
        try:
            model.save(path)
        except Exception as e:  # noqa: BLE001 - a format Keras cannot write is reported, not failed
            result["formats"][fmt] = {"status": "not-saved", "msg": f"{type(e).__name__}: {str(e).splitlines()[0][:100]}"}
            continue
        got, err = run_cli(binary, path, inp)
        if got is None:
            result["formats"][fmt] = {"status": "refused", "msg": err}
        elif got.shape != want.shape:
            result["formats"][fmt] = {"status": "shape", "msg": f"got {got.shape}, Keras {want.shape}"}
        else:
            with np.errstate(invalid="ignore"):
                # Both overflowed the same way (inf - inf, NaN from an exploding recurrence): equal.
                same = (np.isnan(got) & np.isnan(want)) | (np.isinf(got) & (got == want))
                diff = np.where(same, 0.0, np.abs(got - want))
                d = float(np.max(diff)) if want.size else 0.0
                # Outputs beyond ±1 (exploding recurrences) are compared relative to their size: float32 rounding
                # amplified over the steps, not a formula difference.
                scale = np.where(same, 1.0, np.maximum(1.0, np.abs(want)))
                rel = float(np.max(diff / scale)) if want.size else 0.0
            d = d if np.isfinite(d) else float("inf")
            rel = rel if np.isfinite(rel) else float("inf")
            status = "ok" if rel <= TOL else "mismatch"
            if status == "mismatch":
                with np.errstate(invalid="ignore"):
                    if np.all(np.where(same, 0.0, np.abs(got - eager)) <= TOL * scale):
                        status = "noise"
            if status == "mismatch" and exact is not None:
                # Beyond 1e-5 of Keras, but no farther from the float64 result than TOL plus 4x Keras' own float32
                # error: rounding amplified by an ill-conditioned model, not a formula difference.
                with np.errstate(invalid="ignore"):
                    err = np.where(same, 0.0, np.abs(got - exact))
                    bound = TOL * scale + 4 * np.nan_to_num(noise, nan=np.inf)
                if np.all(err <= bound):
                    status = "noise"
            result["formats"][fmt] = {"status": status, "delta": d, "scaled": rel}
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--bin", default=str(REPO_ROOT / ".build" / "debug" / "trading-bot"))
    ap.add_argument("--keep", type=Path, help="write the work files here (default: a temporary directory, removed)")
    ap.add_argument("--only", type=int, nargs="*", help="model indices to run (reproduce one failure)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every model, not only failures")
    args = ap.parse_args(argv)
    if not Path(args.bin).exists():
        print(f"parity_sweep.py: {args.bin} not found; run `swift build` first or pass --bin", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="parity_sweep_"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results = []
    try:
        for i in (args.only if args.only else range(args.count)):
            try:
                r = sweep_one(i, args.seed, work, args.bin)
            except Exception as e:  # noqa: BLE001 - a generator bug must not hide the other models
                r = {"i": i, "kind": "?", "desc": "", "formats": {}, "error": f"{type(e).__name__}: {e}"}
                if args.verbose:
                    traceback.print_exc()
            results.append(r)
            bad = r.get("error") or any(f["status"] in ("refused", "mismatch", "shape", "noise") for f in r["formats"].values())
            if bad or args.verbose:
                cells = "  ".join(f"{k}:{v['status']}" + (f" Δ={v['delta']:.2e} (scaled {v['scaled']:.1e})" if "delta" in v else "")
                                  + (f" [{v['msg']}]" if "msg" in v else "") for k, v in r["formats"].items())
                print(f"#{i:<4d} {r['kind']:10s} {cells or r.get('error')}\n       {r['desc']}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    # Summary table.
    print(f"\nparity sweep: seed {args.seed}, {len(results)} models, {time.time() - started:.0f} s, tolerance {TOL:g}")
    print(f"{'format':8s} {'tried':>6s} {'ok':>6s} {'noise':>6s} {'mismatch':>9s} {'refused':>8s} {'not saved':>10s} {'max |Δ|':>10s}"
          f" {'max scaled':>11s}")
    failures = 0
    for fmt in ("keras", "h5"):
        cells = [r["formats"][fmt] for r in results if fmt in r["formats"]]
        count = lambda st: sum(1 for c in cells if c["status"] == st)  # noqa: E731
        deltas = [c["delta"] for c in cells if "delta" in c]
        scaled = [c["scaled"] for c in cells if "scaled" in c]
        print(f"{fmt:8s} {len(cells):6d} {count('ok'):6d} {count('noise'):6d} {count('mismatch') + count('shape'):9d} {count('refused'):8d} "
              f"{count('not-saved'):10d} {max(deltas) if deltas else 0:10.2e} {max(scaled) if scaled else 0:11.2e}")
        failures += count("mismatch") + count("shape") + count("refused")
    kinds = {k: sum(1 for r in results if r["kind"] == k) for k in ("sequential", "functional", "nested")}
    variable = sum(1 for r in results if "Input(None" in r["desc"])
    print(f"models: {kinds['sequential']} sequential ({variable} with a variable time axis), {kinds['functional']} functional, {kinds['nested']} with a sub-model; "
          f"failures: {failures}; generator errors (Keras itself could not build/run the random model, not counted): "
          f"{sum(1 for r in results if r.get('error'))}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
