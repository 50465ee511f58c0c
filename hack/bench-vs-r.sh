#!/usr/bin/env bash
# Compares ForecastRun with R's forecast package on the shared benchmark
# splits. For each split, R's snaive, thetaf, ets and auto.arima (and
# croston on carparts) and our `runner local --mode Full` tournament (ranked
# by MASE, and by RMSSE), plus our single models that match R's (Theta,
# CrostonClassic, whose constants are optimised where R's croston() fixes
# 0.1, SeasonalNaive, AutoETS, AutoARIMA), forecast every item of
# train.csv; `runner score` then scores all of them against test.csv with
# one scorer and the M4 conventions. Last, a side-by-side table sets our
# AutoETS and AutoARIMA against R's ets and auto.arima on the same series:
# accuracy, and the CPU time per series, each fitted one series at a time on
# one thread (`runner fit`; R's per-item proc.time), with the ratio.
#
#   hack/bench-vs-r.sh                       # data in ../shared/data
#   FORECASTRUN_DATA=/path hack/bench-vs-r.sh
#   SPLITS="carparts" hack/bench-vs-r.sh     # a subset
#   REUSE_R=1 hack/bench-vs-r.sh             # reuse R forecasts from an earlier run
#   AUTO_ITEMS=40 hack/bench-vs-r.sh         # the ets/auto.arima comparison on each split's first 40 items
#
# R's auto.arima takes half a minute or more per m4-hourly series (season
# 24) on this machine, hours for the split, so that comparison runs on the
# first 40 m4-hourly and the first 500 carparts series by default (the last
# field of each spec below); the per-series CPU ratio needs no more than a
# few dozen series. m4-weekly runs whole (about an hour of R).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
data=${FORECASTRUN_DATA:-$root/../shared/data}
work=out/bench-vs-r

# split: horizon, model season, score season (M4 weekly: MASE uses season 1),
# the R methods, and how many items the ets/auto.arima comparison uses. R's croston() is quadratic in the series length (about
# 10 s for one 900-point hourly series, over an hour for the hourly split),
# and Croston is meant for intermittent demand, so it runs on carparts only.
#
# m4-weekly-quarterly and m4-weekly-yearly are m4-weekly's training series
# summed over 13 and 52 weeks, their last 8 quarters or 6 years held out
# (aggregate below): business-like quarterly and yearly series on which
# AutoETS's estimation is compared with R's ets, without touching any
# held-out quarterly or yearly benchmark.
declare -A spec=(
	[m4-hourly]="48 24 24 snaive,thetaf 40"
	[m4-weekly]="13 52 1 snaive,thetaf all"
	[carparts]="12 12 12 snaive,ses,thetaf,croston 500"
	[m4-weekly-quarterly]="8 4 4 snaive,thetaf all"
	[m4-weekly-yearly]="6 1 1 thetaf all"
)
splits=${SPLITS:-"m4-hourly m4-weekly carparts m4-weekly-quarterly m4-weekly-yearly"}

if ! Rscript -e 'suppressPackageStartupMessages(library(forecast))' >/dev/null 2>&1; then
	echo "installing r-cran-forecast" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq r-cran-forecast >/dev/null
fi
echo "building bin/runner" >&2
mkdir -p bin "$work"
go build -o bin/runner ./cmd/runner

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# aggregate K H MIN writes $work/data/m4-weekly-<name>/{train,test}.csv:
# each m4-weekly training series summed over non-overlapping blocks of K
# weeks (the oldest weeks that do not fill a block dropped), the last H
# blocks held out, for the series with at least MIN + H blocks.
aggregate() {
	local name=$1 k=$2 h=$3 min=$4 dir="$work/data/m4-weekly-$1"
	mkdir -p "$dir"
	awk -F, -v k="$k" -v h="$h" -v min="$min" -v train="$dir/train.csv" -v test="$dir/test.csv" '
		NR == 1 { print > train; print > test; next }
		{ if (!($1 in n)) order[++items] = $1; n[$1]++; v[$1, $2] = $3 }
		END {
			for (i = 1; i <= items; i++) {
				id = order[i]; blocks = int(n[id] / k); drop = n[id] - blocks * k
				if (blocks < min + h) continue
				for (b = 1; b <= blocks; b++) {
					s = 0
					for (w = drop + (b - 1) * k + 1; w <= drop + b * k; w++) s += v[id, w]
					printf "%s,%d,%.12g\n", id, b, s > (b <= blocks - h ? train : test)
				}
			}
		}' "$data/m4-weekly/train.csv"
}

# first_items FILE N prints the header and the rows of the first N items.
first_items() {
	awk -F, -v n="$2" 'NR == 1 { print; next } !($1 in seen) { seen[$1] = 1; k++ } k <= n' "$1"
}

