# Shared helpers of the scripts that build pinned upstream binaries into the
# per-user cache (sourced, not run): hack/build-control-plane.sh,
# hack/build-node.sh and hack/build-helm.sh.
# shellcheck shell=bash

hack_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# cache_root is shared by every clone on the machine; FORECASTRUN_CACHE
# moves it.
cache_root=${FORECASTRUN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/forecastrun}
platform="$(go env GOOS)-$(go env GOARCH)"

# module_version MODULE_DIR MODULE prints the version a pinning module
# requires of MODULE.
module_version() {
	(cd "$1" && go list -m -f '{{.Version}}' "$2")
}

k8s_version=$(module_version "$hack_dir/controlplane" k8s.io/kubernetes)

# kube_ldflags prints the linker flags that make a Kubernetes binary built
# from the module report its release (kubelet and kube-apiserver compare
# versions, and `kubectl get nodes` shows it).
kube_ldflags() {
	local minor major pkg flags="-s -w" build_date
	minor=${k8s_version#v*.}; minor=${minor%%.*}
	major=${k8s_version#v}; major=${major%%.*}
	build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		flags+=" -X $pkg.gitVersion=${k8s_version}"
		flags+=" -X $pkg.gitMajor=${major} -X $pkg.gitMinor=${minor}"
		flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${build_date}"
	done
	echo "$flags"
}

# all_present DIR NAME... tells whether every named binary is in DIR.
all_present() {
	local dir=$1 b
	shift
	for b in "$@"; do [[ -x "$dir/$b" ]] || return 1; done
}

# install_built TMP DEST NAME... moves freshly built binaries into place one
# by one, so that an interrupted build never leaves a half-written binary
# that a later run would take as complete.
install_built() {
	local tmp=$1 dest=$2 b
	shift 2
	for b in "$@"; do mv "$tmp/$b" "$dest/$b"; done
}
