package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/objstore"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/source/egress"
)

// Defaults for Options.
const (
	DefaultTimeout   = 5 * time.Minute
	DefaultMaxBytes  = 1 << 30
	DefaultMountRoot = "/data"
)

// Options carries what loading needs beyond the spec. The zero value
// loads URLs, synthetic data and PVC files under DefaultMountRoot.
type Options struct {
	// Namespace is the run's namespace, where its ConfigMap lives.
	Namespace string
	// ConfigMaps fetches a ConfigMap by name; required for a ConfigMap
	// source. The runner's ServiceAccount needs only `get` on that one
	// ConfigMap, so use an uncached client (see FromReader).
	ConfigMaps ConfigMapGetter
	// MountPath returns the local folder where a claim is mounted. Nil
	// means DefaultMountRoot/<claimName>; the Job's runner derives it from
	// the dataset path the controller gives it instead.
	MountPath func(claimName string) string
	// Egress says which addresses a URL source may reach: by default
	// public ones only; loopback, link-local and cloud metadata addresses
	// never. Every connection is checked on the address it dials, after
	// name resolution, redirects included.
	Egress egress.Policy
	// HTTPClient replaces the client for URL sources, which then does not
	// go through Egress: for tests only. Load uses a copy with Timeout and
	// a redirect policy allowing only http(s).
	HTTPClient *http.Client
	// ObjectStoreCredentials is the access key of an objectStore dataset
	// (the runner reads it from its environment, which the Job fills from
	// the run's credentials Secret).
	ObjectStoreCredentials objstore.Credentials
	// Transport replaces the transport of objectStore sources, which then
	// do not go through Egress: for tests only.
	Transport http.RoundTripper
	// Timeout bounds a whole download, body included (0: DefaultTimeout).
	Timeout time.Duration
	// MaxBytes caps a download's (decompressed) size (0: DefaultMaxBytes).
	MaxBytes int64
	// Keep, when set, holds only the items it accepts and summarises the
	// rest (series.ReadOptions.Keep), so that a shard needs memory for its
	// share. Synthetic data ignores it: it is generated whole.
	Keep func(id string) bool
	// Known, with Keep, is the Summary of an earlier read of the same
	// data (series.ReadOptions.Known): the read then holds the kept items
	// and summarises nothing else again.
	Known *series.Summary
	// Spans, when set, is told where the rows of a CSV input lie
	// (series.ReadOptions.Spans).
	Spans series.SpanSink
}

// Load reads the dataset spec describes from its one source, a CSV or
// Parquet file (see Decode). Errors in the file are *series.ParseError values naming the source as
// "configmap/<name>/<key>", "pvc/<claimName>/<path>" or the URL (without
// password or query values), with line and column.
func Load(ctx context.Context, spec v1alpha1.Dataset, opts Options) (*series.Dataset, error) {
	if err := exactlyOne(spec); err != nil {
		return nil, err
	}
	switch {
	case spec.ConfigMap != nil:
		return loadConfigMap(ctx, spec, opts)
	case spec.PersistentVolumeClaim != nil:
		return loadVolume(spec, opts)
	case spec.URL != "":
		return loadURL(ctx, spec, opts)
	case spec.ObjectStore != nil:
		return loadObjectStore(ctx, spec, opts)
	}
	return loadSynthetic(spec)
}

// ErrNoSource reports a dataset with no source, or with several.
var ErrNoSource = errors.New("dataset needs exactly one of configMap, persistentVolumeClaim, url, objectStore and synthetic")

func exactlyOne(spec v1alpha1.Dataset) error {
	n := 0
	for _, set := range []bool{spec.ConfigMap != nil, spec.PersistentVolumeClaim != nil, spec.URL != "", spec.ObjectStore != nil, spec.Synthetic != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("%w (%d given)", ErrNoSource, n)
	}
	return nil
}

// readOptions turns the spec's columns, frequency and meaning of absent
// periods into the loader's options; empty ones keep the loader's
// defaults.
func readOptions(spec v1alpha1.Dataset, opts Options) series.ReadOptions {
	return series.ReadOptions{
		Columns:   series.Columns{Item: spec.Columns.Item, Time: spec.Columns.Time, Value: spec.Columns.Value},
		Frequency: series.Frequency(spec.Frequency),
		Missing:   series.Missing(spec.Missing),
		Keep:      opts.Keep,
		Known:     opts.Known,
		Spans:     opts.Spans,
	}
}
