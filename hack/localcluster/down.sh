#!/usr/bin/env bash
# Stops what hack/localcluster/up.sh DIR started, newest first. Safe to run
# twice and on a half-started cluster; only processes whose pid files are in
# DIR/run and whose command lines mention DIR are signalled. Data (etcd/,
# pvc/, logs/) stays; delete DIR to start from scratch.
#
#   hack/localcluster/down.sh DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

if [[ $# -ne 1 ]]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
if [[ ! -d "$1" ]]; then
	echo "nothing to stop: $1 does not exist"
	exit 0
fi
dir=$(cd "$1" && pwd)
# The agent gets longest: it kills its Pods' processes on the way out.
stop_pidfile "$dir/run/nodeagent.pid" "$dir" 40
stop_pidfile "$dir/run/kube-controller-manager.pid" "$dir" 10
stop_pidfile "$dir/run/kube-apiserver.pid" "$dir" 20
stop_pidfile "$dir/run/etcd.pid" "$dir" 10
echo "local cluster in $dir stopped"
