#!/usr/bin/env python3
"""Reproduce Wu, Zhang, Huang, Zhou, Chandra (arXiv:2405.11431, code: sydney-machine-learning/deeplearning-crypto,
main.py) on the four coin files in ../shared/data, in two setups, and save every trained model for the Swift side.

Setups (README.md, "Reproducing the study": what matches main.py and what does not):

  study  as main.py does it with dim_type='Multi' and no gold file: columns [Close, Open, High, Low], one MinMaxScaler
         per column fitted on the WHOLE file (main.py scales before splitting), first floor(0.7 n) rows train, rest
         test, windows of n_steps_in=6 rows of [Open, High, Low] -> the next n_steps_out=5 Closes, windows cut inside
         each part, the seven create_model() networks, Adam(1e-3)/mse, batch 32, EPOCHS (main.py: 100), several
         seeds (main.py: rounds=30). Scored by main.py's eval_result: prices back through the Close scaler, then the
         prediction matrix and the target matrix are EACH min-max scaled again column by column (step by step) on
         their own min and max, and RMSE is taken per step ("Test MINMAX RMSE"); MAPE on prices + 1e-7.
  bot    the shipped model's setup (tools/train.py) with a 90 % split: 5 candles x [open, high, low, close, volume],
         scalers fitted on the training rows only, target = the next close, 60 epochs, seed 42, the same seven
         families with n_steps_in=5, n_features=5, n_steps_out=1.

Persistence ("next = the last close in the window", every step) is scored with the same metric in both setups.

Writes under --out (default tools/study/runs, git-ignored):
  results.jsonl                 one line per trained model (setup, coin, family, seed, figures, seconds)
  {setup}/{COIN}/scalers.pkl    the scalers (pickle dict {i: MinMaxScaler}, as scalers/scalers.pkl)
  {setup}/{COIN}/{family}-s{seed}.keras and .json (model.json fields as models/model.json)

Usage:
  nice -n 19 python3 tools/study/reproduce.py train --setup bot --seeds 42
  nice -n 19 python3 tools/study/reproduce.py train --setup study --seeds 0 1 2 --epochs 100
  python3 tools/study/reproduce.py table --study-repo PATH   # README table: the study's files + `trading-bot evaluate`
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import pickle
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DATA_DIR = REPO_ROOT.parent / "shared" / "data"
COINS = {"BTC": "coin_Bitcoin.csv", "ETH": "coin_Ethereum.csv", "LTC": "coin_Litecoin.csv", "DOGE": "coin_Dogecoin.csv"}
# the column each scaler of scalers.pkl was fitted on (model.json "scaler_columns", read by `trading-bot evaluate`)
STUDY_SCALER_COLUMNS = ["close", "open", "high", "low"]
BOT_COLUMNS = ["open", "high", "low", "close", "volume"]
# main.py's model_hub names -> ours
FAMILIES = ["LSTM", "BD-LSTM", "ED-LSTM", "CNN", "Conv-LSTM", "Transformer", "MLP"]
STUDY_NAME = {"LSTM": "LSTM", "BD-LSTM": "BD LSTM", "ED-LSTM": "ED LSTM", "CNN": "CNN",
              "Conv-LSTM": "Convolutional LSTM", "Transformer": "Transformer", "MLP": "MLP"}


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def load_file(path: Path):
    """(candle open times, dict of float64 columns) in file order (the files are chronological)."""
    times, cols = [], {k: [] for k in ("Open", "High", "Low", "Close", "Volume")}
    with open(path, newline="") as f:
        for rec in csv.DictReader(f):
            end = dt.datetime.strptime(rec["Date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
            times.append(end.replace(hour=0, minute=0, second=0))
            for k in cols:
                cols[k].append(float(rec[k]))
    return times, {k: np.asarray(v, dtype=np.float64) for k, v in cols.items()}


# ---------------------------------------------------------------- models: main.py create_model(), verbatim layers
def create_model(family: str, n_features: int, n_steps_in: int, n_steps_out: int):
    from keras import Sequential, Model
    from keras.layers import (LSTM, Bidirectional, Dense, Conv1D, Flatten, MaxPooling1D, RepeatVector,
                              TimeDistributed, LayerNormalization, Dropout, MultiHeadAttention, Input)
    from keras.optimizers import Adam

    shape = (n_steps_in, n_features)
    if family == "LSTM":
        model = Sequential([Input(shape), LSTM(100, activation="sigmoid", return_sequences=True),
                            LSTM(100, activation="sigmoid"), Dense(n_steps_out)])
    elif family == "BD-LSTM":
        model = Sequential([Input(shape), Bidirectional(LSTM(50, activation="sigmoid")), Dense(n_steps_out)])
    elif family == "ED-LSTM":
        model = Sequential([Input(shape), LSTM(100, activation="sigmoid"), RepeatVector(n_steps_out),
                            LSTM(100, activation="sigmoid", return_sequences=True), TimeDistributed(Dense(1))])
    elif family == "CNN":
        model = Sequential([Input(shape), Conv1D(64, 2, activation="relu"), MaxPooling1D(2), Flatten(),
                            Dense(20, activation="relu"), Dense(n_steps_out)])
    elif family == "Conv-LSTM":
        model = Sequential([Input(shape), Conv1D(64, 2, activation="relu"), LSTM(20, activation="relu"),
                            Dense(20, activation="relu"), Dense(n_steps_out)])
    elif family == "Transformer":
        # create_transformer_model(d_model=64, num_heads=12, ff_dim=64, num_transformer_blocks=3, dropout 0.1)
        inputs = Input(shape)
        x = Dense(64)(inputs)
        for _ in range(3):
            attn = MultiHeadAttention(num_heads=12, key_dim=64)(x, x)
            attn = Dropout(0.1)(attn)
            x = LayerNormalization(epsilon=1e-6)(x + attn)
            ff = Dense(64, activation="relu")(x)
            ff = Dropout(0.1)(ff)
            ff = Dense(64)(ff)
            x = LayerNormalization(epsilon=1e-6)(x + ff)
        outputs = Dense(n_steps_out)(x[:, -1, :])
        model = Model(inputs, outputs)
    elif family == "MLP":
        model = Sequential([Input(shape), Dense(20, activation="relu"), Flatten(), Dense(20, activation="relu"),
                            Dense(n_steps_out)])
    else:
        raise SystemExit(f"reproduce.py: unknown family {family}; one of {', '.join(FAMILIES)}")
    model.compile(optimizer=Adam(learning_rate=0.001), loss="mse")
    return model


# ---------------------------------------------------------------- main.py's data handling and metric
def fit_minmax_columns(data: np.ndarray):
    """main.py data_trasform(data): one MinMaxScaler per column fitted on `data` itself."""
    from sklearn.preprocessing import MinMaxScaler
    out = np.zeros_like(data)
    scalers = {}
    for i in range(data.shape[1]):
        s = MinMaxScaler()
        out[:, i] = s.fit_transform(data[:, i].reshape(-1, 1)).ravel()
        scalers[i] = s
    return out, scalers


def split_sequence_multi(seq: np.ndarray, n_in: int, n_out: int):
    """main.py split_sequence(dim_type='Multi'): X = rows i..i+n_in-1 of columns 1:, y = column 0 of the next n_out."""
    X, y = [], []
    for i in range(len(seq)):
        end, out_end = i + n_in, i + n_in + n_out
        if out_end > len(seq):
            break
        X.append(seq[i:end, 1:])
        y.append(seq[end:out_end, 0])
    return np.array(X), np.array(y)


def study_minmax_rmse(result: np.ndarray, target: np.ndarray) -> list[float]:
    """main.py eval_result(mode=0): both matrices re-min-maxed column by column on their OWN ranges, RMSE per step."""
    r, _ = fit_minmax_columns(result)
    t, _ = fit_minmax_columns(target)
    return [float(np.sqrt(np.mean((r[:, i] - t[:, i]) ** 2))) for i in range(result.shape[1])]


def study_mape(result: np.ndarray, target: np.ndarray) -> list[float]:
    """main.py eval_result(mode=1)."""
    r, t = result + 0.0000001, target + 0.0000001
    return [float(np.mean(np.abs((t[:, i] - r[:, i]) / t[:, i])) * 100) for i in range(result.shape[1])]


# ---------------------------------------------------------------- the two setups
class Prepared:
    pass


def prepare_study(coin: str) -> Prepared:
    times, c = load_file(DATA_DIR / COINS[coin])
    raw = np.stack([c["Close"], c["Open"], c["High"], c["Low"]], axis=1)
    n = len(raw)
    scaled, scalers = fit_minmax_columns(raw)  # main.py: scaled on the whole file, before the split
    cut = int(np.floor(n * 0.7))
    train_set, test_set = scaled[:cut], scaled[cut:]
    p = Prepared()
    p.n_in, p.n_out, p.n_features = 6, 5, 3
    p.x_train, p.y_train = split_sequence_multi(train_set, 6, 5)
    p.x_test, p.y_test = split_sequence_multi(test_set, 6, 5)
    inv = lambda m: scalers[0].inverse_transform(m.reshape(-1, 1)).reshape(m.shape)
    p.price = inv
    p.y_test_price = inv(p.y_test)
    # persistence: the window's last Close (not an input of the study's Multi setup, but known at forecast time)
    p.naive_test_price = np.repeat(raw[cut + 5: cut + 5 + len(p.y_test), 0:1], 5, axis=1)
    p.scalers = scalers
    p.times, p.cut, p.n = times, cut, n
    p.meta = {"features": ["open", "high", "low"], "scaler_columns": STUDY_SCALER_COLUMNS, "target_column": "close",
              "window_size": 6, "horizon": 5,
              "scaler_fit_start": iso(times[0]), "scaler_fit_end": iso(times[-1]),
              "train_start": iso(times[0]), "train_end": iso(times[cut - 1]),
              "test_start": iso(times[cut + 6]), "test_end": iso(times[-1]),
              "note": "study setup (main.py, Multi): inputs Open/High/Low of 6 days, outputs the next 5 closes; "
                      "scalers fitted on the whole file; ranked by `trading-bot evaluate` (every step), not tradable by the bot "
                      "(3 features, 5 outputs)"}
    return p


def prepare_bot(coin: str) -> Prepared:
    times, c = load_file(DATA_DIR / COINS[coin])
    raw = np.stack([c["Open"], c["High"], c["Low"], c["Close"], c["Volume"]], axis=1)
    n = len(raw)
    split = int(round(n * 0.9))  # first test target row
    from sklearn.preprocessing import MinMaxScaler
    scalers = {}
    for col in range(5):
        scalers[col] = MinMaxScaler().fit(raw[:split, col:col + 1])
    scaled = np.concatenate([scalers[i].transform(raw[:, i:i + 1]) for i in range(5)], axis=1)

    def windows(lo, hi):
        xs, ys, ts = [], [], []
        for t in range(max(lo, 5), hi):
            xs.append(scaled[t - 5:t]); ys.append(scaled[t, 3]); ts.append(t)
        return np.asarray(xs, np.float32), np.asarray(ys, np.float32)[:, None], ts

    p = Prepared()
    p.n_in, p.n_out, p.n_features = 5, 1, 5
    p.x_train, p.y_train, _ = windows(5, split)
    p.x_test, p.y_test, test_targets = windows(split, n)
    inv = lambda m: scalers[3].inverse_transform(m.reshape(-1, 1)).reshape(m.shape)
    p.price = inv
    p.y_test_price = raw[test_targets, 3][:, None]
    p.naive_test_price = raw[[t - 1 for t in test_targets], 3][:, None]
    p.scalers = scalers
    p.times, p.cut, p.n = times, split, n
    p.meta = {"features": BOT_COLUMNS, "scaler_columns": BOT_COLUMNS, "target_column": "close", "window_size": 5, "horizon": 1,
              "scaler_fit_start": iso(times[0]), "scaler_fit_end": iso(times[split - 1]),
              "train_start": iso(times[0]), "train_end": iso(times[split - 1]),
              "test_start": iso(times[test_targets[0]]), "test_end": iso(times[test_targets[-1]])}
    return p


def score(p: Prepared, pred_price: np.ndarray) -> dict:
    y = p.y_test_price
    out = {"study_minmax_rmse": study_minmax_rmse(pred_price, y), "study_mape": study_mape(pred_price, y),
           "rmse_price": [float(np.sqrt(np.mean((pred_price[:, i] - y[:, i]) ** 2))) for i in range(y.shape[1])]}
    return out


def train_one(setup: str, coin: str, family: str, seed: int, epochs: int, out: Path, p: Prepared) -> dict:
    import keras
    keras.utils.set_random_seed(seed)
    model = create_model(family, p.n_features, p.n_in, p.n_out)
    t0 = time.time()
    model.fit(p.x_train, p.y_train, epochs=epochs, batch_size=32, verbose=0)
    train_s = time.time() - t0
    # main.py predicts one window per model.predict call; batched here (same function, same numbers up to float32
    # summation order), which is ~100x cheaper
    pred = np.asarray(model.predict(p.x_test, verbose=0, batch_size=256), dtype=np.float64).reshape(len(p.x_test), p.n_out)
    pred_train = np.asarray(model.predict(p.x_train, verbose=0, batch_size=256), dtype=np.float64).reshape(len(p.x_train), p.n_out)
    pred_price = p.price(pred)
    row = {"setup": setup, "coin": coin, "family": family, "seed": seed, "epochs": epochs,
           "train_windows": len(p.x_train), "test_windows": len(p.x_test), "train_seconds": round(train_s, 1),
           "params": int(model.count_params()),
           "train_minmax_rmse": study_minmax_rmse(p.price(pred_train), p.price(p.y_train.reshape(len(p.x_train), p.n_out)))}
    row.update(score(p, pred_price))
    d = out / setup / coin
    d.mkdir(parents=True, exist_ok=True)
    stem = f"{family}-s{seed}"
    model.save(d / f"{stem}.keras")
    if not (d / "scalers.pkl").exists():
        with open(d / "scalers.pkl", "wb") as f:
            pickle.dump(p.scalers, f)
    meta = dict(p.meta)
    meta.update({"symbol": f"{coin}/USDT", "interval": "1d", "data_file": COINS[coin], "times_are": "candle open times, UTC",
                 "family": family, "setup": setup, "seed": seed, "epochs": epochs, "batch_size": 32,
                 "scalers_file": "scalers.pkl", "params": row["params"],
                 "train_windows": row["train_windows"], "test_windows": row["test_windows"],
                 "test_rmse": row["rmse_price"][0], "test_rmse_unit": "USD (close price)",
                 "keras_version": keras.__version__})
    with open(d / f"{stem}.json", "w") as f:
        json.dump(meta, f, indent=2); f.write("\n")
    return row


def naive_row(setup: str, coin: str, p: Prepared) -> dict:
    row = {"setup": setup, "coin": coin, "family": "persistence", "seed": None, "test_windows": len(p.x_test)}
    row.update(score(p, p.naive_test_price))
    return row


def cmd_train(args) -> int:
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    results = out / "results.jsonl"
    done = set()
    if results.exists():
        for line in results.read_text().splitlines():
            r = json.loads(line)
            done.add((r["setup"], r["coin"], r["family"], r["seed"], r.get("epochs")))
    base_epochs = args.epochs or (100 if args.setup == "study" else 60)
    for seed in args.seeds:
        for coin in args.coins:
            p = prepare_study(coin) if args.setup == "study" else prepare_bot(coin)
            if (args.setup, coin, "persistence", None, None) not in done:
                with open(results, "a") as f:
                    f.write(json.dumps(naive_row(args.setup, coin, p)) + "\n")
                done.add((args.setup, coin, "persistence", None, None))
            for family in args.families:
                epochs = args.transformer_epochs if family == "Transformer" and args.transformer_epochs else base_epochs
                key = (args.setup, coin, family, seed, epochs)
                if key in done:
                    continue
                row = train_one(args.setup, coin, family, seed, epochs, out, p)
                with open(results, "a") as f:
                    f.write(json.dumps(row) + "\n")
                print(f"{args.setup} {coin} {family} seed {seed}: test minmax RMSE step1 {row['study_minmax_rmse'][0]:.4f}"
                      f" price RMSE {row['rmse_price'][0]:.4f} ({row['train_seconds']} s)", flush=True)
    return 0


# ---------------------------------------------------------------- the study's published figures
STUDY_FILES = {"BTC": "results/Bitcoin/Bitcoin_Multivariate_Rmse.csv", "ETH": "results/Eth/Eth_Multivariate_Rmse.csv",
               "LTC": "results/Lite/Lite_Multivariate_Rmse.csv", "DOGE": "results/Dogecoin/Doge_Multivariate_Rmse.csv"}
# column prefixes used in those files (they spell the families differently from coin to coin)
STUDY_COLUMN = {"LSTM": ["LSTM"], "BD-LSTM": ["BD LSTM", "BD-LSTM"], "ED-LSTM": ["ED LSTM", "ED-LSTM"],
                "CNN": ["CNN"], "Conv-LSTM": ["Covn-LSTM", "Conv-LSTM", "Convolutional LSTM"],
                "Transformer": ["Transformer"], "MLP": ["MLP"]}


def read_study_file(repo: Path, rel: str) -> str | None:
    """A file of the study's repository: a work tree, or a bare/mirror git directory (read with `git show HEAD:`)."""
    if (repo / rel).is_file():
        return (repo / rel).read_text(encoding="utf-8-sig")
    import subprocess
    r = subprocess.run(["git", "--git-dir", str(repo), "show", f"HEAD:{rel}"], capture_output=True)
    return r.stdout.decode("utf-8-sig") if r.returncode == 0 else None


