package source

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/series"
)

func TestVolume(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(root, "claim", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("in/data.csv", goodCSV)
	write("in/bad.csv", badCSV)
	opts := Options{MountPath: func(claim string) string { return filepath.Join(root, claim) }}
	spec := func(path string) v1alpha1.Dataset {
		return v1alpha1.Dataset{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "claim", Path: path}}
	}

	ds, err := Load(context.Background(), spec("in/data.csv"), opts)
	wantItems(t, ds, err, "a", "b")
	if ds.Report.Missing != series.MissingZero {
		t.Errorf("absent periods mean %q by default, want zero demand", ds.Report.Missing)
	}
	unknown := spec("in/data.csv")
	unknown.Missing = "unknown"
	if ds, err := Load(context.Background(), unknown, opts); err != nil || ds.Report.Missing != series.MissingUnknown {
		t.Errorf("spec.dataset.missing unknown: %v, %v; want the loader to treat absent periods as unknown", ds.Report.Missing, err)
	}

	_, err = Load(context.Background(), spec("in/bad.csv"), opts)
	wantParseError(t, err, "pvc/claim/in/bad.csv", 3, 3)

	tests := []struct {
		name, path string
		opts       Options
		want       []string
	}{
		{"missing file", "in/none.csv", opts, []string{"pvc/claim/in/none.csv", "no such file"}},
		{"escaping path", "../other/data.csv", opts, []string{"inside the volume"}},
		{"absolute path", "/etc/passwd", opts, []string{"inside the volume"}},
		{"no path", "", opts, []string{"inside the volume"}},
		{"default mount point", "in/data.csv", Options{}, []string{"pvc/claim/in/data.csv", DefaultMountRoot + "/claim/in/data.csv"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), spec(tc.path), tc.opts)
			wantError(t, err, tc.want...)
		})
	}
}
