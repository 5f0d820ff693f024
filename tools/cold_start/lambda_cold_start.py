#!/usr/bin/env python3
"""Lambda cold start on loopback: wall time from exec to the response POST, and peak RSS, of `trading-bot lambda`.

Starts moto_server (S3 + SNS, `pip install "moto[server]"`), uploads the shipped model and scalers, then for each
run starts a fresh loopback exchange (`trading-bot serve-test-exchange`, frozen clock just after a candle close) and a
minimal Lambda Runtime API (this process, one event per run), and execs `trading-bot lambda --max-invocations 1` with
an empty DOWNLOAD_DIR (a new sandbox's /tmp), its own journal key and strategy name (no claim left from earlier runs).
Timed: exec → the runtime API receiving POST /runtime/invocation/{id}/response (init: config, model and scalers from
S3; one cycle: candles, prediction, claim, order, journal upload; the answer). Peak RSS: ru_maxrss from wait4.

Then the reference bot's cold start on the same machine in the same run: a fresh python3 doing
`import tensorflow; tf.keras.models.load_model(MODEL)` and `pickle.load` of the scalers (sklearn), same accounting.

    python3 tools/cold_start/lambda_cold_start.py -n 10 --python-runs 3 --binary .build/release/trading-bot
"""
import argparse
import calendar
import http.server
import json
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KEY, SECRET = "coldstart-key-0123456789", "coldstart-secret-9876543210"
BUCKET = "coldstart-bucket"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{what} did not listen on 127.0.0.1:{port}")


def s3(endpoint: str, method: str, path: str, body: bytes = b"") -> int:
    # urllib labels any body application/x-www-form-urlencoded; moto (werkzeug) then parses it as a form and never
    # sees the object bytes: the PUT hangs. Say what it is.
    request = urllib.request.Request(endpoint + path, data=body if method == "PUT" else None, method=method,
                                     headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


class Runtime(http.server.ThreadingHTTPServer):
    """One invocation: /next hands out the event once (later polls block), /response and /error are timed."""
    daemon_threads = True

    def __init__(self, deadline_s: float = 60):
        super().__init__(("127.0.0.1", 0), RuntimeHandler)
        self.deadline_s, self.handed_out, self.answered = deadline_s, False, threading.Event()
        self.answer_at, self.answer_kind, self.answer_body = 0.0, "", b""


class RuntimeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        server: Runtime = self.server
        if self.path != "/2018-06-01/runtime/invocation/next":
            return self._send(404, b'{"errorType":"UnknownPath"}')
        if server.handed_out:
            server.answered.wait(120)
            return self._send(500, b'{"errorType":"ServiceStopping"}')
        server.handed_out = True
        deadline = int((time.time() + server.deadline_s) * 1000)
        self._send(200, b'{"source":"aws.scheduler","detail-type":"Scheduled Event"}', [
            ("Lambda-Runtime-Aws-Request-Id", "cold-start-1"), ("Lambda-Runtime-Deadline-Ms", str(deadline)),
            ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:trading-bot"),
            ("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")])

    def do_POST(self):
        server: Runtime = self.server
        now = time.perf_counter()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.endswith("/response") or self.path.endswith("/error"):
            server.answer_at, server.answer_kind, server.answer_body = now, self.path.rsplit("/", 1)[1], body
            server.answered.set()
        elif self.path.endswith("/init/error"):
            server.answer_at, server.answer_kind, server.answer_body = now, "init-error", body
            server.answered.set()
        self._send(202, b'{"status":"OK"}')


def exchange_clock(port: int, iso: str) -> None:
    """Moves the loopback exchange's frozen clock (its /_test/clock control endpoint)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_test/clock?iso={iso}", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=30):
        pass


def signed_post(port: int, path: str, params: dict) -> None:
    """A signed Binance POST to the loopback exchange (HMAC-SHA256 of the query, as the bot signs)."""
    import hashlib, hmac, urllib.parse
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/fapi/v1/time", timeout=30) as r:
        server_time = json.load(r)["serverTime"]
    query = urllib.parse.urlencode({**params, "timestamp": server_time})
    query += "&signature=" + hmac.new(SECRET.encode(), query.encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=query.encode(), method="POST",
                                     headers={"X-MBX-APIKEY": KEY, "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30):
        pass


def exchange_requests(port: int) -> list:
    """The requests the loopback exchange recorded (its /_test/requests control endpoint), as "METHOD path"."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_test/requests", timeout=30) as r:
        return [f"{q['method']} {q['path']}" for q in json.load(r)]


