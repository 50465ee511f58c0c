# The node's network (sourced by up.sh and down.sh): a bridge of our own
# whose address is the node's and the Pods' gateway, the two sysctls a
# Kubernetes node needs, and a guard that keeps Pod traffic on the machine.
# The sysctls' previous values are kept in DIR/run/sysctl.orig and put back
# by network_down.
# shellcheck shell=bash

guard_chain=FORECASTRUN-LOCAL
node_sysctls=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables)

# network_up DIR
network_up() {
	local dir=$1 key
	if ! ip link show "$bridge" >/dev/null 2>&1; then
		ip link add "$bridge" type bridge
	fi
	ip addr replace "$node_ip/24" dev "$bridge"
	ip link set "$bridge" up
	if [[ ! -f "$dir/run/sysctl.orig" ]]; then
		for key in "${node_sysctls[@]}"; do
			echo "$key=$(sysctl -n "$key")"
		done >"$dir/run/sysctl.orig"
	fi
	# Service addresses are reached by DNAT on the node, then forwarded back
	# onto the bridge; bridged Pod traffic must pass iptables for that.
	for key in "${node_sysctls[@]}"; do sysctl -qw "$key=1"; done
	# Pods may talk to each other and to the node; forwarding anything else
	# in or out would reach the machine's real network.
	iptables -N "$guard_chain" 2>/dev/null || iptables -F "$guard_chain"
	iptables -A "$guard_chain" -s "$pod_cidr" ! -o "$bridge" -j DROP
	iptables -A "$guard_chain" -d "$pod_cidr" ! -i "$bridge" -j DROP
	iptables -C FORWARD -j "$guard_chain" 2>/dev/null || iptables -I FORWARD 1 -j "$guard_chain"
}

# kubelet_chains are the iptables chains the kubelet adds on its own
# (kube-proxy --cleanup removes kube-proxy's).
kubelet_chains=(KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT)

# remove_kubelet_chains deletes the kubelet's chains and the rules that
# jump to them from every table, for IPv4 and IPv6, reading each table once.
remove_kubelet_chains() {
	local cmd table chain rule pattern
	pattern=$(IFS='|'; echo "${kubelet_chains[*]}")
	for cmd in iptables ip6tables; do
		command -v "$cmd" >/dev/null || continue
		for table in filter nat mangle; do
			while read -r rule; do
				# shellcheck disable=SC2086 # the rule's words are arguments
				"$cmd" -t "$table" -D ${rule#-A } 2>/dev/null || true
			done < <("$cmd" -t "$table" -S 2>/dev/null | grep -E "^-A .* -j ($pattern)\$")
			for chain in $("$cmd" -t "$table" -S 2>/dev/null | sed -nE "s/^-N ($pattern)\$/\1/p"); do
				"$cmd" -t "$table" -F "$chain" 2>/dev/null || true
				"$cmd" -t "$table" -X "$chain" 2>/dev/null || true
			done
		done
	done
}

# network_down DIR removes what network_up, the kubelet and kube-proxy
# added.
network_down() {
	local dir=$1 line
	remove_kubelet_chains
	iptables -D FORWARD -j "$guard_chain" 2>/dev/null || true
	iptables -F "$guard_chain" 2>/dev/null || true
	iptables -X "$guard_chain" 2>/dev/null || true
	ip link del "$bridge" 2>/dev/null || true
	if [[ -f "$dir/run/sysctl.orig" ]]; then
		while read -r line; do sysctl -qw "$line" || true; done <"$dir/run/sysctl.orig"
		rm -f "$dir/run/sysctl.orig"
	fi
}
