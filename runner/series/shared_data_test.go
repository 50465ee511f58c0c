package series_test

import (
	"cmp"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/series"
)

// sharedData is the benchmark data folder: $FORECASTRUN_DATA (as for
// hack/bench-vs-r.sh), else the one beside the repository.
var sharedData = cmp.Or(os.Getenv("FORECASTRUN_DATA"), "../../../shared/data")

// TestLoadSharedBenchmarks loads every benchmark training split and checks
// the item counts its README states.
func TestLoadSharedBenchmarks(t *testing.T) {
	tests := []struct {
		dir   string
		items int
		// anyMissing: carparts has 165 items with missing months.
		anyMissing bool
	}{
		{"m4-hourly", 414, false},
		{"m4-weekly", 359, false},
		{"carparts", 2674, true},
	}
	cols := series.Columns{Item: "item_id", Time: "t", Value: "value"}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			path := filepath.Join(sharedData, tt.dir, "train.csv")
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("benchmark data missing: %v", err)
			}
			ds, err := series.LoadFile(path, series.ReadOptions{Columns: cols})
			if err != nil {
				t.Fatal(err)
			}
			if len(ds.Items) != tt.items {
				t.Errorf("got %d items, want %d", len(ds.Items), tt.items)
			}
			missing := 0
			for _, s := range ds.Items {
				if s.StartIndex != 1 || !s.Start.IsZero() {
					t.Fatalf("item %q starts at index %d (Start %v), want 1", s.ID, s.StartIndex, s.Start)
				}
				for _, v := range s.Values {
					if math.IsNaN(v) {
						missing++
						break
					}
				}
			}
			if (missing > 0) != tt.anyMissing {
				t.Errorf("%d items have missing values; want some: %v", missing, tt.anyMissing)
			}
		})
	}
}

func TestLoadFileErrorNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sales.csv")
	if err := os.WriteFile(path, []byte("item_id,date,quantity\nA,2024-01-01,x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := series.LoadFile(path, series.ReadOptions{})
	if want := path + ":2:3: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want it to start with %q", err, want)
	}
	if _, err := series.LoadFile(filepath.Join(t.TempDir(), "absent.csv"), series.ReadOptions{}); err == nil {
		t.Error("loading a missing file succeeded")
	}
}