def invoke(args, index: int, env: dict, scratch: str, label: str) -> dict:
    """Execs `trading-bot lambda --max-invocations 1` against a fresh runtime API; times exec → /response."""
    runtime = Runtime()
    threading.Thread(target=runtime.serve_forever, daemon=True).start()
    try:
        env = {**env, "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime.server_address[1]}"}
        command = shlex.split(args.wrap or "") + (["nice", "-n", "10"] if args.nice else []) + [args.binary, "lambda", "--max-invocations", "1"]
        start = time.perf_counter()
        child = subprocess.Popen(command,
                                 env=env, cwd=scratch, stdout=open(args.log, "ab") if args.log else subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        timer = threading.Timer(args.timeout, child.kill)  # a hung run is reported with its stderr, not waited on
        timer.start()
        stderr = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        end = time.perf_counter()
        timer.cancel()
        if not runtime.answered.is_set():
            raise SystemExit(f"run {index} ({label}): no answer posted (status {status}): {stderr.decode(errors='replace')[-2000:]}")
        answer = json.loads(runtime.answer_body or b"{}")
        if runtime.answer_kind != "response" or status != 0:
            raise SystemExit(f"run {index} ({label}): {runtime.answer_kind} {answer} status {status}: {stderr.decode(errors='replace')[-2000:]}")
        if args.log:
            with open(args.log, "ab") as f:
                f.write(stderr)
        return {"wall_ms": (runtime.answer_at - start) * 1000, "exit_ms": (end - start) * 1000,
                "rss_kib": usage.ru_maxrss, "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000, "answer": answer}
    finally:
        runtime.shutdown()


def previous_day(iso: str) -> str:
    t = time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(t) - 86400))


def lambda_run(args, index: int, endpoint: str, scratch: str) -> dict:
    port = free_port()
    exchange = subprocess.Popen([args.binary, "serve-test-exchange", "--port", str(port), "--candles", args.candles,
                                 "--api-key", KEY, "--api-secret", SECRET, "--clock", "frozen", "--start-time", args.at,
                                 "--weight-limit", "1000000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, exchange, "serve-test-exchange")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": scratch, "AWS_ENDPOINT_URL": endpoint,
               "AWS_ACCESS_KEY_ID": "testing-key", "AWS_SECRET_ACCESS_KEY": "testing-secret", "AWS_REGION": "us-east-1",
               "CONFIG_PATH": os.path.join(ROOT, "config.yaml"), "MODE": "testnet",
               "EXCHANGE_URL": f"http://127.0.0.1:{port}", "EXCHANGE_API_KEY": KEY, "EXCHANGE_API_SECRET": SECRET,
               "MODEL_PATH": f"s3://{BUCKET}/models/model.keras", "SCALERS_PATH": f"s3://{BUCKET}/models/scalers.pkl",
               "JOURNAL_PATH": f"s3://{BUCKET}/run-{index}/journal.sqlite", "STRATEGY_NAME": f"cold{index}",
               "LAMBDA_SAFETY_MARGIN_MS": "3000", "LEVERAGE": "2"}
        if args.sns:
            env["SNS_PHONE_NUMBER"] = "+15555550100"
        if args.ran_before:
            # The function ran at the previous daily close (its own sandbox, not timed): the journal is in S3, as it
            # is for every cold start after a function's first.
            exchange_clock(port, previous_day(args.at))
            # It held there (a THRESHOLD no forecast reaches), so the timed run makes the same entry as a first run.
            before = invoke(args, index, {**env, "DOWNLOAD_DIR": os.path.join(scratch, f"tmp-{index}-before"),
                                          "THRESHOLD": "10"}, scratch, "day before")
            if before["answer"].get("decision") != "hold":
                raise SystemExit(f"run {index}: the day before decided {before['answer']}, not hold")
            exchange_clock(port, args.at)
        if args.settings_in_effect:
            # An earlier trade of the function set them (config.yaml: isolated; LEVERAGE 2 above).
            signed_post(port, "/fapi/v1/marginType", {"symbol": "BTCUSDT", "marginType": "ISOLATED"})
            signed_post(port, "/fapi/v1/leverage", {"symbol": "BTCUSDT", "leverage": "2"})
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/_test/clear-requests", data=b"", method="POST"),
                               timeout=30).close()
        # An empty DOWNLOAD_DIR: a new sandbox's /tmp.
        run = invoke(args, index, {**env, "DOWNLOAD_DIR": os.path.join(scratch, f"tmp-{index}")}, scratch, "cold start")
        run["requests"] = exchange_requests(port)
        return run
    finally:
        exchange.terminate()
        exchange.wait()


