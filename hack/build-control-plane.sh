#!/usr/bin/env bash
# Builds the pinned local control plane (etcd, kube-apiserver,
# kube-controller-manager and kubectl) from upstream Go modules pinned in
# hack/controlplane/go.mod, into a per-user cache folder keyed by version so
# that every clone on this machine reuses one build. envtest (make test)
# needs only these; the local cluster's node is hack/build-node.sh.
#
#   hack/build-control-plane.sh            build when missing, print the folder
#   hack/build-control-plane.sh --print    print the folder only
#
# Nothing is downloaded except through the Go module proxy.
set -euo pipefail
# shellcheck source=lib/build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build.sh"
mod="$hack_dir/controlplane"

etcd_version=$(module_version "$mod" go.etcd.io/etcd/server/v3)
dest="$cache_root/controlplane/k8s-${k8s_version}_etcd-${etcd_version}_${platform}"

if [[ "${1:-}" == "--print" ]]; then
	echo "$dest"
	exit 0
fi

binaries=(etcd kube-apiserver kube-controller-manager kubectl)
if all_present "$dest" "${binaries[@]}"; then
	echo "$dest"
	exit 0
fi

echo "building control plane ${k8s_version} (etcd ${etcd_version}) into $dest; about 15 minutes cold on 2 cores" >&2
mkdir -p "$dest"
tmp=$(mktemp -d "$dest.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cd "$mod"
export CGO_ENABLED=0
start=$SECONDS
go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${etcd_version}" \
	-o "$tmp/etcd" go.etcd.io/etcd/server/v3
for cmd in kube-apiserver kube-controller-manager kubectl; do
	go build -trimpath -ldflags "$(kube_ldflags)" -o "$tmp/$cmd" "k8s.io/kubernetes/cmd/$cmd"
done
install_built "$tmp" "$dest" "${binaries[@]}"
echo "control plane built in $((SECONDS - start))s" >&2
echo "$dest"
