#!/usr/bin/env python3
"""Write the Keras parity fixtures under Tests/KerasTests/Fixtures/.

For every fixture NAME it writes
    NAME.keras  Keras 3 archive (model.save("NAME.keras"))
    NAME.h5     legacy HDF5 file of the SAME model and weights (model.save("NAME.h5"))
    NAME.json   {"name", "inputs": [INPUT0, ...], "outputs": [OUTPUT0, ...], "tolerance"}
                INPUTk / OUTPUTk are nested lists of shape (batch, ...) of float32 values written with full precision
                (float(np.float32) -> JSON repr round-trips to the same float32); OUTPUTk = model.predict(inputs).
plus manifest.json ([{"name", "layers", "tolerance", "formats", "h5_loads_in_keras"}, ...]).

Every weight is overwritten with random normal * 0.5 (fixed seed; BatchNormalization moving_variance made positive) so
biases, normalisation statistics, etc. are never the default zeros/ones and a parity test can fail. Every written file is
re-loaded with keras.models.load_model(compile=False) and checked to reproduce the outputs; a legacy .h5 that Keras 3
itself cannot load back (functional models holding operation layers such as GetItem/Add) is checked weight by weight
with h5py instead and flagged in the manifest.

Usage: python3 tools/make_fixtures.py [--only NAME ...] [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import sys
import zlib
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "Tests" / "KerasTests" / "Fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import keras  # noqa: E402
from keras import layers  # noqa: E402

TOL = 1e-5
TOL_SHIPPED = 1e-6
BATCH = 3


# --------------------------------------------------------------------------------------------------------------------
# Fixture table: name -> (builder, input shapes without batch, input range)
# --------------------------------------------------------------------------------------------------------------------

def seq(input_shape, *stack):
    return keras.Sequential([keras.Input(input_shape), *stack])


FIXTURES: dict[str, tuple] = {}


def fixture(name, shapes, low=0.0, tolerance=TOL):
    """Register a builder; `shapes` is one input shape (tuple) or a list of them (multi-input)."""
    def register(fn):
        FIXTURES[name] = (fn, shapes if isinstance(shapes, list) else [shapes], low, tolerance)
        return fn
    return register


# Conv1D ---------------------------------------------------------------------------------------------------------
@fixture("conv1d_valid", (7, 3), low=-1.0)
def _():
    return seq((7, 3), layers.Conv1D(4, 3, padding="valid", activation="relu"))

@fixture("conv1d_same", (7, 3), low=-1.0)
def _():
    return seq((7, 3), layers.Conv1D(4, 3, padding="same"))

@fixture("conv1d_same_k2", (6, 3), low=-1.0)  # even kernel: Keras pads 0 left, 1 right
def _():
    return seq((6, 3), layers.Conv1D(4, 2, padding="same"))

@fixture("conv1d_causal", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.Conv1D(4, 3, padding="causal"))

@fixture("conv1d_strides2", (7, 3), low=-1.0)
def _():
    return seq((7, 3), layers.Conv1D(4, 2, strides=2, padding="valid"))

@fixture("conv1d_strides2_same", (7, 3), low=-1.0)
def _():
    return seq((7, 3), layers.Conv1D(4, 3, strides=2, padding="same"))

@fixture("conv1d_dilation2", (7, 3), low=-1.0)
def _():
    return seq((7, 3), layers.Conv1D(4, 2, dilation_rate=2, padding="valid"))

@fixture("conv1d_dilation2_causal", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.Conv1D(4, 2, dilation_rate=2, padding="causal"))

@fixture("conv1d_nobias", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.Conv1D(4, 2, use_bias=False))

@fixture("conv1d_tanh", (7, 3), low=-1.0)
def _():
    return seq((7, 3), layers.Conv1D(4, 2, activation="tanh"), layers.Conv1D(3, 2, activation="sigmoid"),
               layers.Conv1D(3, 2, activation="elu"))


# LSTM -----------------------------------------------------------------------------------------------------------
@fixture("lstm_last", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.LSTM(5))

@fixture("lstm_seq", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.LSTM(5, return_sequences=True))

@fixture("lstm_backwards", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.LSTM(5, go_backwards=True))

@fixture("lstm_backwards_seq", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.LSTM(4, go_backwards=True, return_sequences=True))

@fixture("lstm_nobias", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.LSTM(5, use_bias=False))

@fixture("lstm_relu_hardsigmoid", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.LSTM(5, activation="relu", recurrent_activation="hard_sigmoid", return_sequences=True))

@fixture("lstm_no_unit_forget_bias", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.LSTM(5, unit_forget_bias=False))

@fixture("lstm_stacked", (5, 4))
def _():
    return seq((5, 4), layers.LSTM(6, return_sequences=True), layers.LSTM(3))


# GRU / SimpleRNN --------------------------------------------------------------------------------------------------
@fixture("gru_reset_after", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.GRU(5))

@fixture("gru_reset_before", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.GRU(5, reset_after=False))

@fixture("gru_seq", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.GRU(4, return_sequences=True))

@fixture("gru_backwards_nobias", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.GRU(4, go_backwards=True, use_bias=False))

@fixture("simple_rnn", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.SimpleRNN(5))

@fixture("simple_rnn_seq", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.SimpleRNN(4, activation="relu", return_sequences=True))


# Dense ------------------------------------------------------------------------------------------------------------
@fixture("dense_2d", (5,), low=-1.0)
def _():
    return seq((5,), layers.Dense(6, activation="relu"), layers.Dense(3))

@fixture("dense_3d", (5, 4), low=-1.0)
def _():
    return seq((5, 4), layers.Dense(6, activation="relu"), layers.Dense(2))

@fixture("dense_nobias", (4,), low=-1.0)
def _():
    return seq((4,), layers.Dense(3, use_bias=False))

@fixture("dense_activations_1", (5,), low=-2.0)
def _():
    return seq((5,), *[layers.Dense(6, activation=a) for a in ("relu", "sigmoid", "hard_sigmoid", "tanh", "linear")])

@fixture("dense_activations_2", (5,), low=-2.0)
def _():
    return seq((5,), *[layers.Dense(6, activation=a) for a in ("softmax", "elu", "selu", "gelu")])

@fixture("dense_activations_3", (5,), low=-2.0)
def _():
    return seq((5,), *[layers.Dense(6, activation=a) for a in ("swish", "silu", "softplus", "leaky_relu")])


# Pooling, reshaping, identity-at-inference --------------------------------------------------------------------------
@fixture("maxpool1d_valid", (7, 3), low=-1.0)
def _():
    return seq((7, 3), layers.MaxPooling1D(2))

@fixture("maxpool1d_same", (7, 3), low=-1.0)
def _():
    return seq((7, 3), layers.MaxPooling1D(2, padding="same"))

@fixture("maxpool1d_pool3_strides1", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.MaxPooling1D(3, strides=1))

@fixture("avgpool1d_valid", (7, 3), low=-1.0)
def _():
    return seq((7, 3), layers.AveragePooling1D(2))

@fixture("avgpool1d_same", (7, 3), low=-1.0)  # odd length: the last window averages 1 value (padding not counted)
def _():
    return seq((7, 3), layers.AveragePooling1D(2, padding="same"))

@fixture("global_avg_pool1d", (5, 4), low=-1.0)
def _():
    return seq((5, 4), layers.GlobalAveragePooling1D())

@fixture("global_max_pool1d", (5, 4), low=-1.0)
def _():
    return seq((5, 4), layers.GlobalMaxPooling1D())

@fixture("flatten", (4, 3), low=-1.0)
def _():
    return seq((4, 3), layers.Flatten(), layers.Dense(2))

@fixture("dropout", (4,), low=-1.0)
def _():
    return seq((4,), layers.Dense(5, activation="relu"), layers.Dropout(0.5), layers.Dense(2))

@fixture("spatial_dropout1d", (5, 3), low=-1.0)
def _():
    return seq((5, 3), layers.Conv1D(4, 2), layers.SpatialDropout1D(0.3), layers.Dense(2))

@fixture("gaussian_noise", (4,), low=-1.0)
def _():
    return seq((4,), layers.GaussianNoise(0.5), layers.Dense(3))

@fixture("activation_layer", (4,), low=-1.0)
def _():
    return seq((4,), layers.Dense(5), layers.Activation("tanh"), layers.Dense(4), layers.Activation("softmax"))

@fixture("reshape", (6, 2), low=-1.0)
def _():
    return seq((6, 2), layers.Reshape((3, 4)), layers.Dense(2), layers.Reshape((-1,)))

@fixture("repeat_vector", (5, 3))
def _():
    return seq((5, 3), layers.LSTM(4), layers.RepeatVector(3), layers.LSTM(4, return_sequences=True),
               layers.TimeDistributed(layers.Dense(1)))

@fixture("time_distributed_dense", (5, 4), low=-1.0)
def _():
    return seq((5, 4), layers.TimeDistributed(layers.Dense(3, activation="relu")))


# Bidirectional ----------------------------------------------------------------------------------------------------
@fixture("bidirectional_concat", (5, 3), low=-1.0)
def _():
    return seq((5, 3), layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode="concat"))

@fixture("bidirectional_sum", (5, 3), low=-1.0)
def _():
    return seq((5, 3), layers.Bidirectional(layers.LSTM(3), merge_mode="sum"))

@fixture("bidirectional_mul", (5, 3), low=-1.0)
def _():
    return seq((5, 3), layers.Bidirectional(layers.LSTM(3), merge_mode="mul"))

@fixture("bidirectional_ave", (5, 3), low=-1.0)
def _():
    return seq((5, 3), layers.Bidirectional(layers.LSTM(3), merge_mode="ave"))

@fixture("bidirectional_gru", (5, 3), low=-1.0)
def _():
    return seq((5, 3), layers.Bidirectional(layers.GRU(3)))


# ConvLSTM1D -------------------------------------------------------------------------------------------------------
@fixture("conv_lstm1d", (4, 5, 2), low=-1.0)
def _():
    return seq((4, 5, 2), layers.ConvLSTM1D(3, 2, padding="valid"))

@fixture("conv_lstm1d_seq_same", (4, 5, 2), low=-1.0)
def _():
    return seq((4, 5, 2), layers.ConvLSTM1D(3, 3, padding="same", return_sequences=True))


# Normalisation ----------------------------------------------------------------------------------------------------
@fixture("batchnorm_dense", (4,), low=-1.0)
def _():
    return seq((4,), layers.Dense(5), layers.BatchNormalization(), layers.Dense(2))

@fixture("batchnorm_conv1d", (6, 3), low=-1.0)
def _():
    return seq((6, 3), layers.Conv1D(4, 2), layers.BatchNormalization())

@fixture("batchnorm_nocenter_noscale", (5, 3), low=-1.0)
def _():
    return seq((5, 3), layers.BatchNormalization(center=False, scale=False, epsilon=0.01))

@fixture("layernorm", (5, 4), low=-1.0)
def _():
    return seq((5, 4), layers.LayerNormalization())

@fixture("layernorm_2d_noscale", (6,), low=-1.0)
def _():
    return seq((6,), layers.LayerNormalization(center=False, scale=False, epsilon=0.01))


# Attention --------------------------------------------------------------------------------------------------------
@fixture("transformer", (6, 4))
def _():
    inp = keras.Input((6, 4))
    x = layers.Dense(8)(inp)
    att = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    x = layers.LayerNormalization()(x + att)          # `+` saves an Add operation (keras.src.ops.numpy)
    ff = layers.Dense(8, activation="relu")(x)
    x = layers.LayerNormalization()(x + ff)
    x = x[:, -1, :]                                    # saves a GetItem operation
    return keras.Model(inp, layers.Dense(1)(x))

@fixture("mha_value_dim", (5, 4), low=-1.0)
def _():
    inp = keras.Input((5, 4))
    out = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, use_bias=False)(inp, inp)
    return keras.Model(inp, out)

@fixture("mha_cross", [(4, 3), (6, 5)], low=-1.0)
def _():
    q, v = keras.Input((4, 3)), keras.Input((6, 5))
    out = layers.MultiHeadAttention(num_heads=2, key_dim=3)(q, v)
    return keras.Model([q, v], out)


# Found by tools/parity_sweep.py (regressions) -----------------------------------------------------------------------
@fixture("mha_bias_follows_time", (3, 4), low=-1.0)  # H == T, key_dim = value_dim = 1: TF's bias_add picks the time axis
def _():
    inp = keras.Input((3, 4))
    return keras.Model(inp, layers.MultiHeadAttention(num_heads=3, key_dim=1, value_dim=1)(inp, inp))

@fixture("mha_output_shape", (5, 4), low=-1.0)
def _():
    inp = keras.Input((5, 4))
    return keras.Model(inp, layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=6)(inp, inp, use_causal_mask=True))

@fixture("layernorm_axis1", (4, 3), low=-1.0)
def _():
    return seq((4, 3), layers.LayerNormalization(axis=1))

@fixture("layernorm_axes12_rms", (4, 3), low=-1.0)
def _():
    return seq((4, 3), layers.LayerNormalization(axis=[1, 2], center=False), layers.LayerNormalization(rms_scaling=True))

@fixture("layernorm_width1", (4, 1), low=-1.0)  # one feature: the output is exactly beta in Keras' compiled graph
def _():
    return seq((4, 1), layers.LayerNormalization(epsilon=1e-6))

@fixture("batchnorm_axis1", (4, 3), low=-1.0)
def _():
    return seq((4, 3), layers.BatchNormalization(axis=1, epsilon=0.01))

@fixture("softmax_axes", (4, 3), low=-1.0)
def _():
    return seq((4, 3), layers.Dense(3), layers.Softmax(axis=1), layers.Dense(3), layers.Softmax(axis=[1, 2]))


@fixture("variable_length", (6, 3), low=-1.0)  # keras.Input((None, 3)): the time axis is fixed by the windows fed
def _():
    return seq((None, 3), layers.Conv1D(4, 2, padding="causal"), layers.LSTM(5))


@fixture("nested_sequential", (5, 3), low=-1.0)  # Sequential models used as layers, two levels deep, in a Sequential
def _():
    inner = keras.Sequential([keras.Input((5, 4)), layers.Dense(4, activation="tanh")])
    middle = keras.Sequential([keras.Input((5, 3)), layers.Conv1D(4, 2, padding="same"), inner, layers.LSTM(3)])
    return seq((5, 3), middle, layers.Dense(2))


@fixture("nested_functional", (5, 3), low=-1.0)  # Functional sub-models (with a `+` op and a nested Sequential) as layers
def _():
    j = keras.Input((5, 3))
    y = keras.Sequential([keras.Input((5, 3)), layers.Dense(3, activation="tanh")])(j)
    branch = keras.Model(j, y + layers.Dense(3)(j))
    i = keras.Input((5, 3))
    x = branch(layers.Conv1D(3, 2, padding="causal")(i))
    return seq((5, 3), keras.Model(i, layers.LSTM(4)(x)), layers.Dense(2))


@fixture("nested_functional_output", (4, 3), low=-1.0)  # the sub-model is the output: `output_layers` names its call 1
def _():
    j = keras.Input((4, 3))
    sub = keras.Model(j, layers.GRU(3, return_sequences=True)(j))
    i = keras.Input((4, 3))
    return keras.Model(i, sub(i))


# Functional graphs ------------------------------------------------------------------------------------------------
@fixture("functional_concat", (5, 3), low=-1.0)
def _():
    inp = keras.Input((5, 3))
    a = layers.LSTM(4)(inp)
    b = layers.Dense(3, activation="relu")(layers.Flatten()(inp))
    return keras.Model(inp, layers.Dense(1)(layers.Concatenate()([a, b])))

@fixture("functional_add", (6,), low=-1.0)
def _():
    inp = keras.Input((6,))
    a = layers.Dense(4)(inp)
    b = layers.Dense(4, activation="tanh")(inp)
    return keras.Model(inp, layers.Dense(2)(layers.Add()([a, b])))

@fixture("functional_add_op", (6,), low=-1.0)
def _():
    inp = keras.Input((6,))
    a = layers.Dense(4)(inp)
    return keras.Model(inp, layers.Dense(2)(a + inp[:, :4]))

@fixture("functional_multi_input", [(5, 3), (4,)], low=-1.0)
def _():
    x1, x2 = keras.Input((5, 3)), keras.Input((4,))
    a = layers.LSTM(3)(x1)
    b = layers.Dense(3, activation="relu")(x2)
    return keras.Model([x1, x2], layers.Dense(1)(layers.Concatenate(axis=-1)([a, b])))


# The study's networks (small versions; input = 5 candles x 5 features) ---------------------------------------------
@fixture("cnn", (5, 5))
def _():
    return seq((5, 5), layers.Conv1D(8, 2, activation="relu"), layers.MaxPooling1D(2), layers.Flatten(),
               layers.Dense(6, activation="relu"), layers.Dense(1))

@fixture("mlp", (5, 5))
def _():
    return seq((5, 5), layers.Flatten(), layers.Dense(8, activation="relu"), layers.Dense(1))

@fixture("study_lstm", (5, 5))
def _():
    return seq((5, 5), layers.LSTM(8, activation="relu"), layers.Dense(1))

@fixture("study_bilstm", (5, 5))
def _():
    return seq((5, 5), layers.Bidirectional(layers.LSTM(6, activation="relu")), layers.Dense(1))

@fixture("study_encoder_decoder", (5, 5))
def _():
    return seq((5, 5), layers.LSTM(6, activation="relu"), layers.RepeatVector(3),
               layers.LSTM(6, activation="relu", return_sequences=True), layers.TimeDistributed(layers.Dense(1)))

@fixture("study_conv_lstm", (5, 5))
def _():
    return seq((5, 5), layers.Conv1D(8, 2, activation="relu"), layers.LSTM(5, activation="relu"),
               layers.Dense(5, activation="relu"), layers.Dense(1))


# --------------------------------------------------------------------------------------------------------------------
# Writing and checking
# --------------------------------------------------------------------------------------------------------------------

def seed_of(name: str) -> int:
    return zlib.crc32(name.encode())


def randomize_weights(model, seed: int) -> None:
    """Every float weight := normal * 0.5; moving/normalisation variances made positive."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        if not str(w.dtype).startswith("float"):
            continue
        value = rng.normal(size=tuple(w.shape)) * 0.5
        if "variance" in w.path:
            value = np.abs(value) + 0.1
        w.assign(value.astype(np.float32))