PY_REFERENCE = """
import pickle, sys
import tensorflow as tf
tf.keras.models.load_model(sys.argv[1])
with open(sys.argv[2], "rb") as f:
    pickle.load(f)
"""


def python_run(model: str, scalers: str) -> dict:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", PY_REFERENCE, model, scalers], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"python reference failed with status {status}")
    return {"wall_ms": (time.perf_counter() - start) * 1000, "rss_kib": usage.ru_maxrss}


def summary(name: str, runs: list, keys=("wall_ms", "rss_kib")) -> str:
    parts = []
    for key in keys:
        values = [r[key] for r in runs]
        unit = "KiB" if key == "rss_kib" else "ms"
        parts.append(f"{key} min {min(values):.1f} median {statistics.median(values):.1f} max {max(values):.1f} {unit}")
    return f"{name} ({len(runs)} runs): " + "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=10)
    parser.add_argument("--python-runs", type=int, default=3, help="runs of the Python/TensorFlow reference (0: none)")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/trading-bot"))
    parser.add_argument("--candles", default=os.path.join(ROOT, "..", "shared/data/coin_Bitcoin.csv"))
    parser.add_argument("--at", default="2019-12-18T00:01:00Z", help="exchange time (just after the candle of 2019-12-17 closed)")
    parser.add_argument("--nice", action="store_true", help="run the binary under nice -n 10 (shared machine)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a run is killed and reported")
    parser.add_argument("--log", help="append each run's stdout and stderr (the bot's JSON log lines) to this file")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--wrap", help="run the lambda under this command (e.g. 'strace -f -tt -o trace' or valgrind, for "
                                       "tools/link-order/generate.sh); its times are then that tool's")
    parser.add_argument("--ran-before", action="store_true",
                        help="each timed cold start follows an untimed invocation at the previous daily close, so the "
                             "journal is in S3 (a function's every cold start but its first; without: the first ever)")
    parser.add_argument("--settings-in-effect", action="store_true",
                        help="the account's margin type and leverage are already the configured ones (set before the "
                             "timed run, as by an earlier trade of the function; without: a new account's)")
    parser.add_argument("--sns", action="store_true",
                        help="also send the SNS text alert (moto's SNS Publish alone answers in ~0.4 s here)")
    args = parser.parse_args()
    args.binary, args.candles = os.path.abspath(args.binary), os.path.abspath(args.candles)  # the runs' cwd is a scratch dir
    model, scalers = os.path.join(ROOT, "models/model.keras"), os.path.join(ROOT, "scalers/scalers.pkl")
    moto_server = shutil.which("moto_server")
    if not moto_server:
        raise SystemExit('moto_server not on PATH: pip install "moto[server]"')
    scratch = tempfile.mkdtemp(prefix="lambda-cold-")
    moto_port = free_port()
    moto = subprocess.Popen([moto_server, "-H", "127.0.0.1", "-p", str(moto_port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"})
    try:
        wait_port(moto_port, moto, "moto_server")
        endpoint = f"http://127.0.0.1:{moto_port}"
        s3(endpoint, "PUT", f"/{BUCKET}")
        for key, path in (("models/model.keras", model), ("models/scalers.pkl", scalers)):
            with open(path, "rb") as f:
                s3(endpoint, "PUT", f"/{BUCKET}/{key}", f.read())
        runs, py = [], []
        for i in range(args.runs):
            runs.append(lambda_run(args, i, endpoint, scratch))
            print(f"run {i}: {runs[-1]['wall_ms']:.1f} ms, {runs[-1]['rss_kib']} KiB, {len(runs[-1]['requests'])} exchange "
                  f"requests, {runs[-1]['answer']}", file=sys.stderr)
            if i < args.python_runs:
                py.append(python_run(model, scalers))
        answers = {(r["answer"].get("status"), r["answer"].get("decision")) for r in runs}
        if args.json:
            print(json.dumps({"lambda": runs, "python": py}, indent=1))
        print(f"answers: {sorted(answers)}")
        print(summary("trading-bot lambda, exec -> response POST", runs, ("wall_ms", "exit_ms", "cpu_ms", "rss_kib")))
        counts = sorted({len(r["requests"]) for r in runs})
        endpoints = {}
        for q in runs[0]["requests"]:
            endpoints[q] = endpoints.get(q, 0) + 1
        print(f"exchange requests per cold start: {counts} (run 0: "
              + ", ".join(f"{k} ×{v}" if v > 1 else k for k, v in endpoints.items()) + ")")
        if py:
            print(summary("python3: import tensorflow + load_model + pickle.load", py))
    finally:
        moto.terminate()
        moto.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
