//go:build tools

// Package runc only records the upstream command that hack/build-node.sh
// builds, so that `go mod tidy` keeps it.
package runc

import _ "github.com/opencontainers/runc"
