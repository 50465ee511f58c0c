#!/usr/bin/env bash
# Measures what one progress step of a lock's holder costs the manager with
# 10, 100 and 1,000 runs queued behind it, for a base revision (today's
# main) and this tree side by side in one run: the controllers package's
# BenchmarkHolderProgressTick against the pinned kube-apiserver and etcd
# (envtest). Per size it prints the manager's API writes and requests of
# every verb per step, its CPU per step (the test process: the manager and
# the little the benchmark does), its heap after a collection and its RSS
# with the runs in its cache, and the writes it took to queue the runs.
#
# The base is extracted with `git archive` into a temporary folder and gets
# this tree's benchmark and the test harness it needs (suite_test.go and
# queuescale_test.go), so nothing in this tree changes. A base whose queue
# does not settle within SETTLE (per size, and per step) is reported as
# such; sizes after it are not tried.
#
#   hack/bench-controller.sh                      # base main, 10 100 1000
#   BASE=HEAD~2 SIZES="10 100" SETTLE=5m TICKS=3 hack/bench-controller.sh
#   SKIP_BASE=1 hack/bench-controller.sh          # this tree only
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

base=${BASE:-main}
sizes=${SIZES:-"10 100 1000"}
settle=${SETTLE:-3m}
ticks=${TICKS:-10}
assets=$(hack/build-control-plane.sh --print)
harness=(controllers/suite_test.go controllers/queuescale_test.go controllers/queuescale_bench_test.go)

# bench DIR LABEL: runs the benchmark in DIR, one size at a time, and stops
# at the first size that does not settle.
bench() {
	local dir=$1 label=$2 n out
	echo "== $label"
	for n in $sizes; do
		out=$(cd "$dir" && FORECASTRUN_BENCH_QUEUES=$n FORECASTRUN_BENCH_SETTLE=$settle FORECASTRUN_BENCH_TICKS=$ticks KUBEBUILDER_ASSETS=$assets \
			go test ./controllers/ -run '^$' -bench '^BenchmarkHolderProgressTick$' -benchtime=1x -count=1 -timeout 0 2>&1 |
			grep -E '^(Benchmark|    queuescale|--- FAIL)' || true)
		echo "$out" | sed "s/^/$label  /"
		if ! grep -q '^Benchmark.*writes/tick' <<<"$out"; then
			echo "$label  queued=$n did not settle within $SETTLE; larger sizes not tried" | sed "s/\$SETTLE/$settle/"
			break
		fi
	done
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -z ${SKIP_BASE:-} ]]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	git archive "$base" | tar -x -C "$tmp"
	cp "${harness[@]}" "$tmp/controllers/"
	bench "$tmp" "base($base)"
fi
bench . "this($(git rev-parse --short HEAD))"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
