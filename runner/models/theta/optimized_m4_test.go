package theta_test

import (
	"cmp"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/theta"
	dataset "github.com/forecastrun/forecastrun/runner/series"
)

// TestOptimizedOnM4Weekly compares the three theta methods on the 359 M4
// weekly series (../shared/data, h = 13, non-seasonal as in the M4
// benchmarks). Our Theta must reproduce the published M4 Theta benchmark's
// sMAPE, 9.093, within 0.1. Fiorucci et al. (2016) report the optimised
// methods, the dynamic one above all, about as accurate as or more
// accurate than the standard one on the M3 data; here neither may be more
// than 3% worse than our Theta (measured: OTM 9.25, DOTM 9.01, Theta 9.09).
func TestOptimizedOnM4Weekly(t *testing.T) {
	train, test := loadSplit(t, "m4-weekly")
	const h = 13
	got := map[string]float64{}
	for _, m := range []models.Model{theta.New(1), theta.NewOptimized(1), theta.NewDynamicOptimized(1)} {
		var total float64
		for i, y := range train {
			fit, err := m.Fit(y)
			if err != nil {
				t.Fatalf("%s item %d: %v", m.Name(), i, err)
			}
			fc, _ := fit.Forecast(h, nil)
			total += smape(test[i][:h], fc.Mean)
		}
		got[m.Name()] = total / float64(len(train))
	}
	t.Logf("sMAPE on M4 weekly: %v", got)
	if d := got["Theta"] - 9.093; math.Abs(d) > 0.1 {
		t.Errorf("Theta sMAPE %.3f, published 9.093", got["Theta"])
	}
	for _, name := range []string{"OptimizedTheta", "DynamicOptimizedTheta"} {
		if got[name] > 1.03*got["Theta"] {
			t.Errorf("%s sMAPE %.3f, more than 3%% above Theta's %.3f", name, got[name], got["Theta"])
		}
	}
}

func smape(actual, fc []float64) float64 {
	var s float64
	for i, a := range actual {
		s += 200 * math.Abs(a-fc[i]) / (math.Abs(a) + math.Abs(fc[i]))
	}
	return s / float64(len(actual))
}

// loadSplit reads a benchmark's train and test parts, aligned by item.
func loadSplit(t *testing.T, dir string) (train, test [][]float64) {
	t.Helper()
	cols := dataset.Columns{Item: "item_id", Time: "t", Value: "value"}
	read := func(part string) *dataset.Dataset {
		ds, err := dataset.LoadFile(filepath.Join(cmp.Or(os.Getenv("FORECASTRUN_DATA"), "../../../../shared/data"), dir, part), dataset.ReadOptions{Columns: cols})
		if err != nil {
			t.Fatalf("reading the benchmark data: %v", err)
		}
		return ds
	}
	tr, te := read("train.csv"), read("test.csv")
	byID := map[string][]float64{}
	for _, s := range te.Items {
		byID[s.ID] = s.Values
	}
	for _, s := range tr.Items {
		train, test = append(train, s.Values), append(test, byID[s.ID])
	}
	return train, test
}
