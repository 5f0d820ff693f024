#!/usr/bin/env python3
"""Write the scaler parity fixtures under Tests/ScalingTests/Fixtures/.

Run from the repository root (needs numpy + scikit-learn; the real candles are read from ../shared/data):

    python3 tools/make_scaler_fixtures.py [--legacy-python /path/to/python-with-numpy1]

What it writes (all small; see Tests/ScalingTests/Fixtures/README.md):
  * scalers_p{2,3,4,5}.pkl   dict {0..4: MinMaxScaler} fitted per column on BTC [open, high, low, close, volume]
  * scalers_list_p4.pkl      the same scalers as a list
  * scalers_npkeys_p4.pkl    the same dict keyed by numpy.int64 (numpy.core.multiarray.scalar)
  * scaler_clip_p4.pkl       one MinMaxScaler(feature_range=(-1, 1), clip=True) on close (the root object)
  * scaler_multi_p{2,5}.pkl  one MinMaxScaler fitted on all 5 columns at once
  * scaler_bigendian_p4.pkl  per-column dict whose arrays were converted to big-endian '>f8' (same values)
  * scaler_float32_p5.pkl    a scaler fitted on float32 data (float32 parameter arrays)
  * scaler_names_p4.pkl      a scaler with feature_names_in_ (object array), set as a DataFrame fit would
  * arrays_p{2,4,5}.pkl      a dict of assorted numpy arrays (0-d, big-endian f4, Fortran 2-D, int64, bool)
  * legacy_numpy1_p{2,4,5}.pkl  the per-column dict written by numpy 1.x + scikit-learn < 1.6
                             ('numpy.core.multiarray' spelling), generated for real by --legacy-python
  * evil_*.pkl, truncated_p4.pkl, empty.pkl, deep_nested.pkl, not_scalers.pkl   hostile / bad inputs
  * expected.json            sklearn's transform / inverse_transform results for every scaler group,
                             as float.hex() strings so Swift can compare bit for bit
"""
import argparse
import csv
import json
import os
import pickle
import pickletools
import subprocess
import sys

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ScalingTests", "Fixtures")
CSV = os.path.join(ROOT, "..", "shared", "data", "coin_Bitcoin.csv")
FEATURES = ["Open", "High", "Low", "Close", "Volume"]


def load_candles():
    with open(CSV, newline="") as f:
        rows = list(csv.DictReader(f))
    return np.array([[float(r[k]) for k in FEATURES] for r in rows], dtype=np.float64)


def per_column(data, **kw):
    return {i: MinMaxScaler(**kw).fit(data[:, i:i + 1]) for i in range(data.shape[1])}


def write(name, payload, well_formed=True):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(payload)
    if well_formed:
        pickletools.dis(payload, out=open(os.devnull, "w"))  # raises if the opcode stream is malformed


def dump(name, obj, protocol):
    write(name, pickle.dumps(obj, protocol=protocol))


def hexes(a):
    return [float(v).hex() for v in np.asarray(a, dtype=np.float64).ravel()]


def column_cases(scaler, col, data_col, rng, label):
    """Inputs and sklearn results for feature `col` of `scaler` (which may have several features)."""
    n = scaler.n_features_in_
    lo, hi = float(scaler.data_min_[col]), float(scaler.data_max_[col])
    xs = np.concatenate([
        data_col[:6], data_col[-6:], data_col[rng.integers(0, len(data_col), 8)],
        [lo, hi, 0.0, -0.0, lo - 1.0, hi * 3.0, -hi, 1e-300, 1e15, lo + (hi - lo) / 3.0],
    ]).astype(np.float64)

    def run(fn, values, dtype):
        m = np.zeros((len(values), n), dtype=dtype)
        m[:, col] = values
        r = fn(m)
        assert r.dtype == dtype, (r.dtype, dtype)
        return r[:, col]

    t = run(scaler.transform, xs, np.float64)
    y64 = np.concatenate([t, rng.uniform(-0.5, 1.5, 8)])
    inv64 = run(scaler.inverse_transform, y64, np.float64)
    y32 = np.concatenate([t.astype(np.float32), rng.uniform(-0.2, 1.2, 12).astype(np.float32),
                          np.array([0, 1, 0.5, -1, 2], dtype=np.float32)]).astype(np.float32)
    inv32 = run(scaler.inverse_transform, y32, np.float32)
    return {"column": label, "transform_in": hexes(xs), "transform_out": hexes(t),
            "inverse64_in": hexes(y64), "inverse64_out": hexes(inv64),
            "inverse32_in": hexes(y32), "inverse32_out": hexes(inv32)}


