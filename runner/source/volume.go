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
	return readVolume(spec, opts, func(name string, f *os.File) (*series.Dataset, error) {
		return Decode(name, f, readOptions(spec, opts))
	})
}

// readVolume opens the dataset's file on its claim and reads it with read.
func readVolume(spec v1alpha1.Dataset, opts Options, read func(name string, f *os.File) (*series.Dataset, error)) (*series.Dataset, error) {
	name, file, err := VolumeFile(spec, opts)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("loading dataset %s: %w", name, err)
	}
	defer f.Close()
	return read(name, f)
}

// VolumeFile is the name by which errors call a dataset on a claim, and
// its path in this process's file system.
func VolumeFile(spec v1alpha1.Dataset, opts Options) (name, file string, err error) {
	src := spec.PersistentVolumeClaim
	if src == nil {
		return "", "", fmt.Errorf("%w: the dataset is not on a claim", ErrNoSource)
	}
	name = path.Join("pvc", src.ClaimName, src.Path)
	if src.Path == "" || !filepath.IsLocal(filepath.FromSlash(src.Path)) {
		return "", "", fmt.Errorf("loading dataset %s: the path must name a file inside the volume, relative and without \"..\"", name)
	}
	return name, filepath.Join(mountPath(opts, src.ClaimName), filepath.FromSlash(src.Path)), nil
}

// LoadVolumeSpans reads a CSV dataset on a claim as Load does, but only
// its header and the rows in spans (series.ReadSpans), which an earlier
// read of the same file located with Options.Spans.
func LoadVolumeSpans(spec v1alpha1.Dataset, opts Options, header series.Span, spans []series.Span) (*series.Dataset, error) {
	return readVolume(spec, opts, func(name string, f *os.File) (*series.Dataset, error) {
		return series.ReadSpans(f, name, header, spans, readOptions(spec, opts))
	})
}

// mountPath is where claim is mounted in this process's file system.
func mountPath(opts Options, claim string) string {
	if opts.MountPath != nil {
		return opts.MountPath(claim)
	}
	return filepath.Join(DefaultMountRoot, claim)
}
