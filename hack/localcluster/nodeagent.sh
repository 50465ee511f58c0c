#!/usr/bin/env bash
# Builds (when its sources changed) and starts the node agent against the
# local cluster in DIR, in the background with DIR/run/nodeagent.pid and
# DIR/logs/nodeagent.log. up.sh calls it; call it yourself after
# `NODEAGENT=0 up.sh DIR` or to restart the agent with other flags
# (`nodeagent.sh --stop DIR` stops only the agent).
#
#   hack/localcluster/nodeagent.sh DIR [nodeagent flags...]
#   hack/localcluster/nodeagent.sh --stop DIR
#
# The binary goes to bin/nodeagent in the repository (git-ignored).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

if [[ "${1:-}" == "--stop" ]]; then
	dir=$(cd "$2" && pwd)
	stop_pidfile "$dir/run/nodeagent.pid" "$dir" 40
	exit 0
fi
if [[ $# -lt 1 ]]; then
	echo "usage: $0 DIR [nodeagent flags...] | $0 --stop DIR" >&2
	exit 2
fi
dir=$(cd "$1" && pwd)
shift
if pid_alive "$dir/run/nodeagent.pid" "$dir"; then
	echo "error: the node agent is already running (pid $(cat "$dir/run/nodeagent.pid")); $0 --stop $dir first" >&2
	exit 1
fi

agent=${NODEAGENT_BIN:-$repo_root/bin/nodeagent}
src=$repo_root/hack/nodeagent
if [[ -z "${NODEAGENT_BIN:-}" ]] && { [[ ! -x "$agent" ]] || [[ -n "$(find "$src" -newer "$agent" -type f -print -quit)" ]]; }; then
	echo "building the node agent into $agent" >&2
	(cd "$src" && go build -o "$agent" .)
fi

port=$(free_port)
mkdir -p "$dir/logs" "$dir/run"
start_bg nodeagent "$dir" "$agent" \
	--kubeconfig "$dir/kubeconfig" --state-dir "$dir" --node-name local-node \
	--listen "127.0.0.1:$port" \
	--tls-cert "$dir/pki/nodeagent.crt" --tls-key "$dir/pki/nodeagent.key" --client-ca "$dir/pki/ca.crt" \
	"$@"

# Ready means the Node object reports Ready (the agent marks it so once its
# pod and node controllers run).
kc=("$(control_plane_bin)/kubectl" --kubeconfig "$dir/kubeconfig")
for _ in $(seq 1 120); do
	if [[ "$("${kc[@]}" get node local-node -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]; then
		echo "node agent ready (node local-node, pid $(cat "$dir/run/nodeagent.pid"), log $dir/logs/nodeagent.log)" >&2
		exit 0
	fi
	if ! pid_alive "$dir/run/nodeagent.pid" "$dir"; then
		echo "error: the node agent exited; last lines of $dir/logs/nodeagent.log:" >&2
		tail -n 20 "$dir/logs/nodeagent.log" >&2
		exit 1
	fi
	sleep 0.5
done
echo "error: node local-node not Ready after 60s; see $dir/logs/nodeagent.log" >&2
exit 1
