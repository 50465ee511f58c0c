package source

import (
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/series"
)

func loadVolume(spec v1alpha1.Dataset, opts Options) (*series.Dataset, error) {
	src := spec.PersistentVolumeClaim
	name := path.Join("pvc", src.ClaimName, src.Path)
	if src.Path == "" || !filepath.IsLocal(filepath.FromSlash(src.Path)) {
		return nil, fmt.Errorf("loading dataset %s: the path must name a file inside the volume, relative and without \"..\"", name)
	}
	file := filepath.Join(mountPath(opts, src.ClaimName), filepath.FromSlash(src.Path))
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("loading dataset %s: %w", name, err)
	}
	defer f.Close()
	return Decode(name, f, readOptions(spec, opts))
}

// mountPath is where claim is mounted in this process's file system.
func mountPath(opts Options, claim string) string {
	if opts.MountPath != nil {
		return opts.MountPath(claim)
	}
	return filepath.Join(DefaultMountRoot, claim)
}
