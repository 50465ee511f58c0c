package croston

import (
	"math"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

// The goldens in testdata/ are written by hack/goldens/croston.R with R
// forecast 8.20 (testdata/VERSION): croston(y, h = 12, alpha = 0.1) and its
// forecast and fitted values times 1 - alpha/2 for SBA, since 8.20 has no
// type = "sba". Inputs are car-part items from the shared carparts data and
// seeded synthetic series, read back from testdata/series.csv. We accept a
// relative error of 1e-6 (absolute 1e-12 near zero): R's recursion and ours
// differ only in rounding, about 1e-15.
const referenceTolerance = 1e-6

func TestMatchesRCroston(t *testing.T) {
	inputs := readSeries(t)
	forecasts := readKeyed(t, "forecasts.csv")
	fitted := readKeyed(t, "fitted.csv")
	byName := map[string]Model{"CrostonClassic": Classic(), "CrostonSBA": SBA()}
	for key, want := range forecasts {
		name, series, _ := strings.Cut(key, "/")
		t.Run(key, func(t *testing.T) {
			y, ok := inputs[series]
			if !ok {
				t.Fatalf("no input series %q", series)
			}
			fit, err := byName[name].Fit(y)
			if err != nil {
				t.Fatalf("Fit: %v", err)
			}
			fc, err := fit.Forecast(len(want), []float64{80, 95})
			if err != nil {
				t.Fatalf("Forecast: %v", err)
			}
			assertClose(t, "mean", fc.Mean, want)
			assertClose(t, "fitted", fit.InSample(), fitted[key])
		})
	}
}

func assertClose(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, golden has %d", what, len(got), len(want))
	}
	for i := range want {
		if math.IsNaN(want[i]) != math.IsNaN(got[i]) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
		if diff := math.Abs(got[i] - want[i]); diff > referenceTolerance*math.Abs(want[i])+1e-12 {
			t.Fatalf("%s[%d] = %.12g, want %.12g", what, i, got[i], want[i])
		}
	}
}

// readSeries reads series.csv (series,t,value), rows in t order.
func readSeries(t *testing.T) map[string][]float64 {
	out := map[string][]float64{}
	for _, r := range modeltest.ReadGolden(t, "series.csv")[1:] {
		out[r[0]] = append(out[r[0]], modeltest.GoldenFloat(t, r[2]))
	}
	return out
}

// readKeyed reads a model,series,index,value file keyed by "model/series".
func readKeyed(t *testing.T, name string) map[string][]float64 {
	out := map[string][]float64{}
	for _, r := range modeltest.ReadGolden(t, name)[1:] {
		key := r[0] + "/" + r[1]
		out[key] = append(out[key], modeltest.GoldenFloat(t, r[3]))
	}
	return out
}

var _ models.Refitter = (*fitted)(nil)
