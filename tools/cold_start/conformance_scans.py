#!/usr/bin/env python3
"""Counts the Swift runtime's full scans of the protocol conformance records in one run of a command, and names
the code that caused each: a uprobe (perf, root) on the per-record step of
swift_conformsToProtocolMaybeInstantiateSuperclasses. Each first (type, protocol) question the runtime cannot answer
from its cache walks every record in the binary (about 7 000 here), so scans x records is the cost.

    sudo python3 tools/cold_start/conformance_scans.py -- .build/release/trading-bot model predict models/model.keras --input w.json
    # a Lambda cold start: set the probe, record under lambda_cold_start.py, then report
    sudo python3 tools/cold_start/conformance_scans.py --probe-only -- BINARY
    sudo python3 tools/cold_start/lambda_cold_start.py -n 1 --python-runs 0 --binary BINARY \
        --wrap "perf record -q -e probe_tb:scan --call-graph fp -o /tmp/scans.data"
    sudo python3 tools/cold_start/conformance_scans.py --report --data /tmp/scans.data -- BINARY

The binary must keep its symbol table (the release build does; `strip -g` is fine)."""
import argparse, collections, re, subprocess, sys

STEP = "ConformanceSectionEENKUlRKNS_35TargetProtocolConformanceDescriptor"
RUNTIME = re.compile(r"^(swift_|swift::|_gather|\(anonymous|__swift_instantiate|_ZN|tryCast|_dynamicCast|_conformsTo|"
                     r"_checkGeneric|std::|llvm::|\[unknown\]|getSuperclass|_swift|findBridgeWitness|\$ss|\$sS)")


def probe(binary: str) -> None:
    symbols = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    address = next(int(line.split()[0], 16) for line in symbols.splitlines() if STEP in line)
    for line in subprocess.run(["readelf", "-l", "-W", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"] and "E" in fields[6:8]:
            offset, vaddr = int(fields[1], 16), int(fields[2], 16)
    subprocess.run(["perf", "probe", "-q", "-d", "probe_tb:*"], capture_output=True)
    subprocess.run(["perf", "probe", "-q", "-x", binary, "-a", f"scan=0x{address - (vaddr - offset):x}"], check=True,
                   capture_output=True)


def report(data: str, records: int) -> None:
    out = subprocess.run(["perf", "script", "-i", data], capture_output=True, text=True).stdout
    causes = collections.Counter()
    for block in out.split("\n\n"):
        frames = [re.sub(r"\+0x[0-9a-f]+$", "", l.strip().split(None, 1)[1].rsplit(" (", 1)[0])
                  for l in block.strip().split("\n")[1:] if len(l.strip().split(None, 1)) == 2]
        ours = [f for f in frames if not RUNTIME.match(f)]
        if frames:
            causes[" < ".join(ours[:2]) or "?"] += 1
    total = sum(causes.values())
    print(f"{total} record visits = {total / records:.1f} full scans of {records} records")
    for cause, visits in causes.most_common(40):
        print(f"{visits / records:5.1f}  {cause[:220]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="/tmp/conformance-scans.data")
    parser.add_argument("--records", type=int, default=0, help="records in the binary (default: counted)")
    parser.add_argument("--report", action="store_true", help="only report an existing --data file")
    parser.add_argument("--probe-only", action="store_true", help="only set the probe (probe_tb:scan) on the binary")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    binary = args.command[0]
    records = args.records or int(next(l.split()[5] for l in subprocess.run(
        ["readelf", "-S", "-W", binary], capture_output=True, text=True).stdout.splitlines()
        if "swift5_protocol_conformances" in l), 16) // 4
    if args.probe_only:
        probe(binary)
        return 0
    if not args.report:
        probe(binary)
        subprocess.run(["perf", "record", "-q", "-e", "probe_tb:scan", "--call-graph", "fp", "-o", args.data, "--"]
                       + args.command, stdout=subprocess.DEVNULL)
    report(args.data, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
