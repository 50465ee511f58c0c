#!/usr/bin/env bash
# Runs a large synthetic dataset through `runner job` as one Pod and as an
# Indexed Job of SHARDS shards, each shard a process on this machine
# against the pinned control plane (as the Job's Pods would run on as many
# nodes), and prints each process's wall time, CPU seconds and peak
# resident memory (getrusage), the merge's alone, the ratios, and whether
# the sharded run's forecasts and leaderboard equal the one-Pod run's.
#
#   hack/bench-scale.sh                      # 1,000,000 items × 60 days, 16 shards
#   ITEMS=100000 SHARDS=32 FORMAT=parquet hack/bench-scale.sh
#
# ITEMS, PERIODS (daily), SHARDS, MODELS (comma-separated, or "default"
# for the default set), FORMAT (csv or parquet) and WORK (the folder for
# the dataset and results, kept for a rerun) may be set;
# SHARD_GOMEMLIMIT (e.g. 512MiB) gives each shard of the sharded run the
# soft memory limit a Pod's memory limit would give it (the runner sets
# 90% of the container's limit); PROFILES (a folder) has every process
# write its CPU profile there, as <run>-<shard>.pprof and merge.pprof (go
# tool pprof reads them with $WORK/runner).
# Every process runs at once, so on a small machine the wall times are
# shared: compare CPU seconds.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

items=${ITEMS:-1000000}
periods=${PERIODS:-60}
shards=${SHARDS:-16}
models=${MODELS:-Naive,SES}
format=${FORMAT:-csv}
work=${WORK:-/tmp/forecastrun-bench-scale}

export KUBEBUILDER_ASSETS=${KUBEBUILDER_ASSETS:-$(hack/build-control-plane.sh --print)}
mkdir -p "$work"
go build -o "$work/runner" ./cmd/runner
data="sales-${items}x${periods}.${format}"
if [[ ! -s $work/$data ]]; then
	/usr/bin/time -f "generated in %e s, peak %M KB" "$work/runner" generate --items "$items" --periods "$periods" --seed 1 --out "$work/$data"
fi
rm -rf "$work/out" "$work/kubeconfig"
echo "dataset: $items items × $periods daily periods, $(du -h "$work/$data" | cut -f1) of $format; models $models; $shards shards; load $(cut -d' ' -f1-3 /proc/loadavg)"
go run ./hack/benchscale --runner "$work/runner" --dir "$work" --file "$data" --models "$models" --shards "$shards" --shard-memlimit "${SHARD_GOMEMLIMIT:-}" --profiles "${PROFILES:-}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
