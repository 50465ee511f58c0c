#!/usr/bin/env bash
# The local demo (`make demo`): builds the manager and runner, starts a local
# control plane and node agent in .demo/ (git-ignored), installs the CRD,
# runs the manager as a local process, then applies the demo runs in
# config/samples/demo — a QuickTest run, then a Full run and, while it runs,
# a second Full run that waits Queued — and streams
# `kubectl get forecastruns -w` until all of them have finished.
#
#   hack/demo.sh          stop it with hack/demo-down.sh (make demo-down)
#
# The first run on a machine also builds the pinned control plane (about 5
# minutes on 2 cores); later runs start in seconds.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=localcluster/lib.sh
source "$repo/hack/localcluster/lib.sh"
cd "$repo"

demo=$repo/.demo
image=ghcr.io/forecastrun/forecastrun:dev
samples=config/samples/demo
runs=(quicktest full full-2)
t0=$SECONDS
bold='' plain=''
[[ -t 1 ]] && bold=$'\033[1m' plain=$'\033[0m'
say() { printf '\n%s== [%3ss] %s%s\n' "$bold" "$((SECONDS - t0))" "$*" "$plain"; }

# A demo that is up is left alone: say how to use it or stop it.
if pid_alive "$demo/run/manager.pid" "$demo" || pid_alive "$demo/run/kube-apiserver.pid" "$demo"; then
	cat >&2 <<EOF
A demo is already running in $demo.
  use it:   export KUBECONFIG=$demo/kubeconfig PATH=$(control_plane_bin):\$PATH; kubectl get forecastruns
  stop it:  make demo-down   (then 'make demo' starts a fresh one)
EOF
	exit 1
fi

say "building the pinned control plane (once per machine), the manager and the runner"
cp_bin=$(control_plane_bin)
CGO_ENABLED=0 go build -o bin/manager ./cmd/manager
CGO_ENABLED=0 go build -o bin/runner ./cmd/runner
kubectl=("$cp_bin/kubectl" --kubeconfig "$demo/kubeconfig")

# A stopped demo's state (etcd data, old results) would mix with this one;
# demo-down first stops anything a half-stopped demo left behind.
"$repo/hack/demo-down.sh" >/dev/null 2>&1 || true
rm -rf "$demo"
mkdir -p "$demo"
on_error() {
	echo "the demo failed; logs: $demo/logs/, $demo/manager.log. Stopping it (state kept in $demo)." >&2
	"$repo/hack/demo-down.sh" >/dev/null 2>&1 || true
}
trap on_error ERR

say "starting the local cluster in .demo/ (etcd, kube-apiserver, kube-controller-manager, node agent)"
# The runner image resolves to bin/, where `runner` was just built.
hack/localcluster/up.sh "$demo" --image-map "$image=$repo/bin" | sed -n '1p'

say "installing the ForecastRun CRD"
"${kubectl[@]}" apply --server-side -f config/crd/bases >/dev/null
"${kubectl[@]}" wait --for=condition=Established crd/forecastruns.forecasting.dev --timeout=60s >/dev/null

say "starting the manager (log: .demo/manager.log)"
probe=$(free_port)
start_bg manager "$demo" "$repo/bin/manager" --kubeconfig "$demo/kubeconfig" --runner-image "$image" \
	--metrics-bind-address "127.0.0.1:$(free_port)" --health-probe-bind-address "127.0.0.1:$probe"
ln -s logs/manager.log "$demo/manager.log"
# ready asks /readyz with bash alone: a fresh machine may lack curl.
ready() {
	local status
	exec 3<>"/dev/tcp/127.0.0.1/$probe" || return 1
	printf 'GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
	read -r _ status _ <&3 || true
	exec 3>&-
	[[ "$status" == 200 ]]
}
for i in $(seq 1 120); do
	ready 2>/dev/null && break
	pid_alive "$demo/run/manager.pid" "$demo" || { tail -n 20 "$demo/manager.log" >&2; false; }
	[[ $i == 120 ]] && { echo "the manager was not ready after 60s; see $demo/manager.log" >&2; false; }
	sleep 0.5
done

# phase_of RUN prints a run's phase (empty before the controller saw it).
phase_of() { "${kubectl[@]}" get forecastrun "$1" -o jsonpath='{.status.phase}' 2>/dev/null || true; }
# wait_phase RUN SECONDS PHASE... polls until RUN is in one of the phases.
wait_phase() {
	local run=$1 secs=$2 p
	shift 2
	for _ in $(seq 1 $((secs * 2))); do
		p=$(phase_of "$run")
		for want in "$@"; do [[ "$p" == "$want" ]] && return 0; done
		sleep 0.5
	done
	echo "run $run is '$p' after ${secs}s, not $*; see $demo/manager.log" >&2
	return 1
}
final() { [[ "$1" =~ ^(Succeeded|Failed|Rejected|Cancelled)$ ]]; }
all_final() {
	local r
	for r in "$@"; do final "$(phase_of "$r")" || return 1; done
}

say "applying the QuickTest run and the results claim; watching: kubectl get forecastruns -w"
"${kubectl[@]}" apply -f "$samples/results-pvc.yaml" -f "$samples/quicktest.yaml" >/dev/null
"${kubectl[@]}" get forecastruns -w &
watch_pid=$!
trap 'kill "$watch_pid" 2>/dev/null || true' EXIT
trap 'echo; echo "stopped watching; the demo keeps running (make demo-down stops it)"; exit 130' INT
wait_phase quicktest 300 Succeeded Failed

echo "-- applying the Full run; a second Full run follows once it runs, and waits Queued"
"${kubectl[@]}" apply -f "$samples/full.yaml" >/dev/null
wait_phase full 120 Running Succeeded Failed
"${kubectl[@]}" apply -f "$samples/full-2.yaml" >/dev/null

# Stream until every run is final; the watch itself never ends.
deadline=$((SECONDS + 1200))
until all_final "${runs[@]}"; do
	if ((SECONDS > deadline)); then
		echo "runs not finished after 20 minutes; see $demo/manager.log and $demo/logs/" >&2
		false
	fi
	sleep 2
done
kill "$watch_pid" 2>/dev/null || true
wait "$watch_pid" 2>/dev/null || true
trap - EXIT ERR INT

say "all runs finished"
"${kubectl[@]}" get forecastruns -o wide
echo
out=$demo/pvc/default/forecast-results/runs
for r in "${runs[@]}"; do
	read -r phase start end <<<"$("${kubectl[@]}" get forecastrun "$r" \
		-o jsonpath='{.status.phase} {.status.startTime} {.status.completionTime}')"
	wall=""
	[[ -n "${start:-}" && -n "${end:-}" ]] && wall=", $(($(date -d "$end" +%s) - $(date -d "$start" +%s)))s from start to completion"
	echo "$r: $phase$wall"
	echo "  results: $out/$r/  (forecasts.csv, leaderboard.csv, summary.json)"
	echo "  report:  $out/$r/report.html"
done
cat <<EOF

Point kubectl at the demo cluster:
  export KUBECONFIG=$demo/kubeconfig
  export PATH=$cp_bin:\$PATH   # the pinned kubectl
  kubectl get forecastruns -o wide
  kubectl apply -f $samples/quicktest.yaml   # after 'kubectl delete fr quicktest', to run it again
Manager log: $demo/manager.log; cluster logs: $demo/logs/
Stop everything: make demo-down
EOF
