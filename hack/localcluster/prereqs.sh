# What the machine must offer a real node (sourced by up.sh), each missing
# piece reported with what to install, and the machine-wide pieces one
# cluster owns: the owner file and the cgroup root.
# shellcheck shell=bash

# check_prereqs fails with one message listing everything that is missing.
check_prereqs() {
	local missing=() cmd
	[[ $(id -u) == 0 ]] || missing+=("root: the kubelet, containerd and the bridge need it (run as root, or with sudo -E)")
	for cmd in openssl iptables ip sysctl; do
		command -v "$cmd" >/dev/null || missing+=("$cmd (apt-get install -y openssl iptables iproute2 procps)")
	done
	command -v conntrack >/dev/null || missing+=("conntrack, which kube-proxy calls (apt-get install -y conntrack)")
	cni_bin_dir >/dev/null || missing+=("the CNI plugins bridge, host-local, loopback and portmap (apt-get install -y containernetworking-plugins)")
	[[ -f /usr/include/seccomp.h ]] || missing+=("libseccomp's headers, for runc (apt-get install -y libseccomp-dev)")
	grep -qw overlay /proc/filesystems || missing+=("the overlay filesystem in the kernel (containerd's snapshotter)")
	[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || missing+=("br_netfilter in the kernel (modprobe br_netfilter)")
	[[ -d /sys/fs/cgroup/memory || -f /sys/fs/cgroup/cgroup.controllers ]] || missing+=("a memory cgroup")
	((${#missing[@]} == 0)) && return 0
	echo "error: this machine cannot run the local node; missing:" >&2
	printf '  - %s\n' "${missing[@]}" >&2
	return 1
}

# cni_bin_dir prints the folder of the CNI plugins (Debian's, or the
# conventional /opt/cni/bin).
cni_bin_dir() {
	local d
	for d in "${CNI_BIN_DIR:-}" /usr/lib/cni /opt/cni/bin; do
		[[ -n "$d" && -x "$d/bridge" && -x "$d/host-local" && -x "$d/portmap" ]] && { echo "$d"; return 0; }
	done
	return 1
}

# refuse_second_cluster DIR fails when a cluster in DIR or in another folder
# is running; a dead one's leftovers (bridge, rules, cgroups, mounts) are
# cleaned up first.
refuse_second_cluster() {
	local dir=$1 other
	other=$(cat "$owner_file" 2>/dev/null || true)
	[[ -n "$other" ]] || return 0
	if [[ -d "$other" ]] && pid_alive "$other/run/kube-apiserver.pid" "$other"; then
		if [[ "$other" == "$dir" ]]; then
			echo "error: a local cluster is already running in $dir; run $repo_root/hack/localcluster/down.sh $dir first" >&2
		else
			echo "error: another local cluster runs on this machine, in $other (the demo or an e2e run); one at a time, since the node's bridge, iptables rules and cgroups are machine-wide. Stop it with: $repo_root/hack/localcluster/down.sh $other" >&2
		fi
		return 1
	fi
	echo "cleaning up after the local cluster that was in $other" >&2
	LOCALCLUSTER_LOCK_HELD=1 "$repo_root/hack/localcluster/down.sh" "$other" >/dev/null 2>&1 || true
}

# make_cgroup_root creates the kubelet's cgroup root in every cgroup v1
# hierarchy (the kubelet expects it to exist); cpuset needs its CPUs and
# memory nodes copied from the parent before anything can join it.
#
# The root gets the CPU weight of a whole machine (1024 shares per CPU).
# With the default weight the scheduler counts the node's every Pod
# together as one busy process: on this shared machine a single build or
# test process beside it took half the CPU, and the demo's Full run took
# 135 s in its Pod against 47 s for `runner local` on the same data.
make_cgroup_root() {
	local h cpus
	cpus=$(nproc)
	if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
		mkdir -p "/sys/fs/cgroup/$cgroup_root"
		echo $((cpus > 100 ? 10000 : cpus * 100)) >"/sys/fs/cgroup/$cgroup_root/cpu.weight" 2>/dev/null || true
		return
	fi
	for h in /sys/fs/cgroup/*/; do
		[[ -f "$h/cgroup.procs" ]] || continue
		mkdir -p "$h$cgroup_root"
	done
	if [[ -d /sys/fs/cgroup/cpuset/$cgroup_root ]]; then
		cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$cgroup_root/cpuset.cpus"
		cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$cgroup_root/cpuset.mems"
	fi
	if [[ -f /sys/fs/cgroup/cpu/$cgroup_root/cpu.shares ]]; then
		echo $((cpus * 1024)) >"/sys/fs/cgroup/cpu/$cgroup_root/cpu.shares"
	fi
}
