//go:build tools

// Package containerd only records the upstream commands that
// hack/build-node.sh builds, so that `go mod tidy` keeps them.
package containerd

import (
	_ "github.com/containerd/containerd/v2/cmd/containerd"
	_ "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2"
	_ "github.com/containerd/containerd/v2/cmd/ctr"
)
