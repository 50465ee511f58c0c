// Package chart checks the Helm chart in dist/chart, which hack/helmchart
// generates from config/: helm lint, what helm template renders with the
// defaults (config/default's objects) and with every value set, the values
// it refuses, and a server-side dry run of a render against the pinned API
// server. helm is the one hack/build-helm.sh builds from its Go module.
package chart
