#!/usr/bin/env bash
# Builds a container image without a Docker daemon (hack/image, on
# go-containerregistry) and prints its reference with the digest. `make
# image` and `make image-push` call it for the operator's image; the local
# cluster calls it for its pause image and the e2e suite for its file server.
#
#   hack/image.sh [--kind forecastrun|pause|fileserver] [--push] [--oci-layout DIR] [--tarball FILE] IMAGE
#
# The binaries are built static (CGO_ENABLED=0, -trimpath) for each platform
# in PLATFORMS (default: this machine's, e.g. linux/amd64; several make a
# multi-platform index) into bin/OS_ARCH/. File times and the creation time
# come from SOURCE_DATE_EPOCH (default: the last commit's time), so the same
# sources give the same digest. Without --oci-layout the layout goes to
# bin/oci/KIND/; --tarball also writes a docker-save tarball (one platform),
# which `kind load image-archive` and `docker load` read. --push sends it to the registry in IMAGE with the docker
# config's credentials (plain HTTP for loopback and private addresses).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

kind=forecastrun push=() layout="" tarball=()
while [[ $# -gt 1 ]]; do
	case $1 in
	--kind) kind=$2; shift 2 ;;
	--push) push=(-push); shift ;;
	--oci-layout) layout=$2; shift 2 ;;
	--tarball) tarball=(-tarball "$2"); shift 2 ;;
	*) echo "unknown flag $1" >&2; exit 2 ;;
	esac
done
image=${1:?usage: hack/image.sh [--kind forecastrun|pause|fileserver] [--push] [--oci-layout DIR] [--tarball FILE] IMAGE}
layout=${layout:-bin/oci/$kind}
platforms=${PLATFORMS:-linux/$(go env GOARCH)}
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}

# The image tool, rebuilt when its sources change.
tool=bin/image-tool
if [[ ! -x $tool || -n "$(find hack/image -newer "$tool" -type f -print -quit)" ]]; then
	(cd hack/image && go build -o "$repo/$tool" .)
fi

# build_binaries OS ARCH OUT builds the image's binaries for one platform.
build_binaries() {
	local os=$1 arch=$2 out=$3
	mkdir -p "$out"
	case $kind in
	forecastrun)
		for cmd in manager runner; do
			CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "-s -w" -o "$out/$cmd" "./cmd/$cmd"
		done ;;
	pause | fileserver)
		(cd hack/image && CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "-s -w" -o "$repo/$out/$kind" "./$kind") ;;
	*) echo "unknown --kind $kind: want forecastrun, pause or fileserver" >&2; exit 2 ;;
	esac
}

platform_flags=()
for p in ${platforms//,/ }; do
	os=${p%%/*} arch=${p#*/}
	out=bin/${os}_${arch}
	build_binaries "$os" "$arch" "$out"
	platform_flags+=(-platform "$p=$out")
done
"$tool" -image "$kind" "${platform_flags[@]}" -source-date-epoch "$epoch" -tag "$image" \
	-oci-layout "$layout" "${tarball[@]}" "${push[@]}" \
	-label "org.opencontainers.image.source=https://github.com/forecastrun/forecastrun" \
	-label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