def as_list(a: np.ndarray):
    """Nested list of Python floats holding the exact float32 values."""
    return np.asarray(a, dtype=np.float32).astype(np.float64).tolist()


def layer_classes(model) -> list[str]:
    return [entry["class_name"] for entry in model.get_config()["layers"]]


def predict(model, inputs):
    out = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return [np.asarray(o, dtype=np.float32) for o in outs]


def h5_weights_match(path: Path, model) -> bool:
    """Compare every dataset of a legacy .h5 (layer by layer, in saved order) with the model's weights."""
    import h5py

    def decode(names):
        return [n.decode() if isinstance(n, bytes) else str(n) for n in names]

    with h5py.File(path, "r") as f:
        group = f["model_weights"]
        saved_layers = decode(group.attrs["layer_names"])
        by_name = {layer.name: layer for layer in model.layers}
        for lname in saved_layers:
            g = group[lname]
            names = decode(g.attrs["weight_names"])
            layer = by_name.get(lname)
            if layer is None:
                return False
            expected = [w.numpy() for w in layer.trainable_weights + layer.non_trainable_weights]
            if len(names) != len(expected):
                return False
            for n, e in zip(names, expected):
                if not np.array_equal(np.asarray(g[n]), e):
                    return False
    return True


def check_file(path: Path, model, inputs, outputs, tolerance: float) -> tuple[bool, str]:
    """Re-load a written file with Keras and compare its predictions; returns (keras_could_load, note)."""
    try:
        loaded = keras.models.load_model(path, compile=False)
    except Exception as e:  # noqa: BLE001 - reported, then checked another way
        if path.suffix == ".h5" and h5_weights_match(path, model):
            return False, f"Keras {keras.__version__} cannot load it back ({type(e).__name__}: {str(e).splitlines()[0][:90]}); weights verified with h5py"
        raise
    got = predict(loaded, inputs)
    for g, o in zip(got, outputs):
        diff = float(np.max(np.abs(g - o)))
        if diff > tolerance / 10:
            raise AssertionError(f"{path.name}: reloaded model differs from the original by {diff}")
    return True, ""


