#!/usr/bin/env bash
# Builds the local cluster's node and its services from pinned upstream Go
# modules into a per-user cache folder keyed by their versions, so that
# every clone on this machine reuses one build:
#
#   kube-scheduler, kubelet, kube-proxy   k8s.io/kubernetes (hack/controlplane, as the control plane)
#   containerd, containerd-shim-runc-v2, ctr   hack/node/containerd
#   runc (cgo, seccomp; needs libseccomp-dev)  hack/node/runc
#   registry (CNCF distribution)               hack/node/registry
#   coredns (cluster DNS)                      hack/node/coredns
#   provisioner (claims as folders on the node) hack/node/provisioner
#
#   hack/build-node.sh            build what is missing, print the folder
#   hack/build-node.sh --print    print the folder only
#
# Nothing is downloaded except through the Go module proxy.
set -euo pipefail
# shellcheck source=lib/build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build.sh"
node=$hack_dir/node

containerd_version=$(module_version "$node/containerd" github.com/containerd/containerd/v2)
runc_version=$(module_version "$node/runc" github.com/opencontainers/runc)
registry_version=$(module_version "$node/registry" github.com/distribution/distribution/v3)
coredns_version=$(module_version "$node/coredns" github.com/coredns/coredns)
dest="$cache_root/node/k8s-${k8s_version}_containerd-${containerd_version}_runc-${runc_version}"
# The mains and module files under hack/node are ours: their hash is part of
# the key, so a change to any of them rebuilds.
local_version=$(cat "$node"/*/{go.mod,go.sum} "$node"/*/main.go 2>/dev/null | sha256sum | cut -c1-12)
dest+="_registry-${registry_version}_coredns-${coredns_version}_hack-${local_version}_${platform}"

if [[ "${1:-}" == "--print" ]]; then
	echo "$dest"
	exit 0
fi

kube=(kube-scheduler kubelet kube-proxy)
runtime=(containerd containerd-shim-runc-v2 ctr)
binaries=("${kube[@]}" "${runtime[@]}" runc registry coredns provisioner)
if all_present "$dest" "${binaries[@]}"; then
	echo "$dest"
	exit 0
fi

if ! [[ -f /usr/include/seccomp.h ]]; then
	echo "error: runc is built with seccomp support and needs libseccomp's headers: apt-get install -y libseccomp-dev" >&2
	exit 1
fi

echo "building the local node (kubelet ${k8s_version}, containerd ${containerd_version}, runc ${runc_version}, registry ${registry_version}, coredns ${coredns_version}) into $dest; about 10 minutes cold on 2 cores" >&2
mkdir -p "$dest"
tmp=$(mktemp -d "$dest.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS

if ! all_present "$dest" "${kube[@]}"; then
	for cmd in "${kube[@]}"; do
		(cd "$hack_dir/controlplane" && CGO_ENABLED=0 go build -trimpath -ldflags "$(kube_ldflags)" \
			-o "$tmp/$cmd" "k8s.io/kubernetes/cmd/$cmd")
	done
	install_built "$tmp" "$dest" "${kube[@]}"
fi
if ! all_present "$dest" "${runtime[@]}"; then
	# No btrfs, devmapper or zfs snapshotters: overlayfs is what the node
	# uses, and the others need C headers.
	for cmd in "${runtime[@]}"; do
		(cd "$node/containerd" && CGO_ENABLED=0 go build -trimpath -tags "no_btrfs no_devmapper no_zfs" \
			-ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=${containerd_version}" \
			-o "$tmp/$cmd" "github.com/containerd/containerd/v2/cmd/$cmd")
	done
	install_built "$tmp" "$dest" "${runtime[@]}"
fi
if ! all_present "$dest" runc; then
	# Debian's runc 1.1 cannot start containerd 2's containers here; the
	# module's runc with seccomp (RuntimeDefault profiles) can.
	(cd "$node/runc" && CGO_ENABLED=1 go build -trimpath -tags seccomp \
		-ldflags "-s -w -X main.version=${runc_version#v}" -o "$tmp/runc" github.com/opencontainers/runc)
	install_built "$tmp" "$dest" runc
fi
if ! all_present "$dest" registry; then
	(cd "$node/registry" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/registry" .)
	install_built "$tmp" "$dest" registry
fi
if ! all_present "$dest" coredns; then
	(cd "$node/coredns" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/coredns" .)
	install_built "$tmp" "$dest" coredns
fi
if ! all_present "$dest" provisioner; then
	(cd "$node/provisioner" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/provisioner" .)
	install_built "$tmp" "$dest" provisioner
fi
echo "local node built in $((SECONDS - start))s" >&2
echo "$dest"
