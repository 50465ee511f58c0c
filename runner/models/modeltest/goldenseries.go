package modeltest

import (
	"math"
	"runtime"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
)

// GoldenSeries is one series of a golden series.csv.
type GoldenSeries struct {
	Name   string
	Season int
	Values []float64
}

// ReadGoldenSeries groups testdata/name, with columns series, season and
// value (one row per observation, in time order), by series, in the order
// the series first appear.
func ReadGoldenSeries(t testing.TB, name string) []GoldenSeries {
	t.Helper()
	var out []GoldenSeries
	index := map[string]int{}
	for _, r := range ReadGoldenRecords(t, name) {
		i, ok := index[r["series"]]
		if !ok {
			i = len(out)
			index[r["series"]] = i
			out = append(out, GoldenSeries{Name: r["series"], Season: int(GoldenFloat(t, r["season"]))})
		}
		out[i].Values = append(out[i].Values, GoldenFloat(t, r["value"]))
	}
	return out
}

// Entry returns m[name], stopping the test when a golden file names a
// series that series.csv does not hold.
func Entry[V any](t testing.TB, m map[string]V, name string) V {
	t.Helper()
	v, ok := m[name]
	if !ok {
		t.Fatalf("series %q is not in series.csv", name)
	}
	return v
}

// GoldenForecast is R's forecast with its 80% and 95% bounds.
type GoldenForecast struct {
	Mean, Lo80, Hi80, Lo95, Hi95 []float64
}

// BySeries keys golden records by their series column.
func BySeries(r map[string]string) string { return r["series"] }

// ReadGoldenForecasts groups testdata/name, with columns mean, lo80, hi80,
// lo95 and hi95 (one row per step, in order), by key(row): BySeries for one
// forecast per series, or a composite such as series and model.
func ReadGoldenForecasts[K comparable](t testing.TB, name string, key func(map[string]string) K) map[K]*GoldenForecast {
	t.Helper()
	out := map[K]*GoldenForecast{}
	for _, r := range ReadGoldenRecords(t, name) {
		g := out[key(r)]
		if g == nil {
			g = &GoldenForecast{}
			out[key(r)] = g
		}
		g.Mean = append(g.Mean, GoldenFloat(t, r["mean"]))
		g.Lo80 = append(g.Lo80, GoldenFloat(t, r["lo80"]))
		g.Hi80 = append(g.Hi80, GoldenFloat(t, r["hi80"]))
		g.Lo95 = append(g.Lo95, GoldenFloat(t, r["lo95"]))
		g.Hi95 = append(g.Hi95, GoldenFloat(t, r["hi95"]))
	}
	return out
}

// CompareGoldenForecast forecasts len(want.Mean) steps at the 80% and 95%
// levels and reports every mean and bound farther from R's value w at
// step i (0-based) than tol(i, w). It stops the test if fit cannot
// forecast.
func CompareGoldenForecast(t testing.TB, fit models.Fitted, want *GoldenForecast, tol func(i int, w float64) float64) {
	t.Helper()
	fc, err := fit.Forecast(len(want.Mean), []float64{80, 95})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want []float64) {
		for i := range want {
			if tol := tol(i, want[i]); math.Abs(got[i]-want[i]) > tol {
				t.Errorf("%s step %d: %.6g, R %.6g (tolerance %.3g)", what, i+1, got[i], want[i], tol)
			}
		}
	}
	check("mean", fc.Mean, want.Mean)
	check("lo80", fc.Intervals[0].Lower, want.Lo80)
	check("hi80", fc.Intervals[0].Upper, want.Hi80)
	check("lo95", fc.Intervals[1].Lower, want.Lo95)
	check("hi95", fc.Intervals[1].Upper, want.Hi95)
}

// Pinned is a forecast recorded earlier from the same code, a pin against
// unintended numerical change: the mean and the 80% lower and 95% upper
// bounds of the model on the series.
type Pinned struct {
	Series, Model    string
	Mean, Lo80, Hi95 []float64
}

// ComparePinned forecasts len(want.Mean) steps at the 80% and 95% levels
// and reports every value that differs from the pinned one. It demands
// equality on amd64, where the pins are recorded; elsewhere the compiler
// may fuse multiply-adds, which moves results by rounding errors only.
func ComparePinned(t testing.TB, fit models.Fitted, want Pinned) {
	t.Helper()
	fc, err := fit.Forecast(len(want.Mean), []float64{80, 95})
	if err != nil {
		t.Fatal(err)
	}
	tol := 0.0
	if runtime.GOARCH != "amd64" {
		tol = 1e-9
	}
	check := func(what string, got, want []float64) {
		for i := range want {
			if math.Abs(got[i]-want[i]) > tol*math.Abs(want[i]) {
				t.Errorf("%s step %d: %v, pinned %v", what, i+1, got[i], want[i])
			}
		}
	}
	check("mean", fc.Mean, want.Mean)
	check("lo80", fc.Intervals[0].Lower, want.Lo80)
	check("hi95", fc.Intervals[1].Upper, want.Hi95)
}
