# Shared helpers for the local cluster scripts (sourced, not run).
# shellcheck shell=bash

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# control_plane_bin prints the folder holding the pinned etcd, kube-apiserver,
# kube-controller-manager and kubectl. CONTROL_PLANE_BIN overrides it so a
# caller (e.g. CI with a restored cache) can point elsewhere; otherwise the
# build script builds them when missing and prints the folder.
control_plane_bin() {
	if [[ -n "${CONTROL_PLANE_BIN:-}" ]]; then
		echo "$CONTROL_PLANE_BIN"
		return
	fi
	"$repo_root/hack/build-control-plane.sh"
}

# free_port prints a loopback TCP port nobody is listening on. It only probes
# with a connect (no python or ss needed); the tiny race with another process
# grabbing the port is acceptable for test tooling.
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
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
	local pidfile=$1 marker=$2 wait_s=${3:-10} pid
	if pid_alive "$pidfile" "$marker"; then
		pid=$(cat "$pidfile")
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 $((wait_s * 10))); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$pidfile"
}

# start_bg runs a command in the background with its output in a log file and
# its pid in a pid file. setsid detaches it from the caller's job control so
# the caller's Ctrl-C does not take the cluster down by surprise.
start_bg() {
	local name=$1 dir=$2
	shift 2
	setsid "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
	echo $! >"$dir/run/$name.pid"
}