def study_published(repo: Path | None) -> dict:
    """{(coin, family): (mean step-1 Test MINMAX RMSE, mean of the 5 steps, runs, file)} from the per-run files."""
    out = {}
    if repo is None:
        return out
    import ast
    for coin, rel in STUDY_FILES.items():
        text = read_study_file(repo, rel)
        if text is None:
            continue
        rows = list(csv.reader(text.splitlines()))
        header = [h.strip() for h in rows[0]]
        for family, names in STUDY_COLUMN.items():
            col = next((header.index(f"{n} Test MINMAX RMSE") for n in names if f"{n} Test MINMAX RMSE" in header), None)
            if col is None:
                continue
            runs = [ast.literal_eval(r[col]) for r in rows[1:] if len(r) > col and r[col].strip().startswith("[")]
            if runs:
                m = np.asarray(runs, dtype=np.float64)
                out[(coin, family)] = (float(m[:, 0].mean()), float(m.mean()), len(runs), rel)
    return out


# ---------------------------------------------------------------- the native leaderboard
def find_bot(explicit: Path | None) -> str:
    """The trading-bot binary: --bot, else this repository's release or debug build, else `trading-bot` on PATH."""
    import shutil
    for c in ([explicit] if explicit else []) + [REPO_ROOT / ".build" / "release" / "trading-bot",
                                                 REPO_ROOT / ".build" / "debug" / "trading-bot"]:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return str(c)
    found = shutil.which("trading-bot")
    if not found:
        raise SystemExit("reproduce.py table: no trading-bot binary; build it (swift build) or pass --bot PATH")
    return found


