#!/usr/bin/env bash
# Regenerates the model reference goldens from R's forecast package
# (Debian: r-cran-forecast). Each hack/goldens/<name>.R writes the testdata of
# one model package; goldens are never edited by hand. hack/goldens/common.R
# holds their shared preamble.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! Rscript -e 'library(forecast)' >/dev/null 2>&1; then
	echo "installing r-cran-forecast" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq r-cran-forecast >/dev/null
fi
cd "$root"
for script in hack/goldens/*.R; do
	# common.R is the preamble the others source, not a script of its own.
	[[ $script == hack/goldens/common.R ]] && continue
	echo "running $script" >&2
	Rscript "$script"
done
