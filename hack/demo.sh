#!/usr/bin/env bash
# The local demo (`make demo`): starts a local cluster with a real node in
# .demo/ (git-ignored; hack/localcluster/up.sh), builds the operator's image
# and pushes it to the cluster's registry, installs the operator with it as
# `make deploy` does, then applies the demo runs in config/samples/demo — a
# QuickTest run, then a Full run and, while it runs, a second Full run that
# waits Queued — and streams `kubectl get forecastruns -w` until all of them
# have finished. Every runner is a container on the node, in a namespace
# where Pod Security's restricted profile is enforced.
#
#   hack/demo.sh          stop it with hack/demo-down.sh (make demo-down)
#
# Linux and root (the kubelet, containerd and the node's bridge need it).
# The first run on a machine also builds the pinned control plane and node
# (about 25 minutes cold on 2 cores); later runs start in a minute.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=localcluster/lib.sh
source "$repo/hack/localcluster/lib.sh"
cd "$repo"

demo=$repo/.demo
samples=config/samples/demo
runs=(quicktest full full-2)
t0=$SECONDS
bold='' plain=''
[[ -t 1 ]] && bold=$'\033[1m' plain=$'\033[0m'
say() { printf '\n%s== [%3ss] %s%s\n' "$bold" "$((SECONDS - t0))" "$*" "$plain"; }

# A demo that is up is left alone: say how to use it or stop it.
if pid_alive "$demo/run/kube-apiserver.pid" "$demo"; then
	cat >&2 <<EOF
A demo is already running in $demo.
  use it:   export KUBECONFIG=$demo/kubeconfig PATH=$(control_plane_bin):\$PATH; kubectl get forecastruns
  stop it:  make demo-down   (then 'make demo' starts a fresh one)
EOF
	exit 1
fi

say "building the pinned control plane and node (once per machine)"
cp_bin=$(control_plane_bin)
node_bin >/dev/null
kubectl=("$cp_bin/kubectl" --kubeconfig "$demo/kubeconfig")

# A stopped demo's state (etcd data, old results) would mix with this one;
# demo-down first stops anything a half-stopped demo left behind.
"$repo/hack/demo-down.sh" >/dev/null 2>&1 || true
rm -rf "$demo"
mkdir -p "$demo"
on_error() {
	echo "the demo failed; component logs are in $demo/logs/ (the manager's: kubectl -n forecastrun-system logs deploy/forecastrun-controller-manager). Stopping it (state kept in $demo)." >&2
	"$repo/hack/demo-down.sh" >/dev/null 2>&1 || true
}
trap on_error ERR

say "starting the local cluster in .demo/ (control plane, kubelet with containerd and runc, kube-proxy, DNS, registry)"
hack/localcluster/up.sh "$demo" | sed -n '1p'
registry=$(sed -n 's/^REGISTRY=//p' "$demo/run/cluster.env")

say "building the operator's image and pushing it to the cluster's registry"
image=$(hack/image.sh --push "$registry/forecastrun/forecastrun:dev")
echo "$image"

say "installing the operator with that image (make deploy IMG=...)"
KUBECTL=$cp_bin/kubectl KUBECONFIG=$demo/kubeconfig hack/deploy.sh "$image" >/dev/null
if ! "${kubectl[@]}" -n forecastrun-system rollout status deployment/forecastrun-controller-manager --timeout=180s >/dev/null; then
	echo "the manager did not become ready; its Pod and log:" >&2
	"${kubectl[@]}" -n forecastrun-system get pods -o wide >&2 || true
	"${kubectl[@]}" -n forecastrun-system logs deployment/forecastrun-controller-manager --tail=30 >&2 || true
	false
fi
"${kubectl[@]}" wait --for=condition=Established crd/forecastruns.forecasting.dev --timeout=60s >/dev/null
# The runs go to the default namespace; enforce the restricted profile there
# as a careful administrator would.
"${kubectl[@]}" label namespace default pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null

# phase_of RUN prints a run's phase (empty before the controller saw it).
phase_of() { "${kubectl[@]}" get forecastrun "$1" -o jsonpath='{.status.phase}' 2>/dev/null || true; }
# wait_phase RUN SECONDS PHASE... polls until RUN is in one of the phases.
wait_phase() {
	local run=$1 secs=$2 p
	shift 2
	local deadline=$((SECONDS + secs))
	while ((SECONDS < deadline)); do
		p=$(phase_of "$run")
		for want in "$@"; do [[ "$p" == "$want" ]] && return 0; done
		sleep 0.5
	done
	echo "run $run is '$p' after ${secs}s, not $*; message: $("${kubectl[@]}" get forecastrun "$run" -o jsonpath='{.status.message}')" >&2
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
wait_phase full 180 Running Succeeded Failed
"${kubectl[@]}" apply -f "$samples/full-2.yaml" >/dev/null

# Stream until every run is final; the watch itself never ends.
deadline=$((SECONDS + 1200))
until all_final "${runs[@]}"; do
	if ((SECONDS > deadline)); then
		echo "runs not finished after 20 minutes; see $demo/logs/ and the manager's log" >&2
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
"${kubectl[@]}" get pods -o wide
echo
volume=$("${kubectl[@]}" get pvc forecast-results -o jsonpath='{.spec.volumeName}')
out=$("${kubectl[@]}" get pv "$volume" -o jsonpath='{.spec.hostPath.path}')/runs
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
Manager log: kubectl -n forecastrun-system logs deploy/forecastrun-controller-manager
Cluster logs: $demo/logs/ (every component; Pod logs in $demo/logs/pods/)
Stop everything: make demo-down
EOF