def upgrade_records(folder: Path, setup: str) -> int:
    """Adds "horizon" and "scaler_columns" to model.json records written before they existed; returns how many."""
    extra = ({"horizon": 5, "scaler_columns": STUDY_SCALER_COLUMNS} if setup == "study"
             else {"horizon": 1, "scaler_columns": BOT_COLUMNS})
    n = 0
    for f in sorted(folder.glob("*.json")):
        meta = json.loads(f.read_text())
        missing = {k: v for k, v in extra.items() if k not in meta}
        if missing:
            meta.update(missing)
            f.write_text(json.dumps(meta, indent=2) + "\n")
            n += 1
    return n


def native_board(bot: str, run: Path, setup: str, coin: str, p: Prepared) -> dict:
    """`trading-bot evaluate --models RUN/SETUP/COIN --from D --json` on the coin's file, D = the last input candle of
    the first test window, so the leaderboard scores exactly the test windows the training scored."""
    import subprocess
    folder = run / setup / coin
    fixed = upgrade_records(folder, setup)
    if fixed:
        print(f"table: added horizon/scaler_columns to {fixed} records in {folder}", file=sys.stderr)
    first_end = p.cut + p.n_in - 1 if setup == "study" else p.cut - 1
    day = p.times[first_end].strftime("%Y-%m-%d")
    cmd = [bot, "evaluate", "--candles", str(DATA_DIR / COINS[coin]), "--models", str(folder), "--from", day, "--json"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"reproduce.py table: {' '.join(cmd)} failed:\n{r.stderr}")
    for line in r.stderr.splitlines():
        print(f"table: {line}", file=sys.stderr)
    board = json.loads(r.stdout)
    if board["count"] != len(p.x_test) or board["first_window_end"] != iso(p.times[first_end]):
        raise SystemExit(f"reproduce.py table: {folder}: the leaderboard scored {board['count']} windows from "
                         f"{board['first_window_end']}, the training {len(p.x_test)} from {iso(p.times[first_end])}")
    board["_command"] = " ".join(cmd)
    return board


