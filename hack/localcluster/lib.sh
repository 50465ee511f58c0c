# Shared helpers for the local cluster scripts (sourced, not run).
# shellcheck shell=bash

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The node's network. The bridge, its addresses and the Service range exist
# only on this machine; Pods get routes to these two ranges and nothing
# else, so no traffic leaves the machine.
bridge=${LOCALCLUSTER_BRIDGE:-frbr0}
node_ip=10.201.0.1         # the bridge: the node's address, the Pods' gateway
pod_cidr=10.201.0.0/24
service_cidr=10.202.0.0/24
kubernetes_service_ip=10.202.0.1
dns_service_ip=10.202.0.10
node_name=local-node
# The cgroup below which the kubelet puts every Pod, so that teardown finds
# them all.
cgroup_root=forecastrun-local
# One local cluster per machine: the bridge, iptables rules and the cgroup
# root are machine-wide. The owner file names the folder of the one running.
owner_file=/run/forecastrun-localcluster.owner
# up.sh and down.sh hold this lock while they change the machine, so that
# two of them never work on the bridge or the owner file at once.
lock_file=/run/forecastrun-localcluster.lock

# hold_machine_lock takes the lock on file descriptor 9 for the rest of the
# script, waiting up to $1 seconds for another up.sh or down.sh to finish.
hold_machine_lock() {
	exec 9>"$lock_file"
	if ! flock -w "$1" 9; then
		echo "error: another local cluster is starting or stopping on this machine (it holds $lock_file); try again when it is done" >&2
		return 1
	fi
}

# control_plane_bin prints the folder holding the pinned etcd,
# kube-apiserver, kube-controller-manager and kubectl; node_bin the folder
# of the node's binaries. CONTROL_PLANE_BIN and NODE_BIN override them;
# otherwise the build scripts build what is missing and print the folder.
control_plane_bin() {
	if [[ -n "${CONTROL_PLANE_BIN:-}" ]]; then
		echo "$CONTROL_PLANE_BIN"
		return
	fi
	"$repo_root/hack/build-control-plane.sh"
}
node_bin() {
	if [[ -n "${NODE_BIN:-}" ]]; then
		echo "$NODE_BIN"
		return
	fi
	"$repo_root/hack/build-node.sh"
}

# take_port prints a free TCP port between 10000 and both the kernel's
# ephemeral range and the NodePort range (30000), so that no outgoing
# connection can take it between this check and the server's bind; ports
# handed out earlier by this shell are skipped.
taken_ports=" "
take_port() {
	local low p
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	((low > 30000)) && low=30000
	for _ in $(seq 1 500); do
		p=$((10000 + RANDOM % (low - 10000)))
		[[ $taken_ports == *" $p "* ]] && continue
		if port_free "$p"; then
			taken_ports+="$p "
			echo "$p"
			return 0
		fi
	done
	echo "error: no free port found below $low" >&2
	return 1
}

# port_free tells whether no socket on any address uses TCP port $1.
port_free() {
	if command -v ss >/dev/null; then
		[[ -z "$(ss -Htan "( sport = :$1 )")" ]]
	else
		! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

# pid_alive tells whether the pid in file $1 is a live process whose command
# line mentions $2 (the state folder), so a recycled pid is never killed.
pid_alive() {
	local pidfile=$1 marker=$2 pid
	[[ -f "$pidfile" ]] || return 1
	pid=$(cat "$pidfile")
	[[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"
}

# stop_pidfile sends SIGTERM to the process in $1 (when it is ours), waits up
# to $3 seconds, then SIGKILLs it, and removes the pid file.
stop_pidfile() {
	stop_pidfiles "$2" "${3:-10}" "$1"
}

# stop_pidfiles MARKER SECONDS PIDFILE... stops several processes at once:
# SIGTERM to all, up to SECONDS for all of them to exit, then SIGKILL to
# those left.
stop_pidfiles() {
	local marker=$1 wait_s=$2 f pids=() pid alive
	shift 2
	for f in "$@"; do
		pid_alive "$f" "$marker" && pids+=("$(cat "$f")")
	done
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	# A deadline on the clock, not a count of sleeps: on a loaded machine
	# each sleep takes longer than it says.
	local deadline=$((SECONDS + wait_s))
	while ((SECONDS < deadline)); do
		alive=0
		for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
		((alive)) || break
		sleep 0.2
	done
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
	rm -f "$@"
}

# start_bg runs a command in the background with its output in
# DIR/logs/NAME.log and its pid in DIR/run/NAME.pid. setsid detaches it from
# the caller's job control so the caller's Ctrl-C does not take the cluster
# down by surprise; it does not inherit the machine lock's descriptor, which
# would otherwise stay locked for as long as it runs.
start_bg() {
	local name=$1 dir=$2
	shift 2
	setsid "$@" >"$dir/logs/$name.log" 2>&1 </dev/null 9>&- &
	echo $! >"$dir/run/$name.pid"
}

# wait_for DIR NAME SECONDS CMD... polls CMD until it succeeds. It fails
# early when the process NAME died, and on a timeout, printing the last
# lines of NAME's log and of CMD's own output: every start-up failure says
# why.
wait_for() {
	local dir=$1 name=$2 secs=$3 out
	shift 3
	local deadline=$((SECONDS + secs))
	while ((SECONDS < deadline)); do
		out=$("$@" 2>&1) && return 0
		if ! pid_alive "$dir/run/$name.pid" "$dir"; then
			echo "error: $name exited during start-up; last lines of $dir/logs/$name.log:" >&2
			tail -n 30 "$dir/logs/$name.log" >&2
			return 1
		fi
		sleep 0.5
	done
	echo "error: $name not ready after ${secs}s (the check '$*' said: ${out:-nothing}); last lines of $dir/logs/$name.log:" >&2
	tail -n 30 "$dir/logs/$name.log" >&2
	return 1
}
