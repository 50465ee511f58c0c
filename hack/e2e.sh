#!/usr/bin/env bash
# Runs the end-to-end tests (test/e2e, build tag e2e): the operator's image,
# built from the working tree, deployed into a local cluster with a real
# node (hack/localcluster), all through the pinned kubectl. Needs Linux and
# root. The suite builds what it needs and tears everything down;
# E2E_KEEP=1 leaves the cluster running. Extra arguments go to `go test`,
# e.g. hack/e2e.sh -run TestQuickTest.
#
#   hack/e2e.sh [go test flags...]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# Build the pinned control plane and node first (once per machine, about 25
# minutes cold) so that their time does not count against the test timeout.
hack/build-control-plane.sh >/dev/null
hack/build-node.sh >/dev/null
hack/build-s3.sh >/dev/null
hack/build-helm.sh >/dev/null
exec go test -tags e2e -count=1 -timeout 40m -v "$@" ./test/e2e/...
