#!/usr/bin/env bash
# Builds the helm command from its Go module, pinned in hack/helm/go.mod,
# into a per-user cache folder keyed by its version, so that every clone on
# this machine reuses one build. The chart's tests use it (helm lint and
# helm template in `make test`, helm install in the e2e suite).
#
#   hack/build-helm.sh            build when missing, print the folder
#   hack/build-helm.sh --print    print the folder only
#
# Nothing is downloaded except through the Go module proxy.
set -euo pipefail
# shellcheck source=lib/build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build.sh"
mod="$hack_dir/helm"

helm_version=$(module_version "$mod" helm.sh/helm/v4)
dest="$cache_root/helm/helm-${helm_version}_${platform}"

if [[ "${1:-}" == "--print" ]]; then
	echo "$dest"
	exit 0
fi

if all_present "$dest" helm; then
	echo "$dest"
	exit 0
fi

echo "building helm ${helm_version} into $dest; about 8 CPU-minutes cold" >&2
mkdir -p "$dest"
tmp=$(mktemp -d "$dest.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
# The flags of Helm's own Makefile for a release build: `helm version`
# reports the module's tag.
(cd "$mod" && CGO_ENABLED=0 go build -trimpath \
	-ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=${helm_version} -X helm.sh/helm/v4/internal/version.metadata= -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
	-o "$tmp/helm" helm.sh/helm/v4/cmd/helm)
install_built "$tmp" "$dest" helm
echo "helm built in $((SECONDS - start))s" >&2
echo "$dest"
