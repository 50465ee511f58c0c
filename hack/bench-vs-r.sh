#!/usr/bin/env bash
# Compares ForecastRun with R's forecast package on the shared benchmark
# splits. For each split, R's snaive, thetaf and ets (and croston on
# carparts) and our `runner local --mode Full` tournament (ranked by MASE,
# and by RMSSE), plus our single models that match R's (Theta,
# CrostonClassic, SeasonalNaive), forecast every item of train.csv;
# `runner score` then scores all of them against test.csv with one scorer
# and the M4 conventions.
#
#   hack/bench-vs-r.sh                       # data in ../shared/data
#   FORECASTRUN_DATA=/path hack/bench-vs-r.sh
#   SPLITS="carparts" hack/bench-vs-r.sh     # a subset
#   REUSE_R=1 hack/bench-vs-r.sh             # reuse R forecasts from an earlier run
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
data=${FORECASTRUN_DATA:-$root/../shared/data}
work=out/bench-vs-r

# split: horizon, model season, score season (M4 weekly: MASE uses season 1)
# and the R methods. R's croston() is quadratic in the series length (about
# 10 s for one 900-point hourly series, over an hour for the hourly split),
# and Croston is meant for intermittent demand, so it runs on carparts only.
declare -A spec=(
	[m4-hourly]="48 24 24 snaive,thetaf,ets"
	[m4-weekly]="13 52 1 snaive,thetaf,ets"
	[carparts]="12 12 12 snaive,thetaf,ets,croston"
)
splits=${SPLITS:-"m4-hourly m4-weekly carparts"}

if ! Rscript -e 'suppressPackageStartupMessages(library(forecast))' >/dev/null 2>&1; then
	echo "installing r-cran-forecast" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq r-cran-forecast >/dev/null
fi
echo "building bin/runner" >&2
mkdir -p bin "$work"
go build -o bin/runner ./cmd/runner

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

results="$work/results.tsv"
: >"$results"
for split in $splits; do
	read -r h m score_m r_methods <<<"${spec[$split]}"
	dir="$work/$split"
	mkdir -p "$dir"
	train="$data/$split/train.csv"
	test="$data/$split/test.csv"
	cols=(--time-column t --value-column value)

	if [[ -z "${REUSE_R:-}" || ! -s "$dir/r-forecasts.csv" ]]; then
		echo "$split: R forecast package ($r_methods)" >&2
		Rscript hack/bench/forecast.R "$train" "$h" "$m" "$dir/r-forecasts.csv" "$dir/r-timings.csv" "$r_methods"
	fi
	bin/runner score --split "$split" --train "$train" --test "$test" --season "$score_m" "${cols[@]}" \
		--forecasts "$dir/r-forecasts.csv" --timings "$dir/r-timings.csv" >>"$results"

	# label|extra flags: the tournament ranked by MASE (the default) and by
	# RMSSE, then our single models that match R's methods.
	for run in "ForecastRun|" "ForecastRun-RMSSE|--metric RMSSE" "FR-Theta|--models Theta" \
		"FR-CrostonClassic|--models CrostonClassic" "FR-SeasonalNaive|--models SeasonalNaive"; do
		IFS='|' read -r label extra <<<"$run"
		read -r -a flags <<<"$extra"
		echo "$split: $label" >&2
		start=$(now)
		bin/runner local --input "$train" --mode Full --horizon "$h" --season "$m" "${cols[@]}" \
			"${flags[@]}" --out "$dir/$label" >"$dir/$label.log" 2>&1
		secs=$(since "$start")
		bin/runner score --split "$split" --train "$train" --test "$test" --season "$score_m" "${cols[@]}" \
			--forecasts "$dir/$label/forecasts.csv" --label "$label" --seconds "$secs" >>"$results"
	done
done

echo
awk -F'\t' 'BEGIN { printf "%-10s %-18s %8s %8s %8s %9s %6s\n", "split", "method", "sMAPE", "MASE", "RMSSE", "seconds", "items" }
	{ printf "%-10s %-18s %8s %8s %8s %9s %6s\n", $1, $2, $3, $4, $5, $6, $7 }' "$results"
echo
echo "ForecastRun tournament wins per split: see $work/<split>/ForecastRun.log"