def write_fixture(out_dir: Path, name: str, model, inputs, tolerance: float, keras_file: Path | None = None) -> dict:
    outputs = predict(model, inputs)
    formats, notes, h5_loads = [], [], None
    kpath = out_dir / f"{name}.keras"
    if keras_file is not None:
        shutil.copyfile(keras_file, kpath)
    else:
        model.save(kpath)
    check_file(kpath, model, inputs, outputs, tolerance)
    formats.append("keras")
    hpath = out_dir / f"{name}.h5"
    try:
        model.save(hpath)
        h5_loads, note = check_file(hpath, model, inputs, outputs, tolerance)
        formats.append("h5")
        if note:
            notes.append(note)
    except Exception as e:  # noqa: BLE001 - the format that works is kept, the reason goes into the manifest
        hpath.unlink(missing_ok=True)
        notes.append(f".h5 not written: {type(e).__name__}: {str(e).splitlines()[0][:120]}")
    doc = {"name": name, "inputs": [as_list(x) for x in inputs], "outputs": [as_list(o) for o in outputs],
           "tolerance": tolerance}
    with open(out_dir / f"{name}.json", "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    entry = {"name": name, "layers": layer_classes(model), "tolerance": tolerance, "formats": formats}
    if h5_loads is not None:
        entry["h5_loads_in_keras"] = h5_loads
    if notes:
        entry["notes"] = notes
    print(f"{name:28s} {'+'.join(formats):9s} out {tuple(outputs[0].shape)} {'; '.join(notes)}", flush=True)
    return entry


def make_generic(out_dir: Path, name: str) -> dict:
    build, shapes, low, tolerance = FIXTURES[name]
    keras.utils.set_random_seed(seed_of(name))
    model = build()
    randomize_weights(model, seed_of(name))
    rng = np.random.default_rng(seed_of(name) + 1)
    inputs = [rng.uniform(low, 1.0, size=(BATCH, *shape)).astype(np.float32) for shape in shapes]
    return write_fixture(out_dir, name, model, inputs, tolerance)


def make_shipped(out_dir: Path) -> list[dict]:
    """The shipped model on real scaled BTC windows: `shipped` = the shipped file itself (compiled, with optimizer state;
    its legacy .h5 therefore carries training_config with loss 'mse'), batch 8 spread over the whole data file;
    `shipped_single` = the last window alone, saved from an uncompiled copy."""
    import train

    model_path = REPO_ROOT / "models" / "model.keras"
    with open(REPO_ROOT / "scalers" / "scalers.pkl", "rb") as f:
        scalers = pickle.load(f)
    times, rows = train.load_candles(train.DEFAULT_DATA)
    scaled = train.scale(scalers, rows)
    n, w = len(rows), train.WINDOW_SIZE
    ends = np.linspace(w, n, 8).round().astype(int)  # spread over the whole file, training and test range
    windows = np.stack([scaled[e - w : e] for e in ends]).astype(np.float32)
    model = keras.models.load_model(model_path)
    entries = [write_fixture(out_dir, "shipped", model, [windows], TOL_SHIPPED, keras_file=model_path)]
    # The same weights re-saved from an uncompiled copy: no optimizer state, no compile/training config (and half the bytes).
    bare = keras.models.load_model(model_path, compile=False)
    entries.append(write_fixture(out_dir, "shipped_single", bare, [windows[-1:]], TOL_SHIPPED))
    return entries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--only", nargs="*", help="fixture names to (re)write; the manifest is merged")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    wanted = set(args.only) if args.only else None
    unknown = (wanted or set()) - set(FIXTURES) - {"shipped", "shipped_single"}
    if unknown:
        print(f"make_fixtures.py: unknown fixture(s) {sorted(unknown)}", file=sys.stderr)
        return 2

    manifest_path = args.out / "manifest.json"
    manifest: dict[str, dict] = {}
    if wanted and manifest_path.exists():
        manifest = {e["name"]: e for e in json.loads(manifest_path.read_text())}

    if wanted is None or wanted & {"shipped", "shipped_single"}:
        for e in make_shipped(args.out):
            manifest[e["name"]] = e
    for name in FIXTURES:
        if wanted is None or name in wanted:
            manifest[name] = make_generic(args.out, name)

    with open(manifest_path, "w") as f:
        json.dump(list(manifest.values()), f, indent=1)
        f.write("\n")
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"{len(manifest)} fixtures, {total / 1e6:.2f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