def verdict(dm: dict | None) -> str:
    if dm is None:
        return "n/a"
    if dm["p_value"] >= 0.05:
        return f"no difference (p={dm['p_value']:.2g})"
    return f"{'worse' if dm['statistic_hln'] > 0 else 'better'} (p={dm['p_value']:.2g})"


def load_results(runs: list[Path]) -> list[dict]:
    rows = []
    for run in runs:
        f = run / "results.jsonl"
        if f.exists():
            for line in f.read_text().splitlines():
                r = json.loads(line)
                r["_run"] = run
                rows.append(r)
    return rows


def cmd_table(args) -> int:
    """The README table. Our figures and every DM verdict come from the native leaderboard (`trading-bot evaluate
    --models DIR --json` over each coin's test windows); the study MINMAX RMSE it reports is checked against the one
    training wrote to results.jsonl (Python, main.py's eval_result) and the largest difference is printed."""
    rows = load_results(args.runs)
    published = study_published(args.study_repo)
    bot = find_bot(args.bot)
    lines = ["| coin | family | study, published: test MINMAX RMSE step 1 / 5-step mean (runs) | ours, study setup: "
             "step 1 / 5-step mean (seeds) | DM vs persistence, study setup (step 1) | ours, bot setup: MINMAX RMSE / "
             "RMSE USD | DM vs persistence, bot setup |", "|---|---|---:|---:|---|---:|---|"]
    worst = {"study": 0.0, "bot": 0.0}
    commands = []
    for coin in COINS:
        boards = {}   # (run, setup) -> {entry name: entry}
        naive = {}
        for setup in ("study", "bot"):
            for run in sorted({r["_run"] for r in rows if r["setup"] == setup and r["coin"] == coin and r["family"] != "persistence"}):
                p = prepare_study(coin) if setup == "study" else prepare_bot(coin)
                b = native_board(bot, run, setup, coin, p)
                commands.append(b["_command"])
                boards[(run, setup)] = {e["name"]: e for e in b["entries"]}
                if b["entries"]:
                    e0 = b["entries"][0]
                    naive[setup] = ([st["naive_study_minmax_rmse"] for st in e0["steps"]], e0["summary"]["naive"]["rmse"])
        for family in FAMILIES + ["persistence"]:
            cells = [coin, family]
            pub = published.get((coin, family))
            cells.append(f"{pub[0]:.4f} / {pub[1]:.4f} ({pub[2]})" if pub else ("" if family == "persistence" else "not in the study's files"))
            for setup in ("study", "bot"):
                if family == "persistence":
                    if setup not in naive:
                        cells += ["", ""]
                    else:
                        m, usd = naive[setup]
                        cells.append(f"{m[0]:.4f} / {np.mean(m):.4f}" if setup == "study" else f"{m[0]:.4f} / {usd:,.4g}")
                        cells.append("")
                    continue
                mine = [r for r in rows if r["setup"] == setup and r["coin"] == coin and r["family"] == family]
                if not mine:
                    cells += ["", ""]
                    continue
                entries = []
                for r in mine:
                    e = boards[(r["_run"], setup)].get(f"{family}-s{r['seed']}")
                    if e is None:
                        raise SystemExit(f"reproduce.py table: {family}-s{r['seed']} missing from the leaderboard of {r['_run']}/{setup}/{coin}")
                    native = [st["study_minmax_rmse"] for st in e["steps"]]
                    for a, b in zip(native, r["study_minmax_rmse"]):
                        worst[setup] = max(worst[setup], abs(a - b) / abs(b))
                    entries.append(e)
                s1 = [e["steps"][0]["study_minmax_rmse"] for e in entries]
                if setup == "study":
                    sm = [np.mean([st["study_minmax_rmse"] for st in e["steps"]]) for e in entries]
                    cells.append(f"{np.mean(s1):.4f} / {np.mean(sm):.4f} ({len(entries)})")
                else:
                    cells.append(f"{np.mean(s1):.4f} / {np.mean([e['summary']['model']['rmse'] for e in entries]):,.4g}")
                dms = [e["steps"][0]["dm_naive_squared"] for e in entries]
                if len(dms) == 1:
                    cells.append(verdict(dms[0]))
                else:
                    worse = sum(1 for d in dms if d and d["p_value"] < 0.05 and d["statistic_hln"] > 0)
                    better = sum(1 for d in dms if d and d["p_value"] < 0.05 and d["statistic_hln"] < 0)
                    cells.append(f"worse in {worse}, better in {better} of {len(dms)} seeds (p<0.05)")
            lines.append("| " + " | ".join(cells) + " |")
    print("\n".join(lines))
    srcs = sorted({v[3] for v in published.values()})
    if srcs:
        print("\nPublished figures: mean over the runs of each file's `<family> Test MINMAX RMSE` lists "
              "(sydney-machine-learning/deeplearning-crypto, " + ", ".join(f"`{s}`" for s in srcs) + ").")
    print("\nOurs and every DM verdict: `trading-bot evaluate --models RUN/SETUP/COIN --from DAY --json` on each coin's "
          "test windows (step 1, squared loss, HLN, 5 %). Its study MINMAX RMSE differs from the one training computed in "
          f"Python (main.py's eval_result) by at most {worst['study']:.1e} (study setup) and {worst['bot']:.1e} (bot "
          "setup), relative: float32 inference.")
    for c in commands:
        print(f"table: {c}", file=sys.stderr)
    return 0


