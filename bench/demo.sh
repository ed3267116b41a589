#!/usr/bin/env bash
# Times `quotewire demo` (issue 13's target: ≤ 10 s with no network): N runs of the release
# binary, each wall time and peak RSS, then min / median / max.
# Usage: bench/demo.sh [BINARY] [N]   (BINARY defaults to target/release/quotewire, N to 5)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/quotewire}"
runs="${2:-5}"
if [ ! -x "$bin" ]; then
    echo "demo.sh: no binary at $bin; build it with: cargo build --release" >&2
    exit 2
fi
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  cpus: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
times=()
for i in $(seq 1 "$runs"); do
    log="$(mktemp)"
    start=$(date +%s.%N)
    if ! /usr/bin/time -f '%M' -o "$log.rss" env -u QUOTEWIRE_CONFIG -u QUOTEWIRE_DB "$bin" demo >"$log" 2>&1; then
        echo "run $i: demo failed; its output:" >&2
        cat "$log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    rss=$(tail -n 1 "$log.rss")
    printf 'run %d: %.2f s, peak RSS %d MiB\n' "$i" "$t" "$((rss / 1024))"
    times+=("$t")
    rm -f "$log" "$log.rss"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "min %.2f s, median %.2f s, max %.2f s over %d runs (target: ≤ 10 s)\n", a[1], a[int((NR+1)/2)], a[NR], NR}'
