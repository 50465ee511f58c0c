#!/usr/bin/env bash
# Stops what hack/demo.sh started (`make demo-down`): the local cluster in
# .demo/, with the manager and every runner on its node. Safe to run twice.
# The folder stays, with the logs and the results under .demo/volumes/; the
# next `make demo` replaces it.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo=$repo/.demo
if [[ ! -d "$demo" ]]; then
	echo "no demo to stop ($demo does not exist)"
	exit 0
fi
"$repo/hack/localcluster/down.sh" "$demo" >/dev/null
echo "demo stopped; logs and results stay in $demo (removed by the next 'make demo')"
