#!/usr/bin/env bash
# Times the forecasting engine, a base revision (today's main) and this
# tree side by side in one run on the same data and machine:
#
#   synthetic   3,707 synthetic daily items of 730 days (seed 42), horizon 28
#   m4-hourly   ../shared/data splits (horizon and season as hack/bench-vs-r.sh),
#   m4-weekly   scored against their test.csv
#   carparts
#
# Every workload is `runner local --mode Full` with the default settings
# (every model and the Ensemble, 3 backtest windows). For each version it
# prints wall seconds, CPU seconds (user + system), peak resident memory,
# for the splits MASE and RMSSE of the forecasts, the share of items whose
# winner is the base's, and the ratios new/base. The base is built from
# `git archive` of BASE into a temporary folder, so nothing in this tree
# or its stash changes. Runs alternate base and new; with REPEAT > 1 the
# times are medians. The load average before and after each run is
# printed: on a shared machine, compare CPU seconds and the ratios.
#
#   hack/bench-engine.sh                         # every workload, base main
#   BASE=HEAD~3 REPEAT=3 hack/bench-engine.sh
#   WORKLOADS="synthetic" ITEMS=500 hack/bench-engine.sh
#   FORECASTRUN_DATA=/path hack/bench-engine.sh  # the splits elsewhere
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

base=${BASE:-main}
repeat=${REPEAT:-1}
workloads=${WORKLOADS:-"synthetic m4-hourly m4-weekly carparts"}
items=${ITEMS:-3707}
periods=${PERIODS:-730}
# The splits sit beside the main checkout (of which this may be a worktree).
data=${FORECASTRUN_DATA:-$(dirname "$(git rev-parse --path-format=absolute --git-common-dir)")/../shared/data}
work=out/bench-engine

# workload: horizon, model season, score season (M4 weekly: MASE uses season 1)
declare -A spec=(
	[synthetic]="28 7 7"
	[m4-hourly]="48 24 24"
	[m4-weekly]="13 52 1"
	[carparts]="12 12 12"
)

if [[ ! -x /usr/bin/time ]]; then
	echo "installing GNU time" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

mkdir -p "$work/bin"
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
# The revisions as built: main may move while the runs go on.
base_rev=$(git rev-parse --short "$base")
new_rev="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ', with uncommitted changes')"
echo "building the base runner from $base ($base_rev)" >&2
git archive --format=tar "$base_rev" | tar -x -C "$src"
(cd "$src" && go build -o "$root/$work/bin/runner-base" ./cmd/runner)
echo "building the new runner from this tree ($new_rev)" >&2
go build -o "$work/bin/runner-new" ./cmd/runner

synthetic="$work/synthetic-${items}x${periods}-seed42.csv"
if [[ " $workloads " == *" synthetic "* && ! -s "$synthetic" ]]; then
	echo "generating $synthetic" >&2
	"$work/bin/runner-new" generate --items "$items" --periods "$periods" --frequency daily --seed 42 --out "$synthetic"
fi

# run VERSION WORKLOAD K: one timed tournament; its figures go to
# $work/<workload>/<version>-<k>/ (time.txt, load.txt and the run's files).
run() {
	local version=$1 w=$2 k=$3 h m
	read -r h m _ <<<"${spec[$w]}"
	local out="$work/$w/$version-$k" input=$synthetic cols=()
	if [[ $w != synthetic ]]; then
		input="$data/$w/train.csv" cols=(--time-column t --value-column value)
	fi
	rm -rf "$out" && mkdir -p "$out"
	cut -d' ' -f1-3 /proc/loadavg >"$out/load.txt"
	if ! /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" \
		"$work/bin/runner-$version" local --input "$input" --mode Full --horizon "$h" --season "$m" "${cols[@]}" \
		--out "$out" >"$out/stdout.txt" 2>"$out/stderr.txt"; then
		echo "$w: the $version runner failed:" >&2
		tail -3 "$out/stderr.txt" >&2
		exit 1
	fi
	cut -d' ' -f1-3 /proc/loadavg >>"$out/load.txt"
}

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# figures VERSION WORKLOAD: "wall cpu rss_mib" as medians over the repeats
figures() {
	local walls=() cpus=() rss=() k wall user sys kib
	for ((k = 1; k <= repeat; k++)); do
		read -r wall user sys kib <"$work/$2/$1-$k/time.txt"
		walls+=("$wall") cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')") rss+=("$kib")
	done
	echo "$(median "${walls[@]}") $(median "${cpus[@]}") $(awk -v k="$(median "${rss[@]}")" 'BEGIN { print k / 1024 }')"
}

# accuracy VERSION WORKLOAD: "MASE RMSSE" of the first run's forecasts, or "- -"
accuracy() {
	local w=$2 sm
	read -r _ _ sm <<<"${spec[$w]}"
	if [[ $w == synthetic ]]; then
		echo "- -"
		return
	fi
	"$work/bin/runner-new" score --train "$data/$w/train.csv" --test "$data/$w/test.csv" --season "$sm" \
		--time-column t --value-column value --forecasts "$work/$w/$1-1/forecasts.csv" --label x 2>/dev/null |
		awk -F'\t' '{ print $4, $5 }'
}

# agreement WORKLOAD: percent of items whose winner is the same for both versions
agreement() {
	awk -F, 'FNR == 1 { next } NR == FNR { w[$1] = $3; next } ($1 in w) { n++; s += (w[$1] == $3) }
		END { printf "%.1f", 100 * s / n }' "$work/$1/base-1/leaderboard.csv" "$work/$1/new-1/leaderboard.csv"
}

for w in $workloads; do
	for ((k = 1; k <= repeat; k++)); do
		for version in base new; do
			echo "$w: $version, run $k of $repeat (load $(cut -d' ' -f1 /proc/loadavg))" >&2
			run "$version" "$w" "$k"
		done
	done
done

echo
echo "base $base ($base_rev) against this tree ($new_rev); $(nproc) CPUs; medians of $repeat run(s)"
printf "%-10s %-9s %8s %8s %9s %8s %8s %8s  %s\n" workload version "wall s" "CPU s" "peak MiB" MASE RMSSE "winner=" "load avg before/after runs"
for w in $workloads; do
	read -r bw bc br <<<"$(figures base "$w")"
	read -r nw nc nr <<<"$(figures new "$w")"
	read -r bm bs <<<"$(accuracy base "$w")"
	read -r nm ns <<<"$(accuracy new "$w")"
	loads() { for ((k = 1; k <= repeat; k++)); do awk '{ printf "%s%s", (NR > 1 ? "/" : ""), $1 } END { printf " " }' "$work/$w/$1-$k/load.txt"; done; }
	printf "%-10s %-9s %8.2f %8.2f %9.1f %8s %8s %8s  %s\n" "$w" base "$bw" "$bc" "$br" "$bm" "$bs" "" "$(loads base)"
	printf "%-10s %-9s %8.2f %8.2f %9.1f %8s %8s %7s%%  %s\n" "$w" new "$nw" "$nc" "$nr" "$nm" "$ns" "$(agreement "$w")" "$(loads new)"
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.3f", a / b }'; }
	printf "%-10s %-9s %8s %8s %9s %8s %8s\n" "$w" new/base "$(ratio "$nw" "$bw")" "$(ratio "$nc" "$bc")" "$(ratio "$nr" "$br")" \
		"$(ratio "$nm" "$bm")" "$(ratio "$ns" "$bs")"
done
