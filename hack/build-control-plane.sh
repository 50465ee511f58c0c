#!/usr/bin/env bash
# Builds the pinned local control plane (etcd, kube-apiserver,
# kube-controller-manager and kubectl) from upstream Go modules pinned in
# hack/controlplane/go.mod, into a per-user cache folder keyed by version so
# that every clone on this machine reuses one build.
#
#   hack/build-control-plane.sh            build when missing, print the folder
#   hack/build-control-plane.sh --print    print the folder only
#
# Nothing is downloaded except through the Go module proxy.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mod="$here/controlplane"

k8s_version=$(cd "$mod" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd_version=$(cd "$mod" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
cache_root=${FORECASTRUN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/forecastrun}
dest="$cache_root/controlplane/k8s-${k8s_version}_etcd-${etcd_version}_$(go env GOOS)-$(go env GOARCH)"

if [[ "${1:-}" == "--print" ]]; then
	echo "$dest"
	exit 0
fi

binaries=(etcd kube-apiserver kube-controller-manager kubectl)
complete=1
for b in "${binaries[@]}"; do [[ -x "$dest/$b" ]] || complete=0; done
if [[ $complete == 1 ]]; then
	echo "$dest"
	exit 0
fi

echo "building control plane ${k8s_version} (etcd ${etcd_version}) into $dest; about 5 minutes cold on 2 cores" >&2
mkdir -p "$dest"
tmp=$(mktemp -d "$dest.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

minor=${k8s_version#v*.}; minor=${minor%%.*}
major=${k8s_version#v}; major=${major%%.*}
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
kube_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	kube_ldflags+=" -X $pkg.gitVersion=${k8s_version}"
	kube_ldflags+=" -X $pkg.gitMajor=${major} -X $pkg.gitMinor=${minor}"
	kube_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${build_date}"
done

cd "$mod"
export CGO_ENABLED=0
start=$SECONDS
go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${etcd_version}" \
	-o "$tmp/etcd" go.etcd.io/etcd/server/v3
for cmd in kube-apiserver kube-controller-manager kubectl; do
	go build -trimpath -ldflags "-s -w $kube_ldflags" -o "$tmp/$cmd" "k8s.io/kubernetes/cmd/$cmd"
done
for b in "${binaries[@]}"; do mv "$tmp/$b" "$dest/$b"; done
echo "control plane built in $((SECONDS - start))s" >&2
echo "$dest"