def cmd_ship(args) -> int:
    """Copy the best bot-setup model per coin (lowest test RMSE in USD) to models/{coin}.keras + .json, scalers/{coin}.pkl."""
    import shutil
    rows = [r for r in load_results(args.runs) if r["setup"] == "bot" and r["family"] != "persistence"]
    for coin in args.coins:
        mine = [r for r in rows if r["coin"] == coin and (not args.families or r["family"] in args.families)]
        if not mine:
            print(f"ship: no bot-setup model for {coin}", file=sys.stderr)
            continue
        best = min(mine, key=lambda r: r["rmse_price"][0])
        src = best["_run"] / "bot" / coin
        stem = f"{best['family']}-s{best['seed']}"
        name = coin.lower()
        (REPO_ROOT / "models").mkdir(exist_ok=True)
        (REPO_ROOT / "scalers").mkdir(exist_ok=True)
        shutil.copyfile(src / f"{stem}.keras", REPO_ROOT / "models" / f"{name}.keras")
        shutil.copyfile(src / "scalers.pkl", REPO_ROOT / "scalers" / f"{name}.pkl")
        meta = json.loads((src / f"{stem}.json").read_text())
        meta["scalers_file"] = f"../scalers/{name}.pkl"
        meta["chosen_as"] = ("lowest test RMSE (USD) of the bot-setup families in tools/study/reproduce.py's run; "
                             "chosen on the test part itself (no separate validation part), so its figure is optimistic")
        with open(REPO_ROOT / "models" / f"{name}.json", "w") as f:
            json.dump(meta, f, indent=2); f.write("\n")
        print(f"{coin}: {best['family']} seed {best['seed']}, test RMSE {best['rmse_price'][0]:.6g} -> models/{name}.keras")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--setup", choices=["study", "bot"], required=True)
    t.add_argument("--seeds", type=int, nargs="+", default=[42])
    t.add_argument("--epochs", type=int, default=None, help="default: 100 (study, as main.py), 60 (bot, as train.py)")
    t.add_argument("--transformer-epochs", type=int, default=None,
                   help="epochs for the Transformer only (it costs ~13 s an epoch on one core, 20x the others)")
    t.add_argument("--coins", nargs="+", default=list(COINS), choices=list(COINS))
    t.add_argument("--families", nargs="+", default=FAMILIES, choices=FAMILIES)
    t.add_argument("--out", type=Path, default=REPO_ROOT / "tools" / "study" / "runs")
    tb = sub.add_parser("table", help="README table (Markdown) from finished runs and the study's result files")
    tb.add_argument("--runs", type=Path, nargs="+", default=[REPO_ROOT / "tools" / "study" / "runs"])
    tb.add_argument("--study-repo", type=Path, default=None,
                    help="sydney-machine-learning/deeplearning-crypto: a clone or its git directory")
    tb.add_argument("--bot", type=Path, default=None,
                    help="trading-bot binary (default: .build/release or .build/debug of this repository, else PATH)")
    sh = sub.add_parser("ship", help="copy the best bot-setup model per coin into models/ and scalers/")
    sh.add_argument("--runs", type=Path, nargs="+", default=[REPO_ROOT / "tools" / "study" / "runs"])
    sh.add_argument("--coins", nargs="+", default=list(COINS), choices=list(COINS))
    sh.add_argument("--families", nargs="+", default=None, choices=FAMILIES)
    args = ap.parse_args(argv)
    if not DATA_DIR.is_dir():
        print(f"reproduce.py: {DATA_DIR} not found; put the shared data next to the repository (../shared/data)", file=sys.stderr)
        return 2
    if args.cmd == "train":
        return cmd_train(args)
    if args.cmd == "table":
        return cmd_table(args)
    if args.cmd == "ship":
        return cmd_ship(args)
    return 1


if __name__ == "__main__":
    sys.exit(main())
