package naive

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

// The goldens in testdata/ are written by hack/goldens/naive.R with R
// forecast 8.20 (testdata/VERSION): naive(y, h), snaive(ts(y, frequency = m),
// h), rwf(y, h, drift = TRUE) and meanf(y, h), all with level = c(80, 95).
// R prints them with 17 significant digits; we accept a relative error of
// 1e-6, far above floating-point noise and far below any formula mistake
// (a wrong degree of freedom alone moves the bounds by about 1/n), or an
// absolute one of 1e-9 for values that are zero but for rounding (R's drift
// on a series that starts and ends at the same value comes out as 6e-16).
// The script writes no rwf() golden where lm() rounds the drift to exactly
// zero: see TestDriftAlwaysCostsADegreeOfFreedom.
const (
	referenceTolerance = 1e-6
	referenceAbsolute  = 1e-9
)

type referenceSeries struct {
	season int
	y      []float64
}

type referenceForecast struct {
	mean, lo80, hi80, lo95, hi95 []float64
}

func TestMatchesRForecast(t *testing.T) {
	inputs := readReferenceSeries(t)
	forecasts := readReferenceForecasts(t)
	fitted := readReferenceFitted(t)
	for key, want := range forecasts {
		model, series, _ := strings.Cut(key, "/")
		in, ok := inputs[series]
		if !ok {
			t.Fatalf("golden %s: no input series %q", key, series)
		}
		t.Run(key, func(t *testing.T) {
			fit, err := referenceModel(t, model, in.season).Fit(in.y)
			if err != nil {
				t.Fatalf("Fit: %v", err)
			}
			fc, err := fit.Forecast(len(want.mean), []float64{80, 95})
			if err != nil {
				t.Fatalf("Forecast: %v", err)
			}
			assertClose(t, "mean", fc.Mean, want.mean)
			assertClose(t, "lo80", fc.Intervals[0].Lower, want.lo80)
			assertClose(t, "hi80", fc.Intervals[0].Upper, want.hi80)
			assertClose(t, "lo95", fc.Intervals[1].Lower, want.lo95)
			assertClose(t, "hi95", fc.Intervals[1].Upper, want.hi95)
			assertClose(t, "fitted", fit.InSample(), fitted[key])
		})
	}
}

func referenceModel(t *testing.T, name string, season int) models.Model {
	for _, m := range []models.Model{Naive{}, Seasonal{Season: season}, Drift{}, Mean{}} {
		if m.Name() == name {
			return m
		}
	}
	t.Fatalf("golden names unknown model %q", name)
	return nil
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
		if diff := math.Abs(got[i] - want[i]); diff > referenceTolerance*math.Abs(want[i]) && diff > referenceAbsolute {
			t.Fatalf("%s[%d] = %.12g, want %.12g (relative error %.2g)", what, i, got[i], want[i], diff/math.Abs(want[i]))
		}
	}
}

// readReferenceSeries reads series.csv (series,season,t,value), rows in t order.
func readReferenceSeries(t *testing.T) map[string]referenceSeries {
	out := map[string]referenceSeries{}
	for _, r := range modeltest.ReadGolden(t, "series.csv")[1:] {
		s := out[r[0]]
		s.season, _ = strconv.Atoi(r[1])
		s.y = append(s.y, modeltest.GoldenFloat(t, r[3]))
		out[r[0]] = s
	}
	return out
}

// readReferenceForecasts reads forecasts.csv keyed by "model/series".
func readReferenceForecasts(t *testing.T) map[string]referenceForecast {
	out := map[string]referenceForecast{}
	for _, r := range modeltest.ReadGolden(t, "forecasts.csv")[1:] {
		key := r[0] + "/" + r[1]
		f := out[key]
		f.mean = append(f.mean, modeltest.GoldenFloat(t, r[3]))
		f.lo80 = append(f.lo80, modeltest.GoldenFloat(t, r[4]))
		f.hi80 = append(f.hi80, modeltest.GoldenFloat(t, r[5]))
		f.lo95 = append(f.lo95, modeltest.GoldenFloat(t, r[6]))
		f.hi95 = append(f.hi95, modeltest.GoldenFloat(t, r[7]))
		out[key] = f
	}
	return out
}

// readReferenceFitted reads fitted.csv keyed by "model/series".
func readReferenceFitted(t *testing.T) map[string][]float64 {
	out := map[string][]float64{}
	for _, r := range modeltest.ReadGolden(t, "fitted.csv")[1:] {
		key := r[0] + "/" + r[1]
		out[key] = append(out[key], modeltest.GoldenFloat(t, r[3]))
	}
	return out
}
