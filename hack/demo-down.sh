#!/usr/bin/env bash
# Stops what hack/demo.sh started (`make demo-down`): the manager, then the
# local cluster in .demo/. Safe to run twice. The folder stays, with the
# logs and the results under .demo/pvc/; the next `make demo` replaces it.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=localcluster/lib.sh
source "$repo/hack/localcluster/lib.sh"
demo=$repo/.demo
if [[ ! -d "$demo" ]]; then
	echo "no demo to stop ($demo does not exist)"
	exit 0
fi
stop_pidfile "$demo/run/manager.pid" "$demo" 15
"$repo/hack/localcluster/down.sh" "$demo" >/dev/null
echo "demo stopped; logs and results stay in $demo (removed by the next 'make demo')"
