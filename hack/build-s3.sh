#!/usr/bin/env bash
# Builds versitygw, a real S3 gateway over a posix folder, from the module
# hack/s3 pins, into a per-user cache folder keyed by its version, so that
# every clone on this machine reuses one build. The object-storage tests
# (runner/objstore, runner/source, runner/job) and the e2e suite start it on
# a temporary folder.
#
#   hack/build-s3.sh            build it if missing, print its path
#   hack/build-s3.sh --print    print its path only
#
# Nothing is downloaded except through the Go module proxy.
set -euo pipefail
# shellcheck source=lib/build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build.sh"

version=$(module_version "$hack_dir/s3" github.com/versity/versitygw)
dest="$cache_root/s3/versitygw-${version}_${platform}"
bin="$dest/versitygw"

if [[ "${1:-}" == "--print" ]]; then
	echo "$bin"
	exit 0
fi
if all_present "$dest" versitygw; then
	echo "$bin"
	exit 0
fi

echo "building versitygw ${version} into $dest; about 3 CPU-minutes cold" >&2
mkdir -p "$dest"
tmp=$(mktemp -d "$dest.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
(cd "$hack_dir/s3" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \
	-o "$tmp/versitygw" github.com/versity/versitygw/cmd/versitygw)
install_built "$tmp" "$dest" versitygw
echo "versitygw built in $((SECONDS - start))s" >&2
echo "$bin"
