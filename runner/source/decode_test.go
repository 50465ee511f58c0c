package source

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/series"
)

// TestParquetFromEverySource loads the same Parquet file from a claim
// (named .csv, to show that content decides), a ConfigMap's binaryData and
// a URL whose response is streamed.
func TestParquetFromEverySource(t *testing.T) {
	data := testutil.ParquetOf(t, goodCSV)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sales.csv"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.(http.Flusher).Flush() // no Content-Length: the body is a stream
		_, _ = w.Write(data)
	}))
	defer srv.Close()
	cms := reader{configMaps: map[client.ObjectKey]*corev1.ConfigMap{
		{Namespace: "ns", Name: "sales"}: {BinaryData: map[string][]byte{"sales.parquet": data}},
	}}
	opts := Options{Namespace: "ns", ConfigMaps: FromReader(cms), MountPath: func(string) string { return dir }, HTTPClient: srv.Client()}
	tests := []struct {
		name string
		spec v1alpha1.Dataset
	}{
		{"claim", v1alpha1.Dataset{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "data", Path: "sales.csv"}}},
		{"ConfigMap binaryData", v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "sales", Key: "sales.parquet"}}},
		{"URL", v1alpha1.Dataset{URL: srv.URL + "/sales.parquet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := Load(context.Background(), tt.spec, opts)
			wantItems(t, ds, err, "a", "b")
			if v := ds.Items[1].Values; len(v) != 2 || v[0] != 3 || v[1] == v[1] {
				t.Errorf("item b = %v, want [3 NaN]", v)
			}
		})
	}
}

func TestDecodeFormats(t *testing.T) {
	pq := testutil.ParquetOf(t, goodCSV)
	tests := []struct {
		name  string
		file  string
		r     func() io.Reader
		items int
		err   string
	}{
		{"CSV", "x.csv", func() io.Reader { return strings.NewReader(goodCSV) }, 2, ""},
		{"Parquet read in place", "x", func() io.Reader { return bytes.NewReader(pq) }, 2, ""},
		{"Parquet streamed", "x", func() io.Reader { return io.MultiReader(bytes.NewReader(pq)) }, 2, ""},
		{"empty .parquet file", "x.parquet", func() io.Reader { return strings.NewReader("") }, 0, "x.parquet: not a readable Parquet file"},
		{"empty CSV file", "x.csv", func() io.Reader { return strings.NewReader("") }, 0, "x.csv: empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := Decode(tt.file, tt.r(), series.ReadOptions{})
			if tt.err != "" {
				var pe *series.ParseError
				if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tt.err) {
					t.Errorf("error %v, want a ParseError starting %q", err, tt.err)
				}
				return
			}
			if err != nil || len(ds.Items) != tt.items {
				t.Errorf("Decode: %v, %d items; want %d", err, len(ds.Items), tt.items)
			}
		})
	}
}

// TestParquetFromURLShowsNoContent: a Parquet file's schema is content
// too; an error on a URL source must not list its columns.
func TestParquetFromURLShowsNoContent(t *testing.T) {
	data := testutil.ParquetOf(t, goodCSV)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(data) }))
	defer srv.Close()
	spec := v1alpha1.Dataset{URL: srv.URL + "/x.parquet", Columns: v1alpha1.Columns{Value: "units"}}
	_, err := Load(context.Background(), spec, Options{HTTPClient: srv.Client()})
	if !errors.Is(err, series.ErrMissingColumn) || strings.Contains(err.Error(), "quantity") || !strings.Contains(err.Error(), `"units"`) {
		t.Errorf("error %v: want the missing column named without the file's own", err)
	}
}
