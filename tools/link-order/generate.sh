#!/bin/bash
# Regenerates Sources/trading-bot/link-order.txt: the functions a cold start runs, so the linker (lld
# --symbol-ordering-file, see Package.swift) places them next to each other. The kernel maps executable pages
# 64 KiB or more at a time around each page fault, so ~2,000 small functions scattered over a 23 MB text
# segment make ~9 MB resident; packed together they take ~1 MB. A stale list only costs memory, never
# correctness: symbols that no longer exist are skipped.
#
# Needs valgrind (apt-get install valgrind). Usage, from the repository root:
#   swift build -c release --product trading-bot --static-swift-stdlib -Xlinker -no-pie   # or: make build
#   tools/link-order/generate.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release/trading-bot}
OUT=Sources/trading-bot/link-order.txt
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
strip -g -o "$WORK/trading-bot" "$BIN"   # valgrind cannot read Swift's DWARF 5; the symbol table is enough

# Scenarios: the cold paths users run often (shipped model in both formats, scalers, help and version).
python3 - "$WORK/window.json" <<'PY'
import json, sys
json.dump([[[0.1 * (r + c) % 1 for c in range(5)] for r in range(5)]], open(sys.argv[1], "w"))
PY
run() { valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/cg.$1" "$WORK/trading-bot" "${@:2}" >/dev/null 2>&1 || true; }
run 1 model predict models/model.keras --input "$WORK/window.json"
run 2 model predict Tests/KerasTests/Fixtures/shipped.h5 --input "$WORK/window.json"
run 3 model inspect models/model.keras
run 4 scalers inspect scalers/scalers.pkl
run 5 --version
run 6 --help

names() {  # function names of the binary that the given callgrind profiles ran
  for f in "$@"; do
    callgrind_annotate --threshold=100 "$f" | grep -F "[$WORK/trading-bot]" |
      sed -E 's/^ *[0-9,]+ +\( *[0-9.]+%\) +\?\?\?://; s/ \[[^]]*\]$//; s/'"'"'[0-9]+$//'
  done | sort -u
}
names "$WORK"/cg.[0-9] > "$WORK/first"

# The Lambda cold start (init, one invocation against moto and the loopback exchange), after those: its own
# functions (S3, SigV4, the journal, the cycle) are packed next to each other but not among the ones above, so
# `model predict` keeps its pages. Needs moto_server (pip install "moto[server]"); left out without it.
: > "$WORK/lambda"
if command -v moto_server >/dev/null; then
  if python3 tools/cold_start/lambda_cold_start.py -n 1 --python-runs 0 --timeout 300 --binary "$WORK/trading-bot" \
       --wrap "valgrind --tool=callgrind --demangle=no --callgrind-out-file=$WORK/cg.lambda" >/dev/null 2>&1; then
    names "$WORK/cg.lambda" | grep -Fvxf "$WORK/first" > "$WORK/lambda" || true
  else
    echo "the Lambda scenario failed; its functions are left out" >&2
  fi
else
  echo "moto_server not found: the Lambda scenario is left out" >&2
fi
cat "$WORK/first" "$WORK/lambda" > "$WORK/seen"

# Then every other test fixture model, so the layers the shipped model doesn't use are packed too, after it.
for model in Tests/KerasTests/Fixtures/*.keras; do
  python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1]))["inputs"][0], open(sys.argv[2], "w"))' \
    "${model%.keras}.json" "$WORK/in.json" 2>/dev/null || continue
  run "x.$(basename "$model" .keras)" model predict "$model" --input "$WORK/in.json"
done
names "$WORK"/cg.x.* | grep -Fvxf "$WORK/seen" > "$WORK/second" || true

# Only names defined once: lld applies an entry to every symbol of that name, and Swift emits the same local
# helpers (outlined copies, `__swift_destroy_boxed_opaque_existential_1`, …) in every object file, so a common
# name would drag hundreds of unrelated sections into the hot region. Within each group keep the binary's own
# order (nm -n), so related code stays adjacent.
nm -n --defined-only "$WORK/trading-bot" | awk '{print $3}' > "$WORK/all"
sort "$WORK/all" | uniq -u > "$WORK/unique"
{ grep -Fxf "$WORK/first" "$WORK/all"; grep -Fxf "$WORK/lambda" "$WORK/all" || true; grep -Fxf "$WORK/second" "$WORK/all" || true; } |
  grep -Fxf "$WORK/unique" > "$OUT"
echo "$(wc -l < "$OUT") functions -> $OUT"
