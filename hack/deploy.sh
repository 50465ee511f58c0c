#!/usr/bin/env bash
# Installs the operator (config/default) into the cluster of the current
# kubectl context with the image IMG, or prints the manifests.
#
#   hack/deploy.sh registry.example.com/forecastrun:v0.1.0          # apply
#   hack/deploy.sh registry.example.com/forecastrun:v0.1.0 --print  # render only
#
# MANAGER_EXTRA_ARGS (space-separated) appends flags to the manager's
# command line, e.g. MANAGER_EXTRA_ARGS="--default-startup-timeout=5m".
#
# The image is set by a throw-away kustomize overlay, so no tracked file is
# edited; the overlay also copies the image into the manager's
# --runner-image flag, because the runner Jobs use the manager's image.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
img=${1:?usage: hack/deploy.sh IMAGE [--print]}
kubectl=${KUBECTL:-kubectl}

# Split IMAGE into name and tag or digest; a colon counts as a tag only after
# the last slash (registry.example.com:5000/forecastrun has no tag).
name=$img tag="" digest=""
if [[ $img == *@* ]]; then
	name=${img%@*} digest=${img#*@}
elif [[ ${img##*/} == *:* ]]; then
	name=${img%:*} tag=${img##*:}
fi

# Kustomize takes only relative paths to other folders, so the overlay is a
# hidden folder in the repository (ignored by git) for the time it takes.
overlay=$(mktemp -d "$root/.deploy-XXXXXX")
trap 'rm -rf "$overlay"' EXIT
{
	echo "resources:"
	echo "- ../config/default"
	echo "images:"
	echo "- name: ghcr.io/forecastrun/forecastrun"
	echo "  newName: $name"
	[[ -n $tag ]] && echo "  newTag: \"$tag\""
	[[ -n $digest ]] && echo "  digest: \"$digest\""
	cat <<'YAML'
replacements:
- source:
    kind: Deployment
    name: forecastrun-controller-manager
    fieldPath: spec.template.spec.containers.[name=manager].image
  targets:
  - select:
      kind: Deployment
      name: forecastrun-controller-manager
    fieldPaths:
    - spec.template.spec.containers.[name=manager].args.3
    options:
      delimiter: "="
      index: 1
YAML
	if [[ -n "${MANAGER_EXTRA_ARGS:-}" ]]; then
		echo "patches:"
		echo "- target: {kind: Deployment, name: forecastrun-controller-manager}"
		echo "  patch: |-"
		# read -a splits at spaces without expanding globs such as
		# --dataset-allowed-hosts=*.svc.cluster.local.
		read -r -a extra_args <<<"$MANAGER_EXTRA_ARGS"
		for arg in "${extra_args[@]}"; do
			echo "    - {op: add, path: /spec/template/spec/containers/0/args/-, value: \"$arg\"}"
		done
	fi
} >"$overlay/kustomization.yaml"

if [[ ${2:-} == --print ]]; then
	"$kubectl" kustomize "$overlay"
else
	"$kubectl" apply --server-side --field-manager forecastrun-deploy -k "$overlay"
fi