results="$work/results.tsv"
: >"$results"
for split in $splits; do
	read -r h m score_m r_methods auto_items <<<"${spec[$split]}"
	auto_items=${AUTO_ITEMS:-$auto_items}
	dir="$work/$split"
	mkdir -p "$dir"
	train="$data/$split/train.csv"
	test="$data/$split/test.csv"
	case $split in
	m4-weekly-quarterly) aggregate quarterly 13 8 16 ;;
	m4-weekly-yearly) aggregate yearly 52 6 14 ;;
	esac
	if [[ $split == m4-weekly-* ]]; then
		train="$work/data/$split/train.csv" test="$work/data/$split/test.csv"
	fi
	cols=(--time-column t --value-column value)

	if [[ -z "${REUSE_R:-}" || ! -s "$dir/r-forecasts.csv" ]]; then
		echo "$split: R forecast package ($r_methods)" >&2
		Rscript hack/bench/forecast.R "$train" "$h" "$m" "$dir/r-forecasts.csv" "$dir/r-timings.csv" "$r_methods"
	fi
	bin/runner score --split "$split" --train "$train" --test "$test" --season "$score_m" "${cols[@]}" \
		--forecasts "$dir/r-forecasts.csv" --timings "$dir/r-timings.csv" >>"$results"

	# The automatic models, timed per series on both sides, on the same
	# items (the first auto_items of the split unless it is "all").
	auto_train=$train auto_test=$test
	if [[ $auto_items != all ]]; then
		auto_train=$dir/auto-train.csv auto_test=$dir/auto-test.csv
		first_items "$train" "$auto_items" >"$auto_train"
		first_items "$test" "$auto_items" >"$auto_test"
	fi
	if [[ -z "${REUSE_R:-}" || ! -s "$dir/r-auto-cpu.csv" ]]; then
		echo "$split: R forecast package (ets, auto.arima), CPU per series" >&2
		Rscript hack/bench/forecast.R "$auto_train" "$h" "$m" "$dir/r-auto-forecasts.csv" "$dir/r-auto-timings.csv" \
			ets,auto.arima "$dir/r-auto-cpu.csv"
	fi
	bin/runner score --split "$split" --train "$auto_train" --test "$auto_test" --season "$score_m" "${cols[@]}" \
		--forecasts "$dir/r-auto-forecasts.csv" --timings "$dir/r-auto-timings.csv" >>"$results"
	for model in AutoETS AutoARIMA; do
		echo "$split: $model, CPU per series" >&2
		start=$(now)
		bin/runner fit --model "$model" --input "$auto_train" --horizon "$h" --season "$m" "${cols[@]}" \
			--out "$dir/fit-$model.csv" --timings "$dir/fit-$model-cpu.csv" 2>"$dir/fit-$model.log"
		bin/runner score --split "$split" --train "$auto_train" --test "$auto_test" --season "$score_m" "${cols[@]}" \
			--forecasts "$dir/fit-$model.csv" --label "FR-$model" --seconds "$(since "$start")" >>"$results"
	done

	# label|extra flags: the tournament ranked by RMSSE (the default) and by
	# MASE, then our single models that match R's methods.
	for run in "ForecastRun|" "ForecastRun-MASE|--metric MASE" "FR-Theta|--models Theta" \
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
awk -F'\t' 'BEGIN { printf "%-10s %-18s %8s %8s %8s %9s %6s %6s %6s %8s %6s %6s\n", "split", "method", "sMAPE", "MASE", "RMSSE", "seconds", "items", "cov80", "cov95", "MSIS", "bias%", "zero%" }
	{ printf "%-10s %-18s %8s %8s %8s %9s %6s %6s %6s %8s %6s %6s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' "$results"
echo
echo "Automatic models, one series at a time on one thread: MASE and CPU per series"
printf "%-10s %-22s %6s %8s %8s %7s %12s %12s %10s %10s %7s\n" split "ours vs R" items "MASE" "R MASE" "diff%" "median ms" "R median ms" "total s" "R total s" "R/ours"
for split in $splits; do
	dir="$work/$split"
	for pair in "AutoETS ets" "AutoARIMA auto.arima"; do
		read -r ours theirs <<<"$pair"
		[[ -s "$dir/fit-$ours-cpu.csv" && -s "$dir/r-auto-cpu.csv" ]] || continue
		mase_ours=$(awk -F'\t' -v s="$split" -v m="FR-$ours" '$1 == s && $2 == m { print $4 }' "$results")
		mase_r=$(awk -F'\t' -v s="$split" -v m="$theirs" '$1 == s && $2 == m { print $4 }' "$results")
		# Per-series CPU: medians and totals over the items both sides fitted.
		awk -F, -v ours="$ours" -v theirs="$theirs" -v sp="$split" -v mo="$mase_ours" -v mr="$mase_r" '
			function median(a, n,   i, j, t) {
				for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
				return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			FNR == 1 { next }
			FILENAME ~ /fit-/ { o[$1] = $3; next }
			$2 == theirs { r[$1] = $3 }
			END {
				for (id in o) if (id in r) { n++; a[n] = o[id]; b[n] = r[id]; so += o[id]; sr += r[id] }
				if (n == 0) exit
				printf "%-10s %-22s %6d %8s %8s %+6.1f%% %12.2f %12.2f %10.1f %10.1f %6.0fx\n", sp, ours " vs " theirs, n, mo, mr,
					(mr > 0 ? 100 * (mo - mr) / mr : 0), 1000 * median(a, n), 1000 * median(b, n), so, sr, (so > 0 ? sr / so : 0)
			}' "$dir/fit-$ours-cpu.csv" "$dir/r-auto-cpu.csv"
	done
done
echo
echo "ForecastRun tournament wins per split: see $work/<split>/ForecastRun.log"
