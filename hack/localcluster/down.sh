#!/usr/bin/env bash
# Stops what hack/localcluster/up.sh DIR started and removes what it added
# to the machine: every Pod's processes, containerd's shims and mounts, the
# Pods' network namespaces, the bridge, kube-proxy's and our iptables rules,
# the cgroup root, and the owner file. Safe to run twice and on a
# half-started cluster; only processes whose pid files are in DIR/run and
# whose command lines mention DIR are signalled. Data (etcd/, volumes/,
# registry/, logs/) stays; delete DIR to start from scratch.
#
#   hack/localcluster/down.sh DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=network.sh
source "$here/network.sh"

if [[ $# -ne 1 ]]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
if [[ ! -d "$1" ]]; then
	echo "nothing to stop: $1 does not exist"
	exit 0
fi
dir=$(cd "$1" && pwd)
# up.sh holds the lock already when it cleans up after a dead cluster, or
# when it stops what it started after a failure.
[[ -n "${LOCALCLUSTER_LOCK_HELD:-}" ]] || hold_machine_lock 120

# kill_cgroup_tree sends SIGKILL to every process below the kubelet's cgroup
# root (the Pods' containers and sandboxes) and removes the cgroups.
kill_cgroup_tree() {
	local roots=() r
	mapfile -t roots < <(find /sys/fs/cgroup -maxdepth 2 -type d -name "$cgroup_root" 2>/dev/null)
	for _ in 1 2 3; do
		for r in "${roots[@]}"; do
			find "$r" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
		done
		sleep 0.2
	done
	for r in "${roots[@]}"; do
		find "$r" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
}

# kill_marked SIGNAL kills the processes whose command line names DIR: the
# containerd shims, which outlive containerd by design.
kill_marked() {
	local pid
	for pid in $(pgrep -f "containerd-shim-runc-v2 .*$dir/run/containerd.sock" || true); do
		kill "-$1" "$pid" 2>/dev/null || true
	done
}

# unmount_below DIR unmounts everything mounted below DIR, deepest first:
# volumes, projected tokens, overlay root filesystems, network namespaces.
unmount_below() {
	local m
	for _ in 1 2 3; do
		mapfile -t mounts < <(awk -v d="$1/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
		((${#mounts[@]} == 0)) && return 0
		for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
	done
}

node_bin_dir=${NODE_BIN:-$("$repo_root/hack/build-node.sh" --print)}
# The kubelet with the controllers, so that nothing restarts a container;
# then the Pods' processes, then containerd and its shims.
stop_pidfiles "$dir" 10 "$dir"/run/{provisioner,coredns,kube-proxy,kube-scheduler,kube-controller-manager,kubelet}.pid
kill_cgroup_tree
stop_pidfile "$dir/run/containerd.pid" "$dir" 10
kill_marked KILL
unmount_below "$dir"
# The API server before the network: it listens on the bridge's address
# and talks to itself there while it shuts down.
stop_pidfiles "$dir" 20 "$dir"/run/{registry,kube-apiserver}.pid
stop_pidfile "$dir/run/etcd.pid" "$dir" 10
if [[ -x "$node_bin_dir/kube-proxy" ]]; then
	"$node_bin_dir/kube-proxy" --cleanup >/dev/null 2>&1 || true
fi
network_down "$dir"
if [[ "$(cat "$owner_file" 2>/dev/null)" == "$dir" ]]; then
	rm -f "$owner_file"
fi
echo "local cluster in $dir stopped"