def group(files, scalers, data, rng):
    """Expected values for `files`, whose content is `scalers`: a dict/list of 1-feature scalers or one scaler."""
    cols = []
    if isinstance(scalers, MinMaxScaler):
        for c in range(scalers.n_features_in_):
            cols.append(column_cases(scalers, c, data[:, c % data.shape[1]], rng, c))
    else:
        for c, s in enumerate(scalers):
            cols.append(column_cases(s, 0, data[:, c], rng, c))
    first = scalers if isinstance(scalers, MinMaxScaler) else scalers[0]
    return {"files": files, "sklearn": __import__("sklearn").__version__, "numpy": np.__version__,
            "feature_range": list(map(float, first.feature_range)), "clip": bool(first.clip), "columns": cols}


def legacy(data):
    """Run under numpy 1.x: the per-column dict as numpy 1.x / sklearn < 1.6 pickle it."""
    rng = np.random.default_rng(7)
    scalers = per_column(data)
    for p in (2, 4, 5):
        dump(f"legacy_numpy1_p{p}.pkl", scalers, p)
    return group([f"legacy_numpy1_p{p}.pkl" for p in (2, 4, 5)], [scalers[i] for i in range(5)], data, rng)


class Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


def hostile():
    write("evil_os_system.pkl", pickle.dumps(Evil(os.system, "echo pwned"), protocol=2))  # posix.system
    write("evil_eval.pkl", pickle.dumps(Evil(eval, "1+1"), protocol=4))  # builtins.eval
    # GLOBAL 'subprocess Popen' written by hand (protocol 2 opcodes), then REDUCE on ('ls',).
    write("evil_subprocess.pkl", b"\x80\x02csubprocess\nPopen\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.")
    # A valid-looking scaler dict whose second scaler state hides an os.system call.
    write("evil_hidden_in_dict.pkl",
          b"\x80\x02}q\x00(K\x00cos\nsystem\nq\x01X\x04\x00\x00\x00trueq\x02\x85q\x03RK\x01K\x02u.")
    good = open(os.path.join(OUT, "scalers_p4.pkl"), "rb").read()
    write("truncated_p4.pkl", good[: len(good) // 2], well_formed=False)
    write("empty.pkl", b"", well_formed=False)
    depth = 10000
    write("deep_nested.pkl", b"\x80\x04" + b"]" * depth + b"a" * (depth - 1) + b".")
    dump("not_scalers.pkl", {"open": [1, 2, 3]}, 4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--legacy-python", help="python with numpy<2 and scikit-learn<1.6 for the legacy fixtures")
    ap.add_argument("--legacy-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    data = load_candles()

    if args.legacy_only:
        assert np.__version__.startswith("1."), "the legacy fixtures need numpy 1.x"
        json.dump(legacy(data), sys.stdout)
        return

    rng = np.random.default_rng(42)
    scalers = per_column(data)
    as_list = [scalers[i] for i in range(5)]
    groups = []

    for p in (2, 3, 4, 5):
        dump(f"scalers_p{p}.pkl", scalers, p)
    dump("scalers_list_p4.pkl", as_list, 4)
    dump("scalers_npkeys_p4.pkl", {np.int64(i): s for i, s in scalers.items()}, 4)
    groups.append(group([f"scalers_p{p}.pkl" for p in (2, 3, 4, 5)] + ["scalers_list_p4.pkl", "scalers_npkeys_p4.pkl"],
                        as_list, data, rng))

    clip = MinMaxScaler(feature_range=(-1, 1), clip=True).fit(data[:, 3:4])
    dump("scaler_clip_p4.pkl", clip, 4)
    groups.append(group(["scaler_clip_p4.pkl"], clip, data[:, 3:4], rng))

    multi = MinMaxScaler().fit(data)
    dump("scaler_multi_p2.pkl", multi, 2)
    dump("scaler_multi_p5.pkl", multi, 5)
    groups.append(group(["scaler_multi_p2.pkl", "scaler_multi_p5.pkl"], multi, data, rng))

    big = per_column(data)
    for s in big.values():
        for k in ("data_min_", "data_max_", "data_range_", "scale_", "min_"):
            setattr(s, k, getattr(s, k).astype(">f8"))
    dump("scaler_bigendian_p4.pkl", big, 4)
    groups.append(group(["scaler_bigendian_p4.pkl"], [big[i] for i in range(5)], data, rng))

    f32 = MinMaxScaler().fit(data[:, 3:4].astype(np.float32))
    assert f32.scale_.dtype == np.float32
    dump("scaler_float32_p5.pkl", f32, 5)
    groups.append(group(["scaler_float32_p5.pkl"], f32, data[:, 3:4], rng))

    named = MinMaxScaler().fit(data[:, 3:4])
    named.feature_names_in_ = np.array(["close"], dtype=object)  # what fitting on a DataFrame stores
    dump("scaler_names_p4.pkl", named, 4)

    # Keyed by column name, in the CoinMarketCap files' column order and case (`scalers[col] = scaler`).
    by_name = {name: scalers[i] for name, i in (("High", 1), ("Low", 2), ("Open", 0), ("Close", 3), ("Volume", 4))}
    dump("scalers_by_name_p4.pkl", by_name, 4)

    # joblib.dump (sklearn's documented way to persist estimators): arrays as NumpyArrayWrapper + inline bytes.
    import joblib
    joblib.dump(scalers, os.path.join(OUT, "scalers_joblib.pkl"))
    joblib.dump(scalers, os.path.join(OUT, "scalers_joblib_p2.pkl"), protocol=2)
    frame_fitted = {name: MinMaxScaler().fit(pd.DataFrame({name: data[:, i]})) for name, i in (("Open", 0), ("High", 1), ("Low", 2), ("Close", 3), ("Volume", 4))}
    joblib.dump(frame_fitted, os.path.join(OUT, "scalers_joblib_dataframe.pkl"))  # feature_names_in_: object arrays
    joblib.dump(scalers, os.path.join(OUT, "scalers_joblib_compressed.pkl"), compress=3)

    arrays = {
        "zero_d": np.array(2.5),
        "f4_big": np.array([1.5, -2.25, 3e38], dtype=">f4"),
        "fortran": np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3) / 7.0),
        "i8": np.array([-3, 0, 2**53, -(2**62)], dtype=np.int64),
        "i4_big": np.array([-7, 65536], dtype=">i4"),
        "flags": np.array([True, False, True]),
        "empty": np.zeros((0,), dtype=np.float64),
    }
    for p in (2, 4, 5):
        dump(f"arrays_p{p}.pkl", arrays, p)  # p2: the empty array's b'' is pickled as __builtin__.bytes()
    arrays_expected = {k: {"shape": list(v.shape), "dtype": v.dtype.str,
                           "values": [repr(x) for x in np.ascontiguousarray(v).ravel().tolist()]}
                       for k, v in arrays.items()}

    if args.legacy_python:
        out = subprocess.run([args.legacy_python, os.path.abspath(__file__), "--legacy-only"],
                             check=True, capture_output=True, text=True).stdout
        groups.append(json.loads(out))

    hostile()
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"groups": groups, "arrays": arrays_expected}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
