package source

import (
	"cmp"
	"context"
	"net/http"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/objstore"
	"github.com/forecastrun/forecastrun/runner/series"
)

// loadObjectStore streams the dataset object into the CSV or Parquet reader. Every
// connection goes through opts.Egress, as a URL's do; a download that
// drops is resumed where it stopped, and one that cannot be completed is
// an error, never a shorter dataset.
func loadObjectStore(ctx context.Context, spec v1alpha1.Dataset, opts Options) (*series.Dataset, error) {
	store := spec.ObjectStore
	b, err := OpenBucket(store.ObjectStore, opts.ObjectStoreCredentials, opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(opts.Timeout, DefaultTimeout))
	defer cancel()
	body, size, err := b.Reader(ctx, store.Key)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	limit := cmp.Or(opts.MaxBytes, DefaultMaxBytes)
	if size > limit {
		return nil, fmtTooLarge(b.Name(store.Key), size, limit)
	}
	r := &capped{r: body, left: limit, limit: limit, ctx: ctx, timeout: cmp.Or(opts.Timeout, DefaultTimeout)}
	ds, err := Decode(b.Name(store.Key), r, readOptions(spec, opts))
	return ds, withoutContent(err, spec)
}

// OpenBucket prepares a client for store whose connections go through
// opts.Egress, or through opts.Transport when a test sets it.
func OpenBucket(store v1alpha1.ObjectStore, creds objstore.Credentials, opts Options) (*objstore.Bucket, error) {
	var transport http.RoundTripper = opts.Egress.Transport()
	if opts.Transport != nil {
		transport = opts.Transport
	}
	return objstore.Open(objstore.Config{
		Endpoint: store.Endpoint, Region: store.Region, Bucket: store.Bucket,
		Credentials: creds, Transport: transport,
	})
}
