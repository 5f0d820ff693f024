#!/usr/bin/env python3
"""Small fixtures for the model-loader tests (Tests/KerasTests/LoaderTests.swift, BadInputTests.swift).

Writes, under Tests/KerasTests/Fixtures/:
  loader/  small valid models (Dense/Add only, so they test file layout and graph wiring, not layer maths)
           in .keras and legacy .h5 form, with Keras' own outputs for fixed inputs (NAME.json).
  bad/     crafted broken files: a weight missing, a weight of the wrong shape, an unknown layer class, an
           unknown option, config.json that is not JSON, an archive without config.json / model.weights.h5,
           weights-only .h5 (save_weights), a Functional model whose weights don't match its config.
Run by hand from the repo root: python3 tools/make_bad_fixtures.py   (needs keras>=3, h5py, numpy)
"""
import io, json, os, shutil, zipfile
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np, h5py, keras
from keras import layers

ROOT = os.path.join(os.path.dirname(__file__), "..", "Tests", "KerasTests", "Fixtures")
LOADER = os.path.join(ROOT, "loader")
BAD = os.path.join(ROOT, "bad")
os.makedirs(LOADER, exist_ok=True)
os.makedirs(BAD, exist_ok=True)
keras.utils.set_random_seed(7)


def save(model, name, inputs):
    model.save(os.path.join(LOADER, name + ".keras"))
    model.save(os.path.join(LOADER, name + ".h5"))
    outs = model.predict(inputs, verbose=0)
    outs = outs if isinstance(outs, list) else [outs]
    inputs = inputs if isinstance(inputs, list) else [inputs]
    with open(os.path.join(LOADER, name + ".json"), "w") as f:
        json.dump({"name": name, "inputs": [x.tolist() for x in inputs],
                   "outputs": [o.tolist() for o in outs], "tolerance": 1e-5}, f)


# 1. Sequential: three Dense layers -> weight groups dense, dense_1, dense_2 in .keras.
seq = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2), layers.Dense(1)])
seq.compile(loss="mse", optimizer="adam")  # legacy .h5 then carries training_config (Keras 3 refuses it without compile=False)
save(seq, "dense_seq", np.random.rand(3, 4).astype("float32"))

# 2. Functional: two inputs, a layers.Add and an operation `+` (not a layer: no weight group, no counter),
#    a nested Sequential, two outputs.
x1 = keras.Input((3,), name="x1"); x2 = keras.Input((3,), name="x2")
a = layers.Dense(4, name="left")(x1); b = layers.Dense(4, name="right")(x2)
s = layers.Add(name="sum_layer")([a, b]); t = a + b; u = layers.Add(name="sum_again")([s, t])
inner = keras.Sequential([layers.Dense(3, activation="relu"), layers.Dense(2)], name="inner")
v = inner(u); o1 = layers.Dense(1, name="head")(v)
fun = keras.Model([x1, x2], [o1, v])
save(fun, "dense_fun", [np.random.rand(2, 3).astype("float32"), np.random.rand(2, 3).astype("float32")])


# ---- broken files -------------------------------------------------------------------------------------------
good = os.path.join(LOADER, "dense_seq.keras")
with zipfile.ZipFile(good) as z:
    members = {n: z.read(n) for n in z.namelist()}


def write_zip(name, parts):
    with zipfile.ZipFile(os.path.join(BAD, name), "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def edit_weights(edit):
    buf = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buf, "r+") as f:
        edit(f)
    return buf.getvalue()


config = json.loads(members["config.json"])
write_zip("no_config.keras", {k: v for k, v in members.items() if k != "config.json"})
write_zip("no_weights.keras", {k: v for k, v in members.items() if k != "model.weights.h5"})
write_zip("not_json.keras", {**members, "config.json": b"{\"class_name\": \"Sequential\", \"config\": [oops"})

def del_var(f): del f["layers/dense_1/vars/1"]
write_zip("missing_weight.keras", {**members, "model.weights.h5": edit_weights(del_var)})

def reshape_var(f):
    del f["layers/dense_1/vars/0"]; f["layers/dense_1/vars/0"] = np.zeros((3, 5), "float32")
write_zip("wrong_shape.keras", {**members, "model.weights.h5": edit_weights(reshape_var)})

def extra_group(f):
    f.create_group("layers/dense_9/vars"); f["layers/dense_9/vars/0"] = np.zeros((2,), "float32")
write_zip("extra_weights.keras", {**members, "model.weights.h5": edit_weights(extra_group)})

c = json.loads(members["config.json"]); c["config"]["layers"][2]["class_name"] = "FancyDense"
write_zip("unknown_layer.keras", {**members, "config.json": json.dumps(c)})
c = json.loads(members["config.json"]); c["config"]["layers"][2]["config"]["frobnicate"] = 3
write_zip("unknown_option.keras", {**members, "config.json": json.dumps(c)})
c = json.loads(members["config.json"]); c["config"]["layers"][2]["config"]["activation"] = "mish_v9"
write_zip("unknown_activation.keras", {**members, "config.json": json.dumps(c)})

def _s(v): return v.decode() if isinstance(v, bytes) else str(v)


h5good = os.path.join(LOADER, "dense_seq.h5")
shutil.copy(h5good, os.path.join(BAD, "missing_weight.h5"))
with h5py.File(os.path.join(BAD, "missing_weight.h5"), "r+") as f:
    g = f["model_weights/dense_1"]
    del g[_s(g.attrs["weight_names"][1])]
shutil.copy(h5good, os.path.join(BAD, "wrong_shape.h5"))
with h5py.File(os.path.join(BAD, "wrong_shape.h5"), "r+") as f:
    g = f["model_weights/dense_1"]; k = _s(g.attrs["weight_names"][0])
    del g[k]; g[k] = np.zeros((3, 5), "float32")
seq.save_weights(os.path.join(BAD, "weights_only.weights.h5"))
print("fixtures written to", os.path.abspath(ROOT))

# vars ordering: 12 variables in one group; vars/10 and vars/11 must come after vars/9 (numeric, not lexical).
with h5py.File(os.path.join(LOADER, "vars_order.weights.h5"), "w") as f:
    for i in range(12):
        f[f"layers/thing/vars/{i}"] = np.full((1,), i, "float32")
    f[f"layers/thing/cell/vars/0"] = np.full((2,), 42, "float32")
print("vars_order written")
