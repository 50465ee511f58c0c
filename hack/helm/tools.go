//go:build tools

// Package helm only records the upstream command that hack/build-helm.sh
// builds, so that `go mod tidy` keeps it.
package helm

import _ "helm.sh/helm/v4/cmd/helm"
