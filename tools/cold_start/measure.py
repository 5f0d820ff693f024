#!/usr/bin/env python3
"""Cold-process wall time and peak memory of a command, measured the way the kernel accounts them.

Runs the command N times (default 20) with stdout discarded, and reports the median / min / max wall time
(fork to exit, as seen by the parent) and the median / max peak resident set size (`ru_maxrss` from wait4, in
KiB and MB). Exits non-zero if any run fails.

    python3 tools/cold_start/measure.py -n 20 -- .build/release/trading-bot model predict models/model.keras --input one_window.json
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=20)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    walls, peaks = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
        peaks.append(usage.ru_maxrss)
        if status != 0:
            print(f"run failed with status {status}: {' '.join(command)}", file=sys.stderr)
            return 1
    peak = statistics.median(peaks)
    print(f"{args.runs} runs: wall median {statistics.median(walls):.1f} ms (min {min(walls):.1f}, max {max(walls):.1f}); "
          f"peak RSS median {peak:.0f} KiB = {peak * 1024 / 1e6:.1f} MB (max {max(peaks)} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
