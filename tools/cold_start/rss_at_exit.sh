#!/bin/bash
# Where a process's resident memory is at the moment it exits: stops it at exit_group under gdb and sums Rss
# per mapping of /proc/PID/smaps (file + permissions), largest first. Needs gdb (apt-get install gdb).
#   tools/cold_start/rss_at_exit.sh .build/release/trading-bot model predict models/model.keras --input one_window.json
set -euo pipefail
SMAPS=$(mktemp)
trap 'rm -f "$SMAPS"' EXIT
gdb -q -batch -ex 'set pagination off' -ex 'catch syscall exit_group' -ex run \
  -ex "python import gdb; open('$SMAPS', 'w').write(open('/proc/%d/smaps' % gdb.selected_inferior().pid).read())" \
  --args "$@" >/dev/null 2>&1
awk '/^[0-9a-f]+-[0-9a-f]+ /{name=($6 == "" ? "[anon]" : $6) " " $2} /^Rss:/{rss[name]+=$2; total+=$2}
     END{for (n in rss) if (rss[n] >= 64) printf "%7d KiB  %s\n", rss[n], n; printf "%7d KiB  TOTAL\n", total}' "$SMAPS" | sort -rn
