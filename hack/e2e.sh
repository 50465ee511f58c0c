#!/usr/bin/env bash
# Runs the end-to-end tests (test/e2e, build tag e2e): the real manager and
# runner against a local control plane and node agent, all through the
# pinned kubectl. The suite builds what it needs and tears everything down;
# E2E_KEEP=1 leaves the cluster running. Extra arguments go to `go test`,
# e.g. hack/e2e.sh -run TestQuickTest.
#
#   hack/e2e.sh [go test flags...]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# Build the pinned control plane first (once per machine, ~5 minutes cold)
# so that its time does not count against the test timeout.
hack/build-control-plane.sh >/dev/null
exec go test -tags e2e -count=1 -timeout 30m -v "$@" ./test/e2e/...
