package source

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/objstore"
	"github.com/forecastrun/forecastrun/runner/source/egress"
)

func objectDataset(s *testutil.S3Server, endpoint, bucket, key string) v1alpha1.Dataset {
	return v1alpha1.Dataset{ObjectStore: &v1alpha1.ObjectStoreDataset{
		ObjectStore: v1alpha1.ObjectStore{Endpoint: endpoint, Region: "us-east-1", Bucket: bucket},
		Key:         key,
	}}
}

// loopbackOptions reach the test server on 127.0.0.1, which the egress
// policy never allows.
func loopbackOptions(s *testutil.S3Server) Options {
	return Options{
		ObjectStoreCredentials: objstore.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey},
		Transport:              http.DefaultTransport.(*http.Transport).Clone(),
	}
}

func TestObjectStoreDatasetIsReadLikeAFile(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "sales")
	s.Put(t, "sales", "2026/sales.csv", []byte(goodCSV))
	s.Put(t, "sales", "2026/bad.csv", []byte(badCSV))
	ds, err := Load(context.Background(), objectDataset(s, s.Endpoint, "sales", "2026/sales.csv"), loopbackOptions(s))
	wantItems(t, ds, err, "a", "b")

	_, err = Load(context.Background(), objectDataset(s, s.Endpoint, "sales", "2026/bad.csv"), loopbackOptions(s))
	wantError(t, err, "s3://sales/2026/bad.csv:3:3", `column "quantity"`)

	// Parquet is found by its content, whatever the key is called.
	s.Put(t, "sales", "2026/sales.export", testutil.ParquetOf(t, goodCSV))
	ds, err = Load(context.Background(), objectDataset(s, s.Endpoint, "sales", "2026/sales.export"), loopbackOptions(s))
	wantItems(t, ds, err, "a", "b")
}

func TestObjectStoreFailuresNameTheObject(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "sales")
	wrong := loopbackOptions(s)
	wrong.ObjectStoreCredentials.SecretAccessKey = "not-the-key"
	tests := []struct {
		name    string
		dataset v1alpha1.Dataset
		opts    Options
		is      error
		want    []string
	}{
		{"wrong key", objectDataset(s, s.Endpoint, "sales", "a.csv"), wrong, objstore.ErrDenied, []string{"secret access key", "s3://sales/a.csv", s.Endpoint}},
		{"no bucket", objectDataset(s, s.Endpoint, "archive", "a.csv"), loopbackOptions(s), objstore.ErrNoBucket, []string{"s3://archive/a.csv", "bucket does not exist"}},
		{"no object", objectDataset(s, s.Endpoint, "sales", "a.csv"), loopbackOptions(s), objstore.ErrNoObject, []string{"s3://sales/a.csv", "object does not exist"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), tc.dataset, tc.opts)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			wantError(t, err, tc.want...)
		})
	}
}

// TestObjectStoreDropsNeverGiveAShorterDataset: a dataset whose download
// keeps dropping fails; it is never parsed as the rows that did arrive.
func TestObjectStoreDropsNeverGiveAShorterDataset(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "sales")
	var csv strings.Builder
	csv.WriteString("item_id,date,quantity\n")
	for i := range 20000 {
		csv.WriteString("item-" + string(rune('a'+i%26)) + ",2025-01-01,1\n")
	}
	s.Put(t, "sales", "big.csv", []byte(csv.String()))
	proxy := testutil.StartCuttingProxy(t, s.Host, 64<<10, -1)
	ds, err := Load(context.Background(), objectDataset(s, "http://"+proxy.Addr, "sales", "big.csv"), loopbackOptions(s))
	if err == nil {
		t.Fatalf("loaded %d items from a download that always drops", len(ds.Items))
	}
	if !errors.Is(err, objstore.ErrDropped) {
		t.Errorf("err = %v, want ErrDropped", err)
	}
	wantError(t, err, "s3://sales/big.csv", "http://"+proxy.Addr)
}

// TestObjectStoreGoesThroughTheEgressPolicy: an endpoint on loopback is
// refused before any request, as a dataset URL there is.
func TestObjectStoreGoesThroughTheEgressPolicy(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "sales")
	s.Put(t, "sales", "a.csv", []byte(goodCSV))
	opts := loopbackOptions(s)
	opts.Transport = nil
	opts.Egress, _ = egress.Parse("127.0.0.1")
	_, err := Load(context.Background(), objectDataset(s, s.Endpoint, "sales", "a.csv"), opts)
	if !errors.Is(err, egress.ErrRefused) {
		t.Fatalf("Load from a loopback endpoint = %v, want a refusal", err)
	}
}
