#!/usr/bin/env bash
# Times the forecasting engine on the reference workload: 3,707 synthetic
# daily items of 730 days (seed 42), every item (--mode Full), horizon 28.
# Prints wall seconds, items per second and peak resident memory.
#
#   hack/bench-engine.sh            # uses bin/ and out/bench-engine/
#   ITEMS=500 hack/bench-engine.sh  # a smaller run
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

items=${ITEMS:-3707}
periods=${PERIODS:-730}
horizon=${HORIZON:-28}
work=out/bench-engine
data="$work/synthetic-${items}x${periods}-seed42.csv"

if [[ ! -x /usr/bin/time ]]; then
	echo "installing GNU time" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

echo "building bin/runner" >&2
mkdir -p bin "$work"
go build -o bin/runner ./cmd/runner

if [[ ! -s "$data" ]]; then
	echo "generating $data" >&2
	bin/runner generate --items "$items" --periods "$periods" --frequency daily --seed 42 --out "$data"
fi

echo "running the tournament on $items items (GOMAXPROCS defaults to the CPU limit: $(nproc) CPUs visible)" >&2
/usr/bin/time -v -o "$work/time.txt" \
	bin/runner local --input "$data" --mode Full --horizon "$horizon" --out "$work/result" >"$work/stdout.txt"
cat "$work/stdout.txt"

wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
# GNU time prints wall time as [h:]m:ss.ss; turn it into seconds.
seconds=$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')
echo
echo "items:            $items"
echo "wall seconds:     $seconds"
echo "items/s:          $(awk -v n="$items" -v s="$seconds" 'BEGIN { printf "%.1f", n / s }')"
echo "peak RSS MiB:     $(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')"
