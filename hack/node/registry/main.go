// Command registry is the CNCF distribution registry with only what the
// local cluster uses: the filesystem storage driver and htpasswd
// authentication. Upstream's cmd/registry also links the cloud storage
// drivers, which would triple the build for nothing.
package main

import (
	"os"

	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
)

func main() {
	if err := registry.RootCmd.Execute(); err != nil {
		os.Exit(1)
	}
}
